package dev.ocikit.layers;

import dev.ocikit.digest.Digest;
import java.util.List;

/**
 * What applying a layer did.
 *
 * @param diffId the digest of the uncompressed tar, verified against the config when it gave one
 * @param entries the number of tar entries read
 * @param uncompressedBytes the size of the uncompressed tar
 * @param notes what could not be done as the entry asked and was reported instead (a skipped
 *     device, an xattr the JVM cannot set), each naming the entry
 */
public record ApplyResult(Digest diffId, long entries, long uncompressedBytes, List<String> notes) {

  /** Copies. */
  public ApplyResult {
    notes = List.copyOf(notes);
  }
}
