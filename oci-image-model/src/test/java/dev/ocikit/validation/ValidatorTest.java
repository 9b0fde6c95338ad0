package dev.ocikit.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ocikit.model.Descriptor;
import dev.ocikit.model.ImageConfig;
import dev.ocikit.model.Manifest;
import dev.ocikit.model.MediaType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The spec's rules that the JSON schemas do not express. */
class ValidatorTest {
  private static final String SHA = "sha256:";
  private static final String HEX64 =
      "5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270";

  private static List<Problem> validate(DocumentType type, String json) {
    return Validator.get().validate(type, json.getBytes(StandardCharsets.UTF_8));
  }

  private static List<Problem> errors(DocumentType type, String json) {
    return validate(type, json).stream().filter(Problem::isError).toList();
  }

  private static String manifest(String mediaType, String configMediaType, String extra) {
    return """
        {"schemaVersion":2,%s"config":{"mediaType":"%s","size":2,
         "digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"},
         "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","size":1,
         "digest":"sha256:%s"}]%s}
        """
        .formatted(
            mediaType == null ? "" : "\"mediaType\":\"" + mediaType + "\",",
            configMediaType,
            HEX64,
            extra);
  }

  @Test
  void registeredAlgorithmsNeedTheirEncodedForm() {
    // descriptor.md: "When the algorithm identifier is sha512, the encoded portion MUST match
    // /[a-f0-9]{128}/" -- the schema only checks the general grammar.
    String d = "{\"mediaType\":\"a/b\",\"size\":1,\"digest\":\"sha512:%s\"}".formatted(HEX64);
    assertThat(errors(DocumentType.DESCRIPTOR, d))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.pointer()).isEqualTo("/digest");
              assertThat(p.message()).contains("128 lower-case hex");
            });
    String blake3 = "{\"mediaType\":\"a/b\",\"size\":1,\"digest\":\"blake3:%s\"}".formatted(HEX64);
    assertThat(errors(DocumentType.DESCRIPTOR, blake3)).isEmpty();
  }

  @Test
  void manifestMediaTypeMustBeTheManifestsWhenUsed() {
    // manifest.md: "When used, this field MUST contain the media type
    // application/vnd.oci.image.manifest.v1+json."
    assertThat(
            errors(
                DocumentType.MANIFEST, manifest(MediaType.IMAGE_INDEX, MediaType.IMAGE_CONFIG, "")))
        .singleElement()
        .satisfies(p -> assertThat(p.pointer()).isEqualTo("/mediaType"));
    assertThat(errors(DocumentType.MANIFEST, manifest(null, MediaType.IMAGE_CONFIG, ""))).isEmpty();
    assertThat(
            errors(
                DocumentType.MANIFEST,
                manifest(MediaType.DOCKER_MANIFEST, MediaType.DOCKER_CONFIG, "")))
        .isEmpty();
  }

  @Test
  void indexMediaTypeMustBeTheIndexsWhenUsed() {
    String index = "{\"schemaVersion\":2,\"mediaType\":\"%s\",\"manifests\":[]}";
    assertThat(errors(DocumentType.INDEX, index.formatted(MediaType.IMAGE_MANIFEST)))
        .singleElement()
        .satisfies(p -> assertThat(p.message()).contains(MediaType.IMAGE_INDEX));
    assertThat(errors(DocumentType.INDEX, index.formatted(MediaType.DOCKER_MANIFEST_LIST)))
        .isEmpty();
  }

  @Test
  void emptyConfigRequiresArtifactType() {
    // manifest.md, artifactType: "This MUST be set when config.mediaType is set to the empty
    // value."
    assertThat(errors(DocumentType.MANIFEST, manifest(null, MediaType.EMPTY_JSON, "")))
        .singleElement()
        .satisfies(p -> assertThat(p.pointer()).isEqualTo("/artifactType"));
    assertThat(
            errors(
                DocumentType.MANIFEST,
                manifest(null, MediaType.EMPTY_JSON, ",\"artifactType\":\"application/x.y\"")))
        .isEmpty();
  }

  @Test
  void envEntriesMustBeNameEqualsValue() {
    String config =
        """
        {"architecture":"amd64","os":"linux","config":{"Env":["A=1","B=","=x","NOEQUALS"]},
         "rootfs":{"type":"layers","diff_ids":[]}}
        """;
    assertThat(errors(DocumentType.CONFIG, config))
        .extracting(Problem::pointer)
        .containsExactly("/config/Env/2", "/config/Env/3");
  }

  @Test
  void dataMustBePaddedBase64OfTheReferencedContent() {
    // descriptor.md, data: "Values MUST conform to the Base 64 encoding, as defined in RFC 4648"
    // and "The decoded data MUST be identical to the referenced content".
    String ok =
        "{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"size\":2,\"data\":\"e30=\","
            + "\"digest\":\"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\"}";
    assertThat(errors(DocumentType.DESCRIPTOR, ok)).isEmpty();
    assertThat(errors(DocumentType.DESCRIPTOR, ok.replace("e30=", "e30")))
        .singleElement()
        .satisfies(p -> assertThat(p.message()).contains("not a multiple of 4"));
    assertThat(errors(DocumentType.DESCRIPTOR, ok.replace("e30=", "e3!=")))
        .singleElement()
        .satisfies(p -> assertThat(p.pointer()).isEqualTo("/data"));
    assertThat(errors(DocumentType.DESCRIPTOR, ok.replace("\"size\":2", "\"size\":3")))
        .singleElement()
        .satisfies(p -> assertThat(p.message()).contains("2 bytes, but size is 3"));
    assertThat(errors(DocumentType.DESCRIPTOR, ok.replace("e30=", "W10=")))
        .singleElement()
        .satisfies(p -> assertThat(p.message()).contains("decoded data has digest"));
  }

  @Test
  void createdMustBeRfc3339() {
    String config =
        """
        {"created":"2015-10-31 22:22:56","architecture":"amd64","os":"linux",
         "rootfs":{"type":"layers","diff_ids":[]},
         "history":[{"created":"yesterday"},{"created":"2015-10-31T22:22:56Z"}]}
        """;
    assertThat(errors(DocumentType.CONFIG, config))
        .extracting(Problem::pointer)
        .containsExactly("/created", "/history/0/created");
  }

  @Test
  void rootfsTypeMustBeLayersAndDiffIdsDigests() {
    String config =
        """
        {"architecture":"amd64","os":"linux",
         "rootfs":{"type":"tarballs","diff_ids":["sha256:abc","md5+x:Zm9v"]}}
        """;
    assertThat(errors(DocumentType.CONFIG, config))
        .extracting(Problem::pointer)
        .containsExactly("/rootfs/diff_ids/0", "/rootfs/type");
  }

  @Test
  void unknownMediaTypesAndPropertiesAreNeverErrors() {
    // manifest.md: "Implementations storing or copying image manifests MUST NOT error on
    // encountering a mediaType that is unknown to the implementation."
    String m =
        manifest(null, "application/vnd.example.config.v7+json", ",\"x-extension\":{\"a\":[1]}")
            .replace(MediaType.IMAGE_LAYER_GZIP, "application/vnd.example.data.v1.tar+whatever");
    assertThat(validate(DocumentType.MANIFEST, m)).isEmpty();
  }

  @Test
  void optionalConfigFieldsMayBeNull() {
    // config.md: "Any OPTIONAL field MAY also be set to null, which is equivalent to being absent."
    String config =
        """
        {"created":null,"author":null,"architecture":"amd64","os":"linux","variant":null,
         "config":{"User":null,"Env":null,"Entrypoint":null,"Cmd":null,"WorkingDir":null},
         "rootfs":{"type":"layers","diff_ids":[]},"history":null}
        """;
    assertThat(validate(DocumentType.CONFIG, config)).isEmpty();
    assertThat(errors(DocumentType.CONFIG, config.replace("\"os\":\"linux\"", "\"os\":null")))
        .extracting(Problem::pointer)
        .containsExactly("/os");
  }

  @Test
  void duplicateKeysMakeADocumentInvalid() {
    // annotations.md: "Keys MUST be unique within this map".
    String index =
        "{\"schemaVersion\":2,\"manifests\":[],\"annotations\":{\"a\":\"1\",\"a\":\"2\"}}";
    assertThat(errors(DocumentType.INDEX, index))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.pointer()).isEqualTo("/annotations/a");
              assertThat(p.message()).contains("Duplicate");
            });
  }

  @Test
  void sizesMustBeInt64Integers() {
    String tooBig = "{\"mediaType\":\"a/b\",\"size\":9223372036854775808,\"digest\":\"%s%s\"}";
    assertThat(errors(DocumentType.DESCRIPTOR, tooBig.formatted(SHA, HEX64)))
        .anySatisfy(p -> assertThat(p.message()).contains("int64"));
    String huge = "{\"mediaType\":\"a/b\",\"size\":1e999999999,\"digest\":\"%s%s\"}";
    assertThat(errors(DocumentType.DESCRIPTOR, huge.formatted(SHA, HEX64)))
        .anySatisfy(p -> assertThat(p.pointer()).isEqualTo("/size"));
    String fraction = "{\"mediaType\":\"a/b\",\"size\":12.5,\"digest\":\"%s%s\"}";
    assertThat(errors(DocumentType.DESCRIPTOR, fraction.formatted(SHA, HEX64))).isNotEmpty();
  }

  @Test
  void negativeSizesAreInvalidInIndexesToo() {
    // descriptor.md: "The size MUST NOT be negative." The index schema's int64 lets it through.
    String index =
        "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"a/b\",\"size\":-1,\"digest\":\"%s%s\"}]}";
    assertThat(errors(DocumentType.INDEX, index.formatted(SHA, HEX64)))
        .singleElement()
        .satisfies(p -> assertThat(p.pointer()).isEqualTo("/manifests/0/size"));
  }

  @Test
  void platformNeedsArchitectureAndOsWherever() {
    String d =
        "{\"mediaType\":\"a/b\",\"size\":1,\"digest\":\"%s%s\",\"platform\":{\"os\":\"linux\"}}";
    assertThat(errors(DocumentType.DESCRIPTOR, d.formatted(SHA, HEX64)))
        .singleElement()
        .satisfies(p -> assertThat(p.message()).contains("architecture"));
  }

  @Test
  void shouldsAreWarningsNotErrors() {
    String index =
        """
        {"schemaVersion":2,"manifests":[{"mediaType":"a/b","size":1,"digest":"%s%s",
          "annotations":{"org.opencontainers.image.ref.name":"has space",
                         "org.opencontainers.image.created":"last tuesday"}}]}
        """
            .formatted(SHA, HEX64);
    List<Problem> problems = validate(DocumentType.INDEX, index);
    assertThat(problems).hasSize(2).noneMatch(Problem::isError);
    assertThat(Validator.isValid(problems)).isTrue();
    assertThat(problems.get(0).toString()).startsWith("warning: /manifests/0/annotations/");
  }

  @Test
  void modelValuesCanBeValidatedDirectly() {
    Manifest m =
        Manifest.builder()
            .config(Descriptor.of(MediaType.IMAGE_CONFIG, "{}".getBytes(StandardCharsets.UTF_8)))
            .addLayer(Descriptor.of(MediaType.IMAGE_LAYER, new byte[] {1}))
            .build();
    assertThat(Validator.get().validate(m)).isEmpty();
    ImageConfig c = ImageConfig.builder().architecture("amd64").os("linux").build();
    assertThat(Validator.get().validate(c)).isEmpty();
    assertThat(Validator.get().validate(Descriptor.EMPTY_JSON)).isEmpty();
  }

  @Test
  void detectGuessesTheKindOfADocument() throws Exception {
    assertThat(
            DocumentType.detect(
                dev.ocikit.json.OciJson.readTree(
                    manifest(null, MediaType.IMAGE_CONFIG, "").getBytes(StandardCharsets.UTF_8))))
        .contains(DocumentType.MANIFEST);
    assertThat(
            DocumentType.detect(
                dev.ocikit.json.OciJson.readTree(
                    "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8))))
        .contains(DocumentType.LAYOUT);
  }
}
