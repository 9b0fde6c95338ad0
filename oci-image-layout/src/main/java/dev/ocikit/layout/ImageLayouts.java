package dev.ocikit.layout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens an image layout in whatever form a path holds. */
public final class ImageLayouts {
  private ImageLayouts() {}

  /**
   * Opens {@code path}: a layout directory.
   *
   * @throws LayoutException if it is not a layout, saying why
   */
  public static ImageLayout open(Path path) throws IOException {
    if (Files.isDirectory(path)) {
      return OciLayout.open(path);
    }
    if (!Files.exists(path)) {
      throw new LayoutException(path, "no such file or directory");
    }
    throw new LayoutException(path, "not an image layout directory");
  }
}
