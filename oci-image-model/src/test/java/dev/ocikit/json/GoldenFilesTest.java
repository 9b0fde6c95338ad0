package dev.ocikit.json;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ocikit.digest.Digest;
import dev.ocikit.model.Annotations;
import dev.ocikit.model.Descriptor;
import dev.ocikit.model.ImageConfig;
import dev.ocikit.model.Index;
import dev.ocikit.model.LayoutHeader;
import dev.ocikit.model.Manifest;
import dev.ocikit.model.MediaType;
import dev.ocikit.model.OciDocument;
import dev.ocikit.model.Platform;
import dev.ocikit.testing.TestData;
import dev.ocikit.validation.Validator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Canonical serialisation, byte for byte, against the files in {@code testdata/golden/}. Run with
 * {@code -Docikit.golden.update=true} to write the files from the values below (then read the diff:
 * a key such as {@code os_version} for {@code os.version} must not slip through).
 */
class GoldenFilesTest {
  private static final boolean UPDATE = Boolean.getBoolean("ocikit.golden.update");

  static final Digest CONFIG =
      Digest.parse("sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7");
  static final Digest LAYER1 =
      Digest.parse("sha256:9834876dcfb05cb167a5c24953eba58c4ac89b1adf57f28f2f9d09af107ee8f0");
  static final Digest LAYER2 =
      Digest.parse("sha256:3c3a4604a545cdc127456d94e421cd355bca5b528f4a9c1905b15da2eb4a4c6b");
  static final Digest OTHER =
      Digest.parse("sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270");

  static Manifest imageManifest() {
    return Manifest.builder()
        .config(Descriptor.of(MediaType.IMAGE_CONFIG, CONFIG, 7023))
        .addLayer(Descriptor.of(MediaType.IMAGE_LAYER_GZIP, LAYER1, 32654))
        .addLayer(
            Descriptor.builder()
                .mediaType(MediaType.IMAGE_LAYER_ZSTD)
                .digest(LAYER2)
                .size(16724)
                .urls(List.of("https://example.com/layer2"))
                .annotation(Annotations.TITLE, "layer two")
                .build())
        .subject(Descriptor.of(MediaType.IMAGE_MANIFEST, OTHER, 7682))
        .annotation("com.example.key2", "value2")
        .annotation("com.example.key1", "value1")
        .annotation(Annotations.CREATED, "2015-10-31T22:22:56.015925234Z")
        .build();
  }

  static Manifest artifactManifest() {
    byte[] payload = "hello, artifact\n".getBytes(StandardCharsets.UTF_8);
    return Manifest.builder()
        .artifactType("application/vnd.example.sbom.v1+json")
        .config(Descriptor.EMPTY_JSON)
        .addLayer(Descriptor.embedding("application/vnd.example.sbom.v1+json", payload))
        .subject(Descriptor.of(MediaType.IMAGE_MANIFEST, OTHER, 7682))
        .build();
  }

  static Index index() {
    Platform windows =
        new Platform(
            "amd64", "windows", "10.0.17763.1879", List.of("win32k"), null, List.of(), Map.of());
    return Index.builder()
        .addManifest(
            Descriptor.of(MediaType.IMAGE_MANIFEST, LAYER1, 7143)
                .withPlatform(Platform.of("linux", "arm64", "v8")))
        .addManifest(Descriptor.of(MediaType.IMAGE_MANIFEST, LAYER2, 7682).withPlatform(windows))
        .addManifest(
            Descriptor.of(MediaType.IMAGE_INDEX, OTHER, 1024)
                .withAnnotation(Annotations.REF_NAME, "stable-release"))
        .addManifest(
            Descriptor.of(MediaType.IMAGE_MANIFEST, CONFIG, 506)
                .withArtifactType("application/vnd.example.signature.v1"))
        .annotation("com.example.index.revision", "r124356")
        .build();
  }

