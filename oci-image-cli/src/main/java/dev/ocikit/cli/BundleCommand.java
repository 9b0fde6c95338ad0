package dev.ocikit.cli;

import dev.ocikit.bundle.BundleCreator;
import dev.ocikit.bundle.BundleException;
import dev.ocikit.bundle.ConversionOptions;
import dev.ocikit.layers.ApplyOptions;
import dev.ocikit.layers.LayerException;
import dev.ocikit.layers.ProgressListener;
import dev.ocikit.layout.ImageLayout;
import dev.ocikit.layout.ImageLayouts;
import dev.ocikit.layout.ImageRef;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ocikit bundle LAYOUT BUNDLE [--ref R] [--platform P] [--rootless]}. */
@Command(
    name = "bundle",
    mixinStandardHelpOptions = true,
    description = {
      "Make a runtime bundle of an image in BUNDLE (absent or empty): the layers unpacked into"
          + " BUNDLE/rootfs as 'unpack' does, and BUNDLE/config.json converted from the image's"
          + " config as image-spec conversion.md says, on runc's defaults, its user resolved in"
          + " the image's /etc/passwd and /etc/group, checked against the runtime-spec schema.",
      "Without --ref, a layout with exactly one image uses it."
    },
    footer = {
      "",
      "Exit status: 0 done; 1 invalid or unsafe content, or an image that cannot become a bundle"
          + " (another os, an unknown user); 2 usage or unreadable input."
    })
final class BundleCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "LAYOUT",
      description = "A layout directory, an oci-archive tar or a docker-save tar.")
  Path layout;

  @Parameters(index = "1", paramLabel = "BUNDLE", description = "The bundle directory to make.")
  Path bundle;

  @Mixin ImageSelection selection;

  @Option(
      names = "--rootless",
      description =
          "For a rootless runtime: keep the current user as owner of everything (no chown), and"
              + " a config.json with a user namespace mapping root to the current user, as"
              + " 'runc spec --rootless' writes it. Implied when not run as root.")
  boolean rootless;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    Warmup.start();
    return LayoutCommands.guarded(
        spec,
        () -> {
          try (ImageLayout l = ImageLayouts.open(layout)) {
            ImageRef image = selection.resolve(l);
            boolean rootlessNow = rootless || !isRoot();
            ConversionOptions conversion = ConversionOptions.DEFAULT;
            if (rootlessNow) {
              conversion = conversion.withRootless(ConversionOptions.Rootless.currentUser());
            }
            BundleCreator creator =
                new BundleCreator(
                    ApplyOptions.DEFAULT.withRootless(rootlessNow),
                    conversion,
                    ProgressListener.NONE);
            BundleCreator.Result result;
            try {
              result = creator.create(l, image, bundle);
            } catch (LayerException | BundleException e) {
              err.println("ocikit: " + Text.oneLine(String.valueOf(e.getMessage())));
              return Ocikit.INVALID;
            }
            for (var layerResult : result.unpack().layers()) {
              for (String note : layerResult.notes()) {
                err.println("ocikit: note: " + Text.oneLine(note));
              }
            }
            spec.commandLine()
                .getOut()
                .println(
                    "bundle of "
                        + image.descriptor().digest()
                        + " ("
                        + result.unpack().layers().size()
                        + " layers) in "
                        + bundle);
          }
          return 0;
        });
  }

  private static boolean isRoot() {
    try {
      return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
    } catch (IOException | UnsupportedOperationException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }
}
