package dev.ocikit.layers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ocikit.digest.Digest;
import dev.ocikit.digest.DigestAlgorithm;
import dev.ocikit.digest.DigestingOutputStream;
import dev.ocikit.layout.OciLayout;
import dev.ocikit.model.Descriptor;
import dev.ocikit.model.MediaType;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The two-thread pipeline with layers much larger than its queue of chunks. */
class PipelineTest {
  @TempDir Path dir;

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void layersLargerThanTheQueueAreAppliedWhole() throws Exception {
    byte[] big = new byte[24 << 20]; // 96 chunks of 256 KiB
    new Random(7).nextBytes(big);
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    Digest diffId;
    try (GzipCompressorOutputStream gzip = new GzipCompressorOutputStream(gz);
        DigestingOutputStream digesting = new DigestingOutputStream(gzip, DigestAlgorithm.SHA256);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(digesting)) {
      TarArchiveEntry e = new TarArchiveEntry("big.bin");
      e.setSize(big.length);
      tar.putArchiveEntry(e);
      tar.write(big);
      tar.closeArchiveEntry();
      for (int i = 0; i < 50; i++) {
        TarArchiveEntry small = new TarArchiveEntry("small/" + i);
        small.setSize(1);
        tar.putArchiveEntry(small);
        tar.write(i);
        tar.closeArchiveEntry();
      }
      tar.finish();
      digesting.flush();
      diffId = digesting.digest();
    }
    OciLayout layout = OciLayout.create(dir.resolve("layout"));
    Descriptor layer = layout.writeBlob(MediaType.IMAGE_LAYER_GZIP, gz.toByteArray());
    Path target = Files.createDirectories(dir.resolve("rootfs"));
    long[] seen = {0};
    ApplyResult result =
        new LayerApplier(
                ApplyOptions.DEFAULT.withRootless(true),
                new ProgressListener() {
                  @Override
                  public void bytes(long done, long total) {
                    seen[0] = done;
                  }
                })
            .apply(layout, layer, diffId, target);
    assertThat(result.diffId()).isEqualTo(diffId);
    assertThat(result.entries()).isEqualTo(51);
    assertThat(Files.readAllBytes(target.resolve("big.bin"))).isEqualTo(big);
    assertThat(target.resolve("small/49")).exists();
    assertThat(seen[0]).as("progress reached the end of the blob").isEqualTo(layer.size());
    OutputStream unused = OutputStream.nullOutputStream();
    assertThat(unused).isNotNull();
  }
}
