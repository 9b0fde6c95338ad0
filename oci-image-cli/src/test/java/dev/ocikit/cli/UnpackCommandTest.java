package dev.ocikit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnpackCommandTest {
  @TempDir Path dir;

  @Test
  void unpacksTheSampleWithItsWhiteout() {
    Path out = dir.resolve("rootfs");
    CliRun r =
        CliRun.run(
            "unpack",
            TestRoot.path("testdata/images/hello").toString(),
            out.toString(),
            "--ref",
            "latest");
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("unpacked sha256:");
    assertThat(out.resolve("hello.txt")).hasContent("Hello from ocikit!");
    assertThat(out.resolve("etc/motd")).exists();
    assertThat(out.resolve("greeting")).as("whited out by the second layer").doesNotExist();
    assertThat(out.resolve(".wh.greeting")).as("whiteouts never appear").doesNotExist();
  }

  @Test
  void rootlessUnpackKeepsTheCurrentUser() throws IOException {
    Path out = dir.resolve("rootless");
    CliRun r =
        CliRun.run(
            "unpack",
            TestRoot.path("testdata/layouts/good").toString(),
            out.toString(),
            "--rootless");
    assertThat(r.status()).as(r.err()).isZero();
    Object me = Files.getAttribute(dir, "unix:uid");
    assertThat(Files.getAttribute(out.resolve("hello.txt"), "unix:uid")).isEqualTo(me);
  }

  @Test
  void aBrokenLayoutIsInvalidContentAndOneThatIsNotThereAUsageError() {
    // issue 4: "exit 0 done, 1 invalid or unsafe content, 2 usage". A missing blob, a bad
    // oci-layout or a non-JSON index.json is a broken layout: 1, as a blob that fails its digest
    // is, for unpack, bundle and inspect alike, and nothing is unpacked.
    for (String broken :
        List.of("missing-blob", "bad-header", "non-json-index", "wrong-algorithm-folder")) {
      String layout = TestRoot.path("testdata/layouts/" + broken).toString();
      for (String command : List.of("unpack", "bundle")) {
        Path out = dir.resolve(command + "-" + broken);
        CliRun r = CliRun.run(command, layout, out.toString());
        assertThat(r.status()).as(command + " " + broken + ": " + r.err()).isEqualTo(1);
        assertThat(r.err()).startsWith("ocikit: ").doesNotContain("Exception");
        assertThat(r.err().lines()).hasSize(1);
        assertThat(out).doesNotExist();
      }
      if (!broken.contains("blob") && !broken.contains("folder")) {
        // (inspect reads no layer: a missing layer blob is not its business)
        CliRun inspect = CliRun.run("inspect", layout);
        assertThat(inspect.status()).as("inspect " + broken + ": " + inspect.err()).isEqualTo(1);
      }
    }
    // Not there: no such layout, no such ref.
    CliRun absent =
        CliRun.run("unpack", dir.resolve("absent").toString(), dir.resolve("o").toString());
    assertThat(absent.status()).as(absent.err()).isEqualTo(2);
    CliRun noRef =
        CliRun.run(
            "unpack",
            TestRoot.path("testdata/layouts/good").toString(),
            dir.resolve("o").toString(),
            "--ref",
            "nope");
    assertThat(noRef.status()).as(noRef.err()).isEqualTo(2);
    assertThat(noRef.err()).contains("no ref \"nope\"");
    assertThat(dir.resolve("o")).doesNotExist();
  }

  @Test
  void aNonEmptyTargetIsAUsageError() throws IOException {
    Files.writeString(dir.resolve("keep.txt"), "mine");
    CliRun r =
        CliRun.run("unpack", TestRoot.path("testdata/layouts/good").toString(), dir.toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("not empty");
    assertThat(dir.resolve("keep.txt")).hasContent("mine");
  }

  @Test
  void badLayersFailWithOneLineNamingTheLayer() {
    for (String broken : new String[] {"altered-blob", "diffid-mismatch", "truncated-gzip"}) {
      Path out = dir.resolve(broken);
      CliRun r =
          CliRun.run(
              "unpack", TestRoot.path("testdata/layouts/" + broken).toString(), out.toString());
      assertThat(r.status()).as("%s: %s", broken, r.err()).isEqualTo(1);
      assertThat(r.err().lines()).as(broken).hasSize(1);
      assertThat(r.err()).as(broken).contains("sha256:").doesNotContain("Exception");
    }
  }
}
