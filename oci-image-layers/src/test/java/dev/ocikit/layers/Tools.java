package dev.ocikit.layers;

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
 * External tools for tests, as {@code InteropIT} uses them: a missing tool skips the test, except
 * on CI ({@code CI=true}), where {@code .ci/run} installs it and its absence fails the test.
 */
public final class Tools {
  private Tools() {}

  /** Skips the test (fails it on CI) when {@code tool} is not on the PATH. */
  public static void require(String tool) {
    boolean present =
        Stream.of(System.getenv("PATH").split(":"))
            .anyMatch(p -> Files.isExecutable(Path.of(p, tool)));
    if ("true".equals(System.getenv("CI"))) {
      assertThat(present).as("%s is installed (.ci/run installs it)", tool).isTrue();
    }
    assumeTrue(present, tool + " is not installed");
  }

  /** Whether this process runs as root (the owner of /proc/self is the effective uid). */
  public static boolean root() {
    try {
      return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
    } catch (IOException e) {
      return false;
    }
  }

  /** Whether the JVM can name files with any Unicode name (its sun.jnu.encoding is UTF-8). */
  public static boolean unicodeFileNames() {
    return "UTF-8".equalsIgnoreCase(System.getProperty("sun.jnu.encoding"));
  }

  /** Runs {@code command}, which must succeed within two minutes; returns its standard output. */
  public static String run(Path workDir, List<String> command) throws IOException {
    Path out = Files.createTempFile(workDir, "out", ".txt");
    Path err = Files.createTempFile(workDir, "err", ".txt");
    Process p =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .start();
    try {
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(command + " did not finish in 120 s");
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted running " + command, e);
    }
    String stdout = Files.readString(out, StandardCharsets.UTF_8);
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    Files.delete(out);
    Files.delete(err);
    assertThat(p.exitValue()).as("%s failed: %s%s", command, stderr, stdout).isZero();
    return stdout;
  }
}
