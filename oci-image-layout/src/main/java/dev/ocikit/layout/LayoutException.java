package dev.ocikit.layout;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A directory that is not a usable image layout, or a path inside one that is not safe to use: a
 * missing or wrong {@code oci-layout} file, a missing {@code index.json}, a blob that is a symbolic
 * link. It names the path at fault. {@link #notFound()} tells a layout that is broken from one that
 * is not there (no such file, no such ref): a command line reports the first as invalid content,
 * the second as a usage error.
 */
public final class LayoutException extends IOException {
  private static final long serialVersionUID = 1L;

  private final Path path;
  private final boolean notFound;

  /**
   * A layout that is broken or unsafe.
   *
   * @param path the file or directory at fault
   * @param reason what is wrong with it
   */
  public LayoutException(Path path, String reason) {
    this(path, reason, false);
  }

  private LayoutException(Path path, String reason, boolean notFound) {
    super(path + ": " + reason);
    this.path = path;
    this.notFound = notFound;
  }

  /**
   * What was asked for is not there: no file or directory at {@code path}, or no image of the ref
   * asked for.
   *
   * @param path the path asked for, or the layout without the ref
   * @param reason what is missing
   */
  public static LayoutException notFound(Path path, String reason) {
    return new LayoutException(path, reason, true);
  }

  /**
   * Whether what was asked for is not there (see {@link #notFound(Path, String)}), rather than a
   * layout that is broken or unsafe.
   */
  public boolean notFound() {
    return notFound;
  }

  /** The file or directory at fault. */
  public Path path() {
    return path;
  }
}
