package dev.ocikit.view;

import dev.ocikit.digest.Digest;
import dev.ocikit.model.Descriptor;
import java.util.List;
import java.util.Objects;

/**
 * What one layer of an {@link ImageView} did to the filesystem (<a
 * href="https://github.com/opencontainers/image-spec/blob/main/layer.md#change-types">layer.md,
 * "Change Types"</a>).
 *
 * @param index the layer's position in the manifest, 0 for the base
 * @param descriptor the layer's descriptor from the manifest
 * @param diffId the digest of the uncompressed tar, verified against the config's diff_id
 * @param uncompressedSize the size of the uncompressed tar, in bytes
 * @param added the absolute paths this layer added or changed (its entries, and the missing parent
 *     directories they needed) that are still there once the layer is applied, sorted
 * @param deleted the absolute paths its whiteouts removed (layer.md, "Whiteouts": only what lower
 *     layers put there), sorted
 */
public record LayerInfo(
    int index,
    Descriptor descriptor,
    Digest diffId,
    long uncompressedSize,
    List<String> added,
    List<String> deleted) {

  /** Checks and copies. */
  public LayerInfo {
    Objects.requireNonNull(descriptor, "descriptor");
    Objects.requireNonNull(diffId, "diffId");
    added = List.copyOf(added);
    deleted = List.copyOf(deleted);
  }
}
