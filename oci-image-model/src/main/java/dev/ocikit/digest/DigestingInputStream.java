package dev.ocikit.digest;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.jspecify.annotations.Nullable;

/**
 * An input stream that digests and counts the bytes read through it, so that a blob's digest is
 * computed while its bytes flow and never by reading it twice.
 *
 * <p>{@link #skip(long)} reads the skipped bytes so that they are digested too; marks are not
 * supported.
 */
public class DigestingInputStream extends FilterInputStream {
  private final Digester digester;
  private long count;
  private @Nullable Digest digest;

  /** Digests {@code in} with {@code algorithm}. */
  public DigestingInputStream(InputStream in, DigestAlgorithm algorithm) {
    super(in);
    this.digester = algorithm.newDigester();
  }

  @Override
  public int read() throws IOException {
    int b = in.read();
    if (b >= 0) {
      digester.update((byte) b);
      count++;
      afterRead();
    } else {
      onEnd();
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = in.read(b, off, len);
    if (n > 0) {
      digester.update(b, off, n);
      count += n;
      afterRead();
    } else if (n < 0) {
      onEnd();
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    byte[] buffer = new byte[(int) Math.min(8192, Math.max(n, 1))];
    long skipped = 0;
    while (skipped < n) {
      int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
      if (r < 0) {
        break;
      }
      skipped += r;
    }
    return skipped;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  @Override
  public synchronized void mark(int readlimit) {}

  @Override
  public synchronized void reset() throws IOException {
    throw new IOException("mark/reset not supported on a digesting stream");
  }

  /** Called after each successful read of at least one byte; subclasses check limits here. */
  protected void afterRead() throws IOException {}

  /** Called when the underlying stream reports its end; subclasses verify here. */
  protected void onEnd() throws IOException {}

  /** The number of bytes read so far. */
  public long count() {
    return count;
  }

  /**
   * The digest of the bytes read so far. Call it once reading is done: it completes the hash, and
   * later calls return the same value.
   */
  public Digest digest() {
    if (digest == null) {
      digest = digester.digest();
    }
    return digest;
  }

  /** Reads the rest of the stream, so that {@link #digest()} covers all of it. */
  public void drain() throws IOException {
    byte[] buffer = new byte[64 * 1024];
    while (read(buffer, 0, buffer.length) >= 0) {
      // keep reading
    }
  }
}
