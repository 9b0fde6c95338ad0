package dev.ocikit.layout.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A range of a file read as a stream of positioned reads: no shared position, so that streams of
 * different ranges of one channel can be read from different threads at once. Used for the entries
 * of a tar read in place and for the files of an image view's spill cache. Supports mark and reset.
 */
public final class RangeInputStream extends InputStream {
  /** Where the bytes come from. */
  @FunctionalInterface
  public interface Source {
    /** Reads into {@code dst} from {@code position}, as {@code FileChannel.read(dst, position)}. */
    int read(long position, ByteBuffer dst) throws IOException;
  }

  /** The error for a source that ends before the range does. */
  @FunctionalInterface
  public interface EndError {
    /** The exception for a source that ended at {@code position}, inside the range. */
    IOException create(long position);
  }

  private final Source source;
  private final EndError endError;
  private final long end;
  private final byte[] one = new byte[1];
  private long position;
  private long mark;

  /** The {@code length} bytes of {@code source} from {@code offset}. */
  public RangeInputStream(Source source, long offset, long length, EndError endError) {
    this.source = Objects.requireNonNull(source, "source");
    this.endError = Objects.requireNonNull(endError, "endError");
    this.position = offset;
    this.mark = offset;
    this.end = offset + length;
  }

  @Override
  public int read() throws IOException {
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    if (position >= end) {
      return -1;
    }
    int n = source.read(position, ByteBuffer.wrap(b, off, (int) Math.min(len, end - position)));
    if (n < 0) {
      throw endError.create(position);
    }
    position += n;
    return n;
  }

  @Override
  public long skip(long n) {
    long k = Math.max(0, Math.min(n, end - position));
    position += k;
    return k;
  }

  @Override
  public int available() {
    return (int) Math.min(Integer.MAX_VALUE, end - position);
  }

  @Override
  public boolean markSupported() {
    return true;
  }

  @Override
  public synchronized void mark(int readlimit) {
    mark = position;
  }

  @Override
  public synchronized void reset() {
    position = mark;
  }
}
