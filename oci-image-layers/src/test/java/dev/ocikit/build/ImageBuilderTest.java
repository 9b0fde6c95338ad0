package dev.ocikit.build;

import static dev.ocikit.build.TestLayers.assertEveryDocumentValid;
import static dev.ocikit.build.TestLayers.gzipLayer;
import static dev.ocikit.build.TestLayers.tarLayer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ocikit.blob.BlobNotFoundException;
import dev.ocikit.build.TestLayers.Layer;
import dev.ocikit.digest.Digest;
import dev.ocikit.layers.ApplyOptions;
import dev.ocikit.layers.ImageUnpacker;
import dev.ocikit.layers.ProgressListener;
import dev.ocikit.layout.ImageRef;
import dev.ocikit.layout.OciLayout;
import dev.ocikit.model.Annotations;
import dev.ocikit.model.Descriptor;
import dev.ocikit.model.ImageConfig;
import dev.ocikit.model.ImageConfig.History;
import dev.ocikit.model.Manifest;
import dev.ocikit.model.MediaType;
import dev.ocikit.model.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImageBuilderTest {
  private static final Platform AMD64 = Platform.parse("linux/amd64");
  private static final OffsetDateTime T1 = OffsetDateTime.parse("2026-02-03T04:05:06.123456789Z");
  private static final OffsetDateTime T0 = OffsetDateTime.parse("2025-01-01T00:00:00Z");

  @TempDir Path dir;

  private OciLayout layout(String name) throws IOException {
    return OciLayout.create(dir.resolve(name));
  }

  private static ImageConfig config(OciLayout layout, BuiltImage image) throws IOException {
    return layout.readConfig(image.config()).value();
  }

  private static Manifest manifest(OciLayout layout, BuiltImage image) throws IOException {
    return layout.readManifest(image.manifest()).value();
  }

  /**
   * A base image in its own layout: two layers, history with an empty entry, env, cmd, labels;
   * tagged {@code base}.
   */
  private BuiltImage baseImage(OciLayout base) throws IOException {
    Layer l1 = gzipLayer(base, "etc/", "", "etc/os-release", "ID=base\n", "bin/", "");
    Layer l2 = tarLayer(base, "etc/motd", "base motd\n", "greeting", "->etc/motd");
    return ImageBuilder.scratch(AMD64)
        .addLayer(l1.descriptor(), l1.diffId(), History.of(T0, "base: files"))
        .addHistory(History.empty(T0, "base: ENV"))
        .addLayer(l2.descriptor(), l2.diffId(), History.of(T0, "base: motd"))
        .env("PATH", "/usr/bin:/bin")
        .env("LANG", "C.UTF-8")
        .env("TZ", "UTC")
        .cmd(List.of("/bin/sh"))
        .label("com.example.base", "yes")
        .author("Base Maintainer")
        .created(T0)
        .annotation(Annotations.TITLE, "the base")
        .build(base, "base");
  }

  // --- scratch -----------------------------------------------------------------------------

  @Test
  void scratchImageCarriesEveryConfigField() throws IOException {
    OciLayout layout = layout("scratch");
    Layer app = gzipLayer(layout, "app/", "", "app/hello.txt", "hello\n");
    Platform arm64 = Platform.parse("linux/arm64");

    BuiltImage image =
        ImageBuilder.scratch(arm64)
            .addLayer(app.descriptor(), app.diffId())
            .addHistory(History.empty(null, "ENV A=1"))
            .entrypoint(List.of("/app/run"))
            .cmd(List.of("--serve"))
            .env("A", "1")
            .env("B", "x=y")
            .workingDir("/app")
            .user("1000:1000")
            .label("com.example.team", "build")
            .exposedPort("8080")
            .exposedPort("53/udp")
            .volume("/data")
            .stopSignal("SIGRTMIN+3")
            .author("Ada <ada@example.com>")
            .created(T1)
            .annotation(Annotations.SOURCE, "https://example.com/src")
            .build(layout, "v1");

    ImageConfig config = config(layout, image);
    assertThat(config.platform()).isEqualTo(arm64);
    assertThat(config.created()).isEqualTo(T1);
    assertThat(config.author()).isEqualTo("Ada <ada@example.com>");
    ImageConfig.Config exec = config.config();
    assertThat(exec).isNotNull();
    assertThat(exec.entrypoint()).containsExactly("/app/run");
    assertThat(exec.cmd()).containsExactly("--serve");
    assertThat(exec.env()).containsExactly("A=1", "B=x=y");
    assertThat(exec.workingDir()).isEqualTo("/app");
    assertThat(exec.user()).isEqualTo("1000:1000");
    assertThat(exec.labels()).isEqualTo(Map.of("com.example.team", "build"));
    assertThat(exec.exposedPorts()).containsExactlyInAnyOrder("8080/tcp", "53/udp");
    assertThat(exec.volumes()).containsExactly("/data");
    assertThat(exec.stopSignal()).isEqualTo("SIGRTMIN+3");
    assertThat(config.rootfs().diffIds()).containsExactly(app.diffId());
    assertThat(config.history())
        .containsExactly(
            History.of(T1, ImageBuilder.DEFAULT_CREATED_BY), History.empty(T1, "ENV A=1"));

    Manifest manifest = manifest(layout, image);
    assertThat(manifest.mediaType()).isEqualTo(MediaType.IMAGE_MANIFEST);
    assertThat(manifest.config()).isEqualTo(image.config());
    assertThat(manifest.config().mediaType()).isEqualTo(MediaType.IMAGE_CONFIG);
    assertThat(manifest.layers()).containsExactly(app.descriptor());
    assertThat(manifest.annotations())
        .isEqualTo(Map.of(Annotations.SOURCE, "https://example.com/src"));

    assertThat(image.platform()).isEqualTo(arm64);
    assertThat(image.manifest().platform()).isEqualTo(arm64);
    ImageRef resolved = layout.resolve("v1", arm64);
    assertThat(resolved.descriptor())
        .isEqualTo(image.manifest().withAnnotation(Annotations.REF_NAME, "v1"));
    assertThat(assertEveryDocumentValid(layout)).isEqualTo(3);
  }

  @Test
  void scratchImageWithoutExecutionParametersHasNoConfigObjectAndNoCreated() throws IOException {
    OciLayout layout = layout("bare");
    Layer app = gzipLayer(layout, "a.txt", "a");
    BuiltImage image =
        ImageBuilder.scratch(AMD64).addLayer(app.descriptor(), app.diffId()).build(layout);

    ImageConfig config = config(layout, image);
    assertThat(config.config()).isNull();
    assertThat(config.created()).isNull();
    assertThat(config.history()).containsExactly(History.of(null, "ocikit"));
    assertThat(layout.index().value().manifests()).as("build without a ref does not tag").isEmpty();
  }

  @Test
  void sameInputsGiveTheSameDigests() throws IOException {
    OciLayout a = layout("a");
    OciLayout b = layout("b");
    Layer la = gzipLayer(a, "f", "x");
    Layer lb = gzipLayer(b, "f", "x");
    ImageBuilder builder =
        ImageBuilder.scratch(AMD64).addLayer(la.descriptor(), la.diffId()).env("K", "v");
    BuiltImage first = builder.build(a);
    BuiltImage second =
        ImageBuilder.scratch(AMD64).addLayer(lb.descriptor(), lb.diffId()).env("K", "v").build(b);
    assertThat(second).isEqualTo(first);
    assertThat(builder.build(a)).as("building again changes nothing").isEqualTo(first);
  }

  @Test
  void imageWithoutLayersIsRefused() throws IOException {
    OciLayout layout = layout("empty");
    assertThatThrownBy(() -> ImageBuilder.scratch(AMD64).cmd(List.of("x")).build(layout))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("at least one layer");
  }

  // --- from a base -------------------------------------------------------------------------

  @Test
  void imageFromBaseKeepsLayersHistoryAndConfigAndNamesItsBase() throws IOException {
    OciLayout base = layout("base");
    BuiltImage baseImage = baseImage(base);
    Manifest baseManifest = manifest(base, baseImage);
    ImageConfig baseConfig = config(base, baseImage);

    OciLayout target = layout("target");
    Layer app = gzipLayer(target, "app/", "", "app/app.jar", "jar bytes");
    BuiltImage image =
        ImageBuilder.from(base, "base", AMD64)
            .addLayer(app.descriptor(), app.diffId(), History.of(null, "COPY app.jar /app/"))
            .workingDir("/app")
            .created(T1)
            .build(target, "app");

    Manifest manifest = manifest(target, image);
    assertThat(manifest.layers())
        .containsExactly(
            baseManifest.layers().get(0), baseManifest.layers().get(1), app.descriptor());
    assertThat(manifest.annotations())
        .as("base annotations set, the base manifest's own not inherited")
        .isEqualTo(
            Map.of(
                Annotations.BASE_DIGEST,
                baseImage.manifest().digest().toString(),
                Annotations.BASE_NAME,
                "base"));

    ImageConfig config = config(target, image);
    assertThat(config.rootfs().diffIds())
        .containsExactly(
            baseConfig.rootfs().diffIds().get(0),
            baseConfig.rootfs().diffIds().get(1),
            app.diffId());
    assertThat(config.history())
        .containsExactly(
            History.of(T0, "base: files"),
            History.empty(T0, "base: ENV"),
            History.of(T0, "base: motd"),
            History.of(T1, "COPY app.jar /app/"));
    assertThat(config.created()).isEqualTo(T1);
    assertThat(config.author()).isEqualTo("Base Maintainer");
    assertThat(config.configOrEmpty().env())
        .containsExactly("PATH=/usr/bin:/bin", "LANG=C.UTF-8", "TZ=UTC");
    assertThat(config.configOrEmpty().cmd()).containsExactly("/bin/sh");
    assertThat(config.configOrEmpty().labels()).containsEntry("com.example.base", "yes");
    assertThat(config.configOrEmpty().workingDir()).isEqualTo("/app");

    for (Descriptor layer : baseManifest.layers()) {
      assertThat(target.contains(layer.digest()))
          .as("base layer %s copied", layer.digest())
          .isTrue();
    }
    assertThat(target.contains(baseImage.config().digest()))
        .as("the base config is not needed in the target")
        .isFalse();
    assertEveryDocumentValid(target);
  }

  @Test
  void imageFromBaseByDigestSetsOnlyTheBaseDigest() throws IOException {
    OciLayout base = layout("base");
    BuiltImage baseImage = baseImage(base);
    Layer app = gzipLayer(base, "x", "y");

    BuiltImage image =
        ImageBuilder.from(base, baseImage.manifest().digest().toString(), null)
            .addLayer(app.descriptor(), app.diffId())
            .annotation(Annotations.BASE_NAME, "registry.example.com/base:1")
            .build(base, "derived");

    assertThat(manifest(base, image).annotations())
        .isEqualTo(
            Map.of(
                Annotations.BASE_DIGEST,
                baseImage.manifest().digest().toString(),
                Annotations.BASE_NAME,
                "registry.example.com/base:1"));
    assertEveryDocumentValid(base);
  }

  @Test
  void imageFromBaseUnpacksToTheLayersApplied() throws IOException {
    OciLayout base = layout("base");
    baseImage(base);
    OciLayout target = layout("target");
    Layer app = gzipLayer(target, "app/", "", "app/hello.txt", "hello\n", "etc/.wh.motd", "");
    ImageBuilder.from(base, "base", AMD64)
        .addLayer(app.descriptor(), app.diffId())
        .build(target, "app");

    Path rootfs = dir.resolve("rootfs");
    ImageUnpacker unpacker =
        new ImageUnpacker(ApplyOptions.DEFAULT.withRootless(true), ProgressListener.NONE);
    unpacker.unpack(target, target.resolve("app", AMD64), rootfs);

    assertThat(rootfs.resolve("etc/os-release")).hasContent("ID=base");
    assertThat(rootfs.resolve("app/hello.txt")).hasContent("hello");
    assertThat(rootfs.resolve("etc/motd")).as("whited out by the new layer").doesNotExist();
    assertThat(Files.isSymbolicLink(rootfs.resolve("greeting"))).isTrue();
    assertThat(rootfs.resolve("bin")).isDirectory();
  }

  @Test
  void baseImageIsResolvedByPlatformThroughAnIndex() throws IOException {
    OciLayout base = layout("base");
    Layer a = gzipLayer(base, "arch", "amd64");
    Layer b = gzipLayer(base, "arch", "arm64");
    Platform arm64 = Platform.parse("linux/arm64");
    BuiltImage amd = ImageBuilder.scratch(AMD64).addLayer(a.descriptor(), a.diffId()).build(base);
    BuiltImage arm = ImageBuilder.scratch(arm64).addLayer(b.descriptor(), b.diffId()).build(base);
    IndexBuilder.create().add(amd).add(arm).build(base, "multi");

    OciLayout target = layout("target");
    Layer app = gzipLayer(target, "app", "1");
    BuiltImage image =
        ImageBuilder.from(base, "multi", arm64)
            .addLayer(app.descriptor(), app.diffId())
            .build(target);

    assertThat(image.platform()).isEqualTo(arm64);
    assertThat(manifest(target, image).layers()).containsExactly(b.descriptor(), app.descriptor());
    assertThat(manifest(target, image).annotations())
        .containsEntry(Annotations.BASE_DIGEST, arm.manifest().digest().toString());
  }

  @Test
  void baseHistoryThatDoesNotFitItsLayersIsMended() throws IOException {
    OciLayout base = layout("base");
    Layer l1 = gzipLayer(base, "one", "1");
    Layer l2 = gzipLayer(base, "two", "2");
    // Written by hand: two layers, but one history entry for a layer.
    ImageConfig config =
        ImageConfig.builder()
            .platform(AMD64)
            .rootfs(ImageConfig.RootFs.of(List.of(l1.diffId(), l2.diffId())))
            .addHistory(History.of(T0, "first"))
            .build();
    Descriptor c = base.writeDocument(config);
    base.tag(
        "sparse",
        base.writeDocument(
            Manifest.builder()
                .config(c)
                .addLayer(l1.descriptor())
                .addLayer(l2.descriptor())
                .build()));
    // And three layer entries for two layers.
    ImageConfig crowded =
        config.withHistory(List.of(History.of(T0, "a"), History.of(T0, "b"), History.of(T0, "c")));
    Descriptor c2 = base.writeDocument(crowded);
    base.tag(
        "crowded",
        base.writeDocument(
            Manifest.builder()
                .config(c2)
                .addLayer(l1.descriptor())
                .addLayer(l2.descriptor())
                .build()));

    OciLayout target = layout("target");
    Layer app = gzipLayer(target, "app", "1");
    BuiltImage sparse =
        ImageBuilder.from(base, "sparse", null)
            .addLayer(app.descriptor(), app.diffId())
            .build(target);
    assertThat(config(target, sparse).history())
        .containsExactly(
            History.of(T0, "first"),
            new History(null, null, null, ImageBuilder.MISSING_HISTORY_COMMENT, null, Map.of()),
            History.of(null, "ocikit"));

    BuiltImage crowdedImage =
        ImageBuilder.from(base, "crowded", null)
            .addLayer(app.descriptor(), app.diffId())
            .build(target);
    assertThat(config(target, crowdedImage).history())
        .containsExactly(
            History.of(T0, "a"),
            History.of(T0, "b"),
            History.empty(T0, "c"),
            History.of(null, "ocikit"));
    for (BuiltImage image : List.of(sparse, crowdedImage)) {
      ImageConfig built = config(target, image);
      assertThat(built.history().stream().filter(h -> !h.isEmptyLayer()))
          .hasSameSizeAs(built.rootfs().diffIds());
    }
  }

  @Test
  void entrypointClearsTheBaseCmdUnlessCmdIsGiven() throws IOException {
    OciLayout base = layout("base");
    baseImage(base);

    ImageConfig onlyEntrypoint =
        ImageBuilder.from(base, "base", null).entrypoint(List.of("/app/run")).imageConfig();
    assertThat(onlyEntrypoint.configOrEmpty().cmd()).isEmpty();

    ImageConfig cmdAfter =
        ImageBuilder.from(base, "base", null)
            .entrypoint(List.of("/app/run"))
            .cmd(List.of("--port", "80"))
            .imageConfig();
    assertThat(cmdAfter.configOrEmpty().cmd()).containsExactly("--port", "80");

    ImageConfig cmdBefore =
        ImageBuilder.from(base, "base", null)
            .cmd(List.of("--verbose"))
            .entrypoint(List.of("/app/run"))
            .imageConfig();
    assertThat(cmdBefore.configOrEmpty().cmd()).containsExactly("--verbose");
    assertThat(cmdBefore.configOrEmpty().entrypoint()).containsExactly("/app/run");
  }

  @Test
  void artifactIsRefusedAsBase() throws IOException {
    OciLayout base = layout("base");
    BuiltImage image = baseImage(base);
    ArtifactBuilder.create("application/spdx+json")
        .subject(image.manifest())
        .addBlob("application/spdx+json", "{}".getBytes(), Map.of())
        .build(base, "sbom");
    assertThatThrownBy(() -> ImageBuilder.from(base, "sbom", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an image");
  }

  // --- env ---------------------------------------------------------------------------------

  @Test
  void envReplacesAnExistingEntryInPlaceAndKeepsTheOrder() throws IOException {
    OciLayout base = layout("base");
    baseImage(base);
    ImageConfig config =
        ImageBuilder.from(base, "base", null)
            .env("LANG", "en_US.UTF-8")
            .env("NEW", "1")
            .env("PATH", "/app/bin:/usr/bin:/bin")
            .imageConfig();
    assertThat(config.configOrEmpty().env())
        .containsExactly("PATH=/app/bin:/usr/bin:/bin", "LANG=en_US.UTF-8", "TZ=UTC", "NEW=1");
  }

  @Test
  void envDropsLaterDuplicatesThatWouldWin() throws IOException {
    OciLayout layout = layout("l");
    Layer l = gzipLayer(layout, "f", "x");
    ImageConfig config =
        ImageBuilder.scratch(AMD64)
            .addLayer(l.descriptor(), l.diffId())
            .config(c -> c.toBuilder().env(List.of("A=1", "B=2", "A=3", "AB=4")).build())
            .env("A", "5")
            .imageConfig();
    assertThat(config.configOrEmpty().env()).containsExactly("A=5", "B=2", "AB=4");
    assertThat(config.configOrEmpty().envValue("A")).hasValue("5");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "A=B"})
  void envNameMustBeAVariableName(String name) {
    assertThatThrownBy(() -> ImageBuilder.scratch(AMD64).env(name, "v"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("environment variable name");
  }

  // --- exposed ports -----------------------------------------------------------------------

  @ParameterizedTest
  @CsvSource({
    "8080, 8080/tcp",
    "8080/tcp, 8080/tcp",
    "53/udp, 53/udp",
    "443/TCP, 443/tcp",
    "1, 1/tcp",
    "65535/udp, 65535/udp"
  })
  void exposedPortIsStoredAsPortAndProtocol(String given, String stored) throws IOException {
    OciLayout layout = layout("l");
    Layer l = gzipLayer(layout, "f", "x");
    BuiltImage image =
        ImageBuilder.scratch(AMD64)
            .addLayer(l.descriptor(), l.diffId())
            .exposedPort(given)
            .build(layout);
    assertThat(config(layout, image).configOrEmpty().exposedPorts()).isEqualTo(Set.of(stored));
    assertEveryDocumentValid(layout);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "http",
        "0",
        "65536",
        "08080",
        "-1",
        "80/sctp",
        "80/",
        "/tcp",
        "80/tcp/x",
        "80-90",
        " 80",
        "80 /tcp"
      })
  void exposedPortOfAnotherFormIsRefused(String port) {
    assertThatThrownBy(() -> ImageBuilder.scratch(AMD64).exposedPort(port))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("exposed port");
  }

  // --- layers, history and arguments -------------------------------------------------------

  @Test
  void layerHistoryMustMatchWhatItIsFor() {
    Descriptor layer = Descriptor.of(MediaType.IMAGE_LAYER_GZIP, new byte[] {1});
    Digest diffId = Digest.sha256(new byte[] {2});
    ImageBuilder builder = ImageBuilder.scratch(AMD64);
    assertThatThrownBy(() -> builder.addLayer(layer, diffId, History.empty(null, "ENV")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty_layer");
    assertThatThrownBy(() -> builder.addHistory(History.of(null, "RUN make")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty_layer");
    assertThat(builder.layers()).isEmpty();
  }

  @Test
  void uncompressedLayerDiffIdMustBeItsDigest() {
    Descriptor layer = Descriptor.of(MediaType.IMAGE_LAYER, new byte[] {1});
    assertThatThrownBy(
            () -> ImageBuilder.scratch(AMD64).addLayer(layer, Digest.sha256(new byte[] {2})))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("DiffID");
  }

  @Test
  void nonLayerMediaTypesAreRefused() {
    for (String type :
        List.of(MediaType.IMAGE_MANIFEST, MediaType.IMAGE_CONFIG, MediaType.EMPTY_JSON)) {
      Descriptor layer = Descriptor.of(type, new byte[] {1});
      assertThatThrownBy(() -> ImageBuilder.scratch(AMD64).addLayer(layer, layer.digest()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not a layer type");
    }
  }

  @Test
  void dockerLayerTypesBecomeTheirOciCounterparts() throws IOException {
    OciLayout layout = layout("l");
    Layer l = gzipLayer(layout, "f", "x");
    Descriptor docker = l.descriptor().withMediaType(MediaType.DOCKER_LAYER_GZIP);
    BuiltImage image = ImageBuilder.scratch(AMD64).addLayer(docker, l.diffId()).build(layout);
    assertThat(manifest(layout, image).layers()).containsExactly(l.descriptor());
  }

  @Test
  void missingLayerBlobFailsBeforeAnyDocumentIsWritten() throws IOException {
    OciLayout layout = layout("l");
    byte[] tar = TestLayers.tar(TestLayers.entries("f", "x"));
    Descriptor notWritten = Descriptor.of(MediaType.IMAGE_LAYER, tar);
    ImageBuilder builder = ImageBuilder.scratch(AMD64).addLayer(notWritten, notWritten.digest());
    assertThatThrownBy(() -> builder.build(layout, "v1"))
        .isInstanceOf(BlobNotFoundException.class)
        .hasMessageContaining(notWritten.digest().toString());
    assertThat(layout.contains(OciJsonDigests.of(builder.imageConfig()))).isFalse();
    assertThat(layout.index().value().manifests()).isEmpty();
  }

  @Test
  void invalidRefIsRefusedBeforeAnythingIsWritten() throws IOException {
    OciLayout layout = layout("l");
    Layer l = gzipLayer(layout, "f", "x");
    ImageBuilder builder = ImageBuilder.scratch(AMD64).addLayer(l.descriptor(), l.diffId());
    assertThatThrownBy(() -> builder.build(layout, "no spaces"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid ref name");
    assertThat(layout.contains(OciJsonDigests.of(builder.imageConfig()))).isFalse();
  }

  @Test
  void documentThatWouldNotValidateIsRefusedWithItsProblems() throws IOException {
    OciLayout layout = layout("l");
    Layer l = gzipLayer(layout, "f", "x");
    ImageBuilder builder =
        ImageBuilder.scratch(AMD64)
            .addLayer(l.descriptor(), l.diffId())
            .config(c -> c.toBuilder().env(List.of("NO_EQUALS_SIGN")).build());
    assertThatThrownBy(() -> builder.build(layout))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("/config/Env/0");
  }

  @Test
  void badArgumentsAreRefusedWithClearMessages() {
    ImageBuilder b = ImageBuilder.scratch(AMD64);
    assertThatThrownBy(() -> b.workingDir("")).hasMessageContaining("workingDir must not be empty");
    assertThatThrownBy(() -> b.user("")).hasMessageContaining("user must not be empty");
    assertThatThrownBy(() -> b.volume("")).hasMessageContaining("volume must not be empty");
    assertThatThrownBy(() -> b.stopSignal("SIG TERM")).hasMessageContaining("white space");
    assertThatThrownBy(() -> b.label("", "v")).hasMessageContaining("label key");
    assertThatThrownBy(() -> b.annotation(Annotations.REF_NAME, "v1"))
        .hasMessageContaining("build(target, ref)");
    assertThatThrownBy(() -> b.entrypoint(java.util.Arrays.asList("a", null)))
        .hasMessageContaining("entrypoint must not contain null");
    assertThatThrownBy(
            () ->
                b.addLayer(
                    Descriptor.of("not a media type", new byte[] {1}), Digest.sha256(new byte[0])))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("RFC 6838");
  }

  @Test
  void buildWithRefReplacesAnExistingTag() throws IOException {
    OciLayout layout = layout("l");
    Layer one = gzipLayer(layout, "f", "1");
    Layer two = gzipLayer(layout, "f", "2");
    BuiltImage first =
        ImageBuilder.scratch(AMD64).addLayer(one.descriptor(), one.diffId()).build(layout, "v1");
    ImageBuilder.scratch(AMD64).addLayer(one.descriptor(), one.diffId()).build(layout, "other");
    BuiltImage second =
        ImageBuilder.scratch(AMD64).addLayer(two.descriptor(), two.diffId()).build(layout, "v1");

    assertThat(layout.refs()).containsExactly("v1", "other");
    assertThat(layout.resolve("v1", null).descriptor().digest())
        .isEqualTo(second.manifest().digest());
    assertThat(first.manifest().digest()).isNotEqualTo(second.manifest().digest());
    assertEveryDocumentValid(layout);
  }

  /** The digest a document gets when written. */
  private static final class OciJsonDigests {
    static Digest of(dev.ocikit.model.OciDocument document) {
      return dev.ocikit.json.OciJson.serialize(document).digest();
    }
  }
}
