package dev.ocikit.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds files under the repository's {@code testdata/} folder. */
public final class TestData {
  private TestData() {}

  /** The repository root: the folder that holds {@code testdata/}. */
  public static Path root() {
    String configured = System.getProperty("ocikit.repo.root");
    if (configured != null && Files.isDirectory(Path.of(configured, "testdata"))) {
      return Path.of(configured);
    }
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      if (Files.isDirectory(dir.resolve("testdata")) && Files.exists(dir.resolve("pom.xml"))) {
        return dir;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException("no testdata/ folder above " + Path.of("").toAbsolutePath());
  }

  /** A path under {@code testdata/}. */
  public static Path path(String relative) {
    return root().resolve("testdata").resolve(relative);
  }

  /** The bytes of a file under {@code testdata/}. */
  public static byte[] bytes(String relative) {
    try {
      return Files.readAllBytes(path(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
