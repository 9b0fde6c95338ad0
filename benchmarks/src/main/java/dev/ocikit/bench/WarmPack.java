package dev.ocikit.bench;

import dev.ocikit.build.ImageBuilder;
import dev.ocikit.layers.LayerOptions;
import dev.ocikit.layers.LayerWriter;
import dev.ocikit.layers.WrittenLayer;
import dev.ocikit.layout.OciLayout;
import dev.ocikit.model.Compression;
import dev.ocikit.model.Platform;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Packing as a program that embeds the library does it: a {@link LayerWriter} of the tree written
 * into a new layout and an image built on it with {@link ImageBuilder} (what {@code ocikit pack}
 * does), again and again in one JVM (after one untimed run), each run interleaved with a command to
 * compare with ({@code tar -c | pigz}, say); prints the medians and their ratio. Used by {@code
 * pack-bench.sh}.
 *
 * <pre>
 * java -cp benchmarks.jar dev.ocikit.bench.WarmPack TREE LAYOUT gzip|zstd RUNS -- COMMAND...
 * </pre>
 */
public final class WarmPack {
  private WarmPack() {}

  /** Runs the comparison; see the class comment for the arguments. */
  public static void main(String[] args) throws IOException, InterruptedException {
    int dashes = Arrays.asList(args).indexOf("--");
    if (args.length < 6 || dashes != 4) {
      System.err.println("usage: WarmPack TREE LAYOUT gzip|zstd RUNS -- COMMAND...");
      System.exit(2);
    }
    Path tree = Path.of(args[0]);
    Path layout = Path.of(args[1]);
    Compression compression = Compression.valueOf(args[2].toUpperCase(Locale.ROOT));
    int runs = Integer.parseInt(args[3]);
    List<String> command = List.of(Arrays.copyOfRange(args, 5, args.length));
    LayerOptions options = // as ocikit pack's
        LayerOptions.DEFAULT.toBuilder()
            .compression(compression)
            .threads(Runtime.getRuntime().availableProcessors())
            .build();

    pack(tree, layout, options); // untimed: the JIT's warm-up
    List<Double> ocikit = new ArrayList<>();
    List<Double> other = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      WarmUnpack.clear(layout);
      long start = System.nanoTime();
      pack(tree, layout, options);
      ocikit.add((System.nanoTime() - start) / 1e9);
      WarmUnpack.clear(layout);
      start = System.nanoTime();
      int status = new ProcessBuilder(command).inheritIO().start().waitFor();
      other.add((System.nanoTime() - start) / 1e9);
      if (status != 0) {
        throw new IOException(command + " failed with status " + status);
      }
    }
    WarmUnpack.clear(layout);
    WarmUnpack.report("warm LayerWriter + ImageBuilder", ocikit, command, other);
  }

  private static void pack(Path tree, Path layout, LayerOptions options) throws IOException {
    try (OciLayout target = OciLayout.openOrCreate(layout)) {
      WrittenLayer layer = new LayerWriter(options).addTree(tree).write(target);
      ImageBuilder.scratch(Platform.of("linux", "amd64"))
          .addLayer(layer.descriptor(), layer.diffId())
          .build(target, "b");
    }
  }
}
