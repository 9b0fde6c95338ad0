package dev.ocikit.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Property names that differ from the spec's only in letter case. Go's encoding/json, with which
 * containerd and Docker read these documents, matches names case-insensitively (with Unicode
 * folding): such a name would be read there as the spec's property and here as an unknown one, so
 * one document would name two different things. They are refused.
 */
class CaseVariantNamesTest {
  private static final String A = "sha256:" + "a".repeat(64);
  private static final String B = "sha256:" + "b".repeat(64);

  private static List<Problem> validate(DocumentType type, String json) {
    return Validator.get().validate(type, json.getBytes(StandardCharsets.UTF_8));
  }

  private static String descriptor(String digestKey, String digest) {
    return "{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"size\":1,\"%s\":\"%s\"}"
        .formatted(digestKey, digest);
  }

  @Test
  void aSecondDigestSpelledDifferentlyIsRefused() {
    String d =
        "{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"size\":1,\"digest\":\"%s\","
                .formatted(A)
            + "\"Digest\":\"%s\"}".formatted(B);
    assertThat(validate(DocumentType.DESCRIPTOR, d))
        .anySatisfy(
            p -> {
              assertThat(p.pointer()).isEqualTo("/Digest");
              assertThat(p.message()).contains("only in letter case");
            });
  }

  @Test
  void unicodeFoldingCountsToo() {
    // U+017F LATIN SMALL LETTER LONG S folds to 's' in Go: "digeſt" is "digest" there.
    String d =
        "{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"size\":1,\"digest\":\"%s\","
                .formatted(A)
            + "\"dige\u017Ft\":\"%s\"}".formatted(B);
    assertThat(validate(DocumentType.DESCRIPTOR, d))
        .anySatisfy(p -> assertThat(p.message()).contains("only in letter case"));
  }

  @Test
  void layersTwiceInAManifestAreRefused() {
    String m =
        ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":%s,\"layers\":[%s],\"Layers\":[%s]}")
            .formatted(
                descriptor("digest", A).replace("layer.v1.tar", "config.v1+json"),
                descriptor("digest", A),
                descriptor("digest", B));
    assertThat(validate(DocumentType.MANIFEST, m))
        .anySatisfy(p -> assertThat(p.pointer()).isEqualTo("/Layers"));
  }

  @Test
  void aLowerCaseConfigNameIsRefusedAsGoWouldReadItAsTheSpecsName() {
    String c =
        "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Env\":[\"A=1\"],"
            + "\"env\":[\"A=2\"]},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}";
    assertThat(validate(DocumentType.CONFIG, c))
        .anySatisfy(p -> assertThat(p.pointer()).isEqualTo("/config/env"));
  }

  @Test
  void mapKeysMayDifferInCaseAndUnrelatedNamesAreKept() {
    // Annotations are a map, read as one by Go too: "a" and "A" are two keys there as here.
    String d =
        ("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"size\":1,\"digest\":\"%s\","
                + "\"annotations\":{\"a\":\"1\",\"A\":\"2\"},\"x-vendor\":true}")
            .formatted(A);
    assertThat(validate(DocumentType.DESCRIPTOR, d)).isEmpty();
  }
}
