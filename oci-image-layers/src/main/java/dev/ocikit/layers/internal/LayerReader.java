package dev.ocikit.layers.internal;

import com.github.luben.zstd.ZstdInputStream;
import dev.ocikit.blob.BlobSource;
import dev.ocikit.digest.Digest;
import dev.ocikit.digest.DigestAlgorithm;
import dev.ocikit.digest.DigestMismatchException;
import dev.ocikit.digest.DigestingInputStream;
import dev.ocikit.digest.SizeMismatchException;
import dev.ocikit.layers.LayerException;
import dev.ocikit.layers.LayerLimitException;
import dev.ocikit.layers.ProgressListener;
import dev.ocikit.layout.internal.HeaderLimitedTarInputStream;
import dev.ocikit.model.Compression;
import dev.ocikit.model.Descriptor;
import dev.ocikit.model.MediaType;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.InvalidPathException;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.jspecify.annotations.Nullable;

/**
 * Reads a layer blob once as a stream and hands its tar entries to a {@link Handler}: the blob,
 * verified against its descriptor (size as it flows, digest at its end) &rarr; decompression (gzip,
 * zstd or none, as the media type says and the magic bytes confirm) on its own thread &rarr; the
 * uncompressed tar, digested for the diff_id, parsed on the caller's thread. After the
 * end-of-archive marker the rest of both streams is drained, so that neither digest can be skipped.
 * Shared by {@code LayerApplier} and {@code ImageView}, so that both read layers alike and fail
 * alike.
 */
public final class LayerReader {
  private static final int CHUNK = 256 * 1024;
  private static final byte[] EOF = new byte[0];

  /** What is done with each entry of the tar. */
  public interface Handler {
    /**
     * One entry; {@code content} gives its data ({@link #contentSize} bytes for a file). An {@link
     * IOException} that is not a {@link LayerException} is reported as "cannot apply".
     */
    void entry(TarArchiveEntry entry, InputStream content) throws IOException;

    /** A remark on the layer as a whole (a tolerated defect). */
    default void note(String note) {}

    /** After the last entry and the end of both streams, before the diff_id is checked. */
    default void end() throws IOException {}
  }

  /**
   * What reading the layer found.
   *
   * @param diffId the digest of the uncompressed tar
   * @param entries the number of tar entries
   * @param uncompressedBytes the size of the uncompressed tar
   */
  public record Result(Digest diffId, long entries, long uncompressedBytes) {}

  private final long maxUncompressedBytes;
  private final long maxEntries;
  private final ProgressListener listener;

  /**
   * A reader with these limits.
   *
   * @param maxUncompressedBytes the most a layer may expand to
   * @param maxEntries the most entries a layer may have
   * @param listener told of the compressed bytes read
   */
  public LayerReader(long maxUncompressedBytes, long maxEntries, ProgressListener listener) {
    this.maxUncompressedBytes = maxUncompressedBytes;
    this.maxEntries = maxEntries;
    this.listener = listener;
  }

