package dev.ocikit.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ocikit.json.OciJson;
import dev.ocikit.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * The image spec's own test vectors (the table tests of image-spec {@code schema/*_test.go} and the
 * annotated examples of its markdown), each with the verdict the spec expects.
 */
class ConformanceVectorsTest {

  static Stream<Arguments> vectors() throws Exception {
    JsonNode root = OciJson.readTree(TestData.bytes("conformance/image-spec-vectors.json"));
    List<Arguments> out = new ArrayList<>();
    for (JsonNode v : root.get("vectors")) {
      out.add(
          Arguments.of(
              v.get("id").stringValue(),
              v.get("mediaType").stringValue(),
              v.get("expect").stringValue(),
              v.get("document").stringValue()));
    }
    assertThat(out).hasSize(82);
    return out.stream();
  }

  /**
   * Vectors whose {@code document} is not one JSON document: the extraction glued two Go table
   * cases together with the Go source between them (a backtick, braces, a comment, the next case).
   * ocikit rejects such text as malformed JSON, as the spec's own validator does ({@code
   * json.Unmarshal} fails on "invalid character '`' after top-level value"); the verdict the vector
   * records is that of the first case, which is checked on the first document alone.
   * (descriptor_test:TestDescriptor:28 is glued the same way, but its recorded verdict, that of the
   * second case, is "invalid", which the glued text gets too.)
   */
  private static final java.util.Set<String> GLUED =
      java.util.Set.of("manifest_test:TestManifest:6");

  @ParameterizedTest(name = "{0} is {2}")
  @MethodSource("vectors")
  void vectorGetsTheVerdictTheSpecExpects(
      String id, String mediaType, String expect, String document) {
    DocumentType type = DocumentType.fromName(mediaType).orElseThrow();
    List<Problem> problems =
        Validator.get().validate(type, document.getBytes(StandardCharsets.UTF_8));
    if (GLUED.contains(id)) {
      int goSource = document.indexOf("\n`");
      assertThat(goSource).as("where the Go source starts in %s", id).isPositive();
      assertThat(problems)
          .as("the glued text of %s is not one JSON document", id)
          .singleElement()
          .satisfies(p -> assertThat(p.message()).startsWith("invalid JSON"));
      byte[] first = document.substring(0, goSource).getBytes(StandardCharsets.UTF_8);
      problems = Validator.get().validate(type, first);
    }
    if (expect.equals("valid")) {
      assertThat(problems).as(id).noneMatch(Problem::isError);
    } else {
      assertThat(problems).as(id).anyMatch(Problem::isError);
    }
  }
}
