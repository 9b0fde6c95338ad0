package dev.ocikit.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ocikit.digest.Digest;
import dev.ocikit.json.InvalidDocumentException;
import dev.ocikit.json.OciJson;
import dev.ocikit.model.Annotations;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Values built to break a validator: long repetitive strings that make java.util.regex recurse once
 * per repetition, deep nesting, huge numbers. Each must give a verdict, never an error.
 */
class HostileInputTest {
  private static final String HEX64 = "0".repeat(64);

  private static List<Problem> validate(DocumentType type, String json) {
    return Validator.get().validate(type, json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void digestOfManyAlgorithmComponentsIsJudgedByTheGrammar() {
    String algorithm = String.join(".", java.util.Collections.nCopies(60_000, "a"));
    assertThat(Digest.matchesGrammar(algorithm + ":x")).isTrue();
    assertThat(Digest.isValid(algorithm + ":x")).isTrue();
    assertThat(Digest.matchesGrammar(algorithm + ".:x")).isFalse();
    String d = "{\"mediaType\":\"a/b\",\"size\":1,\"digest\":\"%s:x\"}".formatted(algorithm);
    assertThat(validate(DocumentType.DESCRIPTOR, d)).isEmpty();
    String bad = "{\"mediaType\":\"a/b\",\"size\":1,\"digest\":\"%s..a:x\"}".formatted(algorithm);
    assertThat(validate(DocumentType.DESCRIPTOR, bad))
        .isNotEmpty()
        .allSatisfy(p -> assertThat(p.pointer()).isEqualTo("/digest"));
  }

  @Test
  void longRefNamesAreJudgedByTheGrammar() {
    String ref = "a-".repeat(100_000) + "a";
    assertThat(Annotations.isValidRefName(ref)).isTrue();
    assertThat(Annotations.isValidRefName(ref + "-")).isFalse();
    assertThat(Annotations.isValidRefName("a/b--c:d@e+f.g_h")).isTrue();
    assertThat(Annotations.isValidRefName("a---b")).isFalse();
    String index =
        "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"a/b\",\"size\":1,\"digest\":"
            + "\"sha256:%s\",\"annotations\":{\"%s\":\"%s-\"}}]}";
    assertThat(validate(DocumentType.INDEX, index.formatted(HEX64, Annotations.REF_NAME, ref)))
        .singleElement()
        .satisfies(p -> assertThat(p.isError()).isFalse());
  }

  @Test
  void longDataIsCheckedWithoutRecursion() {
    String data = "QUJD".repeat(500_000);
    String d =
        "{\"mediaType\":\"a/b\",\"size\":1500000,\"data\":\"%s\",\"digest\":\"sha256:%s\"}"
            .formatted(data, HEX64);
    assertThat(validate(DocumentType.DESCRIPTOR, d))
        .singleElement()
        .satisfies(p -> assertThat(p.message()).contains("decoded data has digest"));
  }

  @Test
  void deepNestingIsMalformedJsonNotACrash() {
    String deep = "{\"x\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
    assertThat(validate(DocumentType.CONFIG, deep))
        .singleElement()
        .satisfies(p -> assertThat(p.message()).startsWith("invalid JSON"));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> OciJson.readTree(deep.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidDocumentException.class);
  }

  @Test
  void hugeNumbersAreReportedAtTheirPlace() {
    String d = "{\"mediaType\":\"a/b\",\"size\":1e999999999,\"digest\":\"sha256:%s\"}";
    assertThat(validate(DocumentType.DESCRIPTOR, d.formatted(HEX64)))
        .anySatisfy(p -> assertThat(p.pointer()).isEqualTo("/size"));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> OciJson.parseDescriptor(d.formatted(HEX64).getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(
            InvalidDocumentException.class, e -> assertThat(e.pointer()).isEqualTo("/size"));
  }

  @Test
  void longEnvEntriesAreFine() {
    String config =
        "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]},"
            + "\"config\":{\"Env\":[\"%s=1\",\"%s\"]}}";
    String name = "A".repeat(1_000_000);
    assertThat(validate(DocumentType.CONFIG, config.formatted(name, name)))
        .singleElement()
        .satisfies(p -> assertThat(p.pointer()).isEqualTo("/config/Env/1"));
  }
}
