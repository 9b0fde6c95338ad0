package dev.ocikit.cli.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ocikit.cli.TestRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code testdata/images/hello} is exactly what {@link SampleImage} builds. Run with {@code
 * -Docikit.testdata.update=true} to rebuild it.
 */
class SampleImageTest {
  @TempDir Path dir;

  @Test
  void committedSampleImageIsWhatTheGeneratorBuilds() throws IOException {
    Path committed = TestRoot.path("testdata/images/hello");
    if (Boolean.getBoolean("ocikit.testdata.update")) {
      if (Files.exists(committed)) {
        try (Stream<Path> walk = Files.walk(committed)) {
          walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
      SampleImage.write(committed);
    }
    Path fresh = dir.resolve("hello");
    SampleImage.write(fresh);
    List<String> expected = files(fresh);
    assertThat(files(committed)).isEqualTo(expected);
    for (String f : expected) {
      assertThat(Files.readAllBytes(committed.resolve(f)))
          .as("testdata/images/hello/%s", f)
          .isEqualTo(Files.readAllBytes(fresh.resolve(f)));
    }
  }

  private static List<String> files(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile)
          .map(p -> root.relativize(p).toString())
          .sorted()
          .toList();
    }
  }
}
