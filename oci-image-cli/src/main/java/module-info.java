/** The ocikit command line: picocli commands that each call into the library. */
module dev.ocikit.cli {
  requires dev.ocikit.model;
  requires dev.ocikit.layers;
  requires info.picocli;

  opens dev.ocikit.cli to
      info.picocli;
}
