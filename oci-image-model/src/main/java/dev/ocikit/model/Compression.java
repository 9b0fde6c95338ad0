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
  ZSTD
}
