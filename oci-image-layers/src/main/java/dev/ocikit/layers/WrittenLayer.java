package dev.ocikit.layers;

import dev.ocikit.digest.Digest;
import dev.ocikit.model.Descriptor;
import java.util.List;
import java.util.Objects;

/**
 * A layer {@link LayerWriter} wrote: what a manifest lists and what an image config's {@code
 * rootfs.diff_ids} needs (config.md: "the digest of the uncompressed tar").
 *
 * @param descriptor the blob: its media type ({@code application/vnd.oci.image.layer.v1.tar},
 *     {@code +gzip} or {@code +zstd}), digest and size, all of the bytes as stored
 * @param diffId the digest of the uncompressed tar
 * @param uncompressedSize the size of the uncompressed tar
 * @param entries the number of tar entries (PAX extended headers not counted)
 * @param notes what could not be written as it was and was left out or changed instead (a socket,
 *     an empty xattr value), each naming the path
 */
public record WrittenLayer(
    Descriptor descriptor, Digest diffId, long uncompressedSize, long entries, List<String> notes) {

  /** Copies. */
  public WrittenLayer {
    Objects.requireNonNull(descriptor, "descriptor");
    Objects.requireNonNull(diffId, "diffId");
    notes = List.copyOf(notes);
  }
}
