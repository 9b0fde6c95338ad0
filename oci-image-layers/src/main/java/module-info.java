/** OCI image layers: applying and creating filesystem changesets (layer.md). */
module dev.ocikit.layers {
  requires transitive dev.ocikit.layout;

  exports dev.ocikit.layers;
}
