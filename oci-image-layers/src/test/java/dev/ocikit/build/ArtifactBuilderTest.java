package dev.ocikit.build;

import static dev.ocikit.build.TestLayers.assertEveryDocumentValid;
import static dev.ocikit.build.TestLayers.gzipLayer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ocikit.blob.BlobNotFoundException;
import dev.ocikit.build.TestLayers.Layer;
import dev.ocikit.layout.OciLayout;
import dev.ocikit.model.Annotations;
import dev.ocikit.model.Descriptor;
import dev.ocikit.model.Manifest;
import dev.ocikit.model.MediaType;
import dev.ocikit.model.Platform;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactBuilderTest {
  private static final String SPDX = "application/spdx+json";
  private static final String SIGNATURE = "application/vnd.example.signature.v1+json";
  private static final byte[] SBOM =
      "{\"spdxVersion\":\"SPDX-2.3\",\"name\":\"app\"}".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;
  OciLayout layout;
  BuiltImage image;

  @BeforeEach
  void image() throws IOException {
    layout = OciLayout.create(dir.resolve("layout"));
    Layer l = gzipLayer(layout, "app", "1");
    image =
        ImageBuilder.scratch(Platform.parse("linux/amd64"))
            .addLayer(l.descriptor(), l.diffId())
            .build(layout, "app");
  }

  @Test
  void anArtifactIsNotUnpackedAsAnImageAndNothingIsWritten() throws IOException {
    // Its blob (an SBOM) is no tar: read as one by its bytes, it was an empty layer.
    Descriptor sbom =
        ArtifactBuilder.create(SPDX)
            .subject(image.manifest())
            .addBlob(SPDX, SBOM, Map.of())
            .build(layout, "sbom");
    Path target = dir.resolve("unpacked");
    assertThatThrownBy(
            () ->
                new dev.ocikit.layers.ImageUnpacker(
                        dev.ocikit.layers.ApplyOptions.DEFAULT,
                        dev.ocikit.layers.ProgressListener.NONE)
                    .unpack(layout, layout.resolve("sbom", null), target))
        .isInstanceOf(dev.ocikit.layers.LayerException.class)
        .hasMessageContaining(layout.readManifest(sbom).value().layers().get(0).digest().toString())
        .hasMessageContaining("its media type " + SPDX + " is not a layer's");
    assertThat(target).doesNotExist();
  }

  @Test
  void artifactWithSubjectIsFoundByReferrers() throws IOException {
    Descriptor sbom =
        ArtifactBuilder.create(SPDX)
            .subject(image.manifest())
            .addBlob(SPDX, SBOM, Map.of(Annotations.TITLE, "sbom.spdx.json"))
            .annotation(Annotations.CREATED, "2026-01-01T00:00:00Z")
            .build(layout);

    assertThat(sbom.mediaType()).isEqualTo(MediaType.IMAGE_MANIFEST);
    assertThat(sbom.artifactType()).isEqualTo(SPDX);
    List<Descriptor> referrers = layout.referrers(image.manifest().digest());
    assertThat(referrers).hasSize(1);
    assertThat(referrers.get(0).digest()).isEqualTo(sbom.digest());
    assertThat(referrers.get(0).artifactType()).isEqualTo(SPDX);
    assertThat(referrers.get(0).annotations())
        .containsEntry(Annotations.CREATED, "2026-01-01T00:00:00Z");

    Manifest manifest = layout.readManifest(sbom).value();
    assertThat(manifest.artifactType()).isEqualTo(SPDX);
    assertThat(manifest.config()).isEqualTo(Descriptor.EMPTY_JSON);
    assertThat(manifest.subject())
        .as("only the reference's media type, digest and size")
        .isEqualTo(
            Descriptor.of(
                MediaType.IMAGE_MANIFEST, image.manifest().digest(), image.manifest().size()));
    assertThat(manifest.layers()).hasSize(1);
    Descriptor blob = manifest.layers().get(0);
    assertThat(blob.mediaType()).isEqualTo(SPDX);
    assertThat(blob.annotations()).isEqualTo(Map.of(Annotations.TITLE, "sbom.spdx.json"));
    try (InputStream in = layout.open(blob)) {
      assertThat(in.readAllBytes()).isEqualTo(SBOM);
    }
    assertThat(layout.contains(Descriptor.EMPTY_JSON.digest()))
        .as("the {} blob is written though the descriptor embeds it")
        .isTrue();
    assertThat(layout.index().value().manifests())
        .as("listed untagged, after the image")
        .extracting(Descriptor::digest)
        .containsExactly(image.manifest().digest(), sbom.digest());
    assertThat(layout.refs()).containsExactly("app");
    assertThat(layout.resolve("app", null).descriptor().digest())
        .isEqualTo(image.manifest().digest());
    assertThat(assertEveryDocumentValid(layout)).isEqualTo(4);
  }

  @Test
  void severalArtifactsOfOneSubjectAreAllReferrers() throws IOException {
    Descriptor sbom =
        ArtifactBuilder.create(SPDX)
            .subject(image.manifest())
            .addBlob(SPDX, new ByteArrayInputStream(SBOM), Map.of())
            .build(layout, "app-sbom");
    Descriptor signature =
        ArtifactBuilder.create(SIGNATURE)
            .subject(image.manifest())
            .annotation("com.example.signer", "ci")
            .build(layout, "app-sig");

    assertThat(layout.referrers(image.manifest().digest()))
        .extracting(Descriptor::digest, Descriptor::artifactType)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(sbom.digest(), SPDX),
            org.assertj.core.groups.Tuple.tuple(signature.digest(), SIGNATURE));
    assertThat(layout.refs()).containsExactly("app", "app-sbom", "app-sig");
    assertThat(layout.referrers(sbom.digest())).isEmpty();
    assertEveryDocumentValid(layout);
  }

  @Test
  void artifactWithoutBlobsHasTheEmptyDescriptorAsItsLayer() throws IOException {
    Descriptor signature =
        ArtifactBuilder.create(SIGNATURE).subject(image.manifest()).build(layout);
    Manifest manifest = layout.readManifest(signature).value();
    assertThat(manifest.layers()).containsExactly(Descriptor.EMPTY_JSON);
    assertThat(manifest.config()).isEqualTo(Descriptor.EMPTY_JSON);
    assertEveryDocumentValid(layout);
  }

  @Test
  void artifactReferringToAnIndexIsAReferrerOfTheIndex() throws IOException {
    Descriptor index = IndexBuilder.create().add(image).build(layout, "multi");
    Descriptor sig = ArtifactBuilder.create(SIGNATURE).subject(index).build(layout);
    assertThat(layout.referrers(index.digest()))
        .extracting(Descriptor::digest)
        .containsExactly(sig.digest());
    assertEveryDocumentValid(layout);
  }

  @Test
  void blobWrittenBeforehandIsAddedByItsDescriptor() throws IOException {
    Descriptor big =
        layout.writeBlob(
            "application/vnd.example.data", new ByteArrayInputStream(new byte[100_000]));
    Descriptor artifact =
        ArtifactBuilder.create("application/vnd.example+type").addBlob(big).build(layout);
    assertThat(layout.readManifest(artifact).value().layers()).containsExactly(big);
    assertThat(layout.readManifest(artifact).value().subject()).isNull();
    assertEveryDocumentValid(layout);

    Descriptor missing = Descriptor.of("application/vnd.example.data", new byte[] {42});
    assertThatThrownBy(
            () ->
                ArtifactBuilder.create("application/vnd.example+type")
                    .addBlob(missing)
                    .build(layout))
        .isInstanceOf(BlobNotFoundException.class);
  }

  @Test
  void badArgumentsAreRefused() {
    assertThatThrownBy(() -> ArtifactBuilder.create("not a type"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("artifactType")
        .hasMessageContaining("RFC 6838");
    ArtifactBuilder b = ArtifactBuilder.create(SPDX);
    assertThatThrownBy(() -> b.subject(Descriptor.of(MediaType.IMAGE_CONFIG, new byte[] {1})))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("subject must be a manifest or an index");
    assertThatThrownBy(() -> b.addBlob("text", SBOM, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("blob media type");
    assertThatThrownBy(() -> b.addBlob(SPDX, SBOM, Map.of("", "x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("blob annotation key");
    assertThatThrownBy(() -> b.build(layout, "bad ref"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid ref name");
  }
}
