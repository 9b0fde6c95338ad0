package dev.ocikit.assertj;

import static dev.ocikit.assertj.OciAssertions.assertThat;

import dev.ocikit.model.Platform;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AssertJ example of README.md, kept compiling and passing: the test method between the markers
 * is the README's, verbatim; README.md declares {@code layout} as the layout directory a build
 * wrote, here it is the test image of {@link TestImages}.
 */
class ReadmeAssertjExampleTest {
  @TempDir static Path dir;
  static Path layout;

  @BeforeAll
  static void buildImages() throws IOException {
    layout = TestImages.build(dir.resolve("layout"));
  }

  // --- README assertj example: begin ---
  @Test
  void theAppImageIsWhatWeShip() throws IOException {
    try (ImageUnderTest image = ImageUnderTest.of(layout, "app", Platform.parse("linux/amd64"))) {
      assertThat(image)
          .isValid()
          .hasPlatform("linux/amd64")
          .hasAnnotation("org.opencontainers.image.version", "1.2.3")
          .hasLayerCount(3)
          .hasTotalCompressedSizeAtMost(10 * 1024 * 1024)
          .hasFile("/app/app.sh")
          .hasSymlink("/bin/sh", "busybox")
          .doesNotHaveFile("/usr/share/doc/old.txt");

      assertThat(image).file("/app/app.sh").isExecutable().hasOwner(0, 0);
      assertThat(image).file("/etc/motd").hasMode(0644).contentContains("Welcome");
      assertThat(image)
          .file("/app/config.properties")
          .contentMatches("(?s)version=1\\.2\\.\\d+\n.*");

      assertThat(image)
          .config()
          .hasEntrypoint("/app/app.sh")
          .hasCmd("--serve")
          .hasEnv("APP_MODE", "prod")
          .hasUser("1000:1000")
          .exposesPort("8080/tcp");

      assertThat(image)
          .layer(1)
          .adds("/app/app.sh")
          .deletes("/usr/share/doc/old.txt")
          .doesNotTouch("/etc/secret")
          .hasCompressedSizeAtMost(64 * 1024);

      // Soft assertions: every failure is reported, not just the first.
      OciSoftAssertions softly = new OciSoftAssertions();
      softly.assertThat(image).file("/etc/secret").hasMode(0600).hasOwner(1000, 1000);
      softly.assertThat(image).config().hasWorkingDir("/app").hasStopSignal("SIGINT");
      softly.assertAll();
    }
  }
  // --- README assertj example: end ---
}
