package dev.ocikit.assertj;

import static dev.ocikit.assertj.OciAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The assertions on an image that umoci built, not ocikit: three layers from {@code umoci insert},
 * the last a whiteout, and a config from {@code umoci config}.
 */
class UmociImageTest {
  @TempDir Path dir;

  @Test
  void assertionsHoldOnAnImageUmociBuilt() throws IOException {
    Tools.require("umoci");
    Files.writeString(dir.resolve("motd"), "hello\n");
    Files.setPosixFilePermissions(
        dir.resolve("motd"), PosixFilePermissions.fromString("rw-r-----"));
    Files.writeString(dir.resolve("app.sh"), "#!/bin/sh\necho app\n");
    Files.setPosixFilePermissions(
        dir.resolve("app.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Tools.run(dir, "umoci", "init", "--layout", "layout");
    Tools.run(dir, "umoci", "new", "--image", "layout:app");
    Tools.run(dir, "umoci", "insert", "--rootless", "--image", "layout:app", "motd", "/etc/motd");
    Tools.run(
        dir, "umoci", "insert", "--rootless", "--image", "layout:app", "app.sh", "/app/app.sh");
    Tools.run(
        dir, "umoci", "insert", "--rootless", "--image", "layout:app", "--whiteout", "/etc/motd");
    Tools.run(
        dir,
        "umoci",
        "config",
        "--image",
        "layout:app",
        "--config.entrypoint",
        "/app/app.sh",
        "--config.env",
        "APP_MODE=prod",
        "--config.user",
        "1000",
        "--config.label",
        "built.with=umoci");

    try (ImageUnderTest image = ImageUnderTest.of(dir.resolve("layout"), "app")) {
      assertThat(image)
          .isValid()
          .hasLayerCount(3)
          .hasNoEntry("/etc/motd")
          .hasDirectory("/etc")
          .hasFile("/app/app.sh");
      assertThat(image).file("/app/app.sh").isExecutable().hasContent("#!/bin/sh\necho app\n");
      assertThat(image).layer(0).adds("/etc/motd");
      assertThat(image).layer(1).adds("/app/app.sh").doesNotTouch("/etc/motd");
      assertThat(image).layer(2).deletes("/etc/motd");
      assertThat(image)
          .config()
          .hasEntrypoint("/app/app.sh")
          .hasEnv("APP_MODE", "prod")
          .hasUser("1000")
          .hasLabel("built.with", "umoci");

      assertThatThrownBy(() -> assertThat(image).file("/etc/motd").hasMode(0640))
          .isInstanceOf(AssertionError.class)
          .hasMessage(
              "Expecting file \"/etc/motd\" in image "
                  + image.name()
                  + " to have mode 0640 but it was deleted by layer 2");
    }
  }
}
