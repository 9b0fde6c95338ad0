package dev.ocikit.layout;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A directory that is not a usable image layout, or a path inside one that is not safe to use: a
 * missing or wrong {@code oci-layout} file, a missing {@code index.json}, a blob that is a symbolic
 * link. It names the path at fault.
 */
public final class LayoutException extends IOException {
  private static final long serialVersionUID = 1L;

  private final Path path;

  /**
   * @param path the file or directory at fault
   * @param reason what is wrong with it
   */
  public LayoutException(Path path, String reason) {
    super(path + ": " + reason);
    this.path = path;
  }

  /** The file or directory at fault. */
  public Path path() {
    return path;
  }
}
