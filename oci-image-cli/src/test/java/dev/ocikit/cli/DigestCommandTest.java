package dev.ocikit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DigestCommandTest {
  @TempDir Path dir;

  @Test
  void printsDigestSizeAndNameForEachAlgorithm() throws IOException {
    Path p = Files.writeString(dir.resolve("empty.json"), "{}");
    CliRun sha256 = CliRun.run("digest", p.toString());
    assertThat(sha256.status()).isZero();
    assertThat(sha256.out())
        .isEqualTo(
            "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a  2  "
                + p
                + System.lineSeparator());
    assertThat(CliRun.run("digest", "-a", "sha512", p.toString()).out()).startsWith("sha512:");
    assertThat(CliRun.run("digest", "-a", "BLAKE3", p.toString()).out()).startsWith("blake3:");
  }

  @Test
  void unknownAlgorithmAndMissingFileAreExitTwo() {
    CliRun bad = CliRun.run("digest", "-a", "md5", "x");
    assertThat(bad.status()).isEqualTo(2);
    assertThat(bad.err()).contains("expected sha256, sha512 or blake3");
    CliRun missing = CliRun.run("digest", dir.resolve("missing").toString());
    assertThat(missing.status()).isEqualTo(2);
    assertThat(missing.err()).contains("no such file");
  }
}
