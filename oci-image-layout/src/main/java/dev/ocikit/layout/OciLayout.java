package dev.ocikit.layout;

import dev.ocikit.blob.BlobNotFoundException;
import dev.ocikit.blob.BlobSource;
import dev.ocikit.blob.DocumentTooLargeException;
import dev.ocikit.digest.Digest;
import dev.ocikit.digest.DigestAlgorithm;
import dev.ocikit.digest.DigestMismatchException;
import dev.ocikit.digest.DigestingOutputStream;
import dev.ocikit.digest.SizeMismatchException;
import dev.ocikit.digest.VerifyingInputStream;
import dev.ocikit.json.InvalidDocumentException;
import dev.ocikit.json.OciJson;
import dev.ocikit.json.Parsed;
import dev.ocikit.model.Annotations;
import dev.ocikit.model.Descriptor;
import dev.ocikit.model.Index;
import dev.ocikit.model.LayoutHeader;
import dev.ocikit.model.MediaType;
import dev.ocikit.model.OciDocument;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * An image layout directory (<a
 * href="https://github.com/opencontainers/image-spec/blob/main/image-layout.md">image-layout.md</a>):
 * the {@code oci-layout} file, {@code index.json} and {@code blobs/<alg>/<encoded>}.
 *
 * <p>Reading: blobs are streamed and verified against their descriptor as they are read; metadata
 * documents are read with a size cap ({@link #documentLimit()}, 4 MiB by default); a blob that is a
 * symbolic link, or whose directories are, is refused.
 *
 * <p>Writing: a blob is streamed into a temporary file inside the layout, its digest computed on
 * the way, then forced to disk and renamed to its final name, so that no partial blob is ever
 * visible under that name; writing a blob that exists is a cheap no-op, and writers of the same
 * blob, in threads or processes, are safe. {@code index.json} changes are serialised across threads
 * and processes by a lock file ({@code index.json.lock}) and are atomic: the new index is written
 * to a temporary file, forced to disk and renamed over the old one, so a crash or a full disk
 * leaves either the old or the new index, never a truncated one.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class OciLayout implements ImageLayout {
  /** The name of the layout header file. */
  public static final String OCI_LAYOUT = "oci-layout";

  /** The name of the index file. */
  public static final String INDEX_JSON = "index.json";

  /** The lock file that serialises changes to {@code index.json}. */
  public static final String INDEX_LOCK = "index.json.lock";

  /** The directory inside the layout where blobs and the index are written before their rename. */
  public static final String TEMP_DIR = ".ocikit-tmp";

  private static final Map<Object, ReentrantLock> IN_PROCESS_LOCKS = new ConcurrentHashMap<>();

  private final Path root;
  private final long documentLimit;

  private OciLayout(Path root, long documentLimit) {
    this.root = root;
    this.documentLimit = documentLimit;
  }

  /**
   * Opens an existing layout.
   *
   * @throws LayoutException if {@code root} is not a directory, has no valid {@code oci-layout}
   *     file (version 1.0.0), or has no {@code index.json}
   */
  public static OciLayout open(Path root) throws IOException {
    Path dir = root.toAbsolutePath().normalize();
    if (!Files.isDirectory(dir)) {
      throw LayoutException.notFound(
          dir, Files.exists(dir) ? "not a directory" : "no such directory");
    }
    checkHeader(dir);
    Path index = dir.resolve(INDEX_JSON);
    if (!Files.isRegularFile(index, LinkOption.NOFOLLOW_LINKS)) {
      String other = notARegularFile(index);
      throw new LayoutException(
          index,
          other != null
              ? "index.json is " + other + "; refused"
              : "missing: an image layout MUST have an index.json");
    }
    return new OciLayout(dir, DEFAULT_DOCUMENT_LIMIT);
  }

  /**
   * Creates a new, empty layout in {@code root} (created if needed; it must not already hold an
   * {@code oci-layout} or {@code index.json} file).
   */
  public static OciLayout create(Path root) throws IOException {
    Path dir = root.toAbsolutePath().normalize();
    Files.createDirectories(dir);
    for (String name : List.of(OCI_LAYOUT, INDEX_JSON)) {
      if (Files.exists(dir.resolve(name), LinkOption.NOFOLLOW_LINKS)) {
        throw new LayoutException(dir.resolve(name), "exists: " + dir + " is already a layout");
      }
    }
    Files.createDirectories(dir.resolve("blobs"));
    OciLayout layout = new OciLayout(dir, DEFAULT_DOCUMENT_LIMIT);
    // The index first: a layout is recognised by its header, so it appears last.
    layout.replaceAtomically(dir.resolve(INDEX_JSON), OciJson.toBytes(Index.builder().build()));
    layout.replaceAtomically(dir.resolve(OCI_LAYOUT), OciJson.toBytes(LayoutHeader.V1));
    return layout;
  }

  /** A layout object for a directory whose header is not checked (for {@link LayoutChecker}). */
  static OciLayout unchecked(Path root) {
    return new OciLayout(root.toAbsolutePath().normalize(), DEFAULT_DOCUMENT_LIMIT);
  }

  /** Opens the layout in {@code root}, creating it when the directory is absent or empty. */
  public static OciLayout openOrCreate(Path root) throws IOException {
    Path dir = root.toAbsolutePath().normalize();
    if (!Files.exists(dir.resolve(OCI_LAYOUT), LinkOption.NOFOLLOW_LINKS)) {
      boolean empty;
      if (!Files.exists(dir)) {
        empty = true;
      } else {
        try (var entries = Files.list(dir)) {
          empty = entries.findAny().isEmpty();
        }
      }
      if (empty) {
        return create(dir);
      }
    }
    return open(dir);
  }

  private static void checkHeader(Path dir) throws IOException {
    Path header = dir.resolve(OCI_LAYOUT);
    if (!Files.isRegularFile(header, LinkOption.NOFOLLOW_LINKS)) {
      String other = notARegularFile(header);
      throw new LayoutException(
          header,
          other != null
              ? "oci-layout is " + other + "; refused"
              : "missing: not an image layout (it MUST have an oci-layout file)");
    }
    if (Files.size(header) > 64 * 1024) {
      throw new LayoutException(header, "too large for an oci-layout file");
    }
    String problem = LayoutDocuments.headerProblem(Files.readAllBytes(header));
    if (problem != null) {
      throw new LayoutException(header, problem);
    }
  }

  /** The layout's directory, absolute. */
  public Path root() {
    return root;
  }

  @Override
  public Path location() {
    return root;
  }

  @Override
  public String name() {
    return root.toString();
  }

  @Override
  public long documentLimit() {
    return documentLimit;
  }

  /** This layout read with another limit for metadata documents. */
  public OciLayout withDocumentLimit(long bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("the document limit must be positive, found " + bytes);
    }
    return new OciLayout(root, bytes);
  }

  // --- blobs ------------------------------------------------------------------------------------

  /** The path of a blob, {@code blobs/<alg>/<encoded>}, whether or not it exists. */
  public Path blobPath(Digest digest) {
    return BlobPaths.resolve(root, digest);
  }

  /** Whether the layout holds a blob with this digest (as a regular file, not a link). */
  @Override
  public boolean contains(Digest digest) {
    return Files.isRegularFile(blobPath(digest), LinkOption.NOFOLLOW_LINKS);
  }

  @Override
  public InputStream open(Descriptor descriptor) throws IOException {
    Optional<InputStream> embedded = BlobSource.embedded(descriptor);
    if (embedded.isPresent()) {
      return embedded.get();
    }
    Digest digest = descriptor.digest();
    if (!digest.isVerifiable()) {
      throw new IOException(
          "cannot verify blob "
              + digest
              + ": its algorithm \""
              + digest.algorithm()
              + "\" is not registered");
    }
    Path path = safeBlob(digest);
    InputStream in;
    try {
      in =
          Channels.newInputStream(
              FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
    } catch (NoSuchFileException e) {
      throw new BlobNotFoundException(digest, root.toString());
    } catch (IOException e) {
      if (Files.isSymbolicLink(path)) {
        throw new LayoutException(path, "blob is a symbolic link; refused");
      }
      throw e;
    }
    return new VerifyingInputStream(in, digest, descriptor.size(), BlobPaths.relative(digest));
  }

  /** The blob path after checking that neither it nor its directories are symbolic links. */
  private Path safeBlob(Digest digest) throws IOException {
    Path blobs = root.resolve("blobs");
    Path algorithm = blobs.resolve(digest.algorithm());
    for (Path dir : List.of(blobs, algorithm)) {
      if (Files.isSymbolicLink(dir)) {
        throw new LayoutException(dir, "is a symbolic link; refused");
      }
    }
    Path path = algorithm.resolve(digest.encoded());
    String other = notARegularFile(path);
    if (other != null) {
      // Opening a FIFO would wait for a writer forever; a directory or device is no blob either.
      throw new LayoutException(path, "blob is " + other + "; refused");
    }
    return path;
  }

  /**
   * What is at {@code path} when something is there that is not a regular file ({@code "a symbolic
   * link"}, {@code "a directory"}, ...); null for a regular file or nothing.
   */
  static @Nullable String notARegularFile(Path path) throws IOException {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    }
    if (a.isRegularFile()) {
      return null;
    }
    if (a.isSymbolicLink()) {
      return "a symbolic link";
    }
    return a.isDirectory() ? "a directory" : "a special file (a FIFO, socket or device)";
  }

  /** Writes {@code content} as a blob (SHA-256) and returns its descriptor. */
  public Descriptor writeBlob(String mediaType, byte[] content) throws IOException {
    return writeBlob(mediaType, new ByteArrayInputStream(content), DigestAlgorithm.SHA256);
  }

  /** Streams {@code content} into a blob (SHA-256) and returns its descriptor. */
  public Descriptor writeBlob(String mediaType, InputStream content) throws IOException {
    return writeBlob(mediaType, content, DigestAlgorithm.SHA256);
  }

  /**
   * Streams {@code content} into a blob, digesting it with {@code algorithm} on the way, and
   * returns its descriptor. If the layout already holds the blob, the copy is discarded.
   */
  @SuppressWarnings("try") // the lock is held for the body of the try, not used in it
  public Descriptor writeBlob(String mediaType, InputStream content, DigestAlgorithm algorithm)
      throws IOException {
    Objects.requireNonNull(mediaType, "mediaType");
    Path temp = tempFile();
    Digest digest;
    long size;
    try (FileChannel channel =
            FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW);
        FileLock writing = channel.lock()) {
      // The lock tells garbage collection that the file is being written; it is held until the
      // file has its final name.
      DigestingOutputStream out =
          new DigestingOutputStream(unclosable(Channels.newOutputStream(channel)), algorithm);
      content.transferTo(out);
      out.flush();
      channel.force(true);
      digest = out.digest();
      size = out.count();
      install(temp, digest);
    } finally {
      done(temp);
    }
    return Descriptor.of(mediaType, digest, size);
  }

  /**
   * Starts a blob (SHA-256) written as a stream: write its bytes to the returned writer, then
   * {@link BlobWriter#commit()} it for its descriptor. Nothing is stored unless it is committed.
   */
  public BlobWriter newBlob(String mediaType) throws IOException {
    return newBlob(mediaType, DigestAlgorithm.SHA256);
  }

  /** Starts a blob written as a stream, digested with {@code algorithm}; see {@link #newBlob}. */
  public BlobWriter newBlob(String mediaType, DigestAlgorithm algorithm) throws IOException {
    Objects.requireNonNull(mediaType, "mediaType");
    Path temp = tempFile();
    try {
      return new BlobWriter(this, mediaType, algorithm, temp);
    } catch (IOException | RuntimeException e) {
      done(temp);
      throw e;
    }
  }

  /**
   * Streams {@code content} into the blob {@code expected} describes, checking its size as it flows
   * and its digest at the end; nothing is stored when either differs.
   *
   * @throws SizeMismatchException if the content is not {@code expected.size()} bytes
   * @throws DigestMismatchException if its digest is not {@code expected.digest()}
   */
  public Descriptor writeBlob(Descriptor expected, InputStream content) throws IOException {
    expected.digest().requireRegistered();
    return store(expected, content, true);
  }

  /**
   * Stores bytes that were already verified against {@code descriptor} (read through a {@link
   * dev.ocikit.blob.BlobSource}, or digested just now), without digesting them again.
   */
  Descriptor storeVerified(Descriptor descriptor, byte[] bytes) throws IOException {
    return store(descriptor, new ByteArrayInputStream(bytes), false);
  }

  @SuppressWarnings("try") // the lock is held for the body of the try, not used in it
  private Descriptor store(Descriptor expected, InputStream content, boolean verify)
      throws IOException {
    Digest digest = expected.digest();
    if (contains(digest)) {
      return expected; // content-addressed: nothing to write, nothing to read
    }
    VerifyingInputStream verified =
        verify
            ? new VerifyingInputStream(content, digest, expected.size(), "content for " + digest)
            : null;
    Path temp = tempFile();
    try (FileChannel channel =
            FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW);
        FileLock writing = channel.lock()) {
      (verified != null ? verified : content)
          .transferTo(unclosable(Channels.newOutputStream(channel)));
      channel.force(true);
      if (verified != null && !verified.isVerified()) {
        throw new IOException("content for " + digest + " was not read to its end");
      }
      install(temp, digest);
    } finally {
      done(temp);
    }
    return expected;
  }

  /** Writes a document canonically as a blob and returns its descriptor (one digest computed). */
  public Descriptor writeDocument(OciDocument document) throws IOException {
    Parsed<OciDocument> p = OciJson.serialize(document);
    return storeVerified(p.descriptor(), p.bytes());
  }

  /**
   * Temporary files being written by this JVM. Garbage collection must not even open them: on
   * POSIX, closing any descriptor of a file drops every lock the process holds on it, so probing a
   * writer's lock from the same JVM would release it.
   */
  private static final java.util.Set<Path> WRITING = ConcurrentHashMap.newKeySet();

  /** A new temporary file name, registered as being written until {@link #done(Path)}. */
  Path tempFile() throws IOException {
    Path dir = root.resolve(TEMP_DIR);
    Files.createDirectories(dir);
    Path temp = dir.resolve(UUID.randomUUID() + ".tmp");
    WRITING.add(temp);
    return temp;
  }

  /** Removes a temporary file (if the rename did not) and its registration. */
  static void done(Path temp) throws IOException {
    try {
      Files.deleteIfExists(temp);
    } finally {
      WRITING.remove(temp);
    }
  }

  /** Renames a complete, synced temporary file to the blob's final name. */
  void install(Path temp, Digest digest) throws IOException {
    Path target = safeBlob(digest);
    if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
      return; // content-addressed: the same name holds the same bytes
    }
    Files.createDirectories(target.getParent());
    moveAtomically(temp, target);
    syncDirectory(target.getParent());
  }

  // --- index.json --------------------------------------------------------------------------------

  /** The current {@code index.json}, with its exact bytes. */
  @Override
  public Parsed<Index> index() throws IOException {
    Path path = root.resolve(INDEX_JSON);
    String other = notARegularFile(path);
    if (other != null) {
      throw new LayoutException(path, "index.json is " + other + "; refused");
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(path, LinkOption.NOFOLLOW_LINKS)) {
      bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, documentLimit + 1));
    } catch (NoSuchFileException e) {
      throw new LayoutException(path, "missing: an image layout MUST have an index.json");
    }
    if (bytes.length > documentLimit) {
      throw new LayoutException(
          path, "larger than the limit of " + documentLimit + " bytes for a document");
    }
    try {
      return OciJson.parseIndex(bytes);
    } catch (InvalidDocumentException e) {
      throw new LayoutException(path, e.getMessage());
    }
  }

  /**
   * Changes {@code index.json}: under the layout's lock (threads and processes), reads the current
   * index, applies {@code change}, and replaces the file atomically. Returns the new index.
   */
  public Index updateIndex(UnaryOperator<Index> change) throws IOException {
    return withIndexLock(
        () -> {
          Index current = index().value();
          Index updated = Objects.requireNonNull(change.apply(current), "the changed index");
          if (!updated.equals(current)) {
            replaceAtomically(root.resolve(INDEX_JSON), OciJson.toBytes(updated));
          }
          return updated;
        });
  }

  /** Work done while holding the layout's index lock. */
  interface Locked<T> {
    T run() throws IOException;
  }

  /** Runs {@code work} holding the index lock: an in-JVM lock, then the lock file's. */
  @SuppressWarnings("try") // the lock is held for the body of the try, not used in it
  <T> T withIndexLock(Locked<T> work) throws IOException {
    ReentrantLock local = IN_PROCESS_LOCKS.computeIfAbsent(lockKey(), k -> new ReentrantLock());
    local.lock();
    try (FileChannel lockFile =
            FileChannel.open(
                root.resolve(INDEX_LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = lockFile.lock()) {
      return work.run();
    } finally {
      local.unlock();
    }
  }

  /**
   * Removes what nothing needs: blobs not reachable from {@code index.json} (keeping referrers, the
   * artifacts whose {@code subject} is reachable) and temporary files of writers that are gone.
   * Files it does not know (names that are not digests, other directories) are left alone. It holds
   * the index lock, so tags do not change meanwhile; blobs written but not yet tagged by a
   * concurrent writer can be removed, so run it when nothing else writes, as with other tools.
   *
   * @throws LayoutException if a reachable document cannot be read: removing anything then could
   *     remove what it refers to
   */
  public GcResult gc() throws IOException {
    return withIndexLock(() -> new GarbageCollector(this).run());
  }

  /**
   * Copies the graph under {@code descriptor} (a manifest or index with everything it refers to)
   * from {@code source} into this layout, writing only the blobs this layout lacks, each verified
   * as it streams, children before the documents that refer to them. It does not tag.
   */
  public Descriptor copyFrom(ImageLayout source, Descriptor descriptor) throws IOException {
    new Copier(source, this).copy(descriptor, 0);
    return descriptor;
  }

  /**
   * What identifies this layout for the in-JVM lock: the layout directory itself (its device and
   * inode where the platform has them), not the path it was opened by, so that every instance of
   * one layout in a JVM shares the lock however it was reached (a symbolic link, a bind mount).
   *
   * <p>That matters twice over. A JVM holds a file lock for all its threads, so a second instance
   * asking for it gets an {@link java.nio.channels.OverlappingFileLockException} rather than
   * waiting. And on POSIX systems closing <em>any</em> descriptor of the lock file releases the
   * process's lock on it, so the lock file must only be opened and closed under the in-JVM lock:
   * this key is found with a {@code stat} of the directory, without opening anything.
   */
  private Object lockKey() throws IOException {
    Object key = Files.readAttributes(root, BasicFileAttributes.class).fileKey();
    return key != null ? key : root.toRealPath();
  }

  /**
   * Tags a manifest or index: {@code index.json} gets {@code descriptor} with the {@code
   * org.opencontainers.image.ref.name} annotation {@code ref}, replacing any descriptor that held
   * that name.
   *
   * @throws IllegalArgumentException if {@code ref} does not match the ref grammar of
   *     annotations.md
   */
  public Index tag(String ref, Descriptor descriptor) throws IOException {
    requireRef(ref);
    Descriptor tagged = descriptor.withAnnotation(Annotations.REF_NAME, ref);
    return updateIndex(
        index -> {
          List<Descriptor> manifests = new ArrayList<>();
          boolean placed = false;
          for (Descriptor d : index.manifests()) {
            if (d.refName().orElse("").equals(ref)) {
              if (!placed) {
                manifests.add(tagged);
                placed = true;
              }
            } else {
              manifests.add(d);
            }
          }
          if (!placed) {
            manifests.add(tagged);
          }
          return index.withManifests(manifests);
        });
  }

  /** Removes the descriptors that hold the ref name {@code ref}; true if there was one. */
  public boolean untag(String ref) throws IOException {
    boolean[] removed = {false};
    updateIndex(
        index -> {
          List<Descriptor> kept = new ArrayList<>();
          for (Descriptor d : index.manifests()) {
            if (d.refName().orElse("").equals(ref)) {
              removed[0] = true;
            } else {
              kept.add(d);
            }
          }
          return index.withManifests(kept);
        });
    return removed[0];
  }

  /** Adds a descriptor to {@code index.json} (after any that are there) unless it is there. */
  public Index add(Descriptor descriptor) throws IOException {
    return updateIndex(
        index -> index.manifests().contains(descriptor) ? index : index.withManifest(descriptor));
  }

  /**
   * Removes every descriptor with {@code digest} from {@code index.json}; true if there was one.
   */
  public boolean remove(Digest digest) throws IOException {
    boolean[] removed = {false};
    updateIndex(
        index -> {
          List<Descriptor> kept = new ArrayList<>();
          for (Descriptor d : index.manifests()) {
            if (d.digest().equals(digest)) {
              removed[0] = true;
            } else {
              kept.add(d);
            }
          }
          return index.withManifests(kept);
        });
    return removed[0];
  }

  /** A descriptor for a blob named only by digest: its size on disk and the type it says it is. */
  @Override
  public Descriptor describe(Digest digest) throws IOException {
    Path path = safeBlob(digest);
    if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
      throw new BlobNotFoundException(digest, root.toString());
    }
    long size = Files.size(path);
    if (size > documentLimit) {
      throw new DocumentTooLargeException(digest, size, documentLimit);
    }
    byte[] bytes = readDocument(Descriptor.of(MediaType.OCTET_STREAM, digest, size));
    String mediaType;
    try {
      mediaType = LayoutDocuments.declaredMediaType(bytes);
    } catch (InvalidDocumentException e) {
      throw new LayoutException(path, e.getMessage());
    }
    return Descriptor.of(mediaType, digest, size);
  }

  static void requireRef(String ref) {
    if (!Annotations.isValidRefName(ref)) {
      throw new IllegalArgumentException(
          "invalid ref name \""
              + ref
              + "\": expected components of [A-Za-z0-9] separated by - . _ : @ + or --, joined"
              + " by / (annotations.md)");
    }
  }

  // --- files -------------------------------------------------------------------------------------

  /**
   * Whether a temporary file's writer is gone: its lock can be taken, and it is more than a minute
   * old (a writer creates the file a moment before it locks it).
   */
  static boolean isAbandoned(Path temp) {
    if (WRITING.contains(temp)) {
      return false; // written by this JVM: never open it (see WRITING)
    }
    try {
      long age = System.currentTimeMillis() - Files.getLastModifiedTime(temp).toMillis();
      if (age < 60_000) {
        return false;
      }
    } catch (IOException e) {
      return false;
    }
    try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
      FileLock lock = channel.tryLock();
      if (lock == null) {
        return false;
      }
      lock.release();
      return true;
    } catch (java.nio.channels.OverlappingFileLockException e) {
      return false; // a writer in this JVM holds it
    } catch (IOException e) {
      return false;
    }
  }

  /** Writes {@code bytes} to a temporary file, forces it, and renames it over {@code target}. */
  @SuppressWarnings("try") // the lock is held for the body of the try, not used in it
  private void replaceAtomically(Path target, byte[] bytes) throws IOException {
    Path temp = tempFile();
    try (FileChannel channel =
            FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW);
        FileLock writing = channel.lock()) {
      java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
      moveAtomically(temp, target);
      syncDirectory(target.getParent());
    } finally {
      done(temp);
    }
  }

  /** A stream whose close leaves the channel under it open (it is closed with its lock). */
  private static java.io.OutputStream unclosable(java.io.OutputStream out) {
    return new java.io.FilterOutputStream(out) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }

      @Override
      public void close() throws IOException {
        out.flush();
      }
    };
  }

  private static void moveAtomically(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException(
          "cannot rename " + from + " to " + to + " atomically: " + e.getMessage(), e);
    } catch (FileAlreadyExistsException e) {
      // Another writer installed the same content-addressed blob first.
      Files.deleteIfExists(from);
    }
  }

  /** Forces a directory's entries to disk, so that a rename survives a crash. */
  private static void syncDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Some platforms cannot open or sync a directory; the rename itself is still atomic.
    }
  }

  /** Whether {@code mediaType} is one a layout's index may point at as an image or index. */
  static boolean isImageOrIndex(String mediaType) {
    return MediaType.isManifest(mediaType) || MediaType.isIndex(mediaType);
  }

  @Override
  public String toString() {
    return "OciLayout[" + root + "]";
  }
}
