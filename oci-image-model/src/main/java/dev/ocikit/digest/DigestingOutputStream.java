package dev.ocikit.digest;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import org.jspecify.annotations.Nullable;

/**
 * An output stream that digests and counts the bytes written through it, so that a blob's digest
 * and size are known as soon as it has been written.
 */
public class DigestingOutputStream extends FilterOutputStream {
  private final Digester digester;
  private long count;
  private @Nullable Digest digest;

  /** Digests what is written to {@code out} with {@code algorithm}. */
  public DigestingOutputStream(OutputStream out, DigestAlgorithm algorithm) {
    super(out);
    this.digester = algorithm.newDigester();
  }

  @Override
  public void write(int b) throws IOException {
    out.write(b);
    digester.update((byte) b);
    count++;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    out.write(b, off, len);
    digester.update(b, off, len);
    count += len;
  }

  /** The number of bytes written so far. */
  public long count() {
    return count;
  }

  /**
   * The digest of the bytes written so far. Call it once writing is done: it completes the hash,
   * and later calls return the same value.
   */
  public Digest digest() {
    if (digest == null) {
      digest = digester.digest();
    }
    return digest;
  }
}
