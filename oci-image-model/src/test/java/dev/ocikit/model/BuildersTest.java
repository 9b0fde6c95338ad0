package dev.ocikit.model;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ocikit.digest.Digest;
import java.security.MessageDigest;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BuildersTest {

  private static final Digest DIGEST =
      Digest.parse("sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270");

  private static Descriptor layer(String content) {
    return Descriptor.of(MediaType.IMAGE_LAYER_GZIP, content.getBytes(UTF_8));
  }

  private static Descriptor config() {
    return Descriptor.of(MediaType.IMAGE_CONFIG, "{\"os\":\"linux\"}".getBytes(UTF_8));
  }

  private static String sha256Hex(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  // --- required fields -----------------------------------------------------------------------

  @Test
  void descriptorBuilderNamesTheMissingRequiredField() {
    assertThatThrownBy(() -> Descriptor.builder().digest(DIGEST).size(1).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Descriptor")
        .hasMessageContaining("'mediaType'");
    assertThatThrownBy(() -> Descriptor.builder().mediaType(MediaType.IMAGE_LAYER).size(1).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Descriptor")
        .hasMessageContaining("'digest'");
    assertThatThrownBy(
            () -> Descriptor.builder().mediaType(MediaType.IMAGE_LAYER).digest(DIGEST).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Descriptor")
        .hasMessageContaining("'size'");
  }

  @Test
  void descriptorBuilderBuildsWithTheRequiredFields() {
    Descriptor d =
        Descriptor.builder().mediaType(MediaType.IMAGE_LAYER).digest(DIGEST).size(0).build();

    assertThat(d).isEqualTo(Descriptor.of(MediaType.IMAGE_LAYER, DIGEST, 0));
    assertThat(d.urls()).isEmpty();
    assertThat(d.annotations()).isEmpty();
    assertThat(d.data()).isNull();
    assertThat(d.platform()).isNull();
  }

  @Test
  void manifestBuilderNamesTheMissingConfig() {
    assertThatThrownBy(() -> Manifest.builder().addLayer(layer("a")).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Manifest")
        .hasMessageContaining("'config'");
  }

  @Test
  void imageConfigBuilderNamesTheMissingRequiredField() {
    assertThatThrownBy(() -> ImageConfig.builder().os("linux").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("ImageConfig")
        .hasMessageContaining("'architecture'");
    assertThatThrownBy(() -> ImageConfig.builder().architecture("amd64").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("ImageConfig")
        .hasMessageContaining("'os'");
  }

  @Test
  void imageConfigBuilderDefaultsToAnEmptyLayersRootfs() {
    ImageConfig config = ImageConfig.builder().platform(Platform.parse("linux/arm64")).build();

    assertThat(config.rootfs().type()).isEqualTo("layers");
    assertThat(config.rootfs().diffIds()).isEmpty();
    assertThat(config.platform()).isEqualTo(Platform.parse("linux/arm64/v8"));
    assertThat(config.documentMediaType()).isEqualTo(MediaType.IMAGE_CONFIG);
  }

  @Test
  @DisplayName("artifactType: This MUST be set when config.mediaType is set to the empty value")
  void manifestWithTheEmptyConfigRequiresAnArtifactType() {
    Manifest.Builder builder = Manifest.builder().config(Descriptor.EMPTY_JSON);

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'artifactType' must be set when the config is the empty descriptor")
        .hasMessageContaining(MediaType.EMPTY_JSON);

    Manifest artifact = builder.artifactType("application/vnd.example.sbom+json").build();
    assertThat(artifact.isArtifact()).isTrue();
    assertThat(artifact.effectiveArtifactType()).isEqualTo("application/vnd.example.sbom+json");
    assertThatThrownBy(() -> artifact.withArtifactType(null))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void manifestBuilderDefaultsToSchemaVersion2AndTheOciMediaType() {
    Manifest manifest = Manifest.builder().config(config()).addLayer(layer("a")).build();

    assertThat(manifest.schemaVersion()).isEqualTo(2);
    assertThat(manifest.mediaType()).isEqualTo(MediaType.IMAGE_MANIFEST);
    assertThat(manifest.isArtifact()).isFalse();
    assertThat(manifest.effectiveArtifactType()).isEqualTo(MediaType.IMAGE_CONFIG);
  }

  // --- record invariants ---------------------------------------------------------------------

  @Test
  @DisplayName("size: The size MUST NOT be negative")
  void descriptorRejectsNegativeSize() {
    assertThatThrownBy(() -> Descriptor.of(MediaType.IMAGE_MANIFEST, DIGEST, -7682))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not be negative")
        .hasMessageContaining("-7682");
  }

  @Test
  void descriptorBuilderReportsAnExplicitNegativeSizeAsNegative() {
    assertThatThrownBy(
            () ->
                Descriptor.builder()
                    .mediaType(MediaType.IMAGE_MANIFEST)
                    .digest(DIGEST)
                    .size(-5)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not be negative")
        .hasMessageContaining("-5");
  }

  @Test
  void descriptorRejectsAnEmptyMediaType() {
    assertThatThrownBy(() -> Descriptor.of("", DIGEST, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mediaType");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 3, -2})
  @DisplayName("schemaVersion: For this version of the specification, this MUST be 2")
  void manifestAndIndexRejectSchemaVersionOtherThan2(int schemaVersion) {
    assertThatThrownBy(
            () ->
                new Manifest(
                    schemaVersion, null, null, config(), List.of(), null, Map.of(), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("schemaVersion must be 2, found " + schemaVersion);
    assertThatThrownBy(
            () -> new Index(schemaVersion, null, null, List.of(), null, Map.of(), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("schemaVersion must be 2, found " + schemaVersion);
  }

  @Test
  void recordsRejectNullElementsInLists() {
    List<Descriptor> layers = Arrays.asList(layer("a"), null);
    List<String> urls = Arrays.asList("https://example.com/a", null);
    List<Digest> diffIds = Arrays.asList(DIGEST, null);
    List<String> features = Arrays.asList("win32k", null);

    assertThatThrownBy(
            () -> new Manifest(2, null, null, config(), layers, null, Map.of(), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("layers must not contain null");
    assertThatThrownBy(() -> new Index(2, null, null, layers, null, Map.of(), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("manifests must not contain null");
    assertThatThrownBy(
            () ->
                new Descriptor(
                    MediaType.IMAGE_LAYER, DIGEST, 1, urls, Map.of(), null, null, null, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("urls must not contain null");
    assertThatThrownBy(() -> ImageConfig.RootFs.of(diffIds))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("diff_ids must not contain null");
    assertThatThrownBy(
            () -> new Platform("amd64", "windows", null, features, null, List.of(), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("os.features must not contain null");
  }

  @Test
  void recordsRejectNullAnnotationValues() {
    Map<String, String> annotations = new HashMap<>();
    annotations.put("com.example.key", null);

    assertThatThrownBy(() -> layer("a").withAnnotations(annotations))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("com.example.key");
  }

  // --- defensive copies ----------------------------------------------------------------------

  @Test
  void collectionsPassedToRecordsAreCopied() {
    List<Descriptor> layers = new ArrayList<>(List.of(layer("a")));
    Map<String, String> annotations = new LinkedHashMap<>(Map.of("k", "v"));
    List<String> urls = new ArrayList<>(List.of("https://example.com/a"));
    Manifest manifest = new Manifest(2, null, null, config(), layers, null, annotations, Map.of());
    Index index = new Index(2, null, null, layers, null, annotations, Map.of());
    Descriptor descriptor =
        new Descriptor(
            MediaType.IMAGE_LAYER, DIGEST, 1, urls, annotations, null, null, null, Map.of());

    layers.add(layer("b"));
    annotations.put("k2", "v2");
    urls.add("https://example.com/b");

    assertThat(manifest.layers()).containsExactly(layer("a"));
    assertThat(manifest.annotations()).containsExactlyEntriesOf(Map.of("k", "v"));
    assertThat(index.manifests()).containsExactly(layer("a"));
    assertThat(index.annotations()).containsOnlyKeys("k");
    assertThat(descriptor.urls()).containsExactly("https://example.com/a");
    assertThat(descriptor.annotations()).containsOnlyKeys("k");
  }

  @Test
  void collectionsPassedToBuildersAreCopied() {
    List<Descriptor> layers = new ArrayList<>(List.of(layer("a")));
    Manifest.Builder builder = Manifest.builder().config(config()).layers(layers);
    layers.add(layer("b"));

    Manifest first = builder.build();
    builder.addLayer(layer("c"));
    Manifest second = builder.build();

    assertThat(first.layers()).containsExactly(layer("a"));
    assertThat(second.layers()).containsExactly(layer("a"), layer("c"));

    List<String> env = new ArrayList<>(List.of("PATH=/bin"));
    ImageConfig.Config config = ImageConfig.Config.builder().env(env).build();
    env.add("HOME=/root");
    assertThat(config.env()).containsExactly("PATH=/bin");
  }

  @Test
  void returnedCollectionsAreUnmodifiable() {
    Manifest manifest =
        Manifest.builder().config(config()).addLayer(layer("a")).annotation("k", "v").build();
    Descriptor descriptor =
        layer("a").toBuilder().urls(List.of("https://example.com/a")).annotation("k", "v").build();
    Index index = Index.of(List.of(manifest.config()));
    ImageConfig imageConfig =
        ImageConfig.builder()
            .architecture("amd64")
            .os("linux")
            .config(ImageConfig.Config.builder().env("A", "1").cmd(List.of("sh")).build())
            .rootfs(ImageConfig.RootFs.of(List.of(DIGEST)))
            .addHistory(ImageConfig.History.of(null, "RUN x"))
            .build();

    assertThatThrownBy(() -> manifest.layers().add(layer("b")))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> manifest.annotations().put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> descriptor.urls().clear())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> descriptor.annotations().remove("k"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> index.manifests().remove(0))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> imageConfig.history().clear())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> imageConfig.rootfs().diffIds().add(DIGEST))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> imageConfig.config().env().add("B=2"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> imageConfig.config().cmd().set(0, "bash"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> imageConfig.rootfs().chainIds().add(DIGEST))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  // --- with... copies ------------------------------------------------------------------------

  @Test
  void descriptorWithMethodsReturnChangedCopies() {
    Descriptor original = layer("a");
    Platform platform = Platform.parse("linux/amd64");

    Descriptor annotated = original.withAnnotation(Annotations.REF_NAME, "v1.0");
    Descriptor placed = original.withPlatform(platform);
    Descriptor retyped = original.withMediaType(MediaType.IMAGE_LAYER_ZSTD);
    Descriptor artifact = original.withArtifactType("application/vnd.example+json");

    assertThat(annotated.refName()).contains("v1.0");
    assertThat(annotated.annotation(Annotations.REF_NAME)).contains("v1.0");
    assertThat(placed.platform()).isEqualTo(platform);
    assertThat(retyped.mediaType()).isEqualTo(MediaType.IMAGE_LAYER_ZSTD);
    assertThat(artifact.artifactType()).isEqualTo("application/vnd.example+json");
    for (Descriptor copy : List.of(annotated, placed, retyped, artifact)) {
      assertThat(copy.digest()).isEqualTo(original.digest());
      assertThat(copy.size()).isEqualTo(original.size());
    }
    assertThat(original.annotations()).isEmpty();
    assertThat(original.platform()).isNull();
    assertThat(original.mediaType()).isEqualTo(MediaType.IMAGE_LAYER_GZIP);
    assertThat(original.artifactType()).isNull();
    assertThat(original.refName()).isEmpty();
  }

  @Test
  void manifestWithMethodsReturnChangedCopies() {
    Manifest original = Manifest.builder().config(config()).addLayer(layer("a")).build();
    Descriptor subject = Descriptor.of(MediaType.IMAGE_MANIFEST, DIGEST, 7682);

    Manifest stacked = original.withLayer(layer("b"));
    Manifest replaced = original.withLayers(List.of(layer("z")));
    Manifest referring = original.withSubject(subject);
    Manifest annotated = original.withAnnotations(Map.of(Annotations.VERSION, "1.0"));
    Manifest reconfigured = original.withConfig(layer("config"));

    assertThat(stacked.layers()).containsExactly(layer("a"), layer("b"));
    assertThat(replaced.layers()).containsExactly(layer("z"));
    assertThat(referring.subject()).isEqualTo(subject);
    assertThat(annotated.annotations()).containsEntry(Annotations.VERSION, "1.0");
    assertThat(reconfigured.config()).isEqualTo(layer("config"));
    assertThat(reconfigured.isArtifact()).isTrue();
    assertThat(original.layers()).containsExactly(layer("a"));
    assertThat(original.subject()).isNull();
    assertThat(original.annotations()).isEmpty();
    assertThat(original.config()).isEqualTo(config());
  }

  @Test
  void indexAndImageConfigWithMethodsReturnChangedCopies() {
    Index index = Index.of(List.of());
    Index grown = index.withManifest(layer("m"));
    assertThat(grown.manifests()).containsExactly(layer("m"));
    assertThat(index.manifests()).isEmpty();

    ImageConfig config = ImageConfig.builder().architecture("amd64").os("linux").build();
    OffsetDateTime created = OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 0, ZoneOffset.UTC);
    ImageConfig.History history = ImageConfig.History.of(created, "COPY . /");
    ImageConfig layered = config.withLayer(DIGEST, history).withCreated(created);

    assertThat(layered.rootfs().diffIds()).containsExactly(DIGEST);
    assertThat(layered.history()).containsExactly(history);
    assertThat(layered.created()).isEqualTo(created);
    assertThat(config.rootfs().diffIds()).isEmpty();
    assertThat(config.history()).isEmpty();
    assertThat(config.created()).isNull();
  }

  // --- the empty descriptor and embedded data ------------------------------------------------

  @Test
  @DisplayName(
      "Guidance for an Empty Descriptor: application/vnd.oci.empty.v1+json, the two bytes {},"
          + " digest sha256:44136fa...")
  void emptyJsonDescriptorDescribesTheTwoBytesOfAnEmptyObject() throws Exception {
    byte[] emptyObject = "{}".getBytes(US_ASCII);

    assertThat(Descriptor.EMPTY_JSON.mediaType()).isEqualTo("application/vnd.oci.empty.v1+json");
    assertThat(Descriptor.EMPTY_JSON.digest())
        .hasToString("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a")
        .hasToString("sha256:" + sha256Hex(emptyObject));
    assertThat(Descriptor.EMPTY_JSON.size()).isEqualTo(2);
    assertThat(Descriptor.EMPTY_JSON.data())
        .isEqualTo("e30=")
        .isEqualTo(Base64.getEncoder().encodeToString(emptyObject));
    assertThat(Descriptor.EMPTY_JSON.decodedData())
        .hasValueSatisfying(bytes -> assertThat(bytes).isEqualTo(emptyObject));
    assertThat(Descriptor.EMPTY_JSON.digest().matches(emptyObject)).isTrue();
  }

  @Test
  void emptyJsonContentIsAFreshCopy() {
    byte[] content = Descriptor.emptyJsonContent();
    content[0] = 'x';

    assertThat(Descriptor.emptyJsonContent()).isEqualTo("{}".getBytes(US_ASCII));
  }

  @Test
  @DisplayName("data: The decoded data MUST be identical to the referenced content")
  void withDataRejectsContentThatDoesNotMatchSizeOrDigest() {
    Descriptor descriptor = Descriptor.of("text/plain", "hello".getBytes(US_ASCII));

    assertThatThrownBy(() -> descriptor.withData("hello!".getBytes(US_ASCII)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("6 bytes")
        .hasMessageContaining("size 5");
    assertThatThrownBy(() -> descriptor.withData("jello".getBytes(US_ASCII)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(descriptor.digest().toString());

    Descriptor embedded = descriptor.withData("hello".getBytes(US_ASCII));
    assertThat(embedded.data()).isEqualTo("aGVsbG8=");
    assertThat(embedded.withoutData().data()).isNull();
    assertThat(embedded.withoutData()).isEqualTo(descriptor);
  }

  @Test
  void withDataChecksOnlyTheSizeWhenTheDigestCannotBeComputed() {
    Descriptor descriptor =
        Descriptor.of(
            "text/plain",
            Digest.parse("multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8"),
            3);

    assertThat(descriptor.withData("abc".getBytes(US_ASCII)).data()).isEqualTo("YWJj");
    assertThatThrownBy(() -> descriptor.withData("abcd".getBytes(US_ASCII)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void embeddingDescribesAndEmbedsContent() {
    byte[] content = "https://github.com/opencontainers\n".getBytes(US_ASCII);

    Descriptor d = Descriptor.embedding("text/plain", content);

    // descriptor_test:TestDescriptor:20, "data field is present and has base64 content"
    assertThat(d.data()).isEqualTo("aHR0cHM6Ly9naXRodWIuY29tL29wZW5jb250YWluZXJzCg==");
    assertThat(d.digest())
        .hasToString("sha256:2690af59371e9eca9453dc29882643f46e5ca47ec2862bd517b5e17351325153");
    assertThat(d.size()).isEqualTo(34);
    assertThat(d.decodedData()).hasValueSatisfying(bytes -> assertThat(bytes).isEqualTo(content));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "not base64!",
        "e30",
        // the spec's test "expected failure: invalid data base64, missing padding"
        "aHR0cHM6Ly9naXRodWIuY29tL29wZW5jb250YWluZXJzCg",
        "aHR0cHM6Ly9naXRodWIuY29tL29wZW5jb250YWluZXJzCg=",
        "e30=\n",
        "e3-_"
      })
  @DisplayName("data: Values MUST conform to the Base 64 encoding, as defined in RFC 4648")
  void descriptorRejectsDataThatIsNotStandardPaddedBase64(String data) {
    assertThatThrownBy(
            () ->
                new Descriptor(
                    "text/plain", DIGEST, 34, List.of(), Map.of(), data, null, null, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Base64");
  }

  // --- ChainID -------------------------------------------------------------------------------

  @Test
  @DisplayName(
      "ChainID(L0) = DiffID(L0); ChainID(L0|...|Ln) = Digest(ChainID(L0|...|Ln-1) + \" \" +"
          + " DiffID(Ln))")
  void chainIdsFollowTheConfigSpecRecursion() throws Exception {
    String a = "sha256:" + sha256Hex("layer A".getBytes(UTF_8));
    String b = "sha256:" + sha256Hex("layer B".getBytes(UTF_8));
    String c = "sha256:" + sha256Hex("layer C".getBytes(UTF_8));
    String chainA = a;
    String chainAb = "sha256:" + sha256Hex((chainA + " " + b).getBytes(UTF_8));
    String chainAbc = "sha256:" + sha256Hex((chainAb + " " + c).getBytes(UTF_8));
    ImageConfig.RootFs rootfs =
        ImageConfig.RootFs.of(List.of(Digest.parse(a), Digest.parse(b), Digest.parse(c)));

    List<Digest> chainIds = rootfs.chainIds();

    assertThat(chainIds).extracting(Digest::toString).containsExactly(chainA, chainAb, chainAbc);
    // ChainID(C) != ChainID(A|B|C)
    assertThat(chainIds.get(2).toString()).isNotEqualTo(c);
  }

  @Test
  void chainIdsOfNoLayersAndOfOneLayer() {
    assertThat(ImageConfig.RootFs.of(List.of()).chainIds()).isEmpty();
    assertThat(ImageConfig.RootFs.of(List.of(DIGEST)).chainIds()).containsExactly(DIGEST);
  }

  // --- media types ---------------------------------------------------------------------------

  @Test
  void mediaTypeClassifiesManifestsIndexesAndConfigs() {
    assertThat(MediaType.isManifest(MediaType.IMAGE_MANIFEST)).isTrue();
    assertThat(MediaType.isManifest(MediaType.DOCKER_MANIFEST)).isTrue();
    assertThat(MediaType.isManifest(MediaType.IMAGE_INDEX)).isFalse();
    assertThat(MediaType.isManifest(MediaType.IMAGE_CONFIG)).isFalse();
    assertThat(MediaType.isIndex(MediaType.IMAGE_INDEX)).isTrue();
    assertThat(MediaType.isIndex(MediaType.DOCKER_MANIFEST_LIST)).isTrue();
    assertThat(MediaType.isIndex(MediaType.IMAGE_MANIFEST)).isFalse();
    assertThat(MediaType.isImageConfig(MediaType.IMAGE_CONFIG)).isTrue();
    assertThat(MediaType.isImageConfig(MediaType.DOCKER_CONFIG)).isTrue();
    assertThat(MediaType.isImageConfig(MediaType.EMPTY_JSON)).isFalse();
  }

  @Test
  void mediaTypeKnowsLayerCompressions() {
    Map<String, Compression> layers = new LinkedHashMap<>();
    layers.put(MediaType.IMAGE_LAYER, Compression.NONE);
    layers.put(MediaType.IMAGE_LAYER_GZIP, Compression.GZIP);
    layers.put(MediaType.IMAGE_LAYER_ZSTD, Compression.ZSTD);
    layers.put(MediaType.IMAGE_LAYER_NONDISTRIBUTABLE, Compression.NONE);
    layers.put(MediaType.IMAGE_LAYER_NONDISTRIBUTABLE_GZIP, Compression.GZIP);
    layers.put(MediaType.IMAGE_LAYER_NONDISTRIBUTABLE_ZSTD, Compression.ZSTD);
    layers.put(MediaType.DOCKER_LAYER_GZIP, Compression.GZIP);
    layers.put(MediaType.DOCKER_FOREIGN_LAYER_GZIP, Compression.GZIP);
    layers.put(MediaType.DOCKER_LAYER_TAR, Compression.NONE);

    layers.forEach(
        (mediaType, compression) -> {
          assertThat(MediaType.isLayer(mediaType)).as(mediaType).isTrue();
          assertThat(MediaType.layerCompression(mediaType)).as(mediaType).contains(compression);
        });
    for (String notALayer :
        List.of(
            MediaType.IMAGE_MANIFEST,
            MediaType.IMAGE_CONFIG,
            MediaType.EMPTY_JSON,
            MediaType.OCTET_STREAM,
            "application/vnd.oci.image.layer.v1.tar+bzip2")) {
      assertThat(MediaType.isLayer(notALayer)).as(notALayer).isFalse();
      assertThat(MediaType.layerCompression(notALayer)).as(notALayer).isEmpty();
    }
    for (Compression compression : Compression.values()) {
      assertThat(MediaType.layerCompression(MediaType.layerMediaType(compression)))
          .contains(compression);
    }
  }

  @Test
  void mediaTypeKnowsNonDistributableLayers() {
    assertThat(MediaType.isNonDistributable(MediaType.IMAGE_LAYER_NONDISTRIBUTABLE)).isTrue();
    assertThat(MediaType.isNonDistributable(MediaType.IMAGE_LAYER_NONDISTRIBUTABLE_GZIP)).isTrue();
    assertThat(MediaType.isNonDistributable(MediaType.IMAGE_LAYER_NONDISTRIBUTABLE_ZSTD)).isTrue();
    assertThat(MediaType.isNonDistributable(MediaType.DOCKER_FOREIGN_LAYER_GZIP)).isTrue();
    assertThat(MediaType.isNonDistributable(MediaType.IMAGE_LAYER_GZIP)).isFalse();
    assertThat(MediaType.isNonDistributable(MediaType.DOCKER_LAYER_GZIP)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        MediaType.IMAGE_MANIFEST,
        MediaType.DOCKER_LAYER_GZIP,
        "text/plain",
        "application/vnd.example.sbom+json",
        "a/b",
        "A1!#$&^_.+-/z9!#$&^_.+-",
      })
  @DisplayName(
      "mediaType: Values MUST comply with RFC 6838, including the naming requirements in its"
          + " section 4.2 - valid")
  void validMediaTypes(String mediaType) {
    assertThat(MediaType.isValid(mediaType)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "application", // TestDescriptor:3, no subtype
        ".foo/bar", // TestDescriptor:4, invalid first type character
        "foo/.bar", // TestDescriptor:5, invalid first subtype character
        "",
        "a/b/c",
        "text/plain; charset=utf-8",
        "text/ plain",
        "/plain",
        "text/"
      })
  @DisplayName(
      "mediaType: Values MUST comply with RFC 6838, including the naming requirements in its"
          + " section 4.2 - invalid")
  void invalidMediaTypes(String mediaType) {
    assertThat(MediaType.isValid(mediaType)).isFalse();
  }

  @Test
  @DisplayName("RFC 6838 section 4.2: type and subtype names are limited to 127 characters")
  void mediaTypeNamesAreLimitedTo127Characters() {
    String n127 = "1234567890".repeat(12) + "1234567";
    String n128 = n127 + "8";

    // TestDescriptor:6, 7 and 8
    assertThat(MediaType.isValid(n127 + "/" + n127)).isTrue();
    assertThat(MediaType.isValid(n128 + "/bar")).isFalse();
    assertThat(MediaType.isValid("foo/" + n128)).isFalse();
  }

  // --- annotations ---------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(
      strings = {
        "v1.0",
        "stable-release",
        "foo/bar:1@x+y--z",
        "latest",
        "1.0.0",
        "registry.example.com/my-org/my-image:tag",
        "a--b",
        "A_B"
      })
  @DisplayName("org.opencontainers.image.ref.name: a valid reference matches the grammar")
  void validRefNames(String value) {
    assertThat(Annotations.isValidRefName(value)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "-x", "x-", "a//b", "a b", "/a", "a/", "a..b", "a---b", "a#b", "\u00e9"})
  @DisplayName("org.opencontainers.image.ref.name: other values do not match the grammar")
  void invalidRefNames(String value) {
    assertThat(Annotations.isValidRefName(value)).isFalse();
  }

  // --- layout header -------------------------------------------------------------------------

  @Test
  void layoutHeaderV1IsVersion100AndRejectsAnEmptyVersion() {
    assertThat(LayoutHeader.V1.imageLayoutVersion()).isEqualTo("1.0.0");
    assertThat(LayoutHeader.V1.documentMediaType()).isEqualTo(MediaType.LAYOUT_HEADER);
    assertThatThrownBy(() -> new LayoutHeader("", Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("imageLayoutVersion");
  }
}
