/** OCI image layouts: directories and their tar form (image-layout.md). */
module dev.ocikit.layout {
  requires transitive dev.ocikit.model;
  requires org.apache.commons.compress;
  requires com.github.luben.zstd_jni;

  exports dev.ocikit.layout;
  exports dev.ocikit.layout.internal to
      dev.ocikit.layers;
}
