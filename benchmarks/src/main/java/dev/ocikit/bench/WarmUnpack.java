package dev.ocikit.bench;

import dev.ocikit.layers.ApplyOptions;
import dev.ocikit.layers.ImageUnpacker;
import dev.ocikit.layers.ProgressListener;
import dev.ocikit.layout.ImageLayout;
import dev.ocikit.layout.ImageLayouts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Unpacking as a program that embeds the library does it: {@link ImageUnpacker} run again and again
 * in one JVM (after one untimed run), each run interleaved with a command to compare with ({@code
 * tar -xzf}, say), both into the same, emptied, output directory; prints the medians and their
 * ratio. Used by {@code unpack-bench.sh}.
 *
 * <pre>
 * java -cp benchmarks.jar dev.ocikit.bench.WarmUnpack LAYOUT REF OUT RUNS -- COMMAND...
 * </pre>
 */
public final class WarmUnpack {
  private WarmUnpack() {}

  /** Runs the comparison; see the class comment for the arguments. */
  public static void main(String[] args) throws IOException, InterruptedException {
    int dashes = Arrays.asList(args).indexOf("--");
    if (args.length < 6 || dashes != 4) {
      System.err.println("usage: WarmUnpack LAYOUT REF OUT RUNS -- COMMAND...");
      System.exit(2);
    }
    ImageLayout layout = ImageLayouts.open(Path.of(args[0]));
    String ref = args[1];
    Path out = Path.of(args[2]);
    int runs = Integer.parseInt(args[3]);
    List<String> command = List.of(Arrays.copyOfRange(args, 5, args.length));
    ImageUnpacker unpacker = new ImageUnpacker(ApplyOptions.DEFAULT, ProgressListener.NONE);

    clear(out);
    unpacker.unpack(layout, layout.resolve(ref, null), out); // untimed: the JIT's warm-up
    List<Double> ocikit = new ArrayList<>();
    List<Double> other = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      clear(out);
      long start = System.nanoTime();
      unpacker.unpack(layout, layout.resolve(ref, null), out);
      ocikit.add((System.nanoTime() - start) / 1e9);
      clear(out);
      start = System.nanoTime();
      int status = new ProcessBuilder(command).inheritIO().start().waitFor();
      other.add((System.nanoTime() - start) / 1e9);
      if (status != 0) {
        throw new IOException(command + " failed with status " + status);
      }
    }
    clear(out);
    report("warm ImageUnpacker", ocikit, command, other);
  }

  /** Prints the medians of both, each run's time, and the ratio of the medians. */
  static void report(String what, List<Double> ocikit, List<String> command, List<Double> other) {
    double o = median(ocikit);
    double c = median(other);
    System.out.printf(
        Locale.ROOT,
        "%s %.2f s (%s), %s %.2f s (%s): ratio %.2f%n",
        what,
        o,
        seconds(ocikit),
        String.join(" ", command),
        c,
        seconds(other),
        o / c);
  }

  /** Removes {@code out} and flushes the file system, as the shell benchmark does between runs. */
  static void clear(Path out) throws IOException, InterruptedException {
    run(List.of("rm", "-rf", out.toString()));
    run(List.of("sync"));
  }

  private static void run(List<String> command) throws IOException, InterruptedException {
    if (new ProcessBuilder(command).inheritIO().start().waitFor() != 0) {
      throw new IOException(command + " failed");
    }
  }

  private static String seconds(List<Double> values) {
    StringBuilder b = new StringBuilder();
    for (double v : values) {
      b.append(b.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.2f", v));
    }
    return b.toString();
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    return sorted.get((sorted.size() - 1) / 2);
  }
}
