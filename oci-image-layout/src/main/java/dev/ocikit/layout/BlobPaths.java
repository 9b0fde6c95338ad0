package dev.ocikit.layout;

import dev.ocikit.digest.Digest;
import java.nio.file.Path;

/**
 * Where blobs live in an image layout (<a
 * href="https://github.com/opencontainers/image-spec/blob/main/image-layout.md#blobs">image-layout.md,
 * "Blobs"</a>): "Object names in the blobs subdirectories are composed of a directory for each hash
 * algorithm, the children of which will contain the actual content", that is {@code
 * blobs/<alg>/<encoded>}.
 *
 * <p>The digest grammar allows neither {@code /} nor a component of dots only in either part, so
 * the path a digest names always stays inside {@code blobs/}.
 */
public final class BlobPaths {
  private BlobPaths() {}

  /** The name of the directory that holds the blobs. */
  public static final String BLOBS = "blobs";

  /** The path of a blob relative to the layout's root: {@code blobs/<algorithm>/<encoded>}. */
  public static String relative(Digest digest) {
    return BLOBS + "/" + digest.algorithm() + "/" + digest.encoded();
  }

  /** The path of a blob under the layout rooted at {@code layoutRoot}. */
  public static Path resolve(Path layoutRoot, Digest digest) {
    return layoutRoot.resolve(BLOBS).resolve(digest.algorithm()).resolve(digest.encoded());
  }
}