  static ImageConfig config() {
    OffsetDateTime created =
        OffsetDateTime.of(2015, 10, 31, 22, 22, 56, 15_925_234, ZoneOffset.UTC);
    return ImageConfig.builder()
        .created(created)
        .author("Alyssa P. Hacker <alyspdev@example.com>")
        .architecture("arm")
        .os("linux")
        .osVersion("6.1")
        .osFeatures(List.of("feature-b", "feature-a"))
        .variant("v7")
        .config(
            ImageConfig.Config.builder()
                .user("alice:staff")
                .exposedPort("8080/tcp")
                .exposedPort("53/udp")
                .env("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
                .env("FOO", "oci_is_a")
                .entrypoint(List.of("/bin/my-app-binary"))
                .cmd(List.of("--foreground", "--config", "/etc/my-app.d/default.cfg"))
                .volume("/var/log/my-app-logs")
                .volume("/var/job-result-data")
                .workingDir("/home/alice")
                .label("com.example.project.git.url", "https://example.com/project.git")
                .label("com.example.project.git.commit", "45a939b2999782a3f005621a8d0f29aa387e1d6b")
                .stopSignal("SIGRTMIN+3")
                .argsEscaped(false)
                .build())
        .rootfs(ImageConfig.RootFs.of(List.of(LAYER1, LAYER2)))
        .addHistory(
            new ImageConfig.History(
                created.minusSeconds(2),
                "alice",
                "/bin/sh -c #(nop) ADD file:a3bc1e842b69636f9df5256c49c5374fb4eef1e281fe3f282c65fb853ee171c5 in /",
                "base layer",
                null,
                Map.of()))
        .addHistory(
            ImageConfig.History.empty(created.minusSeconds(1), "/bin/sh -c #(nop) CMD [\"sh\"]"))
        .addHistory(ImageConfig.History.of(created, "/bin/sh -c make install"))
        .build();
  }

  static Descriptor descriptor() {
    return Descriptor.builder()
        .mediaType(MediaType.IMAGE_MANIFEST)
        .digest(OTHER)
        .size(7682)
        .urls(List.of("https://example.com/example-manifest"))
        .annotation(Annotations.REF_NAME, "v1.0")
        .platform(Platform.parse("linux/arm/v6"))
        .artifactType("application/vnd.example.sbom.v1")
        .build();
  }

  private static void check(String file, byte[] actual) throws IOException {
    Path path = TestData.path("golden/" + file);
    if (UPDATE) {
      Files.createDirectories(path.getParent());
      Files.write(path, actual);
    }
    assertThat(new String(actual, StandardCharsets.UTF_8))
        .as("canonical bytes of %s", file)
        .isEqualTo(Files.readString(path, StandardCharsets.UTF_8));
  }

  private static void check(String file, OciDocument document) throws IOException {
    byte[] bytes = OciJson.toBytes(document);
    check(file, bytes);
    assertThat(Validator.get().validate(document)).as(file).isEmpty();
    assertThat(OciJson.parse(bytes, document.getClass()).value()).isEqualTo(document);
  }

  @Test
  void imageManifestIsWrittenCanonically() throws IOException {
    check("image-manifest.json", imageManifest());
  }

  @Test
  void artifactManifestIsWrittenCanonically() throws IOException {
    check("artifact-manifest.json", artifactManifest());
  }

  @Test
  void indexIsWrittenCanonically() throws IOException {
    check("image-index.json", index());
  }

  @Test
  void configIsWrittenCanonically() throws IOException {
    check("image-config.json", config());
    assertThat(OciJson.toJson(config()))
        .contains("\"os.version\":\"6.1\"", "\"os.features\":[", "\"diff_ids\":[")
        .doesNotContain("os_version", "osVersion", "diffIds", "createdBy", "emptyLayer");
  }

  @Test
  void descriptorIsWrittenCanonically() throws IOException {
    check("descriptor.json", OciJson.toBytes(descriptor()));
    assertThat(Validator.get().validate(descriptor())).isEmpty();
  }

  @Test
  void layoutHeaderIsWrittenCanonically() throws IOException {
    check("oci-layout.json", LayoutHeader.V1);
  }
}
