package dev.ocikit.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ocikit.layers.corpus.RawTar;
import dev.ocikit.model.Compression;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageUnpackerTest {
  @TempDir Path dir;

  /**
   * An image whose first layer is fine (with directories closed to their owner, which a rootless
   * removal must open) and whose second is unsafe.
   */
  private Path badSecondLayer() throws IOException {
    Path layout = dir.resolve("layout");
    LayerTar.writeImage(
        layout,
        "t",
        List.of(
            new LayerTar.Layer(
                new LayerTar()
                    .dir("ro")
                    .mode(0500)
                    .file("ro/f", "x\n")
                    .dir("closed")
                    .mode(0)
                    .file("closed/g", "y\n")
                    .file("a", "a\n")
                    .bytes(),
                Compression.GZIP),
            new LayerTar.Layer(
                new RawTar().file("../escape", "out\n").finish(), Compression.NONE)));
    return layout;
  }

  @Test
  void aFailedUnpackRemovesTheTargetItMade() throws IOException {
    Path layout = badSecondLayer();
    Path target = dir.resolve("new/rootfs");
    assertThatThrownBy(() -> LayerTar.unpack(layout, "t", target, !Tools.root()))
        .isInstanceOf(UnsafeEntryException.class);
    assertThat(target).doesNotExist(); // no half tree that could pass for the image
    assertThat(dir.resolve("escape")).doesNotExist();
  }

  @Test
  void aFailedUnpackEmptiesTheEmptyTargetItWasGiven() throws IOException {
    Path layout = badSecondLayer();
    Path target = Files.createDirectory(dir.resolve("given"));
    assertThatThrownBy(() -> LayerTar.unpack(layout, "t", target, true))
        .isInstanceOf(UnsafeEntryException.class);
    assertThat(target).isDirectory();
    try (Stream<Path> left = Files.list(target)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void aTargetThatIsASymbolicLinkIsRefusedBeforeAnythingIsWritten() throws IOException {
    Path layout = dir.resolve("layout");
    LayerTar.writeImage(
        layout,
        "t",
        List.of(new LayerTar.Layer(new LayerTar().file("a", "a\n").bytes(), Compression.GZIP)));
    Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
    Path link = Files.createSymbolicLink(dir.resolve("link"), elsewhere);
    assertThatThrownBy(() -> LayerTar.unpack(layout, "t", link, !Tools.root()))
        .isInstanceOf(java.nio.file.FileSystemException.class)
        .hasMessageContaining("is a symbolic link (to " + elsewhere + ")");
    try (Stream<Path> left = Files.list(elsewhere)) {
      assertThat(left).isEmpty();
    }
    assertThat(link).isSymbolicLink();
  }
}
