package dev.ocikit.cli;

import dev.ocikit.layout.ImageLayout;
import dev.ocikit.layout.ImageRef;
import java.io.IOException;
import picocli.CommandLine.Option;

/** The {@code --ref} and {@code --platform} options of the commands that work on one image. */
final class ImageSelection {
  @Option(names = "--ref", paramLabel = "REF", description = "A ref name or a digest.")
  String ref;

  @Option(
      names = "--platform",
      paramLabel = "OS/ARCH[/VARIANT]",
      description = "The platform to choose in an index (default: this machine's).")
  String platform;

  /** The chosen image: by ref and platform, or the layout's only image without a ref. */
  ImageRef resolve(ImageLayout layout) throws IOException {
    var p = LayoutCommands.platform(platform);
    return ref == null ? layout.resolveOnly(p) : layout.resolve(ref, p);
  }
}
