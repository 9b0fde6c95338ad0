package dev.ocikit.layers;

import dev.ocikit.digest.Digest;
import org.jspecify.annotations.Nullable;

/** A layer that passes a limit of {@link ApplyOptions}: total size, entries, path length. */
public final class LayerLimitException extends LayerException {
  private static final long serialVersionUID = 1L;

  /**
   * @param layer the layer's digest, if known
   * @param entry the entry where the limit was passed, or null
   * @param reason which limit, and its value
   */
  public LayerLimitException(@Nullable Digest layer, @Nullable String entry, String reason) {
    super(layer, entry, reason);
  }
}
