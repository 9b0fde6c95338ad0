package dev.ocikit.assertj;

import static dev.ocikit.assertj.OciAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ocikit.layout.ImageLayout;
import dev.ocikit.layout.ImageRef;
import dev.ocikit.layout.LayoutException;
import dev.ocikit.layout.OciArchive;
import dev.ocikit.layout.OciLayout;
import dev.ocikit.model.Platform;
import dev.ocikit.view.ViewOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening, naming and closing the image under test. */
class ImageUnderTestTest {
  @TempDir static Path dir;
  static Path layout;

  @BeforeAll
  static void buildImages() throws IOException {
    layout = TestImages.build(dir.resolve("layout"));
  }

  @Test
  void anUnknownRefFailsListingTheRefs() {
    assertThatThrownBy(() -> ImageUnderTest.of(layout, "nope"))
        .isInstanceOf(LayoutException.class)
        .hasMessageContaining("nope")
        .hasMessageContaining("app")
        .hasMessageContaining("multi");
  }

  @Test
  void anImageByDigestIsNamedByItsDigest() throws IOException {
    String digest;
    try (ImageUnderTest app = ImageUnderTest.of(layout, "app")) {
      digest = app.digest().toString();
    }
    try (ImageUnderTest byDigest = ImageUnderTest.of(layout, digest)) {
      assertThat(byDigest.digest().toString()).isEqualTo(digest);
      assertThat(byDigest.name()).isEqualTo(digest.substring(0, 19) + "\u2026");
      assertThat(byDigest).hasFile("/etc/motd");
    }
  }

  @Test
  void anImageOfAnOpenLayoutLeavesTheLayoutOpen() throws IOException {
    try (ImageLayout open = OciLayout.open(layout)) {
      ImageRef ref = open.resolve("multi", Platform.parse("linux/arm64"));
      try (ImageUnderTest image = ImageUnderTest.of(open, ref)) {
        assertThat(image.name()).startsWith("multi@sha256:");
        assertThat(image).hasPlatform("linux/arm64").file("/arch").hasContent("arm64");
      }
      assertThat(open.refs()).contains("app", "multi");
    }
  }

  @Test
  void viewOptionsSetTheLimits() throws IOException {
    try (ImageLayout open = OciLayout.open(layout)) {
      ImageRef ref = open.resolve("app", null);
      try (ImageUnderTest image =
          ImageUnderTest.of(open, ref, ViewOptions.DEFAULT.withSpillDirectory(dir))) {
        assertThat(image).file("/etc/motd").hasContent(TestImages.MOTD);
      }
      try (ImageUnderTest image =
          ImageUnderTest.of(open, ref, ViewOptions.DEFAULT.withLimits(1 << 20, 2))) {
        assertThatThrownBy(() -> assertThat(image).hasFile("/etc/motd"))
            .isInstanceOf(UncheckedIOException.class)
            .hasMessage("cannot read the filesystem of image " + image.name())
            .hasRootCauseInstanceOf(IOException.class);
      }
    }
  }

  @Test
  void aLayoutInATarIsReadToo() throws IOException {
    Path tar = dir.resolve("layout.tar");
    try (ImageLayout source = OciLayout.open(layout)) {
      OciArchive.write(source, tar);
    }
    try (ImageUnderTest image = ImageUnderTest.of(tar, "app")) {
      assertThat(image)
          .isValid()
          .hasLayerCount(3)
          .hasNoEntry("/usr/share/doc/old.txt")
          .file("/etc/motd")
          .hasContent(TestImages.MOTD);
    }
  }

  @Test
  void theViewIsOpenedOnceAndClosedWithTheImage() throws IOException {
    ImageUnderTest image = ImageUnderTest.of(layout, "app");
    assertThat(image.view()).isSameAs(image.view());
    assertThat(image.config().configOrEmpty().user()).isEqualTo("1000:1000");
    image.close();
    image.close();
    assertThatThrownBy(image::view)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the image under test was closed");
  }

  @Test
  void documentAssertionsNeedNoLayer() throws IOException {
    Path broken = dir.resolve("no-layer");
    ImageAssertTest.copy(layout, broken);
    try (ImageUnderTest image = ImageUnderTest.of(broken, "app")) {
      Files.delete(
          broken.resolve(
              "blobs/sha256/"
                  + image.image().manifest().value().layers().get(1).digest().encoded()));
      assertThat(image)
          .hasLayerCount(3)
          .hasPlatform("linux/amd64")
          .hasTotalCompressedSizeAtMost(1 << 20)
          .config()
          .hasUser("1000:1000");
      assertThatThrownBy(() -> assertThat(image).hasFile("/etc/motd"))
          .isInstanceOf(UncheckedIOException.class)
          .hasMessage("cannot read the filesystem of image " + image.name());
    }
  }
}
