package dev.ocikit.digest;

import java.io.IOException;

/**
 * Content whose length is not the {@code size} its descriptor gives: "If the length of the
 * retrieved content does not match the specified length, the content SHOULD NOT be trusted" (<a
 * href="https://github.com/opencontainers/image-spec/blob/main/descriptor.md#properties">descriptor.md</a>).
 */
public final class SizeMismatchException extends IOException {
  private static final long serialVersionUID = 1L;

  private final long expected;
  private final long actual;
  private final boolean truncatedCount;
  private final String subject;

  /**
   * @param subject what was read, for the message
   * @param expected the size the descriptor gives
   * @param actual the number of bytes seen
   * @param stoppedEarly true when reading stopped as soon as {@code actual} passed {@code
   *     expected}, so that the real length is at least {@code actual}
   */
  public SizeMismatchException(String subject, long expected, long actual, boolean stoppedEarly) {
    super(
        subject
            + ": size mismatch: expected "
            + expected
            + " bytes, found "
            + (stoppedEarly ? "more than " + expected : Long.toString(actual)));
    this.subject = subject;
    this.expected = expected;
    this.actual = actual;
    this.truncatedCount = stoppedEarly;
  }

  /** The size the descriptor gives. */
  public long expected() {
    return expected;
  }

  /** The number of bytes seen (a lower bound when {@link #stoppedEarly()}). */
  public long actual() {
    return actual;
  }

  /** Whether reading stopped as soon as the content passed the expected size. */
  public boolean stoppedEarly() {
    return truncatedCount;
  }

  /** What was read: a blob path or a descriptor's digest. */
  public String subject() {
    return subject;
  }
}
