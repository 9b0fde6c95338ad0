/** OCI image layouts: directories and their tar form (image-layout.md). */
module dev.ocikit.layout {
  requires transitive dev.ocikit.model;

  exports dev.ocikit.layout;
}
