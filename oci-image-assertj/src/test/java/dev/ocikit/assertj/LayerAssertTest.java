package dev.ocikit.assertj;

import static dev.ocikit.assertj.OciAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ocikit.view.LayerInfo;
import org.junit.jupiter.api.Test;

/** Each assertion of {@link LayerAssert}: passing on a matching image, failing precisely. */
class LayerAssertTest extends AppImageTestBase {

  @Test
  void adds() {
    assertThat(image).layer(0).adds("/etc/motd", "/etc/secret", "bin/sh", "/run/fifo");
    assertThat(image).layer(1).adds("/app/app.sh", "/etc/motd");
    assertThat(image).layer(2).adds("/app/config.properties");
  }

  @Test
  void addsFailsListingWhatTheLayerAdds() {
    assertThatThrownBy(() -> assertThat(image).layer(2).adds("/app/config.properties", "/etc/x"))
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            "Expecting layer 2 of image "
                + name
                + " to add [\"/app/config.properties\", \"/etc/x\"] but it does not add \"/etc/x\";"
                + " it adds [\"/app\", \"/app/config.properties\"]");
  }

  @Test
  void deletes() {
    assertThat(image).layer(1).deletes("/usr/share/doc/old.txt");
  }

  @Test
  void deletesFails() {
    assertThatThrownBy(() -> assertThat(image).layer(2).deletes("/etc/motd"))
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            "Expecting layer 2 of image "
                + name
                + " to delete \"/etc/motd\" but it does not; it deletes []");
  }

  @Test
  void doesNotTouch() {
    assertThat(image).layer(2).doesNotTouch("/etc/motd").doesNotTouch("/usr/share/doc/old.txt");
    assertThat(image).layer(1).doesNotTouch("/etc/secret");
  }

  @Test
  void doesNotTouchFails() {
    assertThatThrownBy(() -> assertThat(image).layer(1).doesNotTouch("/etc/motd"))
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            "Expecting layer 1 of image " + name + " not to touch \"/etc/motd\" but it adds it");
    assertThatThrownBy(() -> assertThat(image).layer(1).doesNotTouch("usr/share/doc/old.txt"))
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            "Expecting layer 1 of image "
                + name
                + " not to touch \"/usr/share/doc/old.txt\" but it deletes it");
  }

  @Test
  void sizeBudgets() {
    LayerInfo info = image.view().layers().get(0);
    assertThat(image)
        .layer(0)
        .hasCompressedSizeAtMost(info.descriptor().size())
        .hasUncompressedSizeAtMost(info.uncompressedSize());
  }

  @Test
  void sizeBudgetsFail() {
    LayerInfo info = image.view().layers().get(0);
    assertThatThrownBy(() -> assertThat(image).layer(0).hasCompressedSizeAtMost(100))
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            "Expecting layer 0 of image "
                + name
                + " to have at most 100 bytes compressed but it has "
                + info.descriptor().size()
                + " bytes");
    assertThatThrownBy(() -> assertThat(image).layer(0).hasUncompressedSizeAtMost(1))
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            "Expecting layer 0 of image "
                + name
                + " to have at most 1 byte uncompressed but it has "
                + info.uncompressedSize()
                + " bytes");
  }

  @Test
  void aMissingLayerFailsTheAssertionNotTheNavigation() {
    LayerAssert layer = assertThat(image).layer(3);
    assertThatThrownBy(() -> layer.adds("/x"))
        .isInstanceOf(AssertionError.class)
        .hasMessage("Expecting image " + name + " to have a layer 3 but it has 3 layers (0 to 2)");
    assertThatThrownBy(() -> assertThat(image).layer(-1).hasCompressedSizeAtMost(1))
        .isInstanceOf(AssertionError.class)
        .hasMessage("Expecting image " + name + " to have a layer -1 but it has 3 layers (0 to 2)");
  }
}
