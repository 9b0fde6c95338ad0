package dev.ocikit.blob;

import dev.ocikit.digest.Digest;
import java.io.IOException;

/**
 * A metadata document (manifest, index, config) larger than the limit it is read with, so that a
 * hostile source cannot make a reader hold unbounded input in memory.
 */
public final class DocumentTooLargeException extends IOException {
  private static final long serialVersionUID = 1L;

  private final Digest digest;
  private final long size;
  private final long limit;

  /**
   * @param digest the document's digest
   * @param size its size in bytes (as its descriptor states, or as found)
   * @param limit the limit it was read with
   */
  public DocumentTooLargeException(Digest digest, long size, long limit) {
    super(
        "document "
            + digest
            + " is "
            + size
            + " bytes, more than the limit of "
            + limit
            + " bytes for a manifest, index or config");
    this.digest = digest;
    this.size = size;
    this.limit = limit;
  }

  /** The document's digest. */
  public Digest digest() {
    return digest;
  }

  /** Its size in bytes. */
  public long size() {
    return size;
  }

  /** The limit it was read with. */
  public long limit() {
    return limit;
  }
}
