package dev.ocikit.layers;

import dev.ocikit.digest.Digest;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * A layer that cannot be applied: unsafe or invalid content, a limit passed, data that is not a
 * tar. It names the layer's digest and, when one is at fault, the tar entry.
 */
public class LayerException extends IOException {
  private static final long serialVersionUID = 1L;

  private final @Nullable Digest layer;
  private final @Nullable String entry;

  /**
   * @param layer the layer's digest, if known
   * @param entry the tar entry at fault, or null
   * @param reason what is wrong
   */
  public LayerException(@Nullable Digest layer, @Nullable String entry, String reason) {
    super(
        (layer == null ? "layer" : "layer " + layer)
            + (entry == null ? "" : ", entry \"" + entry + "\"")
            + ": "
            + reason);
    this.layer = layer;
    this.entry = entry;
  }

  /** The layer's digest, if known. */
  public @Nullable Digest layer() {
    return layer;
  }

  /** The tar entry at fault, or null. */
  public @Nullable String entry() {
    return entry;
  }
}
