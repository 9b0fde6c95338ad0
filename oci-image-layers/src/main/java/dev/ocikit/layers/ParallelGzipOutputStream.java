package dev.ocikit.layers;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.jspecify.annotations.Nullable;

/**
 * A gzip compressor that deflates on several threads, as <a href="https://zlib.net/pigz/">pigz</a>
 * does, for layers of media type {@code application/vnd.oci.image.layer.v1.tar+gzip} (<a
 * href="https://github.com/opencontainers/image-spec/blob/main/layer.md#gzip-media-types">layer.md,
 * "gzip Media Types"</a>).
 *
 * <p>The output is one gzip member (<a href="https://www.rfc-editor.org/rfc/rfc1952">RFC 1952</a>):
 * a fixed 10-byte header (no file name, MTIME 0, XFL 0, OS 255 "unknown"), one deflate stream, and
 * the trailer (the CRC-32 of the uncompressed data, then its size modulo 2<sup>32</sup>). The
 * uncompressed data is cut into blocks of {@link #BLOCK_SIZE} bytes, each deflated on its own by a
 * raw {@link Deflater} primed with the last 32 KiB of the block before it (the deflate window, so
 * matches across the cut are not lost), and ended with a sync flush, which byte-aligns it; the last
 * block ends the deflate stream instead. The blocks thus concatenate into a single ordinary deflate
 * stream with one final block, and every gzip reader accepts the result. One member per block would
 * be valid gzip too, but not every reader reads past the first member: commons-compress's {@code
 * GzipCompressorInputStream} does not by default, and Java's {@link java.util.zip.GZIPInputStream}
 * looks for another member only when its source reports bytes available, which a network stream may
 * not. The cost in size is small, a few bytes per block for the flush marker and fresh Huffman
 * codes: typically well under one percent more than a single-threaded {@link
 * java.util.zip.GZIPOutputStream} at the same level.
 *
 * <p>The output is reproducible: for the same bytes and level it is the same whatever the number of
 * threads and however the bytes were split into {@code write} calls (block boundaries depend only
 * on byte counts; {@link #flush()} does not cut a block). The block size is fixed for that reason:
 * another block size gives other compressed bytes, hence another layer digest, for the same
 * content, and a layer rebuilt from the same files should keep its digest.
 *
 * <p>Threads: the calling thread fills blocks, computes the CRC-32 and writes the compressed blocks
 * to the underlying stream in order; {@code threads} daemon worker threads, started once more than
 * one block has been written, compress. At most {@code 2 × threads} blocks are in flight, so memory
 * stays small and fixed (about 300 KiB per block) whatever the size of the input. With one thread,
 * or when all the data fits in one block, blocks are compressed on the calling thread and no thread
 * is started. {@link #finish()} and {@link #close()} stop the workers and free the native memory of
 * the deflaters; so does any failure. A stream that is neither finished nor closed keeps its
 * workers, so close it (try-with-resources).
 *
 * <p>Errors: a failure to compress a block, or an {@link IOException} from the underlying stream,
 * is thrown by the {@code write}, {@code flush}, {@code finish} or {@code close} call that meets
 * it, as an {@link IOException}; the stream is then unusable and every later call but a repeated
 * {@code close} throws an {@code IOException} too. {@link #close()} closes the underlying stream
 * even then.
 *
 * <p>Instances are not safe for use by several threads at once.
 */
public final class ParallelGzipOutputStream extends OutputStream {
  /**
   * The number of uncompressed bytes compressed as one block: 128 KiB, pigz's default. Fixed, since
   * it is part of what determines the compressed bytes.
   */
  public static final int BLOCK_SIZE = 128 * 1024;

  /** The deflate window: the most a match can reach back. */
  private static final int DICTIONARY_SIZE = 32 * 1024;

