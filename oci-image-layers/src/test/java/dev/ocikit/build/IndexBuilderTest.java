package dev.ocikit.build;

import static dev.ocikit.build.TestLayers.assertEveryDocumentValid;
import static dev.ocikit.build.TestLayers.gzipLayer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ocikit.blob.BlobNotFoundException;
import dev.ocikit.build.TestLayers.Layer;
import dev.ocikit.layers.ApplyOptions;
import dev.ocikit.layers.ImageUnpacker;
import dev.ocikit.layers.ProgressListener;
import dev.ocikit.layout.ImageRef;
import dev.ocikit.layout.LayoutException;
import dev.ocikit.layout.OciLayout;
import dev.ocikit.model.Annotations;
import dev.ocikit.model.Descriptor;
import dev.ocikit.model.Index;
import dev.ocikit.model.MediaType;
import dev.ocikit.model.Platform;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexBuilderTest {
  private static final Platform AMD64 = Platform.parse("linux/amd64");
  private static final Platform ARM64 = Platform.parse("linux/arm64");
  private static final Platform ARMV7 = Platform.parse("linux/arm/v7");

  @TempDir Path dir;

  private static BuiltImage image(OciLayout layout, Platform platform) throws IOException {
    Layer l = gzipLayer(layout, "platform.txt", platform.toString());
    return ImageBuilder.scratch(platform)
        .addLayer(l.descriptor(), l.diffId())
        .cmd(List.of("/bin/app"))
        .build(layout);
  }

  @Test
  void multiPlatformIndexResolvesEachPlatformThroughTheLayoutResolver() throws IOException {
    OciLayout layout = OciLayout.create(dir.resolve("layout"));
    BuiltImage amd64 = image(layout, AMD64);
    BuiltImage arm64 = image(layout, ARM64);
    BuiltImage armv7 = image(layout, ARMV7);

    Descriptor index =
        IndexBuilder.create()
            .add(amd64)
            .add(arm64)
            .add(armv7)
            .annotation(Annotations.VERSION, "1.2.3")
            .build(layout, "app");

    assertThat(index.mediaType()).isEqualTo(MediaType.IMAGE_INDEX);
    Index written = layout.readIndex(index).value();
    assertThat(written.manifests())
        .containsExactly(amd64.manifest(), arm64.manifest(), armv7.manifest());
    assertThat(written.manifests()).allSatisfy(d -> assertThat(d.platform()).isNotNull());
    assertThat(written.annotations()).isEqualTo(Map.of(Annotations.VERSION, "1.2.3"));

    for (BuiltImage image : List.of(amd64, arm64, armv7)) {
      ImageRef resolved = layout.resolve("app", image.platform());
      assertThat(resolved.descriptor()).isEqualTo(image.manifest());
      assertThat(resolved.platform()).isEqualTo(image.platform());
      assertThat(resolved.refName()).isEqualTo("app");
      assertThat(resolved.path().get(0).digest()).isEqualTo(index.digest());
    }
    assertThat(layout.resolve("app", Platform.parse("linux/aarch64")).descriptor())
        .as("normalised as containerd does")
        .isEqualTo(arm64.manifest());
    assertThatThrownBy(() -> layout.resolve("app", Platform.parse("windows/amd64")))
        .isInstanceOf(LayoutException.class)
        .hasMessageContaining("no image for");
    assertThat(layout.images()).hasSize(3);
    assertThat(assertEveryDocumentValid(layout)).isEqualTo(8);

    Path rootfs = dir.resolve("rootfs");
    new ImageUnpacker(ApplyOptions.DEFAULT.withRootless(true), ProgressListener.NONE)
        .unpack(layout, layout.resolve("app", ARMV7), rootfs);
    assertThat(rootfs.resolve("platform.txt")).hasContent("linux/arm/v7");
  }

  @Test
  void samePlatformOrManifestTwiceIsRefused() throws IOException {
    OciLayout layout = OciLayout.create(dir.resolve("layout"));
    BuiltImage amd64 = image(layout, AMD64);
    Layer other = gzipLayer(layout, "other", "x");
    BuiltImage amd64Again =
        ImageBuilder.scratch(AMD64).addLayer(other.descriptor(), other.diffId()).build(layout);

    IndexBuilder builder = IndexBuilder.create().add(amd64);
    assertThatThrownBy(() -> builder.add(amd64))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("already");
    assertThatThrownBy(() -> builder.add(amd64Again))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("an image for linux/amd64 already");
  }

  @Test
  void refNameOfAnIndexJsonEntryIsDroppedFromTheNestedEntry() throws IOException {
    OciLayout layout = OciLayout.create(dir.resolve("layout"));
    BuiltImage amd64 = image(layout, AMD64);
    layout.tag("single", amd64.manifest());
    Descriptor listed = layout.index().value().manifests().get(0);
    assertThat(listed.refName()).hasValue("single");

    Descriptor index = IndexBuilder.create().add(listed).build(layout, "multi");
    assertThat(layout.readIndex(index).value().manifests()).containsExactly(amd64.manifest());
    assertEveryDocumentValid(layout);
  }

  @Test
  void indexOfManifestsNotInTheTargetIsRefused() throws IOException {
    OciLayout elsewhere = OciLayout.create(dir.resolve("elsewhere"));
    OciLayout target = OciLayout.create(dir.resolve("target"));
    BuiltImage amd64 = image(elsewhere, AMD64);
    assertThatThrownBy(() -> IndexBuilder.create().add(amd64).build(target, "app"))
        .isInstanceOf(BlobNotFoundException.class);
    assertThat(target.index().value().manifests()).isEmpty();
  }

  @Test
  void emptyIndexAndNonManifestEntriesAreRefused() {
    assertThatThrownBy(() -> IndexBuilder.create().index())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no manifests");
    assertThatThrownBy(
            () -> IndexBuilder.create().add(Descriptor.of(MediaType.IMAGE_LAYER, new byte[] {1})))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lists image manifests and indexes");
    assertThatThrownBy(() -> IndexBuilder.create().annotation("", "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("annotation key must not be empty");
  }
}
