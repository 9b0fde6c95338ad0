package dev.ocikit.blob;

import dev.ocikit.digest.Digest;
import java.io.IOException;

/** A blob that a descriptor refers to is not in the source it was looked for in. */
public final class BlobNotFoundException extends IOException {
  private static final long serialVersionUID = 1L;

  private final Digest digest;

  /**
   * @param digest the missing blob's digest
   * @param where where it was looked for (a path or a source's name)
   */
  public BlobNotFoundException(Digest digest, String where) {
    super("blob " + digest + " not found in " + where);
    this.digest = digest;
  }

  /** The missing blob's digest. */
  public Digest digest() {
    return digest;
  }
}
