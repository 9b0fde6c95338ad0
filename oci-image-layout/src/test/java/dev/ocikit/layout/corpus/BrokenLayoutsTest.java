package dev.ocikit.layout.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ocikit.layout.LayoutChecker;
import dev.ocikit.layout.LayoutProblem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deep check on {@code testdata/layouts}: the good layout passes; each broken one is reported
 * with the file at fault, and nothing is modified. The committed corpus is what {@link
 * BrokenLayouts} builds ({@code -Docikit.testdata.update=true} rebuilds it).
 */
class BrokenLayoutsTest {
  @TempDir Path dir;

  static Path committed() {
    String root = System.getProperty("ocikit.repo.root");
    Path base = root != null ? Path.of(root) : Path.of("").toAbsolutePath().getParent();
    return base.resolve("testdata/layouts");
  }

  @Test
  void committedCorpusIsWhatTheGeneratorBuilds() throws IOException {
    if (Boolean.getBoolean("ocikit.testdata.update")) {
      BrokenLayouts.deleteTree(committed());
      BrokenLayouts.write(committed());
    }
    BrokenLayouts.write(dir.resolve("fresh"));
    assertThat(tree(committed())).isEqualTo(tree(dir.resolve("fresh")));
  }

  @Test
  void goodLayoutHasNoProblems() throws IOException {
    assertThat(LayoutChecker.check(committed().resolve("good"), true)).isEmpty();
  }

  @Test
  void eachBrokenLayoutIsReportedAtItsFaultAndLeftAsItWas() throws IOException {
    List<BrokenLayouts.Case> cases = BrokenLayouts.write(dir.resolve("expect"));
    assertThat(cases).hasSize(9);
    for (BrokenLayouts.Case c : cases) {
      Path layout = committed().resolve(c.name());
      Map<String, String> before = tree(layout);
      List<LayoutProblem> deep = LayoutChecker.check(layout, true);
      List<LayoutProblem> shallow = LayoutChecker.check(layout, false);
      assertThat(tree(layout)).as("%s is not modified", c.name()).isEqualTo(before);
      assertThat(LayoutChecker.isValid(deep)).as(c.name()).isFalse();
      assertThat(deep)
          .as("%s: %s", c.name(), deep)
          .anySatisfy(
              p -> {
                assertThat(p.isError()).isTrue();
                assertThat(p.file()).isEqualTo(c.file());
                assertThat(p.message()).containsIgnoringCase(c.expectedMessage());
              });
      if (c.deepOnly()) {
        assertThat(shallow)
            .as("%s needs --deep", c.name())
            .noneMatch(p -> p.file().equals(c.file()));
      } else {
        assertThat(LayoutChecker.isValid(shallow)).as(c.name()).isFalse();
      }
    }
  }

  /** Relative path to sha256 of every file. */
  static Map<String, String> tree(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path f : (Iterable<Path>) walk::iterator) {
        if (Files.isRegularFile(f)) {
          try {
            out.put(
                root.relativize(f).toString(),
                HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
          } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
          }
        }
      }
    }
    return out;
  }
}
