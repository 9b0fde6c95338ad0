package dev.ocikit.layout;

import dev.ocikit.digest.Digest;
import dev.ocikit.digest.DigestAlgorithm;
import dev.ocikit.digest.DigestingOutputStream;
import dev.ocikit.model.Descriptor;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A blob being written into an {@link OciLayout} as a stream (image-layout.md, "Blobs"): its bytes
 * are digested as they pass, into a temporary file of the layout; {@link #commit()} makes it a blob
 * under its digest and returns its descriptor. Until then nothing appears under {@code blobs/}, and
 * {@link #close()} without a commit discards what was written, so a failed writer never leaves a
 * half-written blob. Obtain one with {@link OciLayout#newBlob(String)}.
 *
 * <p>Not thread-safe: one thread writes.
 */
public final class BlobWriter extends OutputStream {
  private final OciLayout layout;
  private final String mediaType;
  private final Path temp;
  private final FileChannel channel;
  private final FileLock lock;
  private final DigestingOutputStream out;
  private @Nullable Descriptor committed;
  private boolean closed;

  @SuppressWarnings("resource") // the channel and lock are closed by close()
  BlobWriter(OciLayout layout, String mediaType, DigestAlgorithm algorithm, Path temp)
      throws IOException {
    this.layout = layout;
    this.mediaType = Objects.requireNonNull(mediaType, "mediaType");
    this.temp = temp;
    FileChannel c = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW);
    try {
      // The lock tells garbage collection that the file is being written; it is held until the
      // file has its final name.
      this.lock = c.lock();
    } catch (IOException | RuntimeException e) {
      c.close();
      throw e;
    }
    this.channel = c;
    this.out =
        new DigestingOutputStream(
            new BufferedOutputStream(Channels.newOutputStream(c), 64 * 1024), algorithm);
  }

  @Override
  public void write(int b) throws IOException {
    open().write(b);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    open().write(b, off, len);
  }

  /** The number of bytes written so far. */
  public long count() {
    return out.count();
  }

  /**
   * Completes the blob: flushes and syncs it, moves it to its name under {@code blobs/} (keeping
   * the existing blob when the layout already holds the same digest), and returns its descriptor.
   * The writer is closed afterwards.
   */
  public Descriptor commit() throws IOException {
    if (committed != null) {
      return committed;
    }
    DigestingOutputStream o = open();
    try {
      o.flush();
      channel.force(true);
      Digest digest = o.digest();
      layout.install(temp, digest);
      committed = Descriptor.of(mediaType, digest, o.count());
      return committed;
    } finally {
      close();
    }
  }

  /** Closes the writer; without a {@link #commit()} first, what was written is discarded. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try (FileChannel c = channel) {
      lock.release();
    } finally {
      OciLayout.done(temp);
    }
  }

  private DigestingOutputStream open() throws IOException {
    if (closed) {
      throw new IOException("blob writer for " + mediaType + " is closed");
    }
    return out;
  }
}
