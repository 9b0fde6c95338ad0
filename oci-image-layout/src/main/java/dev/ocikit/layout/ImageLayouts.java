package dev.ocikit.layout;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens an image layout in whatever form a path holds. */
public final class ImageLayouts {
  private ImageLayouts() {}

  /**
   * Opens {@code path}: a layout directory ({@link OciLayout}), a layout packed as a tar ({@link
   * OciArchive}, the {@code oci-archive} form), or a {@code docker save} tar ({@link
   * DockerArchive}). A tar that has both an {@code oci-layout} and a {@code manifest.json} (as
   * Docker 25 writes) is read as the OCI layout. Close what it returns.
   *
   * @throws LayoutException if it is none of them, saying why
   */
  public static ImageLayout open(Path path) throws IOException {
    if (Files.isDirectory(path)) {
      return OciLayout.open(path);
    }
    if (!Files.exists(path)) {
      throw LayoutException.notFound(path, "no such file or directory");
    }
    try {
      return OciArchive.open(path);
    } catch (LayoutException oci) {
      try {
        return DockerArchive.open(path);
      } catch (LayoutException docker) {
        oci.addSuppressed(docker);
        throw oci;
      }
    }
  }

  /** Whether {@code path} is a regular file that starts like a tar archive (ustar magic). */
  public static boolean isTar(Path path) {
    if (!Files.isRegularFile(path)) {
      return false;
    }
    try (InputStream in = Files.newInputStream(path)) {
      byte[] header = in.readNBytes(512);
      return header.length == 512
          && new String(header, 257, 5, StandardCharsets.US_ASCII).equals("ustar");
    } catch (IOException e) {
      return false;
    }
  }
}
