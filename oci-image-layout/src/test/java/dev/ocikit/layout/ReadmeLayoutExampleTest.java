package dev.ocikit.layout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ocikit.model.Descriptor;
import dev.ocikit.model.ImageConfig;
import dev.ocikit.model.Manifest;
import dev.ocikit.model.MediaType;
import dev.ocikit.model.Platform;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The layout example of README.md, kept compiling and passing. */
class ReadmeLayoutExampleTest {
  @TempDir Path dir;

  @Test
  void readmeLayoutExampleWorks() throws Exception {
    Path path = dir.resolve("layout");
    byte[] layerTar = BrokenLayoutsAccess.tar();

    // --- README layout example: begin ---
    OciLayout layout = OciLayout.openOrCreate(path);
    Descriptor layer = layout.writeBlob(MediaType.IMAGE_LAYER, layerTar); // streamed, fsync, rename
    Descriptor config =
        layout.writeDocument(
            ImageConfig.builder()
                .platform(Platform.parse("linux/amd64"))
                .rootfs(ImageConfig.RootFs.of(List.of(layer.digest()))) // uncompressed: diff_id
                .build());
    Descriptor manifest =
        layout.writeDocument(Manifest.builder().config(config).addLayer(layer).build());
    layout.tag("v1", manifest); // index.json: locked, atomic

    ImageRef image = layout.resolve("v1", Platform.parse("linux/amd64"));
    List<LayoutProblem> problems = LayoutChecker.check(path, true); // every problem, not the first
    layout.gc(); // drops unreferenced blobs, keeps referrers
    // --- README layout example: end ---

    assertThat(image.descriptor().digest()).isEqualTo(manifest.digest());
    assertThat(problems).isEmpty();
    assertThat(new String(layerTar, 0, 5, StandardCharsets.US_ASCII)).isEqualTo("a.txt");
  }

  /** A small tar, built like the corpus layers. */
  static final class BrokenLayoutsAccess {
    static byte[] tar() throws java.io.IOException {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      try (var tar = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(out)) {
        byte[] content = "hello\n".getBytes(StandardCharsets.UTF_8);
        var entry = new org.apache.commons.compress.archivers.tar.TarArchiveEntry("a.txt");
        entry.setSize(content.length);
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
      }
      return out.toByteArray();
    }
  }
}
