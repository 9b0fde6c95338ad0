package dev.ocikit.layers;

import dev.ocikit.model.Compression;
import java.util.Optional;

/**
 * Recognises the compression of a layer blob from its first bytes, to confirm what the media type
 * says (<a href="https://github.com/opencontainers/image-spec/blob/main/layer.md">layer.md</a>:
 * gzip is RFC 1952, zstd is RFC 8478).
 */
public final class CompressionDetector {
  private CompressionDetector() {}

  /** How many leading bytes {@link #detect(byte[], int)} needs at most. */
  public static final int MAGIC_LENGTH = 4;

  /**
   * The compression whose magic number starts {@code header}: gzip ({@code 1f 8b}), zstd ({@code 28
   * b5 2f fd}); {@link Compression#NONE} otherwise, since an uncompressed tar has no magic at its
   * start. Empty when fewer than the bytes needed to decide were given.
   *
   * @param header the first bytes of the blob
   * @param length how many bytes of {@code header} are valid
   */
  public static Optional<Compression> detect(byte[] header, int length) {
    if (length >= 2 && (header[0] & 0xff) == 0x1f && (header[1] & 0xff) == 0x8b) {
      return Optional.of(Compression.GZIP);
    }
    if (length >= 4
        && (header[0] & 0xff) == 0x28
        && (header[1] & 0xff) == 0xb5
        && (header[2] & 0xff) == 0x2f
        && (header[3] & 0xff) == 0xfd) {
      return Optional.of(Compression.ZSTD);
    }
    if (length < MAGIC_LENGTH && couldStillBeCompressed(header, length)) {
      return Optional.empty();
    }
    return Optional.of(Compression.NONE);
  }

  private static boolean couldStillBeCompressed(byte[] h, int n) {
    byte[] gzip = {0x1f, (byte) 0x8b};
    byte[] zstd = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd};
    return prefixOf(h, n, gzip) || prefixOf(h, n, zstd);
  }

  private static boolean prefixOf(byte[] h, int n, byte[] magic) {
    if (n >= magic.length) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (h[i] != magic[i]) {
        return false;
      }
    }
    return true;
  }
}
