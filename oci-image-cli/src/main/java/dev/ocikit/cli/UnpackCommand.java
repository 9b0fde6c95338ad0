package dev.ocikit.cli;

import dev.ocikit.layers.ApplyOptions;
import dev.ocikit.layers.ImageUnpacker;
import dev.ocikit.layers.LayerException;
import dev.ocikit.layers.ProgressListener;
import dev.ocikit.layout.ImageLayout;
import dev.ocikit.layout.ImageLayouts;
import dev.ocikit.layout.ImageRef;
import dev.ocikit.model.Descriptor;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ocikit unpack LAYOUT DEST [--ref R] [--platform P] [--rootless]}. */
@Command(
    name = "unpack",
    mixinStandardHelpOptions = true,
    description = {
      "Unpack an image into DEST (absent or empty): every layer applied in order, each verified"
          + " against its digest and its diff_id, confined to DEST.",
      "Without --ref, a layout with exactly one image uses it."
    },
    footer = {"", "Exit status: 0 done; 1 invalid or unsafe content; 2 usage or unreadable input."})
final class UnpackCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "LAYOUT",
      description = "A layout directory, an oci-archive tar or a docker-save tar.")
  Path layout;

  @Parameters(index = "1", paramLabel = "DEST", description = "The directory to unpack into.")
  Path target;

  @Mixin ImageSelection selection;

  @Option(
      names = "--rootless",
      description = "Keep the current user as owner of everything (no chown), as non-root must.")
  boolean rootless;

  @Option(
      names = "--device-placeholders",
      description =
          "Where a device cannot be made (unprivileged), put an empty file in its place, as umoci"
              + " --rootless does, instead of skipping it (either way with a note).")
  boolean devicePlaceholders;

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
            ImageUnpacker unpacker =
                new ImageUnpacker(
                    ApplyOptions.DEFAULT
                        .withRootless(rootlessNow)
                        .withSpecialFiles(
                            devicePlaceholders
                                ? ApplyOptions.SpecialFiles.CREATE_OR_PLACEHOLDER
                                : ApplyOptions.SpecialFiles.CREATE_OR_SKIP),
                    System.console() != null ? new Progress(err) : ProgressListener.NONE);
            ImageUnpacker.Result result;
            try {
              result = unpacker.unpack(l, image, target);
            } catch (LayerException e) {
              err.println("ocikit: " + Text.oneLine(String.valueOf(e.getMessage())));
              return Ocikit.INVALID;
            }
            long notes = 0;
            for (var layerResult : result.layers()) {
              for (String note : layerResult.notes()) {
                err.println("ocikit: note: " + Text.oneLine(note));
                notes++;
              }
            }
            spec.commandLine()
                .getOut()
                .println(
                    "unpacked "
                        + image.descriptor().digest()
                        + " ("
                        + result.layers().size()
                        + " layers"
                        + (notes == 0 ? "" : ", " + notes + " notes")
                        + ") into "
                        + target);
          }
          return 0;
        });
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  /** Progress on stderr when it is a terminal. */
  private static final class Progress implements ProgressListener {
    private final PrintWriter err;
    private int index;
    private int count;
    private long last;

    Progress(PrintWriter err) {
      this.err = err;
    }

    @Override
    public void layer(int index, int count, Descriptor layer) {
      this.index = index;
      this.count = count;
    }

    @Override
    public synchronized void bytes(long done, long total) {
      long now = System.nanoTime();
      if (now - last < 200_000_000L && done < total) {
        return;
      }
      last = now;
      err.printf(
          "\rlayer %d/%d: %d%% of %d MB",
          index + 1, count, total == 0 ? 100 : done * 100 / total, total >> 20);
      if (done >= total) {
        err.println();
      }
      err.flush();
    }
  }
}
