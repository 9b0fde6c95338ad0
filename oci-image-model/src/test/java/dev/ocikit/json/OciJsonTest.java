package dev.ocikit.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ocikit.digest.Digest;
import dev.ocikit.model.Descriptor;
import dev.ocikit.model.ImageConfig;
import dev.ocikit.model.Index;
import dev.ocikit.model.Manifest;
import dev.ocikit.model.MediaType;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OciJsonTest {

  private static final String MANIFEST_WITH_UNKNOWNS =
      """
      {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "x-top": {"b": 1, "a": [1.50, 12345678901234567890, null, true]},
        "config": {
          "mediaType": "application/vnd.oci.image.config.v1+json",
          "digest": "sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7",
          "size": 7023,
          "x-in-descriptor": "kept"
        },
        "layers": [
          {
            "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
            "digest": "sha256:9834876dcfb05cb167a5c24953eba58c4ac89b1adf57f28f2f9d09af107ee8f0",
            "size": 32654,
            "platform": {"architecture": "amd64", "os": "linux", "x-in-platform": 7}
          }
        ],
        "annotations": {"com.example.b": "2", "com.example.a": "1"}
      }
      """;

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void unknownPropertiesSurviveARoundTripAtEveryLevel() throws Exception {
    Manifest m = OciJson.parseManifest(utf8(MANIFEST_WITH_UNKNOWNS)).value();
    assertThat(m.unknownProperties()).containsOnlyKeys("x-top");
    assertThat(m.config().unknownProperties()).containsOnlyKeys("x-in-descriptor");
    assertThat(m.layers().get(0).platform().unknownProperties()).containsOnlyKeys("x-in-platform");

    byte[] written = OciJson.toBytes(m);
    Manifest again = OciJson.parseManifest(written).value();
    assertThat(again).isEqualTo(m);
    assertThat(OciJson.readTree(written)).isEqualTo(OciJson.readTree(utf8(MANIFEST_WITH_UNKNOWNS)));
    assertThat(new String(written, StandardCharsets.UTF_8))
        .contains("\"x-top\":{\"a\":[1.50,12345678901234567890,null,true],\"b\":1}")
        .contains("\"x-in-descriptor\":\"kept\"")
        .contains("\"x-in-platform\":7");
  }

  @Test
  void dockerConfigFieldsAreKeptUnderConfig() throws Exception {
    String docker =
        """
        {"architecture":"amd64","os":"linux","docker_version":"1.12.1",
         "config":{"Hostname":"09713501c176","Env":["A=1"],"Healthcheck":{"Test":["NONE"]},
                   "Cmd":null,"OnBuild":[]},
         "rootfs":{"type":"layers","diff_ids":[]}}
        """;
    ImageConfig c = OciJson.parseConfig(utf8(docker)).value();
    assertThat(c.unknownProperties()).containsOnlyKeys("docker_version");
    assertThat(c.config().unknownProperties())
        .containsOnlyKeys("Hostname", "Healthcheck", "OnBuild");
    assertThat(c.config().cmd()).isEmpty();
    ImageConfig again = OciJson.parseConfig(OciJson.toBytes(c)).value();
    assertThat(again).isEqualTo(c);
  }

  @Test
  void parsedDocumentKeepsItsExactBytesAndItsDigestIsOverThem() throws Exception {
    byte[] original = utf8(MANIFEST_WITH_UNKNOWNS);
    Parsed<Manifest> parsed = OciJson.parseManifest(original);
    assertThat(parsed.bytes()).isEqualTo(original);
    assertThat(parsed.digest()).isEqualTo(Digest.sha256(original));
    assertThat(parsed.digest()).isNotEqualTo(Digest.sha256(OciJson.toBytes(parsed.value())));
    assertThat(parsed.descriptor())
        .isEqualTo(
            Descriptor.of(MediaType.IMAGE_MANIFEST, Digest.sha256(original), original.length));
    original[0] = ' ';
    assertThat(parsed.bytes()[0]).isEqualTo((byte) '{');
  }

  @Test
  void writingIsDeterministicWithSortedMapKeys() {
    Map<String, String> a = new LinkedHashMap<>();
    a.put("z", "1");
    a.put("a", "2");
    Map<String, String> b = new LinkedHashMap<>();
    b.put("a", "2");
    b.put("z", "1");
    Index one = Index.builder().annotations(a).build();
    Index two = Index.builder().annotations(b).build();
    assertThat(OciJson.toBytes(one)).isEqualTo(OciJson.toBytes(two));
    assertThat(OciJson.toJson(one))
        .isEqualTo(
            "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
                + "\"manifests\":[],\"annotations\":{\"a\":\"2\",\"z\":\"1\"}}");
  }

  @Test
  void timestampsKeepNanosecondsAndOffsets() throws Exception {
    String config =
        """
        {"created":"2015-10-31T22:22:56.015925234Z","architecture":"amd64","os":"linux",
         "rootfs":{"type":"layers","diff_ids":[]},
         "history":[{"created":"2015-10-31t23:22:54.5+01:00","created_by":"x"}]}
        """;
    ImageConfig c = OciJson.parseConfig(utf8(config)).value();
    assertThat(c.created())
        .isEqualTo(OffsetDateTime.of(2015, 10, 31, 22, 22, 56, 15_925_234, ZoneOffset.UTC));
    assertThat(c.history().get(0).created().getOffset()).isEqualTo(ZoneOffset.ofHours(1));
    String written = OciJson.toJson(c);
    assertThat(written)
        .contains("\"created\":\"2015-10-31T22:22:56.015925234Z\"")
        .contains("\"created\":\"2015-10-31T23:22:54.5+01:00\"");
  }

  @Test
  void duplicateKeysAreRejectedWithThePlaceTheyAreIn() {
    String dup =
        """
        {"schemaVersion":2,"manifests":[],"annotations":{"k":"1","k":"2"}}
        """;
    assertThatThrownBy(() -> OciJson.parseIndex(utf8(dup)))
        .isInstanceOf(InvalidDocumentException.class)
        .hasMessageContaining("/annotations")
        .hasMessageContaining("Duplicate");
  }

  @Test
  void trailingContentAfterTheDocumentIsRejected() {
    assertThatThrownBy(() -> OciJson.readTree(utf8("{\"imageLayoutVersion\":\"1.0.0\"} {}")))
        .isInstanceOf(InvalidDocumentException.class)
        .hasMessageContaining("invalid JSON");
    assertThatThrownBy(() -> OciJson.readTree(utf8("")))
        .isInstanceOf(InvalidDocumentException.class);
  }

  @Test
  void shapeErrorsNameTheJsonPointer() {
    String badDigest =
        MANIFEST_WITH_UNKNOWNS.replace(
            "sha256:9834876dcfb05cb167a5c24953eba58c4ac89b1adf57f28f2f9d09af107ee8f0",
            "sha256:9834876DCFB05CB");
    assertThatThrownBy(() -> OciJson.parseManifest(utf8(badDigest)))
        .isInstanceOfSatisfying(
            InvalidDocumentException.class,
            e -> {
              assertThat(e.pointer()).isEqualTo("/layers/0/digest");
              assertThat(e.reason()).contains("64 lower-case hex");
            });
    assertThatThrownBy(() -> OciJson.parseManifest(utf8("{\"schemaVersion\":2,\"layers\":[]}")))
        .isInstanceOfSatisfying(
            InvalidDocumentException.class,
            e -> {
              assertThat(e.pointer()).isEqualTo("/config");
              assertThat(e.reason()).isEqualTo("required property is missing");
            });
    assertThatThrownBy(
            () ->
                OciJson.parseDescriptor(
                    utf8(
                        "{\"mediaType\":\"a/b\",\"size\":\"12\",\"digest\":\""
                            + Descriptor.EMPTY_JSON.digest()
                            + "\"}")))
        .isInstanceOfSatisfying(
            InvalidDocumentException.class,
            e -> {
              assertThat(e.pointer()).isEqualTo("/size");
              assertThat(e.reason()).contains("expected an integer");
            });
    assertThatThrownBy(
            () ->
                OciJson.parseManifest(
                    utf8(
                        MANIFEST_WITH_UNKNOWNS.replace(
                            "\"schemaVersion\": 2", "\"schemaVersion\": 1"))))
        .hasMessageContaining("/schemaVersion")
        .hasMessageContaining("must be 2");
  }

  @Test
  void optionalConfigFieldsSetToNullReadAsAbsent() throws Exception {
    String config =
        """
        {"created":null,"author":null,"architecture":"amd64","os":"linux","variant":null,
         "config":{"Entrypoint":null,"Cmd":null,"Volumes":null,"Labels":null,"User":null},
         "rootfs":{"type":"layers","diff_ids":[]},"history":null}
        """;
    ImageConfig c = OciJson.parseConfig(utf8(config)).value();
    assertThat(c.created()).isNull();
    assertThat(c.config().entrypoint()).isEmpty();
    assertThat(c.config().labels()).isEmpty();
    assertThat(c.history()).isEmpty();
    assertThat(c.unknownProperties()).isEmpty();
  }

  @Test
  void serializeGivesTheDescriptorOfTheCanonicalBytes() {
    Manifest m =
        Manifest.builder()
            .artifactType("application/vnd.example+type")
            .config(Descriptor.EMPTY_JSON)
            .addLayer(Descriptor.EMPTY_JSON)
            .build();
    Parsed<Manifest> p = OciJson.serialize(m);
    assertThat(p.descriptor().digest()).isEqualTo(Digest.sha256(OciJson.toBytes(m)));
    assertThat(p.descriptor().size()).isEqualTo(OciJson.toBytes(m).length);
    assertThat(p.descriptor().mediaType()).isEqualTo(MediaType.IMAGE_MANIFEST);
  }

  @Test
  void aManifestReadWithAnEmptyConfigAndNoArtifactTypeCanStillBeChanged() throws Exception {
    // Such a manifest breaks a MUST, but ocikit models what it reads; with... keeps working.
    Manifest m =
        Manifest.builder()
            .artifactType("application/x.y")
            .config(Descriptor.EMPTY_JSON)
            .addLayer(Descriptor.EMPTY_JSON)
            .build();
    String json = OciJson.toJson(m).replace("\"artifactType\":\"application/x.y\",", "");
    Manifest read = OciJson.parseManifest(utf8(json)).value();
    assertThat(read.artifactType()).isNull();
    assertThat(read.withAnnotations(Map.of("k", "v")).annotations()).containsEntry("k", "v");
    org.assertj.core.api.Assertions.assertThatIllegalStateException()
        .isThrownBy(
            () -> read.toBuilder().config(Descriptor.EMPTY_JSON.withAnnotation("a", "b")).build())
        .withMessageContaining("artifactType");
  }
}
