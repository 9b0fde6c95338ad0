package dev.ocikit.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ocikit.json.InvalidDocumentException;
import dev.ocikit.json.OciJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

class RuntimeJsonTest {

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "spec-example.json",
        "minimal.json",
        "minimal-for-start.json",
        "linux-netdevice.json",
        "linux-rdma.json",
        "zos-example.json"
      })
  void theSpecsGoodConfigsSurviveAReadAndAWrite(String name) throws IOException {
    byte[] original =
        Files.readAllBytes(RuntimeSchemaTest.testdata("schema-test/config/good/" + name));
    RuntimeConfig config = RuntimeJson.parse(original);
    byte[] written = RuntimeJson.toBytes(config);
    assertThat(OciJson.readTree(written)).isEqualTo(OciJson.readTree(original));
    assertThat(RuntimeJson.toBytes(RuntimeJson.parse(written))).isEqualTo(written);
  }

  @Test
  void theSpecExampleIsReadIntoTheModelAndItsOtherPropertiesAreKept() throws IOException {
    RuntimeConfig c =
        RuntimeJson.parse(
            Files.readAllBytes(
                RuntimeSchemaTest.testdata("schema-test/config/good/spec-example.json")));
    assertThat(c.process().user()).isEqualTo(RuntimeConfig.User.of(1, 1, List.of(5L, 6L)));
    assertThat(c.process().capabilities().ambient()).containsExactly("CAP_NET_BIND_SERVICE");
    assertThat(c.process().unknownProperties()).containsKeys("apparmorProfile", "selinuxLabel");
    assertThat(c.root().readonly()).isTrue();
    assertThat(c.linux().uidMappings()).containsExactly(RuntimeConfig.IdMapping.of(0, 1000, 32000));
    assertThat(c.linux().unknownProperties()).containsKeys("resources", "seccomp", "devices");
    assertThat(c.unknownProperties()).containsKey("hooks");
  }

  @Test
  void likeTheGoTypesAProcessAlwaysHasAUserAndEmptyListsAreLeftOut() throws IOException {
    // freebsd-example.json has a process without user and a mount with "options": [].
    RuntimeConfig c =
        RuntimeJson.parse(
            Files.readAllBytes(
                RuntimeSchemaTest.testdata("schema-test/config/good/freebsd-example.json")));
    String written = RuntimeJson.toJson(c);
    assertThat(written).contains("\"user\":{\"uid\":0,\"gid\":0}");
    assertThat(written)
        .contains("{\"destination\":\"/dev/fd\",\"type\":\"fdescfs\",\"source\":\"fdescfs\"}");
    assertThat(c.unknownProperties().get("freebsd").get("jail").get("vnet").stringValue())
        .isEqualTo("new");
  }

  @Test
  void writingIsCanonicalInTheOrderOfTheGoTypes() {
    RuntimeConfig c =
        RuntimeConfig.builder()
            .annotation("b", "2")
            .annotation("a", "1")
            .hostname("h")
            .root(RuntimeConfig.Root.of("rootfs"))
            .process(RuntimeConfig.Process.builder().args(List.of("sh")).terminal(true).build())
            .unknownProperties(Map.of("zz", OciJson.mapper().getNodeFactory().numberNode(1)))
            .build();
    assertThat(RuntimeJson.toJson(c))
        .isEqualTo(
            "{\"ociVersion\":\"1.0.2\",\"process\":{\"terminal\":true,\"user\":{\"uid\":0,"
                + "\"gid\":0},\"args\":[\"sh\"],\"cwd\":\"/\"},\"root\":{\"path\":\"rootfs\"},"
                + "\"hostname\":\"h\",\"annotations\":{\"a\":\"1\",\"b\":\"2\"},\"zz\":1}");
  }

  @Test
  void rlimitsAreUnsigned64BitNumbers() throws IOException {
    String json =
        "{\"ociVersion\":\"1.0.2\",\"process\":{\"cwd\":\"/\",\"rlimits\":[{\"type\":"
            + "\"RLIMIT_CORE\",\"hard\":18446744073709551615,\"soft\":9223372036854775808}]}}";
    RuntimeConfig c = RuntimeJson.parse(utf8(json));
    RuntimeConfig.Rlimit r = c.process().rlimits().get(0);
    assertThat(r.hard()).isEqualTo(-1L);
    assertThat(r.soft()).isEqualTo(Long.MIN_VALUE);
    assertThat(RuntimeJson.toJson(c))
        .contains("\"hard\":18446744073709551615,\"soft\":9223372036854775808");
  }

  @Test
  void shapesThatDoNotFitAreNamedByTheirPointer() {
    assertThatThrownBy(() -> RuntimeJson.parse(utf8("{\"process\":{\"cwd\":\"/\"}}")))
        .isInstanceOf(InvalidDocumentException.class)
        .extracting(e -> ((InvalidDocumentException) e).pointer())
        .isEqualTo("/ociVersion");
    assertThatThrownBy(
            () ->
                RuntimeJson.parse(
                    utf8(
                        "{\"ociVersion\":\"1.0.2\",\"process\":{\"cwd\":\"/\",\"user\":"
                            + "{\"uid\":-1,\"gid\":0}}}")))
        .isInstanceOf(InvalidDocumentException.class)
        .extracting(e -> ((InvalidDocumentException) e).pointer())
        .isEqualTo("/process/user/uid");
    assertThatThrownBy(
            () ->
                RuntimeJson.parse(
                    utf8("{\"ociVersion\":\"1.0.2\",\"mounts\":[{\"destination\":7}]}")))
        .isInstanceOf(InvalidDocumentException.class)
        .extracting(e -> ((InvalidDocumentException) e).pointer())
        .isEqualTo("/mounts/0/destination");
    assertThatThrownBy(() -> RuntimeJson.parse(utf8("{\"ociVersion\":\"1\",\"ociVersion\":\"2\"}")))
        .isInstanceOf(InvalidDocumentException.class)
        .hasMessageContaining("Duplicate");
  }

  @Test
  void nullIsReadAsAbsent() throws IOException {
    RuntimeConfig c =
        RuntimeJson.parse(utf8("{\"ociVersion\":\"1.0.2\",\"hostname\":null,\"linux\":null}"));
    assertThat(c.hostname()).isNull();
    assertThat(c.linux()).isNull();
    assertThat(RuntimeJson.toJson(c)).isEqualTo("{\"ociVersion\":\"1.0.2\"}");
  }

  @Test
  void recordsStayImmutable() {
    JsonNode node = OciJson.mapper().createObjectNode().put("x", 1);
    RuntimeConfig c = RuntimeConfig.builder().unknownProperties(Map.of("ext", node)).build();
    ((tools.jackson.databind.node.ObjectNode) node).put("x", 2);
    ((tools.jackson.databind.node.ObjectNode) c.unknownProperties().get("ext")).put("x", 3);
    assertThat(c.unknownProperties().get("ext").get("x").intValue()).isEqualTo(1);
    assertThatThrownBy(() -> RuntimeConfig.User.of(-1, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> RuntimeConfig.builder().unknownProperties(Map.of("process", node)).build())
        .isInstanceOf(IllegalArgumentException.class);
  }
}
