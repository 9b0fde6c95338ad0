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
 * 64 MiB heap, reading the layer once.
 */
class BigLayerIT {
  static final long SIZE = 3L * 1024 * 1024 * 1024;

  @TempDir Path dir;

  @Test
  void deepValidationOfAMultiGigabyteLayerRunsInA64MibHeap() throws Exception {
    Path gz = dir.resolve("layer.tar.gz");
    Digest diffId;
    GzipParameters parameters = new GzipParameters();
    parameters.setCompressionLevel(1);
    try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(gz), 1 << 20);
        GzipCompressorOutputStream gzip = new GzipCompressorOutputStream(file, parameters);
        DigestingOutputStream tarBytes = new DigestingOutputStream(gzip, DigestAlgorithm.SHA256);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(tarBytes)) {
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
      tar.finish();
      tarBytes.flush();
      diffId = tarBytes.digest();
    }
    OciLayout layout = OciLayout.create(dir.resolve("big"));
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
        "big", layout.writeDocument(Manifest.builder().config(config).addLayer(layer).build()));

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
}
