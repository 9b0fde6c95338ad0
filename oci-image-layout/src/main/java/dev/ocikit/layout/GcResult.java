package dev.ocikit.layout;

import dev.ocikit.digest.Digest;
import java.util.List;

/**
 * What {@link OciLayout#gc()} removed.
 *
 * @param removedBlobs the blobs removed, by digest
 * @param bytesFreed their total size
 * @param removedTempFiles the abandoned temporary files removed
 * @param keptBlobs the blobs kept (reachable, or referrers of reachable content)
 */
public record GcResult(
    List<Digest> removedBlobs, long bytesFreed, int removedTempFiles, int keptBlobs) {

  /** Copies. */
  public GcResult {
    removedBlobs = List.copyOf(removedBlobs);
  }
}
