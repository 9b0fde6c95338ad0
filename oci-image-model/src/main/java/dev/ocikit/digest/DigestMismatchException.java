package dev.ocikit.digest;

import java.io.IOException;

/**
 * Content whose digest is not the one its descriptor gives (<a
 * href="https://github.com/opencontainers/image-spec/blob/main/descriptor.md#verification">descriptor.md,
 * "Verification"</a>).
 */
public final class DigestMismatchException extends IOException {
  private static final long serialVersionUID = 1L;

  private final Digest expected;
  private final Digest actual;
  private final String subject;

  /**
   * @param subject what was read (a blob path, a descriptor), for the message
   * @param expected the digest the content should have had
   * @param actual the digest computed over the content
   */
  public DigestMismatchException(String subject, Digest expected, Digest actual) {
    super(subject + ": digest mismatch: expected " + expected + ", computed " + actual);
    this.subject = subject;
    this.expected = expected;
    this.actual = actual;
  }

  /** The digest the content should have had. */
  public Digest expected() {
    return expected;
  }

  /** The digest computed over the content. */
  public Digest actual() {
    return actual;
  }

  /** What was read: a blob path or a descriptor's digest. */
  public String subject() {
    return subject;
  }
}
