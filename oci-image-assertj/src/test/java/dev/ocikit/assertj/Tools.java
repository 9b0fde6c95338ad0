package dev.ocikit.assertj;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * External tools for tests, as the other modules' tests use them: a missing tool skips the test,
 * except on CI ({@code CI=true}), where {@code .ci/run} installs it and its absence fails the test.
 */
final class Tools {
  private Tools() {}

  /** Skips the test (fails it on CI) when {@code tool} is not on the PATH. */
  static void require(String tool) {
    boolean present =
        Stream.of(System.getenv("PATH").split(":"))
            .anyMatch(p -> Files.isExecutable(Path.of(p, tool)));
    if ("true".equals(System.getenv("CI"))) {
      assertThat(present).as("%s is installed (.ci/run installs it)", tool).isTrue();
    }
    assumeTrue(present, tool + " is not installed");
  }

  /** Runs {@code command} in {@code workDir}; it must succeed within two minutes. */
  static void run(Path workDir, String... command) throws IOException {
    Path out = Files.createTempFile(workDir, "out", ".txt");
    Process p =
        new ProcessBuilder(List.of(command))
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .start();
    try {
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(List.of(command) + " did not finish in 120 s");
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted running " + List.of(command), e);
    }
    String output = Files.readString(out, StandardCharsets.UTF_8);
    Files.delete(out);
    assertThat(p.exitValue()).as("%s failed: %s", List.of(command), output).isZero();
  }
}
