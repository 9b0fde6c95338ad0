package dev.ocikit.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ocikit.validation.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bundled runtime-spec schemas give the verdicts of runtime-spec's own examples ({@code
 * schema/test/{config,state,features}/{good,bad}}, copied to {@code testdata/runtime-spec}).
 */
class RuntimeSchemaTest {

  static Path testdata(String relative) {
    String configured = System.getProperty("ocikit.repo.root");
    Path dir = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath().getParent();
    return dir.resolve("testdata/runtime-spec").resolve(relative);
  }

  static Stream<Arguments> examples() throws IOException {
    List<Arguments> out = new ArrayList<>();
    for (RuntimeSchema.Kind kind : RuntimeSchema.Kind.values()) {
      String name = kind.name().toLowerCase(java.util.Locale.ROOT);
      for (String verdict : List.of("good", "bad")) {
        try (Stream<Path> files = Files.list(testdata("schema-test/" + name + "/" + verdict))) {
          for (Path f : files.sorted().toList()) {
            out.add(Arguments.of(name + "/" + verdict + "/" + f.getFileName(), kind, verdict, f));
          }
        }
      }
    }
    // runtime-spec 6999a89a: 9 good and 5 bad configs, 1 and 1 states, 2 and 1 features.
    assertThat(out).hasSize(19);
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void everyExampleGetsTheVerdictOfItsFolder(
      String id, RuntimeSchema.Kind kind, String verdict, Path file) throws IOException {
    List<Problem> problems = RuntimeSchema.get().validate(kind, Files.readAllBytes(file));
    if (verdict.equals("good")) {
      assertThat(problems).as(id).isEmpty();
    } else {
      assertThat(problems).as(id).isNotEmpty();
    }
  }

  @Test
  void aBadValueIsNamedByItsPointer() throws IOException {
    List<Problem> problems =
        RuntimeSchema.get()
            .validate(
                RuntimeSchema.Kind.CONFIG,
                Files.readAllBytes(testdata("schema-test/config/bad/linux-rdma.json")));
    assertThat(problems)
        .extracting(Problem::pointer)
        .contains("/linux/resources/rdma/mlx5_1/hcaHandles");
  }

  @Test
  void malformedJsonIsOneProblem() {
    List<Problem> problems =
        RuntimeSchema.get()
            .validate(
                RuntimeSchema.Kind.CONFIG,
                "{\"ociVersion\":\"1.0.0\",\"ociVersion\":\"1.0.1\"}"
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(problems).hasSize(1);
    assertThat(problems.get(0).message()).contains("Duplicate");
  }

  @Test
  void aMissingOciVersionAndAWrongRlimitAreReported() {
    String json =
        "{\"process\":{\"cwd\":\"/\",\"rlimits\":[{\"type\":\"NOFILE\",\"hard\":1,\"soft\":1}]}}";
    List<Problem> problems =
        RuntimeSchema.get()
            .validate(
                RuntimeSchema.Kind.CONFIG, json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(problems).extracting(Problem::pointer).contains("", "/process/rlimits/0/type");
  }

  @Test
  void theDefaultsValidatePrivilegedAndRootless() {
    assertThat(
            RuntimeSchema.get()
                .validate(RuntimeConfigConverter.defaults(ConversionOptions.DEFAULT)))
        .isEmpty();
    assertThat(
            RuntimeSchema.get()
                .validate(
                    RuntimeConfigConverter.defaults(
                        ConversionOptions.DEFAULT.withRootless(
                            new ConversionOptions.Rootless(1000, 1000)))))
        .isEmpty();
  }
}
