package dev.ocikit.layout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ocikit.model.Annotations;
import dev.ocikit.model.Descriptor;
import dev.ocikit.model.ImageConfig;
import dev.ocikit.model.Index;
import dev.ocikit.model.Manifest;
import dev.ocikit.model.MediaType;
import dev.ocikit.model.Platform;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResolveTest {
  @TempDir Path dir;
  OciLayout sample;

  static Path sampleSource() {
    String root = System.getProperty("ocikit.repo.root");
    Path base = root != null ? Path.of(root) : Path.of("").toAbsolutePath().getParent();
    return base.resolve("testdata/images/hello");
  }

  @BeforeEach
  void copySample() throws IOException {
    Path source = sampleSource();
    Path target = dir.resolve("hello");
    try (Stream<Path> walk = Files.walk(source)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        Path to = target.resolve(source.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(to);
        } else {
          Files.copy(p, to);
        }
      }
    }
    sample = OciLayout.open(target);
  }

  /** Writes a one-layer linux image for {@code platform} and returns its manifest descriptor. */
  static Descriptor image(OciLayout layout, Platform platform) throws IOException {
    byte[] layer = ("layer for " + platform).getBytes(StandardCharsets.UTF_8);
    Descriptor l = layout.writeBlob(MediaType.IMAGE_LAYER, layer);
    Descriptor c =
        layout.writeDocument(
            ImageConfig.builder()
                .platform(platform)
                .rootfs(ImageConfig.RootFs.of(List.of(l.digest())))
                .build());
    return layout
        .writeDocument(Manifest.builder().config(c).addLayer(l).build())
        .withPlatform(platform);
  }

  @Test
  void resolvesARefNameToItsManifest() throws IOException {
    ImageRef ref = sample.resolve("latest", null);
    assertThat(ref.refName()).isEqualTo("latest");
    assertThat(ref.manifest().value().layers()).hasSize(2);
    assertThat(ref.manifest().digest()).isEqualTo(ref.descriptor().digest());
    assertThat(ref.path()).hasSize(1);
  }

  @Test
  void resolvesADigestInTheIndexOrOnlyInBlobs() throws IOException {
    Descriptor latest = sample.resolve("latest", null).descriptor();
    assertThat(sample.resolve(latest.digest().toString(), null).descriptor().digest())
        .isEqualTo(latest.digest());
    sample.untag("latest");
    ImageRef byBlob = sample.resolve(latest.digest().toString(), null);
    assertThat(byBlob.descriptor().mediaType()).isEqualTo(MediaType.IMAGE_MANIFEST);
    assertThat(byBlob.descriptor().size()).isEqualTo(latest.size());
  }

  @Test
  void unknownRefsListTheRefsThereAre() {
    assertThatThrownBy(() -> sample.resolve("nope", null))
        .isInstanceOfSatisfying(LayoutException.class, e -> assertThat(e.notFound()).isTrue())
        .hasMessageContaining("no ref \"nope\"")
        .hasMessageContaining("latest, latest-sbom");
    assertThatThrownBy(() -> sample.resolveOnly(null))
        .hasMessageContaining("2 entries")
        .hasMessageContaining("latest, latest-sbom");
  }

  @Test
  void anUnknownRefInALayoutWithoutRefsSaysItHasNone() throws IOException {
    OciLayout empty = OciLayout.create(dir.resolve("empty"));
    assertThatThrownBy(() -> empty.resolve("base", null))
        .isInstanceOfSatisfying(LayoutException.class, e -> assertThat(e.notFound()).isTrue())
        .hasMessageEndingWith("no ref \"base\"; it has no ref names");
  }

  @Test
  void nestedIndexesAreWalkedByPlatform() throws IOException {
    OciLayout layout = OciLayout.create(dir.resolve("multi"));
    Descriptor amd64 = image(layout, Platform.of("linux", "amd64"));
    Descriptor arm = image(layout, Platform.of("linux", "arm", "v7"));
    Descriptor arm64 = image(layout, Platform.of("linux", "arm64", "v8"));
    Descriptor inner = layout.writeDocument(Index.of(List.of(arm, arm64)));
    Descriptor outer = layout.writeDocument(Index.of(List.of(amd64, inner)));
    layout.tag("multi", outer);

    assertThat(layout.resolve("multi", Platform.parse("linux/amd64")).descriptor().digest())
        .isEqualTo(amd64.digest());
    // "If multiple manifests match a client or runtime's requirements, the first matching entry
    // SHOULD be used": the nested index has no platform, so it is looked into only when needed.
    assertThat(layout.resolve("multi", Platform.parse("linux/arm/v7")).descriptor().digest())
        .isEqualTo(arm.digest());
    ImageRef arm64Ref = layout.resolve("multi", Platform.parse("linux/aarch64"));
    assertThat(arm64Ref.descriptor().digest()).isEqualTo(arm64.digest());
    assertThat(arm64Ref.path())
        .extracting(Descriptor::digest)
        .containsExactly(outer.digest(), inner.digest(), arm64.digest());
    // An arm/v6 host cannot run arm/v7: no match, and the error lists what there is.
    assertThatThrownBy(() -> layout.resolve("multi", Platform.parse("linux/arm/v6")))
        .hasMessageContaining("no image for linux/arm/v6")
        .hasMessageContaining("linux/amd64, linux/arm/v7, linux/arm64/v8");
    // Without arm64, an arm64 host takes the arm/v7 image (containerd's platforms.Only).
    layout.untag("multi");
    layout.tag("no-arm64", layout.writeDocument(Index.of(List.of(amd64, arm))));
    assertThat(layout.resolve("no-arm64", Platform.parse("linux/arm64")).descriptor().digest())
        .isEqualTo(arm.digest());
  }

  @Test
  void anIndexWithoutPlatformsResolvesToItsOnlyImage() throws IOException {
    OciLayout layout = OciLayout.create(dir.resolve("one"));
    Descriptor only = image(layout, Platform.of("linux", "riscv64")).withPlatform(null);
    layout.add(only);
    assertThat(layout.resolveOnly(null).descriptor()).isEqualTo(only);
  }

  @Test
  void cyclicIndexesAreStopped() throws IOException {
    OciLayout layout = OciLayout.create(dir.resolve("cycle"));
    // An index cannot contain its own digest, but a very deep chain is just as hostile.
    Descriptor d = image(layout, Platform.of("linux", "amd64"));
    for (int i = 0; i < Resolver.MAX_NESTING + 2; i++) {
      d = layout.writeDocument(Index.of(List.of(d)));
    }
    layout.tag("deep", d);
    assertThatThrownBy(() -> layout.resolve("deep", null))
        .isInstanceOf(LayoutException.class)
        .hasMessageContaining("nested more than");
  }

  @Test
  void imagesAndReferrersAreFound() throws IOException {
    List<ImageRef> images = sample.images();
    assertThat(images).extracting(ImageRef::refName).containsExactly("latest", "latest-sbom");
    Descriptor image = sample.resolve("latest", null).descriptor();
    List<Descriptor> referrers = sample.referrers(image.digest());
    assertThat(referrers)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.artifactType()).isEqualTo("application/spdx+json");
              assertThat(r.annotations()).containsKey(Annotations.CREATED);
            });
    assertThat(sample.referrers(referrers.get(0).digest())).isEmpty();
  }

  @Test
  void anUnknownRefListsAFewRefsCutShortNotAllOfAHostileIndex() throws IOException {
    Descriptor latest = sample.resolve("latest", null).descriptor();
    for (int i = 0; i < 40; i++) {
      sample.tag("r" + i + "-" + "a".repeat(5_000), latest);
    }
    assertThatThrownBy(() -> sample.resolve("nope", null))
        .hasMessageContaining("no ref \"nope\"")
        .hasMessageContaining("a... and 22 more")
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(3_000));
  }

  @Test
  void aRefNameThatReadsAsADigestResolvesAsTheRefName() throws IOException {
    // "hello:latest" fits the digest grammar (algorithm "hello", encoded "latest").
    Descriptor latest = sample.resolve("latest", null).descriptor();
    sample.tag("hello:latest", latest);
    assertThat(sample.resolve("hello:latest", null).refName()).isEqualTo("hello:latest");
    assertThat(sample.resolve("hello:latest", null).descriptor().digest())
        .isEqualTo(latest.digest());
    // Not a ref name: still read as a digest, which nothing has: not there, rather than broken.
    assertThatThrownBy(() -> sample.resolve("hello:other", null))
        .isInstanceOfSatisfying(LayoutException.class, e -> assertThat(e.notFound()).isTrue())
        .hasMessageContaining("no ref or blob hello:other");
  }
}
