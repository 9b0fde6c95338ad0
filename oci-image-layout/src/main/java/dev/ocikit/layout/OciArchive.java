package dev.ocikit.layout;

import dev.ocikit.blob.BlobNotFoundException;
import dev.ocikit.blob.BlobSource;
import dev.ocikit.blob.DocumentTooLargeException;
import dev.ocikit.digest.Digest;
import dev.ocikit.digest.VerifyingInputStream;
import dev.ocikit.json.InvalidDocumentException;
import dev.ocikit.json.OciJson;
import dev.ocikit.json.Parsed;
import dev.ocikit.model.Descriptor;
import dev.ocikit.model.Index;
import dev.ocikit.model.LayoutHeader;
import dev.ocikit.model.Manifest;
import dev.ocikit.model.MediaType;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.jspecify.annotations.Nullable;

/**
 * An image layout packed as a tar file (<a
 * href="https://github.com/opencontainers/image-spec/blob/main/image-layout.md">image-layout.md</a>),
 * as {@code skopeo copy ... oci-archive:FILE} writes it: the {@code oci-layout} file, {@code
 * index.json} and {@code blobs/<alg>/<encoded>} as entries of an uncompressed tar.
 *
 * <p>Reading is in place, without unpacking: the tar's table of entries is read once when it is
 * opened, and a blob is streamed from its entry and verified against its descriptor as it is read
 * (a {@link VerifyingInputStream}). Entry names may start with {@code ./}. Only regular-file
 * entries count: a blob, {@code oci-layout} or {@code index.json} entry that is a symbolic or hard
 * link is refused, as {@link OciLayout} refuses links, and so is a name that appears twice.
 * Metadata documents are read with a size cap ({@link #documentLimit()}, 4 MiB by default). A
 * compressed tar cannot be read in place and is refused with a message saying so.
 *
 * <p>Writing ({@link #write(ImageLayout, Path)}) packs any image layout into a deterministic tar.
 *
 * <p>Instances are thread-safe: the table of entries is immutable, and the reads of all the streams
 * open on one tar are serialised on its file channel, chunk by chunk. Close the archive when done;
 * its streams fail after that.
 */
public final class OciArchive implements ImageLayout, Closeable {
  private final TarEntries tar;
  private final long documentLimit;

  private OciArchive(TarEntries tar, long documentLimit) {
    this.tar = tar;
    this.documentLimit = documentLimit;
  }