  /**
   * Reads the layer {@code layer} of {@code source}, giving each entry to {@code handler}.
   *
   * @param diffId the layer's diff_id from the image config, checked against the uncompressed tar;
   *     null to compute it only
   * @throws DigestMismatchException if the blob or the uncompressed tar has another digest
   * @throws SizeMismatchException if the blob has another size
   * @throws LayerException if the content is not a tar, passes a limit, or the handler refuses it
   */
  public Result read(BlobSource source, Descriptor layer, @Nullable Digest diffId, Handler handler)
      throws IOException {
    requireLayerType(layer);
    DigestAlgorithm algorithm =
        diffId != null && diffId.isVerifiable()
            ? diffId.requireRegistered()
            : DigestAlgorithm.SHA256;
    InputStream blob = source.open(layer);
    Producer producer = new Producer(blob, layer, algorithm);
    Thread thread =
        new Thread(producer, "ocikit-decompress-" + layer.digest().encoded().substring(0, 12));
    thread.setDaemon(true);
    thread.start();
    // Decompressing, digesting (diff_id) and the size limit on one thread; tar and files on this.
    try (ChunkStream chunks = new ChunkStream(producer)) {
      TarArchiveInputStream tar =
          new HeaderLimitedTarInputStream(
              chunks, reason -> new LayerLimitException(layer.digest(), null, reason));
      long entries = 0;
      long sparseHoles = 0; // what the sparse files so far expand to beyond their tar data
      long dataEnd = -1; // where the data of the last entry ends in the tar
      while (true) {
        TarArchiveEntry entry;
        try {
          entry = tar.getNextEntry();
        } catch (IOException e) {
          producer.rethrow();
          if (e instanceof LayerException) {
            throw e;
          }
          if (chunks.count == dataEnd && chunks.read() < 0) {
            // The tar ends right after the data of its last entry, without the padding of that
            // entry's last record and the end-of-archive records: so do the layers of umoci 0.4.7's
            // insert (umoci#436), which Go's archive/tar, and so containerd, Docker and umoci,
            // read as complete. The diff_id covers exactly these bytes.
            handler.note("the tar ends without padding and end-of-archive records");
            break;
          }
          throw new LayerException(layer.digest(), null, "not a valid tar archive: " + message(e));
        }
        if (entry == null) {
          break;
        }
        String disagreement = HeaderLimitedTarInputStream.dataReadersDisagreeOn(entry);
        if (disagreement != null) {
          throw new LayerException(
              layer.digest(), entry.getName(), disagreement + ", so it is refused");
        }
        dataEnd = chunks.count + entry.getSize();
        if (++entries > maxEntries) {
          throw new LayerLimitException(
              layer.digest(), entry.getName(), "more than " + maxEntries + " entries");
        }
        if (entry.isSparse()) {
          // A sparse file's holes are not in the tar: they count against the size limit too,
          // or a small layer could fill the disk with zeros.
          sparseHoles += Math.max(0, entry.getRealSize() - entry.getSize());
          if (chunks.count + sparseHoles > maxUncompressedBytes) {
            throw new LayerLimitException(
                layer.digest(),
                entry.getName(),
                "expands to more than "
                    + maxUncompressedBytes
                    + " bytes with the holes of its sparse files");
          }
        }
        try {
          handler.entry(entry, tar);
        } catch (LayerException | InterruptedIOException e) {
          throw e;
        } catch (IOException | InvalidPathException e) {
          // The decompressing thread's failure, if it is the cause, is the one to report.
          producer.rethrow();
          LayerException wrapped =
              new LayerException(layer.digest(), entry.getName(), "cannot apply: " + message(e));
          wrapped.initCause(e);
          throw wrapped;
        }
      }
      // The tar reader stops at the end-of-archive marker: read the rest, so that the digests
      // cover every byte.
      chunks.transferTo(java.io.OutputStream.nullOutputStream());
      producer.awaitEnd();
      handler.end();
      Digest actual = producer.diffId();
      if (diffId != null && !actual.equals(diffId)) {
        throw new DigestMismatchException(
            "uncompressed layer " + layer.digest() + " (its diff_id)", diffId, actual);
      }
      return new Result(actual, entries, producer.uncompressedBytes());
    } catch (IOException | RuntimeException e) {
      producer.cancel();
      IOException first = producer.failure();
      if (first != null && first != e && !(e instanceof LayerException)) {
        first.addSuppressed(e);
        throw first;
      }
      throw e;
    } finally {
      producer.cancel();
      try {
        thread.join(TimeUnit.SECONDS.toMillis(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * The size of a file entry's content as {@link Handler#entry} reads it: for a sparse file (old
   * GNU {@code S}, or PAX {@code GNU.sparse.*}), its real size with the holes filled with zeros, as
   * Go's {@code archive/tar} reads it; else the size in its header.
   */
  public static long contentSize(TarArchiveEntry entry) {
    return entry.isSparse() ? entry.getRealSize() : entry.getSize();
  }

  /** A short description of {@code e} for messages. */
  /**
   * Refuses a descriptor whose media type is not a layer's (OCI's tar, tar+gzip, tar+zstd, their
   * non-distributable forms, Docker's): an artifact's blob (an SBOM, a signature), an encrypted
   * layer, or a type this reader does not know. containerd and umoci refuse them too; read as a tar
   * by its bytes, a JSON blob would be an empty layer.
   *
   * @throws LayerException naming the layer and its media type
   */
  public static void requireLayerType(Descriptor layer) throws LayerException {
    if (!MediaType.isLayer(layer.mediaType())) {
      throw new LayerException(
          layer.digest(),
          null,
          "its media type "
              + layer.mediaType()
              + " is not a layer's (tar, tar+gzip or tar+zstd, OCI or Docker): nothing to unpack");
    }
  }

  public static String message(Throwable e) {
    String encoding = System.getProperty("sun.jnu.encoding", "");
    if (e instanceof java.nio.file.InvalidPathException && !"UTF-8".equalsIgnoreCase(encoding)) {
      // A name the JVM's file name encoding cannot hold: its locale is not UTF-8.
      return "the JVM names files in "
          + encoding
          + " (sun.jnu.encoding, from its locale), which cannot hold this name: run it in a UTF-8"
          + " locale (LC_ALL=C.UTF-8)";
    }
    if (e instanceof java.io.EOFException) {
      return "unexpected end of data" + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")");
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /** Decompresses on its own thread into a bounded queue of chunks. */
  private final class Producer implements Runnable {
    private final InputStream blob;
    private final Descriptor layer;
    private final DigestAlgorithm algorithm;
    private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(16);

    /** Chunks the applier has read, for reuse: no garbage per chunk. */
    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(20);

    private volatile boolean cancelled;
    private volatile @Nullable IOException failure;
    private volatile boolean done;
    private volatile @Nullable Digest diffId;
    private volatile long uncompressedBytes;

    Producer(InputStream blob, Descriptor layer, DigestAlgorithm algorithm) {
      this.blob = blob;
      this.layer = layer;
      this.algorithm = algorithm;
    }

    /** The digest of the uncompressed tar; valid once the end was reached. */
    Digest diffId() {
      return java.util.Objects.requireNonNull(diffId, "the end of the layer was not reached");
    }

    long uncompressedBytes() {
      return uncompressedBytes;
    }

    @Override
    public void run() {
      try (InputStream raw = new Counting(blob, layer.size())) {
        BufferedInputStream buffered = new BufferedInputStream(raw, 64 * 1024);
        String format = "layer";
        try (InputStream decompressed = decompress(buffered);
            DigestingInputStream in = new DigestingInputStream(decompressed, algorithm)) {
          format = compressionName;
          long limit = maxUncompressedBytes;
          while (!cancelled) {
            byte[] chunk = free.poll();
            if (chunk == null) {
              chunk = new byte[CHUNK];
            }
            int n = in.readNBytes(chunk, 0, CHUNK);
            if (n == 0) {
              break;
            }
            if (n < CHUNK) {
              chunk = java.util.Arrays.copyOf(chunk, n); // the last one: chunks are full but it
            }
            if (in.count() > limit) {
              throw new LayerLimitException(
                  layer.digest(),
                  null,
                  "expands to more than " + limit + " bytes (a decompression bomb?)");
            }
            put(chunk);
          }
          if (!cancelled) {
            uncompressedBytes = in.count();
            diffId = in.digest();
          }
        } catch (LayerException | DigestMismatchException | SizeMismatchException e) {
          throw e;
        } catch (IOException e) {
          // A corrupt stream: if the blob itself is wrong, that is the better report.
          buffered.transferTo(java.io.OutputStream.nullOutputStream());
          throw new LayerException(
              layer.digest(), null, "is not a complete " + format + " stream: " + message(e));
        }
        // Drain the compressed blob to its end, which checks its size and digest.
        buffered.transferTo(java.io.OutputStream.nullOutputStream());
      } catch (DigestMismatchException
          | SizeMismatchException
          | LayerException
          | InterruptedIOException e) {
        failure = e;
      } catch (IOException | RuntimeException e) {
        // A truncated or corrupt stream: gzip's EOFException, zstd's errors.
        LayerException wrapped =
            new LayerException(layer.digest(), null, "cannot decompress: " + message(e));
        wrapped.initCause(e);
        failure = wrapped;
      } catch (OutOfMemoryError e) {
        // Not left to the thread's default handler, which would print it: the reading thread
        // reports it as the layer's failure.
        failure = new LayerException(layer.digest(), null, "cannot decompress: out of memory");
      } finally {
        done = true;
        end();
      }
    }

    /** Puts the end marker, waiting for room: the queue may be full of chunks not yet read. */
    private void end() {
      try {
        while (!queue.offer(EOF, 100, TimeUnit.MILLISECONDS)) {
          if (cancelled) {
            queue.clear();
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        queue.clear();
        queue.offer(EOF);
      }
    }

    private String compressionName = "layer";

    private InputStream decompress(BufferedInputStream in) throws IOException {
      in.mark(8);
      byte[] head = in.readNBytes(4);
      in.reset();
      Compression magic = magic(head);
      Optional<Compression> declared = MediaType.layerCompression(layer.mediaType());
      Compression compression = declared.orElse(magic);
      if (declared.isPresent()
          && declared.get() != magic
          && head.length > 0
          && MediaType.isDocker(layer.mediaType())) {
        // Docker (moby's archive.DecompressStream) and containerd read a Docker layer by its
        // magic bytes, whatever its media type says: so does this. An OCI type is held to its word.
        compression = magic;
      } else if (declared.isPresent() && declared.get() != magic && head.length > 0) {
        throw new LayerException(
            layer.digest(),
            null,
            "the media type "
                + layer.mediaType()
                + " says "
                + name(declared.get())
                + ", but the content is "
                + (magic == Compression.NONE ? "not compressed" : name(magic)));
      }
      compressionName = compression == Compression.NONE ? "tar" : name(compression);
      return switch (compression) {
        case NONE -> new NonClosing(in);
        // Not java.util.zip.GZIPInputStream: it stops between the members of a multi-member
        // stream (as parallel gzip writers produce) whenever available() says 0.
        case GZIP -> gunzip(new NonClosing(in));
        case ZSTD -> new ZstdInputStream(new NonClosing(in));
      };
    }

    @SuppressWarnings("deprecation") // the builder needs commons-io on the module path
    private InputStream gunzip(InputStream in) throws IOException {
      return new org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream(in, true);
    }

    private void put(byte[] chunk) throws IOException {
      try {
        while (!cancelled && !queue.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
          // wait for the applier
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted");
      }
    }

    byte @Nullable [] take() throws IOException {
      try {
        byte[] chunk = queue.take();
        if (chunk == EOF) {
          queue.offer(EOF);
          rethrow();
          return null;
        }
        return chunk;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted");
      }
    }

    void rethrow() throws IOException {
      IOException f = failure;
      if (f != null) {
        throw f;
      }
    }

    @Nullable IOException failure() {
      return failure;
    }

    void awaitEnd() throws IOException {
      while (take() != null) {
        // the tar ended before the decompressed data did: read it all
      }
      rethrow();
    }

    void cancel() {
      cancelled = true;
      queue.clear();
      if (!done) {
        queue.offer(EOF);
      }
    }
  }

  private static Compression magic(byte[] head) {
    return Compression.detect(head, head.length);
  }

  private static String name(Compression c) {
    return c.name().toLowerCase(java.util.Locale.ROOT);
  }

  /** The uncompressed bytes, as an input stream over the producer's chunks. */
  private static final class ChunkStream extends InputStream {
    private final Producer producer;
    private byte @Nullable [] chunk = new byte[0];
    private int position;
    private final byte[] one = new byte[1];

    /** The bytes read so far: the position in the uncompressed tar. */
    long count;

    ChunkStream(Producer producer) {
      this.producer = producer;
    }

    @Override
    public int read() throws IOException {
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public long skip(long n) throws IOException {
      // Passes over data without copying it (it was digested when it was decompressed).
      byte[] c = n <= 0 ? null : current();
      if (c == null) {
        return 0;
      }
      int k = (int) Math.min(n, c.length - position);
      position += k;
      count += k;
      return k;
    }

    /** The chunk with unread bytes (taking the next one if need be), or null at the end. */
    private byte @Nullable [] current() throws IOException {
      while (chunk != null && position == chunk.length) {
        if (chunk.length == CHUNK) {
          producer.free.offer(chunk);
        }
        chunk = producer.take();
        position = 0;
      }
      return chunk;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      byte[] c = current();
      if (c == null) {
        return -1;
      }
      int n = Math.min(len, c.length - position);
      System.arraycopy(c, position, b, off, n);
      position += n;
      count += n;
      return n;
    }
  }

  /** Counts the compressed bytes for progress reports. */
  private final class Counting extends FilterInputStream {
    private final long total;
    private long done;

    Counting(InputStream in, long total) {
      super(in);
      this.total = total;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        done += n;
        listener.bytes(done, total);
      }
      return n;
    }
  }

  /** Keeps the decompressor from closing the verifying stream before it is drained. */
  private static final class NonClosing extends FilterInputStream {
    NonClosing(InputStream in) {
      super(in);
    }

    @Override
    public void close() {}
  }
}
