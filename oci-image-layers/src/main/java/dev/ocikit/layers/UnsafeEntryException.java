package dev.ocikit.layers;

import dev.ocikit.digest.Digest;
import org.jspecify.annotations.Nullable;

/**
 * A layer entry that would create, change or delete something outside the target directory (a
 * {@code ..} path, a hardlink to outside), or is otherwise not allowed (a bare {@code .wh.}).
 */
public final class UnsafeEntryException extends LayerException {
  private static final long serialVersionUID = 1L;

  /**
   * @param layer the layer's digest, if known
   * @param entry the tar entry at fault
   * @param reason what it would do
   */
  public UnsafeEntryException(@Nullable Digest layer, String entry, String reason) {
    super(layer, entry, reason);
  }
}
