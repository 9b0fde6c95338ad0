/**
 * The OCI image model: descriptors, manifests, indexes, image configs and the layout header, their
 * digests and media types, lossless JSON, and validation against the image-spec JSON schemas.
 *
 * <p>Implements the <a href="https://github.com/opencontainers/image-spec/blob/main/spec.md">OCI
 * Image Format Specification</a>.
 */
module dev.ocikit.model {
  requires transitive tools.jackson.databind;
  requires transitive tools.jackson.core;
  requires static transitive org.jspecify;
  requires com.networknt.schema;
  requires org.bouncycastle.provider;

  exports dev.ocikit.digest;
  exports dev.ocikit.model;
  exports dev.ocikit.json;
  exports dev.ocikit.validation;
  exports dev.ocikit.blob;
  exports dev.ocikit.internal to
      dev.ocikit.layers;
}
