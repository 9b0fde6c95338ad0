package dev.ocikit.view;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * How an {@link ImageView} is built: where the content of the layers' files is kept, and the limits
 * that stop hostile layers (<a
 * href="https://github.com/opencontainers/image-spec/blob/main/layer.md">layer.md</a> sets none;
 * these are the unpacker's).
 *
 * @param spillDirectory where the spill cache (the content of the image's regular files) is kept,
 *     in one file created there and removed from the directory at once; null for {@code
 *     java.io.tmpdir}
 * @param maxUncompressedBytes the most a layer may expand to (decompression bombs stop here), as
 *     {@link dev.ocikit.layers.ApplyOptions#maxUncompressedBytes()}
 * @param maxEntries the most tar entries a layer may have, as {@link
 *     dev.ocikit.layers.ApplyOptions#maxEntries()}
 */
public record ViewOptions(
    @Nullable Path spillDirectory, long maxUncompressedBytes, long maxEntries) {

  /** The temporary directory, 64 GiB and 10 million entries per layer: the unpacker's defaults. */
  public static final ViewOptions DEFAULT = new ViewOptions(null, 64L << 30, 10_000_000);

  /** Checks the limits. */
  public ViewOptions {
    if (maxUncompressedBytes <= 0 || maxEntries <= 0) {
      throw new IllegalArgumentException("limits must be positive");
    }
  }

  /** These options with the spill cache in {@code directory} (null: {@code java.io.tmpdir}). */
  public ViewOptions withSpillDirectory(@Nullable Path directory) {
    return new ViewOptions(directory, maxUncompressedBytes, maxEntries);
  }

  /** These options with other limits. */
  public ViewOptions withLimits(long maxUncompressedBytes, long maxEntries) {
    return new ViewOptions(spillDirectory, maxUncompressedBytes, maxEntries);
  }
}
