package dev.ocikit.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ocikit.json.InvalidDocumentException;
import dev.ocikit.json.OciJson;
import dev.ocikit.model.Descriptor;
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
 * Every valid document among the spec's vectors (its examples and its table tests) parses into the
 * model, is written back canonically, and the re-written document validates again and parses to the
 * same value.
 */
class SpecExamplesRoundTripTest {

  static Stream<Arguments> validDocuments() throws Exception {
    JsonNode root = OciJson.readTree(TestData.bytes("conformance/image-spec-vectors.json"));
    List<Arguments> out = new ArrayList<>();
    for (JsonNode v : root.get("vectors")) {
      String document = v.get("document").stringValue();
      if (v.get("expect").stringValue().equals("valid")
          && Validator.isValid(
              Validator.get()
                  .validate(
                      DocumentType.fromName(v.get("mediaType").stringValue()).orElseThrow(),
                      document.getBytes(StandardCharsets.UTF_8)))) {
        out.add(
            Arguments.of(v.get("id").stringValue(), v.get("mediaType").stringValue(), document));
      }
    }
    assertThat(out).hasSizeGreaterThanOrEqualTo(40);
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validDocuments")
  void reWrittenExampleValidatesAgain(String id, String mediaType, String document)
      throws InvalidDocumentException {
    DocumentType type = DocumentType.fromName(mediaType).orElseThrow();
    byte[] bytes = document.getBytes(StandardCharsets.UTF_8);
    Class<?> model = type.modelType();
    Object value = OciJson.parse(bytes, model).value();
    byte[] rewritten =
        value instanceof Descriptor d
            ? OciJson.toBytes(d)
            : OciJson.toBytes((dev.ocikit.model.OciDocument) value);
    assertThat(Validator.get().validate(type, rewritten)).as(id).noneMatch(Problem::isError);
    assertThat(OciJson.parse(rewritten, model).value()).as(id).isEqualTo(value);
    byte[] again =
        value instanceof Descriptor d
            ? OciJson.toBytes(d)
            : OciJson.toBytes(
                (dev.ocikit.model.OciDocument) OciJson.parse(rewritten, model).value());
    assertThat(again).as("canonical writing is stable for %s", id).isEqualTo(rewritten);
  }
}
