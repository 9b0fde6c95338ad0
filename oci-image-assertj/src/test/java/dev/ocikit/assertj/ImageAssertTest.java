package dev.ocikit.assertj;

import static dev.ocikit.assertj.OciAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ocikit.model.Descriptor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Each assertion of {@link ImageAssert}: passing on a matching image, failing precisely. */
class ImageAssertTest extends AppImageTestBase {

  @Test
  void nameIsRefAndShortDigest() {
    assertThat(name).matches("app@sha256:[0-9a-f]{12}\u2026");
    assertThat(image.digest().encoded()).startsWith(name.substring(11, 23));
  }

  @Test
  void hasFile() {
    assertThat(image).hasFile("/etc/motd").hasFile("etc/motd").hasFile("/bin/sh");
  }

  @Test
  void hasFileFailsOnADirectory() {
    assertThatThrownBy(() -> assertThat(image).hasFile("/etc"))
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            "Expecting image "
                + name
                + " to have a regular file at \"/etc\" but it is a directory");
  }

  @Test
  void hasFileFailsOnAMissingFileListingTheDirectory() {
    assertThatThrownBy(() -> assertThat(image).hasFile("/etc/nope"))
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            "Expecting image "
                + name
                + " to have a regular file at \"/etc/nope\" but it does not exist;"
                + " \"/etc\" has [\"motd\", \"secret\"]");
  }

  @Test
  void hasFileFailsOnADeletedFileNamingTheLayer() {
    assertThatThrownBy(() -> assertThat(image).hasFile("/usr/share/doc/old.txt"))
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            "Expecting image "
                + name
                + " to have a regular file at \"/usr/share/doc/old.txt\" but it was deleted by"
                + " layer 1");
  }

  @Test
  void hasFileFailsOnAMissingDirectory() {
    assertThatThrownBy(() -> assertThat(image).hasFile("/opt/app/x"))
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            "Expecting image "
                + name
                + " to have a regular file at \"/opt/app/x\" but \"/opt\" does not exist");
  }

  @Test
  void hasFileFailsOnAFileOfADeletedDirectory() throws IOException {
    try (ImageUnderTest erased = ImageUnderTest.of(layout, "erased")) {
      assertThat(erased).hasFile("/opt/keep.txt").hasFile("/srv/z").hasNoEntry("/opt/a");
      assertThatThrownBy(() -> assertThat(erased).hasFile("/opt/a/b.txt"))
          .isInstanceOf(AssertionError.class)
          .hasMessage(
              "Expecting image "
                  + erased.name()
                  + " to have a regular file at \"/opt/a/b.txt\" but it was deleted by layer 1"
                  + " (which deleted \"/opt/a\")");
      assertThatThrownBy(() -> assertThat(erased).hasFile("/srv/x"))
          .isInstanceOf(AssertionError.class)
          .hasMessage(
              "Expecting image "
                  + erased.name()
                  + " to have a regular file at \"/srv/x\" but it was deleted by layer 1");
      assertThat(erased).layer(1).deletes("/opt/a", "/srv/x", "/srv/y").adds("/srv/z");
      assertThatThrownBy(() -> assertThat(erased).layer(1).doesNotTouch("/opt/a/b.txt"))
          .isInstanceOf(AssertionError.class)
          .hasMessage(
              "Expecting layer 1 of image "
                  + erased.name()
                  + " not to touch \"/opt/a/b.txt\" but it deletes \"/opt/a\"");
    }
  }

  @Test
  void hasFileFailsBelowAFile() {
    assertThatThrownBy(() -> assertThat(image).hasFile("/etc/motd/x"))
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            "Expecting image "
                + name
                + " to have a regular file at \"/etc/motd/x\" but \"/etc/motd\" is a regular file");
  }

  @Test
  void hasFileFailsOnADanglingSymlink() {
    assertThatThrownBy(() -> assertThat(image).hasFile("/bin/dangling"))
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            "Expecting image "
                + name
                + " to have a regular file at \"/bin/dangling\" but it is a symlink to"
                + " \"/nowhere\", which leads nowhere in the image");
  }

  @Test
  void hasDirectory() {
    assertThat(image).hasDirectory("/app").hasDirectory("/").hasDirectory("/usr/share/doc");
  }

  @Test
  void hasDirectoryFailsOnAFile() {
    assertThatThrownBy(() -> assertThat(image).hasDirectory("/etc/motd"))
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            "Expecting image "
                + name
                + " to have a directory at \"/etc/motd\" but it is a regular file");
  }

  @Test
  void hasEntry() {
    assertThat(image).hasEntry("/bin/dangling").hasEntry("/run/fifo").hasEntry("/etc");
  }

  @Test
  void hasEntryFailsListingTheRoot() {
    assertThatThrownBy(() -> assertThat(image).hasEntry("/nope"))
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            "Expecting image "
                + name
                + " to have an entry at \"/nope\" but it does not exist;"
                + " \"/\" has [\"app\", \"bin\", \"etc\", \"run\", \"usr\"]");
  }

  @Test
  void hasNoEntry() {
    assertThat(image)
        .hasNoEntry("/usr/share/doc/old.txt")
        .doesNotHaveFile("/usr/share/doc/old.txt")
        .hasNoEntry("/nope");
  }

  @Test
  void hasNoEntryFailsNamingWhatIsThereAndItsLayer() {
    assertThatThrownBy(() -> assertThat(image).doesNotHaveFile("/etc/motd"))
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            "Expecting image "
                + name
                + " to have no entry at \"/etc/motd\" but it has a regular file there, last"
                + " written by layer 1");
    assertThatThrownBy(() -> assertThat(image).hasNoEntry("/run/fifo"))
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            "Expecting image "
                + name
                + " to have no entry at \"/run/fifo\" but it has a FIFO there, last written by"
                + " layer 0");
  }

  @Test
  void hasSymlink() {
    assertThat(image).hasSymlink("/bin/sh", "busybox").hasSymlink("bin/dangling", "/nowhere");
  }

  @Test
  void hasSymlinkFailsOnAnotherTarget() {
    assertThatThrownBy(() -> assertThat(image).hasSymlink("/bin/sh", "bash"))
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            "Expecting image "
                + name
                + " to have a symlink \"/bin/sh\" to \"bash\" but it is a symlink to \"busybox\","
                + " which leads to a regular file");
  }

  @Test
  void hasSymlinkFailsOnAFile() {
    assertThatThrownBy(() -> assertThat(image).hasSymlink("/bin/busybox", "sh"))
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            "Expecting image "
                + name
                + " to have a symlink \"/bin/busybox\" to \"sh\" but it is a regular file");
  }

  @Test
  void hasPlatform() {
    assertThat(image).hasPlatform("linux/amd64").hasPlatform("linux/x86_64");
  }

  @Test
  void hasPlatformFails() {
    assertThatThrownBy(() -> assertThat(image).hasPlatform("linux/arm64"))
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            "Expecting image " + name + " to have platform linux/arm64 but was linux/amd64");
  }

  @Test
  void platformChoosesTheImageOfAnIndex() throws IOException {
    try (ImageUnderTest arm =
        ImageUnderTest.of(layout, "multi", dev.ocikit.model.Platform.parse("linux/arm64"))) {
      assertThat(arm).hasPlatform("linux/arm64").file("/arch").hasContent("arm64");
    }
    OciAssertions.assertThatImage(layout, "multi", "linux/amd64")
        .hasPlatform("linux/amd64")
        .file("/arch")
        .hasContent("amd64");
  }

  @Test
  void hasAnnotation() {
    assertThat(image).hasAnnotation("org.opencontainers.image.version", "1.2.3");
  }

  @Test
  void hasAnnotationFailsOnAnotherValue() {
    assertThatThrownBy(
            () -> assertThat(image).hasAnnotation("org.opencontainers.image.version", "2.0"))
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            "Expecting image "
                + name
                + " to have annotation \"org.opencontainers.image.version\" = \"2.0\" but was"
                + " \"1.2.3\"");
  }

  @Test
  void hasAnnotationFailsOnAMissingKeyListingTheAnnotations() {
    assertThatThrownBy(() -> assertThat(image).hasAnnotation("com.example.team", "a"))
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            "Expecting image "
                + name
                + " to have annotation \"com.example.team\" = \"a\" but it has no such"
                + " annotation; its annotations are"
                + " {\"org.opencontainers.image.version\"=\"1.2.3\"}");
  }

  @Test
  void hasLayerCount() {
    assertThat(image).hasLayerCount(3);
  }

  @Test
  void hasLayerCountFails() {
    assertThatThrownBy(() -> assertThat(image).hasLayerCount(2))
        .isInstanceOf(AssertionError.class)
        .hasMessage("Expecting image " + name + " to have 2 layers but it has 3");
  }

  @Test
  void hasTotalCompressedSizeAtMost() {
    long total = compressedTotal();
    assertThat(image).hasTotalCompressedSizeAtMost(total);
  }

  @Test
  void hasTotalCompressedSizeAtMostFails() {
    long total = compressedTotal();
    assertThatThrownBy(() -> assertThat(image).hasTotalCompressedSizeAtMost(total - 1))
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            "Expecting image "
                + name
                + " to have at most "
                + (total - 1)
                + " bytes of layers compressed but they have "
                + total
                + " bytes");
  }

  @Test
  void hasTotalUncompressedSizeAtMost() {
    long total = uncompressedTotal();
    assertThat(total).isGreaterThan(compressedTotal());
    assertThat(image).hasTotalUncompressedSizeAtMost(total);
  }

  @Test
  void hasTotalUncompressedSizeAtMostFails() {
    long total = uncompressedTotal();
    assertThatThrownBy(() -> assertThat(image).hasTotalUncompressedSizeAtMost(1024))
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            "Expecting image "
                + name
                + " to have at most 1024 bytes of layers uncompressed but they have "
                + total
                + " bytes");
  }

  @Test
  void isValid() {
    assertThat(image).isValid();
  }

  @Test
  void isValidFailsListingTheProblems() throws IOException {
    Path broken = dir.resolve("broken");
    copy(layout, broken);
    Descriptor layer = image.image().manifest().value().layers().get(2);
    Path blob = broken.resolve("blobs/sha256/" + layer.digest().encoded());
    Files.write(blob, TestImages.bytes("not the layer"));
    try (ImageUnderTest bad = ImageUnderTest.of(broken, "app")) {
      assertThatThrownBy(() -> assertThat(bad).isValid())
          .isInstanceOf(AssertionError.class)
          .hasMessageStartingWith(
              "Expecting the layout of image "
                  + bad.name()
                  + " ("
                  + broken
                  + ") to be valid but the deep check found 2 errors:"
                  + System.lineSeparator()
                  + "  - blobs/sha256/"
                  + layer.digest().encoded()
                  + ": ")
          .hasMessageContaining("the media type says gzip, but the content is not compressed")
          .hasMessageContaining("size mismatch");
    }
  }

  @Test
  void describedAsPrefixesTheMessage() {
    assertThatThrownBy(() -> assertThat(image).as("the app image").hasLayerCount(1))
        .isInstanceOf(AssertionError.class)
        .hasMessage("[the app image] Expecting image " + name + " to have 1 layer but it has 3");
  }

  @Test
  void describedAsCarriesOverToNestedAssertions() {
    assertThatThrownBy(() -> assertThat(image).describedAs("motd").file("/etc/motd").hasMode(0600))
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            "[motd] Expecting file \"/etc/motd\" in image "
                + name
                + " to have mode 0600 but was 0644");
  }

  @Test
  void overridingErrorMessageIsHonoured() {
    assertThatThrownBy(() -> assertThat(image).overridingErrorMessage("no way").hasFile("/nope"))
        .isInstanceOf(AssertionError.class)
        .hasMessage("no way");
  }

  @Test
  void nullImageFails() {
    assertThatThrownBy(() -> assertThat((ImageUnderTest) null).hasFile("/etc/motd"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Expecting actual not to be null");
  }

  @Test
  void messagesKeepPercentSigns() {
    assertThatThrownBy(() -> assertThat(image).hasFile("/100%d"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("\"/100%d\"");
  }

  private long compressedTotal() {
    return image.image().manifest().value().layers().stream().mapToLong(Descriptor::size).sum();
  }

  private long uncompressedTotal() {
    return image.view().layers().stream().mapToLong(l -> l.uncompressedSize()).sum();
  }

  static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : paths.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
