package dev.ocikit.assertj;

import static dev.ocikit.assertj.OciAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** Each assertion of {@link ImageFileAssert}: passing on a matching image, failing precisely. */
class ImageFileAssertTest extends AppImageTestBase {
  static final String NL = System.lineSeparator();

  private String expecting(String path) {
    return "Expecting file \"" + path + "\" in image " + name;
  }

  @Test
  void exists() {
    assertThat(image).file("/etc/motd").exists();
    assertThat(image).file("/bin/dangling").exists();
  }

  @Test
  void existsFailsNamingTheWhiteout() {
    assertThatThrownBy(() -> assertThat(image).file("/usr/share/doc/old.txt").exists())
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            expecting("/usr/share/doc/old.txt") + " to exist but it was deleted by layer 1");
  }

  @Test
  void doesNotExist() {
    assertThat(image).file("/usr/share/doc/old.txt").doesNotExist();
  }

  @Test
  void doesNotExistFails() {
    assertThatThrownBy(() -> assertThat(image).file("/app/app.sh").doesNotExist())
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            expecting("/app/app.sh")
                + " not to exist but it is a regular file, last written by layer 1");
  }

  @Test
  void isRegularFile() {
    assertThat(image).file("/etc/secret").isRegularFile();
    assertThat(image).file("/bin/sh").isRegularFile();
  }

  @Test
  void isRegularFileFails() {
    assertThatThrownBy(() -> assertThat(image).file("/run/fifo").isRegularFile())
        .isInstanceOf(AssertionError.class)
        .hasMessage(expecting("/run/fifo") + " to be a regular file but it is a FIFO");
  }

  @Test
  void isDirectory() {
    assertThat(image).file("/usr/share").isDirectory();
  }

  @Test
  void isDirectoryFails() {
    assertThatThrownBy(() -> assertThat(image).file("/bin/sh").isDirectory())
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            expecting("/bin/sh")
                + " to be a directory but it is a symlink to \"busybox\", which leads to a"
                + " regular file");
  }

  @Test
  void isSymlinkTo() {
    assertThat(image).file("/bin/sh").isSymlink().isSymlinkTo("busybox");
  }

  @Test
  void isSymlinkToFails() {
    assertThatThrownBy(() -> assertThat(image).file("/bin/sh").isSymlinkTo("/bin/busybox"))
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            expecting("/bin/sh")
                + " to be a symlink to \"/bin/busybox\" but it is a symlink to \"busybox\","
                + " which leads to a regular file");
    assertThatThrownBy(() -> assertThat(image).file("/etc/motd").isSymlink())
        .isInstanceOf(AssertionError.class)
        .hasMessage(expecting("/etc/motd") + " to be a symlink but it is a regular file");
  }

  @Test
  void hasContent() {
    assertThat(image).file("/etc/motd").hasContent(TestImages.MOTD);
    assertThat(image).file("/bin/sh").hasContent("#!busybox\n");
    assertThat(image).file("/etc/secret").hasBinaryContent(TestImages.bytes("s3cr3t"));
  }

  @Test
  void hasContentFailsShowingBothWithADiff() {
    assertThatThrownBy(() -> assertThat(image).file("/etc/motd").hasContent("Hello\n"))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessage(
            expecting("/etc/motd")
                + " to have content:"
                + NL
                + "  \"Hello\n\""
                + NL
                + "but was:"
                + NL
                + "  \"Welcome to app\n\"")
        .satisfies(
            e -> {
              AssertionFailedError failed = (AssertionFailedError) e;
              org.assertj.core.api.Assertions.assertThat(failed.getActual().getValue())
                  .isEqualTo(TestImages.MOTD);
              org.assertj.core.api.Assertions.assertThat(failed.getExpected().getValue())
                  .isEqualTo("Hello\n");
            });
  }

  @Test
  void hasContentFailsOnADirectory() {
    assertThatThrownBy(() -> assertThat(image).file("/etc").hasContent("x"))
        .isInstanceOf(AssertionError.class)
        .hasMessage(expecting("/etc") + " to have content \"x\" but it is a directory");
  }

  @Test
  void hasBinaryContentFails() {
    assertThatThrownBy(
            () -> assertThat(image).file("/etc/secret").hasBinaryContent(TestImages.bytes("s3")))
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            expecting("/etc/secret")
                + " to have binary content of 2 bytes but it has 6 bytes, the first difference"
                + " at byte 2");
  }

  @Test
  void contentContains() {
    assertThat(image)
        .file("/app/config.properties")
        .contentContains("version=1.2.3", "mode=prod")
        .contentDoesNotContain("debug");
  }

  @Test
  void contentContainsFails() {
    assertThatThrownBy(
            () ->
                assertThat(image)
                    .file("/app/config.properties")
                    .contentContains("version=1.2.3", "mode=dev"))
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            expecting("/app/config.properties")
                + " to contain:"
                + NL
                + "  \"mode=dev\""
                + NL
                + "but its content was:"
                + NL
                + "  \"version=1.2.3\nmode=prod\n\"");
  }

  @Test
  void contentDoesNotContainFails() {
    assertThatThrownBy(
            () -> assertThat(image).file("/app/config.properties").contentDoesNotContain("prod"))
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            expecting("/app/config.properties")
                + " not to contain:"
                + NL
                + "  \"prod\""
                + NL
                + "but found it at character 19 of:"
                + NL
                + "  \"version=1.2.3\nmode=prod\n\"");
  }

  @Test
  void contentMatches() {
    assertThat(image)
        .file("/app/config.properties")
        .contentMatches("(?s)version=\\d+\\.\\d+\\.\\d+\n.*")
        .contentContainsPattern("mode=(prod|dev)");
  }

  @Test
  void contentMatchesFails() {
    assertThatThrownBy(
            () -> assertThat(image).file("/app/config.properties").contentMatches("version=.*"))
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            expecting("/app/config.properties")
                + " to have content matching:"
                + NL
                + "  \"version=.*\""
                + NL
                + "but was:"
                + NL
                + "  \"version=1.2.3\nmode=prod\n\"");
    assertThatThrownBy(
            () ->
                assertThat(image).file("/app/config.properties").contentContainsPattern("mode=dev"))
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            expecting("/app/config.properties")
                + " to contain a match of:"
                + NL
                + "  \"mode=dev\""
                + NL
                + "but its content was:"
                + NL
                + "  \"version=1.2.3\nmode=prod\n\"");
  }

  @Test
  void longContentIsCut() {
    String big = "x".repeat(Texts.CONTENT_CHARS + 5);
    assertThatThrownBy(() -> assertThat(image).file("/etc/motd").hasContent(big))
        .isInstanceOf(AssertionError.class)
        .hasMessageEndingWith("but was:" + NL + "  \"Welcome to app\n\"");
    org.assertj.core.api.Assertions.assertThat(
            Texts.showContent(
                org.assertj.core.presentation.StandardRepresentation.STANDARD_REPRESENTATION, big))
        .endsWith("x\" \u2026 (5 more characters)");
  }

  @Test
  void hasMode() {
    assertThat(image).file("/etc/motd").hasMode(0644);
    assertThat(image).file("/etc/secret").hasMode(0600);
    assertThat(image).file("/app").hasMode(0755);
  }

  @Test
  void hasModeFailsInOctal() {
    assertThatThrownBy(() -> assertThat(image).file("/etc/motd").hasMode(0600))
        .isInstanceOf(AssertionError.class)
        .hasMessage(expecting("/etc/motd") + " to have mode 0600 but was 0644");
  }

  @Test
  void hasModeFailsOnAMissingFile() {
    assertThatThrownBy(() -> assertThat(image).file("/etc/nope").hasMode(0644))
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            expecting("/etc/nope")
                + " to have mode 0644 but it does not exist; \"/etc\" has [\"motd\", \"secret\"]");
  }

  @Test
  void isExecutable() {
    assertThat(image).file("/app/app.sh").isExecutable();
    assertThat(image).file("/bin/sh").isExecutable();
  }

  @Test
  void isExecutableFails() {
    assertThatThrownBy(() -> assertThat(image).file("/etc/motd").isExecutable())
        .isInstanceOf(AssertionError.class)
        .hasMessage(expecting("/etc/motd") + " to be executable but its mode is 0644");
  }

  @Test
  void hasOwner() {
    assertThat(image).file("/etc/secret").hasOwner(1000, 1000);
    assertThat(image).file("/etc/motd").hasOwner(0, 0);
  }

  @Test
  void hasOwnerFails() {
    assertThatThrownBy(() -> assertThat(image).file("/etc/secret").hasOwner(0, 0))
        .isInstanceOf(AssertionError.class)
        .hasMessage(expecting("/etc/secret") + " to be owned by 0:0 but was 1000:1000");
  }

  @Test
  void hasSize() {
    assertThat(image).file("/etc/secret").hasSize(6);
  }

  @Test
  void hasSizeFails() {
    assertThatThrownBy(() -> assertThat(image).file("/etc/secret").hasSize(1))
        .isInstanceOf(AssertionError.class)
        .hasMessage(expecting("/etc/secret") + " to have size 1 byte but was 6 bytes");
  }

  @Test
  void wasLastWrittenByLayer() {
    assertThat(image).file("/etc/motd").wasLastWrittenByLayer(1);
    assertThat(image).file("/etc/secret").wasLastWrittenByLayer(0);
    assertThat(image).file("/app/config.properties").wasLastWrittenByLayer(2);
  }

  @Test
  void wasLastWrittenByLayerFails() {
    assertThatThrownBy(() -> assertThat(image).file("/etc/motd").wasLastWrittenByLayer(0))
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            expecting("/etc/motd")
                + " to be last written by layer 0 but it was last written by layer 1");
  }

  @Test
  void pathsAreNormalized() {
    assertThat(image).file("etc//motd/").hasContent(TestImages.MOTD);
    assertThatThrownBy(() -> assertThat(image).file("./etc/./motd").hasMode(0))
        .hasMessage(expecting("/etc/motd") + " to have mode 0000 but was 0644");
  }
}
