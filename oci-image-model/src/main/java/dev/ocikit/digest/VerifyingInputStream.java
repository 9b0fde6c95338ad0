package dev.ocikit.digest;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * An input stream that checks content against an expected digest and size while it is read (<a
 * href="https://github.com/opencontainers/image-spec/blob/main/descriptor.md#verification">descriptor.md,
 * "Verification"</a>): it throws {@link SizeMismatchException} as soon as the content grows past
 * the expected size (so a hostile blob cannot make a reader consume unbounded input), and at the
 * end of the content {@link SizeMismatchException} when it is short or {@link
 * DigestMismatchException} when its digest differs.
 *
 * <p>The end is only checked when the reader reaches it: read to end of stream (or call {@link
 * #drain()}) before trusting the bytes.
 */
public final class VerifyingInputStream extends DigestingInputStream {
  private final String subject;
  private final Digest expectedDigest;
  private final long expectedSize;
  private boolean verified;

  /**
   * @param in the content
   * @param expectedDigest the digest the content must have; its algorithm must be registered
   * @param expectedSize the number of bytes the content must have
   * @param subject what is read (a path or descriptor), named in errors
   * @throws UnsupportedOperationException if the digest's algorithm is not registered
   */
  public VerifyingInputStream(
      InputStream in, Digest expectedDigest, long expectedSize, String subject) {
    super(in, expectedDigest.requireRegistered());
    if (expectedSize < 0) {
      throw new IllegalArgumentException("size must not be negative, found " + expectedSize);
    }
    this.expectedDigest = expectedDigest;
    this.expectedSize = expectedSize;
    this.subject = Objects.requireNonNull(subject, "subject");
  }

  @Override
  protected void afterRead() throws IOException {
    if (count() > expectedSize) {
      throw new SizeMismatchException(subject, expectedSize, count(), true);
    }
  }

  @Override
  protected void onEnd() throws IOException {
    if (verified) {
      return;
    }
    if (count() != expectedSize) {
      throw new SizeMismatchException(subject, expectedSize, count(), false);
    }
    Digest actual = digest();
    if (!actual.equals(expectedDigest)) {
      throw new DigestMismatchException(subject, expectedDigest, actual);
    }
    verified = true;
  }

  /** Whether the end of the content was reached and both size and digest matched. */
  public boolean isVerified() {
    return verified;
  }
}
