package dev.ocikit.bench;

import dev.ocikit.build.ImageBuilder;
import dev.ocikit.layers.ApplyOptions;
import dev.ocikit.layers.ImageUnpacker;
import dev.ocikit.layers.LayerOptions;
import dev.ocikit.layers.LayerWriter;
import dev.ocikit.layers.ProgressListener;
import dev.ocikit.layers.WrittenLayer;
import dev.ocikit.layers.internal.LayerReader;
import dev.ocikit.layout.ImageRef;
import dev.ocikit.layout.OciLayout;
import dev.ocikit.model.Compression;
import dev.ocikit.model.Platform;
import dev.ocikit.view.ImageView;
import dev.ocikit.view.ViewOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Reading every file of an image through an {@link ImageView} against unpacking it with {@link
 * ImageUnpacker} and reading the files from disk.
 *
 * <p>The image is one layer made with {@link LayerWriter} from the tree {@code gen-tree.py} writes
 * (~30,000 files, ~310 MB), gzip or zstd. Each run, interleaved:
 *
 * <ul>
 *   <li>view: {@code ImageView.open} (streams the layer once, verified, into the index and the
 *       spill cache), then {@code Files.walk} of {@code view.root()} reading every regular file
 *       with {@code Files.readAllBytes};
 *   <li>unpack: {@code ImageUnpacker.unpack} into a new directory, then the same walk and reads on
 *       disk.
 * </ul>
 *
 * Both checksum every byte read (CRC32C), and the two sums must agree. A third pass only streams
 * the layer (read, verify, decompress, parse the tar, discard the content: what any reader of the
 * layer pays), so that what the index and the spill cache add to the open is their difference. It
 * prints the median of each phase, the ratio of the totals, the spill cache's size and the index's
 * heap.
 *
 * <p>Run: {@code benchmarks/view-bench.sh [RUNS] [gzip|zstd]}, or {@code java -cp
 * benchmarks/target/benchmarks.jar dev.ocikit.bench.ViewBenchmark TREE WORK [RUNS] [gzip|zstd]}.
 */
public final class ViewBenchmark {
  private ViewBenchmark() {}

  /** What reading every file gave. */
  private record Read(long files, long bytes, long crc) {}