  /**
   * Opens an image layout tar, reading its table of entries.
   *
   * @throws LayoutException naming the tar (and the entry at fault) if it is missing, compressed,
   *     not a tar, has no valid {@code oci-layout} entry (version 1.0.0) or no {@code index.json},
   *     or either is a link
   */
  public static OciArchive open(Path tar) throws IOException {
    TarEntries entries = TarEntries.open(tar);
    try {
      checkHeader(entries);
      if (entries.regularFile(OciLayout.INDEX_JSON) == null) {
        throw entries.error(
            OciLayout.INDEX_JSON, "missing: an image layout MUST have an index.json");
      }
      return new OciArchive(entries, DEFAULT_DOCUMENT_LIMIT);
    } catch (IOException | RuntimeException e) {
      try {
        entries.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private static void checkHeader(TarEntries tar) throws IOException {
    String name = OciLayout.OCI_LAYOUT;
    TarArchiveEntry header = tar.regularFile(name);
    if (header == null) {
      String hint =
          tar.find("manifest.json") != null
              ? "; it has a manifest.json: is it a docker save archive? (read it as a DockerArchive)"
              : "";
      throw tar.error(
          name, "missing: not an image layout (it MUST have an oci-layout file)" + hint);
    }
    String problem = LayoutDocuments.headerProblem(tar.readAll(name, header, 64 * 1024));
    if (problem != null) {
      throw tar.error(name, problem);
    }
  }

  /** The tar file, absolute. */
  @Override
  public Path location() {
    return tar.path();
  }

  @Override
  public String name() {
    return tar.path().toString();
  }

  @Override
  public long documentLimit() {
    return documentLimit;
  }

  /**
   * This archive read with another limit for metadata documents. The two share the open file:
   * closing either closes both.
   */
  public OciArchive withDocumentLimit(long bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("the document limit must be positive, found " + bytes);
    }
    return new OciArchive(tar, bytes);
  }

  @Override
  public Parsed<Index> index() throws IOException {
    String name = OciLayout.INDEX_JSON;
    TarArchiveEntry entry = tar.regularFile(name);
    if (entry == null) {
      throw tar.error(name, "missing: an image layout MUST have an index.json");
    }
    byte[] bytes = tar.readAll(name, entry, documentLimit);
    try {
      return OciJson.parseIndex(bytes);
    } catch (InvalidDocumentException e) {
      throw tar.error(name, e.getMessage());
    }
  }

  /** Whether the archive holds the blob {@code digest} as a regular-file entry. */
  @Override
  public boolean contains(Digest digest) {
    try {
      return tar.regularFile(BlobPaths.relative(digest)) != null;
    } catch (LayoutException e) {
      return false; // a link or an ambiguous name: not a blob this archive can serve
    }
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
    String name = BlobPaths.relative(digest);
    TarArchiveEntry entry = blob(digest);
    return new VerifyingInputStream(
        tar.stream(entry), digest, descriptor.size(), name + " in " + tar.path());
  }

  private TarArchiveEntry blob(Digest digest) throws IOException {
    TarArchiveEntry entry = tar.regularFile(BlobPaths.relative(digest));
    if (entry == null) {
      throw new BlobNotFoundException(digest, name());
    }
    return entry;
  }

  /** A descriptor for a blob named only by digest: its entry's size and the type it says it is. */
  @Override
  public Descriptor describe(Digest digest) throws IOException {
    TarArchiveEntry entry = blob(digest);
    long size = entry.getSize();
    if (size > documentLimit) {
      throw new DocumentTooLargeException(digest, size, documentLimit);
    }
    byte[] bytes = readDocument(Descriptor.of(MediaType.OCTET_STREAM, digest, size));
    String mediaType;
    try {
      mediaType = LayoutDocuments.declaredMediaType(bytes);
    } catch (InvalidDocumentException e) {
      throw tar.error(BlobPaths.relative(digest), e.getMessage());
    }
    return Descriptor.of(mediaType, digest, size);
  }

  /** Closes the tar file; streams still open on it fail from then on. */
  @Override
  public void close() throws IOException {
    tar.close();
  }

  @Override
  public String toString() {
    return "OciArchive[" + tar.path() + "]";
  }

  // --- writing -----------------------------------------------------------------------------------

  /** The modification time of every entry {@link #write} writes: the epoch, for reproducibility. */
  static final long MTIME = 0;

  /**
   * Packs the image layout {@code source} into the tar {@code tar}, uncompressed, as {@code
   * oci-archive:} readers expect: the entries {@code oci-layout} (version 1.0.0), {@code
   * index.json} (the source's exact bytes), then the directories {@code blobs/} and {@code
   * blobs/<alg>/} and the blobs {@code blobs/<alg>/<encoded>}, sorted by digest.
   *
   * <p>The blobs are those reachable from {@code index.json}: every manifest and index it lists,
   * nested indexes' manifests, configs, layers, and the subjects the source holds. A descriptor
   * with embedded {@code data} needs no blob (one is written only when the source holds it), nor
   * does a layer with {@code urls} that the source does not hold. Each blob is streamed from the
   * source and verified on the way; a blob that fails leaves no tar.
   *
   * <p>The tar is deterministic: the same layout gives the same bytes, since every entry has the
   * modification time 0 (the epoch), owner and group 0 with empty names, mode 0644 for files and
   * 0755 for directories. It is written to a temporary file next to {@code tar}, forced to disk and
   * renamed over {@code tar} atomically, so that a reader never sees a partial tar.
   *
   * @throws BlobNotFoundException if the source lacks a blob that must be written
   * @throws dev.ocikit.digest.DigestMismatchException if a blob's content does not match
   */
  public static void write(ImageLayout source, Path tar) throws IOException {
    Path target = tar.toAbsolutePath().normalize();
    byte[] index = source.index().bytes();
    TreeMap<Digest, Descriptor> blobs = reachable(source);

    Path dir = target.getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    Path temp =
        target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      try (FileChannel channel =
          FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW)) {
        OutputStream file = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
        TarArchiveOutputStream out = new TarArchiveOutputStream(file);
        out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        putFile(out, OciLayout.OCI_LAYOUT, OciJson.toBytes(LayoutHeader.V1));
        putFile(out, OciLayout.INDEX_JSON, index);
        if (!blobs.isEmpty()) {
          putDirectory(out, BlobPaths.BLOBS + "/");
        }
        String algorithm = null;
        for (Descriptor d : blobs.values()) {
          Digest digest = d.digest();
          if (!digest.algorithm().equals(algorithm)) {
            algorithm = digest.algorithm();
            putDirectory(out, BlobPaths.BLOBS + "/" + algorithm + "/");
          }
          TarArchiveEntry entry = fileEntry(BlobPaths.relative(digest), d.size());
          out.putArchiveEntry(entry);
          try (InputStream in = source.open(d)) {
            in.transferTo(out); // verified at its end, and as it passes the size
          }
          out.closeArchiveEntry();
        }
        out.finish();
        file.flush();
        channel.force(true);
      }
      try {
        Files.move(
            temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException(
            "cannot rename " + temp + " to " + target + " atomically: " + e.getMessage(), e);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** The blobs reachable from the source's {@code index.json}, by digest. */
  private static TreeMap<Digest, Descriptor> reachable(ImageLayout source) throws IOException {
    TreeMap<Digest, Descriptor> blobs = new TreeMap<>();
    Set<Digest> seen = new HashSet<>();
    for (Descriptor d : source.index().value().manifests()) {
      collect(source, d, 0, seen, blobs);
    }
    return blobs;
  }

  private static void collect(
      ImageLayout source,
      Descriptor d,
      int depth,
      Set<Digest> seen,
      TreeMap<Digest, Descriptor> blobs)
      throws IOException {
    if (depth > Resolver.MAX_NESTING) {
      throw new LayoutException(
          source.location(), "indexes nested more than " + Resolver.MAX_NESTING + " deep");
    }
    if (!seen.add(d.digest())) {
      return;
    }
    if (source.contains(d.digest())) {
      blobs.put(d.digest(), d.withoutData());
    } else if (d.data() == null && d.urls().isEmpty()) {
      throw new BlobNotFoundException(d.digest(), source.name());
    }
    if (MediaType.isManifest(d.mediaType())) {
      Manifest m = source.readManifest(d).value();
      collect(source, m.config(), depth + 1, seen, blobs);
      for (Descriptor layer : m.layers()) {
        collect(source, layer, depth + 1, seen, blobs);
      }
      subject(source, m.subject(), depth, seen, blobs);
    } else if (MediaType.isIndex(d.mediaType())) {
      Index i = source.readIndex(d).value();
      for (Descriptor child : i.manifests()) {
        collect(source, child, depth + 1, seen, blobs);
      }
      subject(source, i.subject(), depth, seen, blobs);
    }
  }

  /** A subject is taken along when the source holds it: a layout need not hold it. */
  private static void subject(
      ImageLayout source,
      @Nullable Descriptor subject,
      int depth,
      Set<Digest> seen,
      TreeMap<Digest, Descriptor> blobs)
      throws IOException {
    if (subject != null && (source.contains(subject.digest()) || subject.data() != null)) {
      collect(source, subject, depth + 1, seen, blobs);
    }
  }

  private static TarArchiveEntry fileEntry(String name, long size) {
    TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_NORMAL);
    e.setMode(0100644);
    e.setSize(size);
    owned(e);
    return e;
  }

  private static void putFile(TarArchiveOutputStream out, String name, byte[] content)
      throws IOException {
    out.putArchiveEntry(fileEntry(name, content.length));
    out.write(content);
    out.closeArchiveEntry();
  }

  private static void putDirectory(TarArchiveOutputStream out, String name) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_DIR);
    e.setMode(040755);
    owned(e);
    out.putArchiveEntry(e);
    out.closeArchiveEntry();
  }

  private static void owned(TarArchiveEntry e) {
    e.setModTime(MTIME);
    e.setUserId(0);
    e.setGroupId(0);
    e.setUserName("");
    e.setGroupName("");
  }
}
