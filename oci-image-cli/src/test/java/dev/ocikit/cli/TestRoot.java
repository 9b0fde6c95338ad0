package dev.ocikit.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository root, where {@code testdata/} is. */
public final class TestRoot {
  private TestRoot() {}

  /** The repository root. */
  public static Path get() {
    String configured = System.getProperty("ocikit.repo.root");
    if (configured != null && Files.isDirectory(Path.of(configured, "testdata"))) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("testdata"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("no testdata/ above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }

  /** A path relative to the repository root. */
  public static Path path(String relative) {
    return get().resolve(relative);
  }
}
