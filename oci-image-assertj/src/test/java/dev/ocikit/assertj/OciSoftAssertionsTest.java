package dev.ocikit.assertj;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.api.SoftAssertions;
import org.assertj.core.api.junit.jupiter.InjectSoftAssertions;
import org.assertj.core.api.junit.jupiter.SoftAssertionsExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Soft assertions collect the failures of every image assertion, nested ones included. */
@ExtendWith(SoftAssertionsExtension.class)
class OciSoftAssertionsTest extends AppImageTestBase {

  @InjectSoftAssertions OciSoftAssertions injected;

  @Test
  void collectsEveryFailureOfTheImageAndOfNestedAssertions() {
    OciSoftAssertions softly = new OciSoftAssertions();
    softly.assertThat(image).hasFile("/nope").hasLayerCount(2).hasPlatform("linux/amd64");
    softly.assertThat(image).file("/etc/motd").hasMode(0600).hasContent("x").isRegularFile();
    softly.assertThat(image).config().hasUser("root").hasCmd("--serve").hasWorkingDir("/");
    softly.assertThat(image).layer(0).adds("/etc/motd").deletes("/etc/motd");
    softly.assertThat(image).layer(7).adds("/x");

    assertThat(softly.errorsCollected())
        .extracting(OciSoftAssertionsTest::withoutLocation)
        .containsExactly(
            "Expecting image "
                + name
                + " to have a regular file at \"/nope\" but it does not exist; \"/\" has"
                + " [\"app\", \"bin\", \"etc\", \"run\", \"usr\"]",
            "Expecting image " + name + " to have 2 layers but it has 3",
            "Expecting file \"/etc/motd\" in image " + name + " to have mode 0600 but was 0644",
            "Expecting file \"/etc/motd\" in image "
                + name
                + " to have content:"
                + System.lineSeparator()
                + "  \"x\""
                + System.lineSeparator()
                + "but was:"
                + System.lineSeparator()
                + "  \"Welcome to app\n\"",
            "Expecting config of image " + name + " to have user \"root\" but was \"1000:1000\"",
            "Expecting config of image " + name + " to have working dir \"/\" but was \"/app\"",
            "Expecting layer 0 of image "
                + name
                + " to delete \"/etc/motd\" but it does not; it deletes []",
            "Expecting image " + name + " to have a layer 7 but it has 3 layers (0 to 2)");
    assertThatThrownBy(softly::assertAll)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Multiple Failures (8 failures)")
        .hasMessageContaining("to have mode 0600 but was 0644")
        .hasMessageContaining("to have a layer 7");
  }

  @Test
  void descriptionsCarryOverToNestedSoftAssertions() {
    OciSoftAssertions softly = new OciSoftAssertions();
    softly.assertThat(image).as("app").file("/etc/motd").hasOwner(1, 1);
    assertThat(softly.errorsCollected())
        .extracting(OciSoftAssertionsTest::withoutLocation)
        .containsExactly(
            "[app] Expecting file \"/etc/motd\" in image "
                + name
                + " to be owned by 1:1 but was 0:0");
  }

  @Test
  void assertSoftlyFailsWithEveryFailure() {
    assertThatThrownBy(
            () ->
                OciSoftAssertions.assertSoftly(
                    softly -> {
                      softly.assertThat(image).hasLayerCount(1);
                      softly.assertThat(image).config().exposesPort("9090");
                    }))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Multiple Failures (2 failures)")
        .hasMessageContaining("to have 1 layer but it has 3")
        .hasMessageContaining("to expose port \"9090/tcp\" but it exposes [\"8080/tcp\"]");
  }

  @Test
  void assertSoftlyPassesWhenAllPass() {
    OciSoftAssertions.assertSoftly(
        softly -> {
          softly.assertThat(image).hasLayerCount(3).hasFile("/etc/motd");
          softly.assertThat(image).file("/etc/motd").hasContent(TestImages.MOTD);
        });
  }

  @Test
  void collectsIntoAssertJsOwnSoftAssertions() {
    SoftAssertions softly = new SoftAssertions();
    softly.assertThat("text").isEqualTo("other");
    OciSoftAssertions.assertThat(softly, image).file("/etc/secret").hasSize(1);
    OciSoftAssertions.assertThat(softly, image).layer(2).doesNotTouch("/app/config.properties");
    assertThat(softly.errorsCollected())
        .extracting(OciSoftAssertionsTest::withoutLocation)
        .hasSize(3)
        .element(1)
        .isEqualTo(
            "Expecting file \"/etc/secret\" in image "
                + name
                + " to have size 1 byte but was 6 bytes");
  }

  /**
   * The message of a collected failure without the line AssertJ appends to it: where the failed
   * assertion was called.
   */
  static String withoutLocation(Throwable collected) {
    String message = collected.getMessage();
    int at = message.lastIndexOf(System.lineSeparator() + "at OciSoftAssertionsTest.");
    return at < 0 ? message : message.substring(0, at);
  }

  @Test
  void theJUnitExtensionInjectsThem() {
    assertThat(injected).isNotNull();
    injected.assertThat(image).hasFile("/etc/motd").layer(1).deletes("/usr/share/doc/old.txt");
    assertThat(injected.errorsCollected()).isEmpty();
  }
}
