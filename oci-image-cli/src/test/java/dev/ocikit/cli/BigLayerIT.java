package dev.ocikit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ocikit.digest.Digest;
import dev.ocikit.digest.DigestAlgorithm;
import dev.ocikit.digest.DigestingOutputStream;
import dev.ocikit.layout.OciLayout;
import dev.ocikit.model.Descriptor;
import dev.ocikit.model.ImageConfig;
import dev.ocikit.model.Manifest;
import dev.ocikit.model.MediaType;
import dev.ocikit.model.Platform;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streaming: {@code ocikit validate --deep} of a layout whose layer is 3 GiB uncompressed runs in a
 * 64 MiB heap, reading the layer once; {@code ocikit unpack} of a layer of 30,000 small files (330
 * MB) runs in a 48 MiB heap, with the JVM's default collector.
 */
class BigLayerIT {
  static final long SIZE = 3L * 1024 * 1024 * 1024;

  @TempDir Path dir;

  /** Writes the entries of a tar. */
  private interface TarBody {
    void write(TarArchiveOutputStream tar) throws java.io.IOException;
  }

  /** Writes {@code gz}: the tar {@code body} writes, gzip level 1; returns the tar's digest. */
  private static Digest gzipTar(Path gz, TarBody body) throws java.io.IOException {
    GzipParameters parameters = new GzipParameters();
    parameters.setCompressionLevel(1);
    try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(gz), 1 << 20);
        GzipCompressorOutputStream gzip = new GzipCompressorOutputStream(file, parameters);
        DigestingOutputStream tarBytes = new DigestingOutputStream(gzip, DigestAlgorithm.SHA256);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(tarBytes)) {
      body.write(tar);
      tar.finish();
      tarBytes.flush();
      return tarBytes.digest();
    }
  }

  /**
   * Tags in {@code layout}, as {@code ref}, an image of the one gzip layer {@code gz} (moved into
   * the layout) with that diff_id; returns the layer's descriptor.
   */
  private static Descriptor tagImageOfLayer(OciLayout layout, String ref, Path gz, Digest diffId)
      throws java.io.IOException {
    Descriptor layer;
    try (InputStream in = Files.newInputStream(gz)) {
      layer = layout.writeBlob(MediaType.IMAGE_LAYER_GZIP, in);
    }
    Files.delete(gz);
    Descriptor config =
        layout.writeDocument(
            ImageConfig.builder()
                .platform(Platform.of("linux", "amd64"))
                .rootfs(ImageConfig.RootFs.of(List.of(diffId)))
                .build());
    layout.tag(
        ref, layout.writeDocument(Manifest.builder().config(config).addLayer(layer).build()));
    return layer;
  }

  @Test
  void deepValidationOfAMultiGigabyteLayerRunsInA64MibHeap() throws Exception {
    Path gz = dir.resolve("layer.tar.gz");
    Digest diffId =
        gzipTar(
            gz,
            tar -> {
              tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
              TarArchiveEntry entry = new TarArchiveEntry("big.bin");
              entry.setSize(SIZE);
              tar.putArchiveEntry(entry);
              byte[] chunk = new byte[1 << 20];
              for (long written = 0; written < SIZE; written += chunk.length) {
                chunk[0] = (byte) (written >>> 20); // not all zeros: a little entropy per MiB
                tar.write(chunk);
              }
              tar.closeArchiveEntry();
            });
    OciLayout layout = OciLayout.create(dir.resolve("big"));
    Descriptor layer = tagImageOfLayer(layout, "big", gz, diffId);

    long start = System.nanoTime();
    Process p =
        new ProcessBuilder(
                "java",
                "-Xmx64m",
                "-jar",
                OcikitJarIT.jar().toString(),
                "validate",
                "--deep",
                layout.root().toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
    double seconds = (System.nanoTime() - start) / 1e9;
    assertThat(p.exitValue()).as(output).isZero();
    assertThat(output).contains("valid image layout (deep)");
    System.out.printf(
        "validate --deep of a %.1f GiB layer (%d bytes gzip) with -Xmx64m: %.1f s%n",
        SIZE / (1024.0 * 1024 * 1024), layer.size(), seconds);
  }

  @Test
  void unpackingThirtyThousandSmallFilesRunsInA48MibHeap() throws Exception {
    // Small files go to a writer thread of their own through a bounded queue of reused arrays:
    // what waits there is bounded whatever the layer's size. (With 32 MiB, G1 on JDK 17 fails
    // now and then with "Retried waiting for GCLocker too often": the inflating thread is inside
    // a JNI critical region most of the time. 40 MiB passed every time here.)
    int files = 30_000;
    Path gz = dir.resolve("small.tar.gz");
    java.util.Random random = new java.util.Random(7);
    long[] total = {0};
    Digest diffId =
        gzipTar(
            gz,
            tar -> {
              for (int i = 0; i < files; i++) {
                if (i % 500 == 0) {
                  tar.putArchiveEntry(new TarArchiveEntry("d" + i / 500 + "/"));
                  tar.closeArchiveEntry();
                }
                // Sizes as benchmarks/gen-tree.py draws them: log-normal, 6.6 KB median.
                byte[] content = new byte[(int) Math.exp(8.8 + random.nextGaussian()) + 16];
                random.nextBytes(content);
                TarArchiveEntry entry = new TarArchiveEntry("d" + i / 500 + "/f" + i);
                entry.setSize(content.length);
                tar.putArchiveEntry(entry);
                tar.write(content);
                tar.closeArchiveEntry();
                total[0] += content.length;
              }
            });
    OciLayout layout = OciLayout.create(dir.resolve("small"));
    tagImageOfLayer(layout, "small", gz, diffId);

    Path out = dir.resolve("out");
    Process p =
        new ProcessBuilder(
                "java",
                "-Xmx48m",
                "-jar",
                OcikitJarIT.jar().toString(),
                "unpack",
                layout.root().toString(),
                out.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    long count;
    long bytes;
    try (java.util.stream.Stream<Path> walk = Files.walk(out)) {
      List<Path> regular = walk.filter(Files::isRegularFile).toList();
      count = regular.size();
      long sum = 0;
      for (Path f : regular) {
        sum += Files.size(f);
      }
      bytes = sum;
    }
    assertThat(count).isEqualTo(files);
    assertThat(bytes).isEqualTo(total[0]);
  }
}
