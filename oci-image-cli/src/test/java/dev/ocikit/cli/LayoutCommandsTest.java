package dev.ocikit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayoutCommandsTest {
  @TempDir Path dir;

  static Path sample() {
    return TestRoot.path("testdata/images/hello");
  }

  static Path copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path f : (Iterable<Path>) walk::iterator) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    }
    return to;
  }

  @Test
  void validateChecksALayoutWhole() {
    CliRun ok = CliRun.run("validate", "--deep", sample().toString());
    assertThat(ok.status()).as(ok.err()).isZero();
    assertThat(ok.out()).contains("valid image layout (deep)");
    for (String broken :
        new String[] {
          "altered-blob",
          "wrong-size",
          "missing-blob",
          "bad-header",
          "non-json-index",
          "schema-violation",
          "diffid-mismatch",
          "wrong-algorithm-folder",
          "truncated-gzip"
        }) {
      CliRun r =
          CliRun.run("validate", "--deep", TestRoot.path("testdata/layouts/" + broken).toString());
      assertThat(r.status()).as(broken).isEqualTo(1);
      assertThat(r.err()).as(broken).isNotBlank().doesNotContain("Exception");
      assertThat(r.err().lines()).as(broken).allMatch(l -> l.matches("(warning: )?[^ ]+: .*"));
    }
    CliRun withType = CliRun.run("validate", "--type", "manifest", sample().toString());
    assertThat(withType.status()).isEqualTo(2);
  }

  @Test
  void refsListsRefNames() {
    CliRun r = CliRun.run("refs", sample().toString());
    assertThat(r.status()).isZero();
    assertThat(r.out().lines()).containsExactly("latest", "latest-sbom");
    assertThat(CliRun.run("refs", dir.resolve("none").toString()).status()).isEqualTo(2);
  }

  @Test
  void inspectShowsTheImageAsJson() throws Exception {
    CliRun r =
        CliRun.run("inspect", sample().toString(), "--ref", "latest", "--platform", "linux/amd64");
    assertThat(r.status()).as(r.err()).isZero();
    var json =
        dev.ocikit.json.OciJson.readTree(r.out().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(json.get("ref").stringValue()).isEqualTo("latest");
    assertThat(json.get("layers")).hasSize(2);
    assertThat(json.get("platform").get("architecture").stringValue()).isEqualTo("amd64");
    assertThat(json.get("config").get("digest").stringValue()).startsWith("sha256:");
    CliRun ambiguous = CliRun.run("inspect", sample().toString());
    assertThat(ambiguous.status()).isEqualTo(2);
    assertThat(ambiguous.err()).contains("latest, latest-sbom");
    CliRun noSuch = CliRun.run("inspect", sample().toString(), "--ref", "nope");
    assertThat(noSuch.status()).isEqualTo(2);
    assertThat(noSuch.err()).contains("no ref \"nope\"");
    CliRun badPlatform =
        CliRun.run("inspect", sample().toString(), "--ref", "latest", "--platform", "x");
    assertThat(badPlatform.status()).isEqualTo(2);
  }

  @Test
  void copyThenGcKeepsAValidLayout() throws IOException {
    Path target = dir.resolve("copy");
    CliRun copy = CliRun.run("copy", sample().toString(), target.toString(), "--ref", "latest");
    assertThat(copy.status()).as(copy.err()).isZero();
    CliRun sbom =
        CliRun.run("copy", sample().toString(), target.toString(), "--ref", "latest-sbom");
    assertThat(sbom.status()).as(sbom.err()).isZero();
    assertThat(CliRun.run("refs", target.toString()).out().lines())
        .containsExactly("latest", "latest-sbom");
    assertThat(CliRun.run("validate", "--deep", target.toString()).status()).isZero();
    CliRun ambiguous = CliRun.run("copy", sample().toString(), dir.resolve("x").toString());
    assertThat(ambiguous.status()).isEqualTo(2);
    CliRun gc = CliRun.run("gc", target.toString());
    assertThat(gc.status()).isZero();
    assertThat(gc.out()).startsWith("removed 0 blobs");
  }

  @Test
  void copyOfTamperedContentFailsAndGcOfAWorkCopyRemovesOrphans() throws IOException {
    Path work = copyTree(sample(), dir.resolve("work"));
    Files.writeString(work.resolve("blobs/sha256/" + "0".repeat(64)), "orphan");
    CliRun gc = CliRun.run("gc", work.toString());
    assertThat(gc.status()).isZero();
    assertThat(gc.out()).startsWith("removed 1 blobs (6 bytes)");
    Path tampered = copyTree(TestRoot.path("testdata/layouts/altered-blob"), dir.resolve("t"));
    CliRun copy = CliRun.run("copy", tampered.toString(), dir.resolve("out").toString());
    assertThat(copy.status()).isEqualTo(1);
    assertThat(copy.err()).contains("digest mismatch");
  }
}
