package dev.ocikit.layers;

import com.github.luben.zstd.ZstdOutputStream;
import dev.ocikit.model.Compression;
import java.io.IOException;
import java.io.OutputStream;

/** The one place where a layer's compressor is chosen. */
final class Compressors {
  private Compressors() {}

  /** zstd's default level, as the {@code zstd} command has it. */
  static final int ZSTD_LEVEL = 3;

  /**
   * A stream compressing into {@code out} with {@code compression}; its {@code close()} finishes
   * the compressed stream and closes {@code out}. The bytes depend on the level, never on {@code
   * threads}.
   *
   * <p>gzip: {@link ParallelGzipOutputStream}, one member with a fixed header (no file name, mtime
   * 0, OS "unknown"), as Go's compress/gzip writes it, compressed in fixed 128 KiB blocks on up to
   * {@code threads} threads. zstd: always in zstd's multi-threaded mode, with at least one worker:
   * its output differs from the single-threaded mode's, but is the same for any number of workers
   * (zstd-jni 1.5.7, checked by {@code LayerWriterTest}), so a layer's digest does not depend on
   * the machine.
   *
   * @param level the level, or -1 for the default (gzip 6, zstd 3)
   */
  static OutputStream compressor(OutputStream out, Compression compression, int level, int threads)
      throws IOException {
    switch (compression) {
      case NONE:
        return out;
      case GZIP:
        // pigz-style blocks on up to `threads` threads: the same bytes for any thread count.
        return new ParallelGzipOutputStream(out, level, Math.max(1, threads));
      case ZSTD:
        ZstdOutputStream z = new ZstdOutputStream(out, level == -1 ? ZSTD_LEVEL : level);
        try {
          z.setWorkers(Math.max(1, threads));
        } catch (IOException | RuntimeException e) {
          z.close();
          throw e;
        }
        return z;
      default:
        throw new IllegalArgumentException("compression " + compression);
    }
  }
}