  /** ID1 ID2, CM deflate, FLG none, MTIME 0, XFL 0, OS unknown. */
  private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};

  /** How long stopping the workers waits for them, at most (each finishes at most one block). */
  private static final long STOP_NANOS = TimeUnit.SECONDS.toNanos(10);

  private static final AtomicLong STREAMS = new AtomicLong();

  /** One block: its uncompressed bytes, the window before it, and its compressed bytes. */
  private static final class Block {
    final byte[] input = new byte[BLOCK_SIZE];
    final byte[] dictionary = new byte[DICTIONARY_SIZE];
    byte[] output = new byte[BLOCK_SIZE + BLOCK_SIZE / 8];
    int length;
    int dictionaryLength;
    int outputLength;
    long index;
    boolean last;
    @Nullable Throwable failure;

    /** Set by the worker after everything else; read by the writer before everything else. */
    volatile boolean done;
  }

  private final OutputStream out;
  private final int level;
  private final int threads;
  private final @Nullable LongConsumer beforeBlock;

  /** Blocks allocated at most: the one being filled plus those in flight. */
  private final int maxBlocks;

  private final CRC32 crc = new CRC32();
  private long size;
  private long blocks;
  private Block current = new Block();
  private int allocated = 1;
  private final ArrayDeque<Block> free = new ArrayDeque<>();

  /** Submitted to the workers, not yet written; oldest first. */
  private final ArrayDeque<Block> inFlight = new ArrayDeque<>();

  private final LinkedBlockingQueue<Block> tasks = new LinkedBlockingQueue<>();
  private Thread @Nullable [] workers;
  private @Nullable Deflater inline;
  private boolean headerWritten;
  private boolean finished;
  private boolean closed;
  private @Nullable IOException failure;

  /**
   * A stream writing gzip to {@code out} at {@code level} on {@code threads} threads.
   *
   * @param out where the gzip bytes go; {@link #close()} closes it, {@link #finish()} does not
   * @param level the deflate level, 0 (stored) to 9 (best), or -1 for zlib's default (6)
   * @param threads the number of compressing threads, at least 1 (1: compress on the calling
   *     thread); the output does not depend on it
   * @throws IllegalArgumentException if {@code level} or {@code threads} is out of range
   */
  public ParallelGzipOutputStream(OutputStream out, int level, int threads) {
    this(out, level, threads, null);
  }

  /**
   * A stream writing gzip to {@code out} at level 6, on as many threads as there are processors.
   *
   * @param out where the gzip bytes go; {@link #close()} closes it, {@link #finish()} does not
   */
  public ParallelGzipOutputStream(OutputStream out) {
    this(out, 6, Runtime.getRuntime().availableProcessors());
  }

  /**
   * As the public constructor; {@code beforeBlock} runs before each block is compressed (tests).
   */
  ParallelGzipOutputStream(
      OutputStream out, int level, int threads, @Nullable LongConsumer beforeBlock) {
    this.out = Objects.requireNonNull(out, "out");
    if (level < Deflater.DEFAULT_COMPRESSION || level > Deflater.BEST_COMPRESSION) {
      throw new IllegalArgumentException("level must be 0 to 9, or -1 for the default: " + level);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1: " + threads);
    }
    this.level = level;
    this.threads = threads;
    this.beforeBlock = beforeBlock;
    this.maxBlocks = threads == 1 ? 2 : 2 * threads + 1;
  }

  /**
   * Writes one byte.
   *
   * @param b the byte, in the low eight bits
   * @throws IOException if the stream is finished, closed or failed, or compressing or writing a
   *     block fails
   */
  @Override
  public void write(int b) throws IOException {
    checkWritable();
    Block block = current;
    if (block.length == BLOCK_SIZE) {
      try {
        nextBlock();
      } catch (Throwable t) {
        throw fail(t);
      }
      block = current;
    }
    block.input[block.length++] = (byte) b;
    crc.update(b);
    size++;
  }

  /**
   * Writes {@code len} bytes of {@code b} from {@code off}.
   *
   * @param b the bytes
   * @param off where in {@code b} they start
   * @param len how many
   * @throws IndexOutOfBoundsException if {@code off} and {@code len} do not fit {@code b}
   * @throws IOException if the stream is finished, closed or failed, or compressing or writing a
   *     block fails
   */
  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    checkWritable();
    if (len == 0) {
      return;
    }
    try {
      crc.update(b, off, len);
      size += len;
      while (len > 0) {
        if (current.length == BLOCK_SIZE) {
          nextBlock();
        }
        Block block = current;
        int n = Math.min(len, BLOCK_SIZE - block.length);
        System.arraycopy(b, off, block.input, block.length, n);
        block.length += n;
        off += n;
        len -= n;
      }
    } catch (Throwable t) {
      throw fail(t);
    }
  }

  /**
   * Writes every block handed to the workers, once compressed, and flushes the underlying stream.
   * The block being filled stays here, as does a full one until a next byte shows that it is not
   * the last: cutting a block early would change the output, so what a flush lets through ends at a
   * block boundary.
   *
   * @throws IOException if the stream is closed or failed, or compressing or writing a block fails
   */
  @Override
  public void flush() throws IOException {
    checkUsable();
    try {
      while (!inFlight.isEmpty()) {
        writeOldest();
      }
      out.flush();
    } catch (Throwable t) {
      throw fail(t);
    }
  }

  /**
   * Compresses what is left, writes it and the gzip trailer, and stops the workers, without closing
   * the underlying stream. Later writes fail; a repeated call does nothing.
   *
   * @throws IOException if the stream failed, or compressing or writing a block fails
   */
  public void finish() throws IOException {
    if (failure != null) {
      throw failedEarlier();
    }
    if (finished) {
      return;
    }
    try {
      Block last = current;
      last.last = true;
      submit(last);
      while (!inFlight.isEmpty()) {
        writeOldest();
      }
      writeHeader();
      int crc32 = (int) crc.getValue();
      int isize = (int) size;
      out.write(
          new byte[] {
            (byte) crc32,
            (byte) (crc32 >>> 8),
            (byte) (crc32 >>> 16),
            (byte) (crc32 >>> 24),
            (byte) isize,
            (byte) (isize >>> 8),
            (byte) (isize >>> 16),
            (byte) (isize >>> 24)
          });
      finished = true;
    } catch (Throwable t) {
      throw fail(t);
    }
    release();
  }

  /**
   * Finishes the gzip stream, unless that is done or the stream failed, stops the workers and
   * closes the underlying stream, all three whatever happens. A repeated call does nothing.
   *
   * @throws IOException if finishing or closing the underlying stream fails, or the stream had
   *     failed before (its output is then incomplete)
   */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    Throwable error = null;
    try {
      finish();
    } catch (Throwable t) {
      error = t;
    }
    release();
    try {
      out.close();
    } catch (Throwable t) {
      if (error == null) {
        error = t;
      } else if (t != error) {
        error.addSuppressed(t);
      }
    }
    if (error instanceof IOException e) {
      throw e;
    }
    if (error instanceof RuntimeException e) {
      throw e;
    }
    if (error instanceof Error e) {
      throw e;
    }
  }

  // --- blocks ---------------------------------------------------------------------------------

  /**
   * Hands over the full current block (not the last, since more bytes follow) and starts a new one.
   */
  private void nextBlock() throws IOException {
    Block full = current;
    Block next = acquire();
    System.arraycopy(full.input, BLOCK_SIZE - DICTIONARY_SIZE, next.dictionary, 0, DICTIONARY_SIZE);
    next.dictionaryLength = DICTIONARY_SIZE;
    next.length = 0;
    next.last = false;
    current = next;
    full.last = false;
    submit(full);
  }

  /** A free block: recycled, new, or the oldest in flight once written. */
  private Block acquire() throws IOException {
    Block block = free.pollFirst();
    if (block != null) {
      return block;
    }
    if (allocated < maxBlocks) {
      allocated++;
      return new Block();
    }
    writeOldest();
    return free.removeFirst();
  }

  /** Compresses {@code block} here or on a worker; writes what is done. */
  private void submit(Block block) throws IOException {
    block.index = blocks++;
    if (threads == 1 || (block.last && workers == null)) {
      Deflater deflater = inline;
      if (deflater == null) {
        deflater = new Deflater(level, true);
        inline = deflater;
      }
      compress(block, deflater, beforeBlock);
      write(block);
      return;
    }
    if (workers == null) {
      startWorkers();
    }
    block.failure = null;
    block.done = false;
    inFlight.addLast(block);
    tasks.add(block);
    while (!inFlight.isEmpty() && inFlight.peekFirst().done) {
      writeOldest();
    }
  }

  /** Waits for the oldest block in flight and writes it. */
  private void writeOldest() throws IOException {
    Block block = inFlight.removeFirst();
    if (!block.done) {
      try {
        synchronized (block) {
          while (!block.done) {
            block.wait();
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted waiting for a block to be compressed");
      }
    }
    Throwable f = block.failure;
    if (f != null) {
      throw new IOException("compressing gzip block " + block.index + " failed: " + f, f);
    }
    write(block);
  }

  /** Writes a compressed block (after the header, the first time) and frees it. */
  private void write(Block block) throws IOException {
    writeHeader();
    out.write(block.output, 0, block.outputLength);
    free.addFirst(block);
  }

  private void writeHeader() throws IOException {
    if (!headerWritten) {
      out.write(HEADER);
      headerWritten = true;
    }
  }

  /**
   * Deflates {@code block} with {@code deflater}: from a reset state, primed with the window, ended
   * with a sync flush, or as the end of the deflate stream if it is the last block.
   */
  private static void compress(Block block, Deflater deflater, @Nullable LongConsumer hook) {
    if (hook != null) {
      hook.accept(block.index);
    }
    deflater.reset();
    if (block.dictionaryLength > 0) {
      deflater.setDictionary(block.dictionary, 0, block.dictionaryLength);
    }
    deflater.setInput(block.input, 0, block.length);
    int n = 0;
    if (block.last) {
      deflater.finish();
      while (!deflater.finished()) {
        if (n == block.output.length) {
          block.output = Arrays.copyOf(block.output, n + n / 2);
        }
        n += deflater.deflate(block.output, n, block.output.length - n);
      }
    } else {
      while (true) {
        if (n == block.output.length) {
          block.output = Arrays.copyOf(block.output, n + n / 2);
        }
        int space = block.output.length - n;
        int written = deflater.deflate(block.output, n, space, Deflater.SYNC_FLUSH);
        n += written;
        if (written < space) {
          break; // all pending output flushed
        }
      }
    }
    block.outputLength = n;
  }

  // --- workers --------------------------------------------------------------------------------

  private void startWorkers() {
    long id = STREAMS.incrementAndGet();
    Thread[] started = new Thread[threads];
    for (int i = 0; i < threads; i++) {
      Thread t = new Thread(this::work, "ocikit-gzip-" + id + "-" + i);
      t.setDaemon(true);
      started[i] = t;
    }
    workers = started;
    for (Thread t : started) {
      t.start();
    }
  }

  /** A worker: compresses blocks with its own deflater until interrupted; then frees it. */
  private void work() {
    Deflater deflater = null;
    Throwable broken = null;
    try {
      deflater = new Deflater(level, true);
    } catch (Throwable t) {
      broken = t; // fail the blocks this worker takes, rather than leave them undone
    }
    try {
      while (true) {
        Block block;
        try {
          block = tasks.take();
        } catch (InterruptedException e) {
          return;
        }
        try {
          if (deflater == null) {
            throw new IllegalStateException("no deflater", broken);
          }
          compress(block, deflater, beforeBlock);
        } catch (Throwable t) {
          block.failure = t;
        }
        block.done = true;
        synchronized (block) {
          block.notifyAll();
        }
      }
    } finally {
      if (deflater != null) {
        deflater.end();
      }
    }
  }

  /** Stops the workers (waiting for them) and frees every deflater. Idempotent. */
  private void release() {
    tasks.clear();
    Thread[] w = workers;
    if (w != null) {
      for (Thread t : w) {
        t.interrupt();
      }
      boolean interrupted = false;
      long deadline = System.nanoTime() + STOP_NANOS;
      for (Thread t : w) {
        while (t.isAlive()) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            break;
          }
          try {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
          } catch (InterruptedException e) {
            interrupted = true;
          }
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    Deflater d = inline;
    if (d != null) {
      inline = null;
      d.end();
    }
    inFlight.clear();
    free.clear();
  }

  // --- state ----------------------------------------------------------------------------------

  private void checkWritable() throws IOException {
    checkUsable();
    if (finished) {
      throw new IOException("the gzip stream is finished");
    }
  }

  private void checkUsable() throws IOException {
    if (failure != null) {
      throw failedEarlier();
    }
    if (closed) {
      throw new IOException("the gzip stream is closed");
    }
  }

  private IOException failedEarlier() {
    return new IOException("the gzip stream failed earlier; its output is incomplete", failure);
  }

  /**
   * Records the first failure, stops everything, and returns what to throw (or throws an Error).
   */
  private IOException fail(Throwable t) {
    IOException e =
        t instanceof IOException io ? io : new IOException("gzip compression failed: " + t, t);
    if (failure == null) {
      failure = e;
    }
    release();
    if (t instanceof Error error) {
      throw error;
    }
    return e;
  }
}
