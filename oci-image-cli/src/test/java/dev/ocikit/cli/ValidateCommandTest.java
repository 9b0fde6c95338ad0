package dev.ocikit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {
  private static final String DIGEST =
      "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

  @TempDir Path dir;

  private Path file(String name, String content) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, content, StandardCharsets.UTF_8);
    return p;
  }

  @Test
  void validDocumentExitsZeroAndSaysSo() throws IOException {
    Path p = file("layout.json", "{\"imageLayoutVersion\":\"1.0.0\"}");
    CliRun r = CliRun.run("validate", "--type", "layout", p.toString());
    assertThat(r.status()).isZero();
    assertThat(r.out()).contains("valid layout");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void invalidDocumentExitsOneWithOneLinePerProblemOnStderr() throws IOException {
    Path p =
        file(
            "index.json",
            "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"x\",\"size\":-1,\"digest\":\"sha256:AB\"}]}");
    CliRun r = CliRun.run("validate", "--type", "index", p.toString());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().lines())
        .containsExactly(
            r.err().lines().filter(l -> l.startsWith("/manifests/0/")).toArray(String[]::new))
        .anyMatch(l -> l.startsWith("/manifests/0/digest: "))
        .anyMatch(l -> l.startsWith("/manifests/0/mediaType: "))
        .anyMatch(l -> l.startsWith("/manifests/0/size: "));
  }

  @Test
  void typeIsGuessedWhenOmitted() throws IOException {
    Path p =
        file(
            "m.json",
            "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"artifactType\":\"application/x.y\",\"config\":{\"mediaType\":"
                + "\"application/vnd.oci.empty.v1+json\",\"size\":2,\"digest\":\""
                + DIGEST
                + "\"},\"layers\":[{\"mediaType\":\"application/x.y\",\"size\":2,\"digest\":\""
                + DIGEST
                + "\"}]}");
    CliRun r = CliRun.run("validate", p.toString());
    assertThat(r.status()).isZero();
    assertThat(r.out()).contains("valid manifest");
  }

  @Test
  void severalFilesArePrefixedAndTheWorstStatusWins() throws IOException {
    Path good = file("good.json", "{\"imageLayoutVersion\":\"1.0.0\"}");
    Path bad = file("bad.json", "{\"imageLayoutVersion\":\"2.0.0\"}");
    CliRun r = CliRun.run("validate", "-t", "layout", good.toString(), bad.toString());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.out()).contains(good + ": valid layout").doesNotContain("bad.json");
    assertThat(r.err()).startsWith(bad + ": /imageLayoutVersion: ");
    CliRun missing =
        CliRun.run("validate", "-t", "layout", bad.toString(), dir.resolve("nope").toString());
    assertThat(missing.status()).isEqualTo(2);
  }

  @Test
  void malformedJsonIsInvalidContentNotACrash() throws IOException {
    Path p = file("broken.json", "{\"schemaVersion\": 2, ");
    CliRun r = CliRun.run("validate", "--type", "manifest", p.toString());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).contains(": invalid JSON: ").doesNotContain("Exception");
    CliRun guessed = CliRun.run("validate", p.toString());
    assertThat(guessed.status()).isEqualTo(1);
  }

  @Test
  void unreadableInputIsExitTwoWithOneLine() {
    CliRun r = CliRun.run("validate", "--type", "manifest", dir.resolve("missing.json").toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err().lines()).singleElement().asString().contains("no such file");
    CliRun d = CliRun.run("validate", "--type", "manifest", dir.toString());
    assertThat(d.status()).isEqualTo(2);
    assertThat(d.err()).contains("is an image layout");
  }

  @Test
  void aDirectoryThatIsNoLayoutIsAnInvalidLayout() {
    // image-layout.md: the oci-layout file, index.json and blobs MUST exist.
    CliRun d = CliRun.run("validate", dir.toString());
    assertThat(d.status()).isEqualTo(1);
    assertThat(d.err().lines())
        .contains("oci-layout: missing: the oci-layout file MUST exist")
        .anyMatch(l -> l.startsWith("index.json: missing"))
        .anyMatch(l -> l.startsWith("blobs: missing"));
  }

  @Test
  void usageErrorsAreExitTwoWithOneLine() {
    for (String[] args :
        new String[][] {
          {"validate", "--type", "nonsense", "x.json"},
          {"validate"},
          {"no-such-command"},
          {},
          {"validate", "--max-size", "lots", "x"}
        }) {
      CliRun r = CliRun.run(args);
      assertThat(r.status()).as(String.join(" ", args)).isEqualTo(2);
      assertThat(r.err().lines()).as(String.join(" ", args)).hasSize(1);
      assertThat(r.err()).contains("--help");
    }
  }

  @Test
  void undetectableDocumentAsksForType() throws IOException {
    Path p = file("what.json", "{\"hello\":\"world\"}");
    CliRun r = CliRun.run("validate", p.toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("give --type");
  }

  @Test
  void documentsOverTheSizeLimitAreRefused() throws IOException {
    Path p = file("big.json", "{\"imageLayoutVersion\":\"1.0.0\"}");
    CliRun r = CliRun.run("validate", "--max-size", "10", "-t", "layout", p.toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("larger than 10 bytes");
  }

  @Test
  void controlCharactersFromTheDocumentNeverReachTheTerminal() throws IOException {
    Path p =
        file(
            "esc.json",
            "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
                + "\"diff_ids\":[]},\"config\":{\"Env\":[\"\\u001b[31mRED\"]}}");
    CliRun r = CliRun.run("validate", "-t", "config", p.toString());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).doesNotContain("\u001b").contains("\\u001b[31mRED");
  }

  @Test
  void warningsDoNotFailAndQuietHidesThem() throws IOException {
    Path p =
        file(
            "index.json",
            "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"a/b\",\"size\":2,\"digest\":\""
                + DIGEST
                + "\",\"annotations\":{\"org.opencontainers.image.ref.name\":\"bad name\"}}]}");
    CliRun r = CliRun.run("validate", p.toString());
    assertThat(r.status()).isZero();
    assertThat(r.err()).startsWith("warning: /manifests/0/annotations/");
    CliRun q = CliRun.run("validate", "-q", p.toString());
    assertThat(q.status()).isZero();
    assertThat(q.out()).isEmpty();
    assertThat(q.err()).isEmpty();
  }

  @Test
  void helpAndVersionExitZero() {
    assertThat(CliRun.run("--help").status()).isZero();
    assertThat(CliRun.run("--help").out()).contains("validate", "digest");
    assertThat(CliRun.run("--version").status()).isZero();
    assertThat(CliRun.run("validate", "--help").out()).contains("--type");
  }
}
