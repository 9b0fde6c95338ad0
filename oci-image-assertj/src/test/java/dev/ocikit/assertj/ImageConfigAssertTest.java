package dev.ocikit.assertj;

import static dev.ocikit.assertj.OciAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each assertion of {@link ImageConfigAssert}: passing on a matching image, failing precisely. */
class ImageConfigAssertTest extends AppImageTestBase {
  String expecting;

  @BeforeEach
  void expecting() {
    expecting = "Expecting config of image " + name;
  }

  @Test
  void hasEntrypointAndCmd() {
    assertThat(image).config().hasEntrypoint("/app/app.sh").hasCmd("--serve");
  }

  @Test
  void hasEntrypointFails() {
    assertThatThrownBy(() -> assertThat(image).config().hasEntrypoint("java", "-jar", "app.jar"))
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            expecting
                + " to have entrypoint [\"java\", \"-jar\", \"app.jar\"] but was"
                + " [\"/app/app.sh\"]");
  }

  @Test
  void hasCmdFails() {
    assertThatThrownBy(() -> assertThat(image).config().hasCmd())
        .isInstanceOf(AssertionError.class)
        .hasMessage(expecting + " to have cmd [] but was [\"--serve\"]");
  }

  @Test
  void hasEnv() {
    assertThat(image)
        .config()
        .hasEnv("APP_MODE", "prod")
        .hasEnv("PATH", "/usr/bin:/bin")
        .hasEnvVar("APP_MODE");
  }

  @Test
  void hasEnvFailsOnAnotherValue() {
    assertThatThrownBy(() -> assertThat(image).config().hasEnv("APP_MODE", "dev"))
        .isInstanceOf(AssertionError.class)
        .hasMessage(expecting + " to have env APP_MODE=\"dev\" but was \"prod\"");
  }

  @Test
  void hasEnvFailsOnAMissingVariableListingTheEnv() {
    assertThatThrownBy(() -> assertThat(image).config().hasEnv("JAVA_HOME", "/opt/java"))
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            expecting
                + " to have env JAVA_HOME=\"/opt/java\" but it has no variable JAVA_HOME; its env"
                + " is [\"PATH=/usr/bin:/bin\", \"APP_MODE=prod\"]");
    assertThatThrownBy(() -> assertThat(image).config().hasEnvVar("JAVA_HOME"))
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            expecting
                + " to have env variable JAVA_HOME but it has none; its env is"
                + " [\"PATH=/usr/bin:/bin\", \"APP_MODE=prod\"]");
  }

  @Test
  void hasWorkingDirUserAndStopSignal() {
    assertThat(image).config().hasWorkingDir("/app").hasUser("1000:1000").hasStopSignal("SIGINT");
  }

  @Test
  void hasWorkingDirFails() {
    assertThatThrownBy(() -> assertThat(image).config().hasWorkingDir("/"))
        .isInstanceOf(AssertionError.class)
        .hasMessage(expecting + " to have working dir \"/\" but was \"/app\"");
  }

  @Test
  void hasUserFails() {
    assertThatThrownBy(() -> assertThat(image).config().hasUser("root"))
        .isInstanceOf(AssertionError.class)
        .hasMessage(expecting + " to have user \"root\" but was \"1000:1000\"");
  }

  @Test
  void hasStopSignalFails() {
    assertThatThrownBy(() -> assertThat(image).config().hasStopSignal("SIGTERM"))
        .isInstanceOf(AssertionError.class)
        .hasMessage(expecting + " to have stop signal \"SIGTERM\" but was \"SIGINT\"");
  }

  @Test
  void unsetValuesAreNamedAsNone() throws IOException {
    try (ImageUnderTest multi =
        ImageUnderTest.of(layout, "multi", dev.ocikit.model.Platform.parse("linux/amd64"))) {
      assertThatThrownBy(() -> assertThat(multi).config().hasUser("root"))
          .isInstanceOf(AssertionError.class)
          .hasMessage(
              "Expecting config of image "
                  + multi.name()
                  + " to have user \"root\" but it has none");
      assertThatThrownBy(() -> assertThat(multi).config().hasEntrypoint("sh"))
          .isInstanceOf(AssertionError.class)
          .hasMessage(
              "Expecting config of image "
                  + multi.name()
                  + " to have entrypoint [\"sh\"] but was []");
    }
  }

  @Test
  void hasLabel() {
    assertThat(image).config().hasLabel("org.opencontainers.image.title", "app");
  }

  @Test
  void hasLabelFails() {
    assertThatThrownBy(
            () -> assertThat(image).config().hasLabel("org.opencontainers.image.title", "web"))
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            expecting
                + " to have label \"org.opencontainers.image.title\" = \"web\" but was \"app\"");
    assertThatThrownBy(() -> assertThat(image).config().hasLabel("team", "a"))
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            expecting
                + " to have label \"team\" = \"a\" but it has no such label; its labels are"
                + " {\"org.opencontainers.image.title\"=\"app\"}");
  }

  @Test
  void exposesPort() {
    assertThat(image).config().exposesPort("8080/tcp").exposesPort("8080").exposesPort("8080/TCP");
  }

  @Test
  void exposesPortFails() {
    assertThatThrownBy(() -> assertThat(image).config().exposesPort("8080/udp"))
        .isInstanceOf(AssertionError.class)
        .hasMessage(expecting + " to expose port \"8080/udp\" but it exposes [\"8080/tcp\"]");
  }

  @Test
  void hasVolume() {
    assertThat(image).config().hasVolume("/data");
  }

  @Test
  void hasVolumeFails() {
    assertThatThrownBy(() -> assertThat(image).config().hasVolume("/var/lib/app"))
        .isInstanceOf(AssertionError.class)
        .hasMessage(expecting + " to have volume \"/var/lib/app\" but its volumes are [\"/data\"]");
  }
}
