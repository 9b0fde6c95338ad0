package dev.ocikit.model;

/**
 * The compression of a layer blob, as its media type tells (<a
 * href="https://github.com/opencontainers/image-spec/blob/main/layer.md">layer.md</a>: the {@code
 * +gzip} and {@code +zstd} media types).
 */
public enum Compression {
  /** An uncompressed tar archive. */
  NONE,
  /** A tar archive compressed with gzip (RFC 1952). */
  GZIP,
  /** A tar archive compressed with zstd (RFC 8478). */
  ZSTD;

  /**
   * The compression that content starting with the first {@code length} bytes of {@code head} has,
   * by its magic number: gzip's {@code 1f 8b}; zstd's frame magic {@code 28 b5 2f fd}, or a
   * skippable frame (magic {@code 0x184D2A50} to {@code 0x184D2A5F}, little-endian), which RFC 8878
   * lets come first; else {@link #NONE}.
   *
   * @throws IndexOutOfBoundsException if {@code length} exceeds {@code head.length}
   */
  public static Compression detect(byte[] head, int length) {
    java.util.Objects.checkFromToIndex(0, length, head.length);
    if (length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
      return GZIP;
    }
    if (length >= 4
        && (head[1] & 0xff) == 0xb5
        && (head[2] & 0xff) == 0x2f
        && (head[3] & 0xff) == 0xfd
        && (head[0] & 0xff) == 0x28) {
      return ZSTD;
    }
    if (length >= 4
        && (head[0] & 0xf0) == 0x50
        && (head[1] & 0xff) == 0x2a
        && (head[2] & 0xff) == 0x4d
        && (head[3] & 0xff) == 0x18) {
      return ZSTD;
    }
    return NONE;
  }
}
