package dev.ocikit.layout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ocikit.digest.Digest;
import dev.ocikit.model.Descriptor;
import dev.ocikit.model.ImageConfig;
import dev.ocikit.model.Manifest;
import dev.ocikit.model.MediaType;
import dev.ocikit.model.Platform;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayoutCheckerTest {
  @TempDir Path dir;

  /** A one-layer image whose layer is {@code layer} under the media type {@code mediaType}. */
  private Path image(String name, String mediaType, byte[] layer, Digest diffId)
      throws IOException {
    Path root = dir.resolve(name);
    OciLayout layout = OciLayout.create(root);
    Descriptor l = layout.writeBlob(mediaType, layer);
    Descriptor config =
        layout.writeDocument(
            ImageConfig.builder()
                .platform(Platform.of("linux", "amd64"))
                .rootfs(ImageConfig.RootFs.of(List.of(diffId)))
                .build());
    layout.tag("t", layout.writeDocument(Manifest.builder().config(config).addLayer(l).build()));
    return root;
  }

  @Test
  void anUncompressedLayerUnderTheDockerGzipTypeIsAWarningAndItsDiffIdIsStillChecked()
      throws IOException {
    // Docker and containerd read a Docker layer by its magic bytes; an OCI type is a promise.
    byte[] tar = Tars.tar(List.of(Tars.file("a", "content")));
    Path docker = image("docker", MediaType.DOCKER_LAYER_GZIP, tar, Digest.sha256(tar));
    List<LayoutProblem> problems = LayoutChecker.check(docker, true);
    assertThat(problems)
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.isError()).isFalse();
              assertThat(p.message())
                  .contains("the media type says gzip, but the content is not compressed");
            });

    Path wrongDiffId =
        image(
            "docker-wrong-diff-id",
            MediaType.DOCKER_LAYER_GZIP,
            tar,
            Digest.sha256("other".getBytes(StandardCharsets.UTF_8)));
    assertThat(LayoutChecker.check(wrongDiffId, true))
        .anySatisfy(p -> assertThat(p.message()).contains("diff_id mismatch"));

    Path oci = image("oci", MediaType.IMAGE_LAYER_GZIP, tar, Digest.sha256(tar));
    assertThat(LayoutChecker.check(oci, true))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.isError()).isTrue();
              assertThat(p.message())
                  .contains("the media type says gzip, but the content is not compressed");
            });
  }
}
