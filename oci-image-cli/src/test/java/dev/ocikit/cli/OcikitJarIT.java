package dev.ocikit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ocikit.json.OciJson;
import dev.ocikit.validation.DocumentType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The shaded {@code ocikit.jar} and the {@code ./ocikit} launcher, run as a user runs them. */
class OcikitJarIT {
  @TempDir Path dir;

  record Result(int status, String out, String err) {}

  static Path repoRoot() {
    return TestRoot.get();
  }

  static Path jar() {
    return Path.of(System.getProperty("ocikit.jar", "target/ocikit.jar"));
  }

  Result run(List<String> command) throws IOException, InterruptedException {
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process p =
        new ProcessBuilder(command)
            .directory(repoRoot().toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
    return new Result(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  Result ocikit(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("java", "-jar", jar().toString()));
    command.addAll(List.of(args));
    return run(command);
  }

  @Test
  void jarShowsHelp() throws Exception {
    Result r = ocikit("--help");
    assertThat(r.status()).isZero();
    assertThat(r.out()).contains("validate", "digest");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void launcherScriptRunsTheJar() throws Exception {
    Result r = run(List.of("bash", repoRoot().resolve("ocikit").toString(), "--help"));
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).contains("Usage: ocikit");
  }

  /**
   * All 82 conformance vectors through {@code ocikit validate --type}: exit status and the per-file
   * verdict match the verdict the spec expects. See ConformanceVectorsTest in oci-image-model for
   * the one vector whose text is two Go test cases glued together.
   */
  @Test
  void everyConformanceVectorGetsItsVerdictThroughTheCommandLine() throws Exception {
    JsonNode root =
        OciJson.readTree(
            Files.readAllBytes(repoRoot().resolve("testdata/conformance/image-spec-vectors.json")));
    Map<DocumentType, List<Path>> byType = new LinkedHashMap<>();
    Map<Path, String> expected = new LinkedHashMap<>();
    Map<Path, String> ids = new LinkedHashMap<>();
    int n = 0;
    for (JsonNode v : root.get("vectors")) {
      String id = v.get("id").stringValue();
      String document = v.get("document").stringValue();
      if (id.equals("manifest_test:TestManifest:6")) {
        document = document.substring(0, document.indexOf("\n`"));
      }
      Path file = dir.resolve("vector-" + n++ + ".json");
      Files.writeString(file, document, StandardCharsets.UTF_8);
      DocumentType type = DocumentType.fromName(v.get("mediaType").stringValue()).orElseThrow();
      byType.computeIfAbsent(type, t -> new ArrayList<>()).add(file);
      expected.put(file, v.get("expect").stringValue());
      ids.put(file, id);
    }
    assertThat(expected).hasSize(82);
    Set<Path> validated = new HashSet<>();
    for (Map.Entry<DocumentType, List<Path>> e : byType.entrySet()) {
      List<String> args = new ArrayList<>(List.of("validate", "--type", e.getKey().cliName()));
      e.getValue().forEach(p -> args.add(p.toString()));
      Result r = ocikit(args.toArray(String[]::new));
      assertThat(r.err()).doesNotContain("Exception", "\tat ");
      boolean anyInvalid = false;
      for (Path file : e.getValue()) {
        boolean valid =
            r.out().lines().anyMatch(l -> l.equals(file + ": valid " + e.getKey().cliName()));
        boolean reported = r.err().lines().anyMatch(l -> l.startsWith(file + ": "));
        assertThat(valid ? "valid" : "invalid").as(ids.get(file)).isEqualTo(expected.get(file));
        assertThat(reported).as("problems printed for %s", ids.get(file)).isEqualTo(!valid);
        anyInvalid |= !valid;
        validated.add(file);
      }
      assertThat(r.status()).as("exit status for %s", e.getKey()).isEqualTo(anyInvalid ? 1 : 0);
    }
    assertThat(validated).hasSize(82);
    // And one at a time, the exit status alone tells the verdict.
    Path invalid = byType.get(DocumentType.DESCRIPTOR).get(2);
    assertThat(ocikit("validate", "--type", "descriptor", invalid.toString()).status())
        .isEqualTo(1);
    Path valid = byType.get(DocumentType.DESCRIPTOR).get(0);
    assertThat(ocikit("validate", "--type", "descriptor", valid.toString()).status()).isZero();
  }

  @Test
  void hostileInputsGetOneLineAndNoStackTrace() throws Exception {
    Path deep = dir.resolve("deep.json");
    Files.writeString(deep, "[".repeat(200_000));
    Path binary = dir.resolve("binary.json");
    Files.write(binary, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2, 3, (byte) 0xc3, 0x28});
    Path hugeNumber = dir.resolve("number.json");
    Files.writeString(
        hugeNumber,
        "{\"mediaType\":\"a/b\",\"size\":1e999999999,\"digest\":\"sha256:"
            + "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\"}");
    for (Path p : List.of(deep, binary, hugeNumber)) {
      Result r = ocikit("validate", "--type", "descriptor", p.toString());
      assertThat(r.status()).as(p.toString()).isEqualTo(1);
      assertThat(r.err()).as(p.toString()).doesNotContain("Exception", "\tat ").isNotBlank();
      assertThat(r.err().lines().count()).as(p.toString()).isLessThanOrEqualTo(3);
    }
  }

  /** The runtime-spec schemas are in the shaded jar: a bundle's config.json is checked there. */
  @Test
  void jarMakesABundleOfTheSample() throws Exception {
    Path bundle = dir.resolve("bundle");
    Result r =
        ocikit(
            "bundle",
            repoRoot().resolve("testdata/images/hello").toString(),
            bundle.toString(),
            "--ref",
            "latest",
            "--rootless");
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(bundle.resolve("rootfs/hello.txt")).hasContent("Hello from ocikit!");
    JsonNode config = OciJson.readTree(Files.readAllBytes(bundle.resolve("config.json")));
    assertThat(config.get("process").get("args").toString())
        .isEqualTo("[\"/bin/cat\",\"/hello.txt\"]");
  }

  /**
   * In the POSIX locale (LANG unset, as in many containers) a JVM names files in ASCII: {@code java
   * -jar} runs the command again in C.UTF-8, and the launcher sets it, so that a layer's non-ASCII
   * names are created as they are.
   */
  @Test
  void nonAsciiNamesAreUnpackedInThePosixLocaleToo() throws Exception {
    Path layoutDir = dir.resolve("layout");
    try (dev.ocikit.layout.OciLayout layout = dev.ocikit.layout.OciLayout.create(layoutDir)) {
      dev.ocikit.layers.WrittenLayer layer =
          new dev.ocikit.layers.LayerWriter(dev.ocikit.layers.LayerOptions.DEFAULT)
              .add(dev.ocikit.layers.LayerEntry.file("café.txt", new byte[] {'1'}))
              .add(
                  dev.ocikit.layers.LayerEntry.file(
                      "NetLock_Arany_=Class_Gold=_Főtanúsítvány.crt", new byte[] {'2'}))
              .write(layout);
      dev.ocikit.build.ImageBuilder.scratch(dev.ocikit.model.Platform.of("linux", "amd64"))
          .addLayer(layer.descriptor(), layer.diffId())
          .build(layout, "t");
    }
    List<List<String>> commands =
        List.of(
            List.of("java", "-jar", jar().toAbsolutePath().toString()),
            List.of("bash", repoRoot().resolve("ocikit").toString()));
    int i = 0;
    for (List<String> ocikit : commands) {
      Path out = dir.resolve("out" + i++);
      List<String> command = new ArrayList<>(List.of("env", "-u", "LANG", "-u", "LC_ALL"));
      command.addAll(List.of("-u", "LC_CTYPE", "-u", "OCIKIT_UTF8_RERUN"));
      command.addAll(ocikit);
      command.addAll(List.of("unpack", layoutDir.toString(), out.toString()));
      Result r = run(command);
      assertThat(r.status()).as(ocikit + ": " + r.err()).isZero();
      // Listed by find, so that the names are compared as bytes whatever this JVM's locale.
      Result listing = run(List.of("find", out.toString(), "-type", "f", "-printf", "%P\\n"));
      assertThat(listing.out().lines().sorted().toList())
          .as(ocikit.toString())
          .containsExactly("NetLock_Arany_=Class_Gold=_Főtanúsítvány.crt", "café.txt");
    }
  }
}