  /**
   * Runs the benchmark.
   *
   * @param args the tree, a work directory (created), the number of runs (3), the compression
   * @throws IOException if a step fails
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: ViewBenchmark TREE WORK [RUNS] [gzip|zstd]");
      System.exit(2);
    }
    Path tree = Path.of(args[0]);
    Path work = Files.createDirectories(Path.of(args[1]));
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    Compression compression =
        args.length > 3 && args[3].equals("zstd") ? Compression.ZSTD : Compression.GZIP;
    Path layoutDir = work.resolve("layout-" + compression.name().toLowerCase(Locale.ROOT));
    Path spill = Files.createDirectories(work.resolve("spill"));
    Path out = work.resolve("out");
    deleteTree(out);

    ImageRef image;
    try (OciLayout layout = OciLayout.openOrCreate(layoutDir)) {
      if (!layout.refs().contains("b")) {
        long t = System.nanoTime();
        WrittenLayer layer =
            new LayerWriter(LayerOptions.DEFAULT.withCompression(compression))
                .addTree(tree)
                .write(layout);
        ImageBuilder.scratch(Platform.of("linux", "amd64"))
            .addLayer(layer.descriptor(), layer.diffId())
            .build(layout, "b");
        System.out.printf(
            Locale.ROOT,
            "image built in %.1f s: %d entries, %d MB uncompressed, %d MB %s%n",
            (System.nanoTime() - t) / 1e9,
            layer.entries(),
            layer.uncompressedSize() >> 20,
            layer.descriptor().size() >> 20,
            compression.name().toLowerCase(Locale.ROOT));
      }
      image = layout.resolve("b", null);

      List<Double> viewOpen = new ArrayList<>();
      List<Double> viewRead = new ArrayList<>();
      List<Double> viewTotal = new ArrayList<>();
      List<Double> unpackWrite = new ArrayList<>();
      List<Double> unpackRead = new ArrayList<>();
      List<Double> unpackTotal = new ArrayList<>();
      List<Double> streamOnly = new ArrayList<>();
      long spillBytes = 0;
      long liveBytes = 0;
      long entries = 0;
      long heap = 0;
      Read viewed = null;
      Read unpacked = null;
      ApplyOptions apply = ApplyOptions.DEFAULT.withRootless(!isRoot());
      ViewOptions options = ViewOptions.DEFAULT.withSpillDirectory(spill);
      for (int run = 0; run < runs + 1; run++) { // the first run warms up, untimed
        boolean timed = run > 0;

        long before = usedHeap();
        long t0 = System.nanoTime();
        try (ImageView view = ImageView.open(layout, image, options)) {
          long t1 = System.nanoTime();
          long retained = usedHeap() - before;
          viewed = readAll(view.root());
          long t2 = System.nanoTime();
          if (timed) {
            viewOpen.add((t1 - t0) / 1e9);
            viewRead.add((t2 - t1) / 1e9);
            viewTotal.add((t2 - t0) / 1e9);
            spillBytes = view.spillBytes();
            liveBytes = view.liveBytes();
            entries = view.entryCount();
            heap = Math.max(heap, retained);
          }
        }

        t0 = System.nanoTime();
        stream(layout, image);
        if (timed) {
          streamOnly.add((System.nanoTime() - t0) / 1e9);
        }

        t0 = System.nanoTime();
        new ImageUnpacker(apply, ProgressListener.NONE).unpack(layout, image, out);
        long t1 = System.nanoTime();
        unpacked = readAll(out);
        long t2 = System.nanoTime();
        if (timed) {
          unpackWrite.add((t1 - t0) / 1e9);
          unpackRead.add((t2 - t1) / 1e9);
          unpackTotal.add((t2 - t0) / 1e9);
        }
        deleteTree(out);
        if (!viewed.equals(unpacked)) {
          throw new IllegalStateException("the view read " + viewed + ", the disk " + unpacked);
        }
        System.out.printf(
            Locale.ROOT,
            "run %d%s: view %.2f s, unpack %.2f s%n",
            run,
            timed ? "" : " (warm-up)",
            timed ? viewTotal.get(run - 1) : Double.NaN,
            timed ? unpackTotal.get(run - 1) : Double.NaN);
      }
      System.out.printf(
          Locale.ROOT,
          "%nread %d files, %d MB, both ways the same (crc32c %08x); %d runs, medians:%n",
          viewed.files(),
          viewed.bytes() >> 20,
          viewed.crc(),
          runs);
      System.out.printf(
          Locale.ROOT,
          "  view:   open %6.2f s + read %6.2f s = %6.2f s%n",
          median(viewOpen),
          median(viewRead),
          median(viewTotal));
      System.out.printf(
          Locale.ROOT,
          "  unpack: unpack %4.2f s + read %6.2f s = %6.2f s%n",
          median(unpackWrite),
          median(unpackRead),
          median(unpackTotal));
      System.out.printf(
          Locale.ROOT,
          "  streaming the layer alone (read, verify, decompress, parse): %.2f s;"
              + " the index and spill cache add %.2f s to the open%n",
          median(streamOnly),
          median(viewOpen) - median(streamOnly));
      System.out.printf(
          Locale.ROOT,
          "  ratio view / unpack (totals): %.2f%n",
          median(viewTotal) / median(unpackTotal));
      System.out.printf(
          Locale.ROOT,
          "  spill cache: %d MB on disk (%d MB live), index: %d entries, ~%d MB heap"
              + " (~%d bytes per entry)%n",
          spillBytes >> 20,
          liveBytes >> 20,
          entries,
          heap >> 20,
          entries == 0 ? 0 : heap / entries);
    }
  }

  /** Streams every layer of the image, verified, discarding the content. */
  private static void stream(OciLayout layout, ImageRef image) throws IOException {
    var manifest = image.manifest().value();
    var diffIds = layout.readConfig(manifest.config()).value().rootfs().diffIds();
    byte[] scratch = new byte[256 * 1024];
    LayerReader reader = new LayerReader(64L << 30, 10_000_000, ProgressListener.NONE);
    for (int i = 0; i < manifest.layers().size(); i++) {
      reader.read(
          layout,
          manifest.layers().get(i),
          diffIds.get(i),
          (entry, content) -> {
            InputStream in = content;
            while (in.read(scratch) > 0) {
              // discard
            }
          });
    }
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static long usedHeap() {
    Runtime r = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return r.totalMemory() - r.freeMemory();
  }

  private static Read readAll(Path root) throws IOException {
    long files = 0;
    long bytes = 0;
    long crc = 0;
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(root)) {
      paths =
          walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
              .sorted(
                  (a, b) -> root.relativize(a).toString().compareTo(root.relativize(b).toString()))
              .toList();
    }
    for (Path p : paths) {
      byte[] content = Files.readAllBytes(p);
      CRC32C c = new CRC32C();
      c.update(content);
      crc = crc * 31 + c.getValue();
      files++;
      bytes += content.length;
    }
    return new Read(files, bytes, crc);
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get((sorted.size() - 1) / 2);
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
            Files.delete(d);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
