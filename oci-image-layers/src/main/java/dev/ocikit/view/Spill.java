package dev.ocikit.view;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.jspecify.annotations.Nullable;

/**
 * The spill cache: one file, only appended to while the layers stream, then read at positions. It
 * is created (mode 0600) in the spill directory and unlinked from it at once where the system
 * allows (POSIX), so that it takes no name and vanishes with the process even if {@link #close()}
 * is never called; elsewhere it is deleted on close.
 */
final class Spill implements AutoCloseable {
  private static final int BUFFER = 1 << 20;

  private final FileChannel channel;
  private @Nullable Path undeleted;
  private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
  private long size;

  Spill(@Nullable Path directory) throws IOException {
    Path dir = directory != null ? directory : Path.of(System.getProperty("java.io.tmpdir"));
    Path file = Files.createTempFile(dir, "ocikit-view-", ".spill");
    FileChannel c;
    try {
      c = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(file);
      throw e;
    }
    this.channel = c;
    try {
      Files.delete(file); // the open channel keeps the content
    } catch (IOException e) {
      undeleted = file; // a system that cannot delete an open file: on close
    }
  }

  /** The bytes appended so far. */
  long size() {
    return size;
  }

  /**
   * Appends {@code length} bytes of {@code in}; returns where they start.
   *
   * @throws EOFException if {@code in} ends first
   */
  long append(InputStream in, long length) throws IOException {
    long start = size;
    long left = length;
    while (left > 0) {
      if (!buffer.hasRemaining()) {
        flush();
      }
      int want = (int) Math.min(left, buffer.remaining());
      int n = in.read(buffer.array(), buffer.arrayOffset() + buffer.position(), want);
      if (n < 0) {
        throw new EOFException();
      }
      buffer.position(buffer.position() + n);
      left -= n;
      size += n;
    }
    return start;
  }

  /** Writes what is buffered. */
  void flush() throws IOException {
    buffer.flip();
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
    buffer.clear();
  }

  /** Reads from {@code position} into {@code dst}: positioned, safe from several threads. */
  int read(long position, ByteBuffer dst) throws IOException {
    return channel.read(dst, position);
  }

  @Override
  public void close() throws IOException {
    try {
      channel.close();
    } finally {
      Path u = undeleted;
      if (u != null) {
        undeleted = null;
        Files.deleteIfExists(u);
      }
    }
  }
}
