/**
 * OCI image layers: applying and creating filesystem changesets (layer.md); building images,
 * indexes and artifacts into image layouts; image to runtime bundle (conversion.md, runtime-spec
 * bundle.md).
 */
module dev.ocikit.layers {
  requires transitive dev.ocikit.layout;
  requires org.apache.commons.compress;
  requires com.github.luben.zstd_jni;
  requires com.networknt.schema;

  exports dev.ocikit.layers;
  exports dev.ocikit.build;
  exports dev.ocikit.bundle;
  exports dev.ocikit.view;
}
