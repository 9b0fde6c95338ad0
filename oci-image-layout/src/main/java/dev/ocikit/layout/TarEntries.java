package dev.ocikit.layout;

import dev.ocikit.layout.internal.HeaderLimitedTarInputStream;
import dev.ocikit.layout.internal.RangeInputStream;
import dev.ocikit.model.Compression;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.jspecify.annotations.Nullable;

/**
 * The entries of a tar file, read in place: an index made by one pass over its headers (with
 * commons-compress's tar reader, its header extensions bounded by {@link
 * HeaderLimitedTarInputStream}, the data between them passed over), then each entry's data read at
 * its offset. The shared ground of {@link OciArchive} and {@link DockerArchive}.
 *
 * <p>Entry names are normalised by dropping leading {@code ./} (tar run in the directory writes
 * them); a name that appears more than once is ambiguous (extraction would keep the last, another
 * reader the first) and is refused when it is looked up. Compressed files are recognised by their
 * magic numbers and refused with a clear message, since a compressed tar cannot be read in place.
 *
 * <p>Thread-safe: entries are read with positional reads of one channel, so streams of different
 * entries can be read from different threads at once.
 */
final class TarEntries implements Closeable {
  /** How many links {@link #followLinks(String)} follows before it gives up. */
  static final int MAX_LINKS = 16;

  private final Path tar;
  private final FileChannel channel;
  private final Map<String, TarArchiveEntry> byName;
  private final Set<String> duplicates;
  private final List<TarArchiveEntry> entries;

  /** Where the data of each entry begins in the file. */
  private final Map<TarArchiveEntry, Long> offsets;

  private volatile boolean closed;

  private TarEntries(
      Path tar, FileChannel channel, List<TarArchiveEntry> entries, Map<TarArchiveEntry, Long> at) {
    this.tar = tar;
    this.channel = channel;
    this.entries = List.copyOf(entries);
    this.offsets = at;
    Map<String, TarArchiveEntry> names = new HashMap<>();
    Set<String> twice = new HashSet<>();
    for (TarArchiveEntry e : entries) {
      String name = normalize(e.getName());
      if (names.putIfAbsent(name, e) != null) {
        twice.add(name);
      }
    }
    this.byName = Map.copyOf(names);
    this.duplicates = Set.copyOf(twice);
  }

  /**
   * Opens {@code tar} and reads its table of entries.
   *
   * @throws LayoutException if it is missing, not a regular file, compressed, or not a tar
   */
  static TarEntries open(Path tar) throws IOException {
    Path path = tar.toAbsolutePath().normalize();
    if (!Files.isRegularFile(path)) {
      if (!Files.exists(path)) {
        throw LayoutException.notFound(path, "no such file");
      }
      throw new LayoutException(path, "not a regular file, so not a tar archive");
    }
    FileChannel channel;
    try {
      channel = FileChannel.open(path, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw LayoutException.notFound(path, "no such file");
    }
    List<TarArchiveEntry> list = new ArrayList<>();
    Map<TarArchiveEntry, Long> at = new IdentityHashMap<>();
    try {
      byte[] head = new byte[6];
      int n = 0;
      java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(head);
      while (buffer.hasRemaining() && channel.read(buffer) > 0) {
        n = buffer.position();
      }
      String compression = compression(head, n);
      if (compression != null) {
        throw new LayoutException(
            path, "a " + compression + "-compressed tar; decompress it first (read in place)");
      }
      long size = channel.size();
      if (size < TarConstants.DEFAULT_RCDSIZE) {
        throw new LayoutException(
            path, "not a tar archive: only " + size + " bytes, less than one tar header");
      }
      channel.position(0);
      // The stream reads the channel at its position, and skips by moving it: after each header
      // the position is where the entry's data begins.
      HeaderLimitedTarInputStream in =
          new HeaderLimitedTarInputStream(
              Channels.newInputStream(channel),
              reason -> new LayoutException(path, "not a tar archive that can be read: " + reason),
              false);
      try {
        for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
          String disagreement = HeaderLimitedTarInputStream.dataReadersDisagreeOn(e);
          if (disagreement != null) {
            throw new LayoutException(
                path, "entry \"" + e.getName() + "\": " + disagreement + "; refused");
          }
          list.add(e);
          at.put(e, channel.position());
        }
      } catch (LayoutException e) {
        throw e;
      } catch (IOException | RuntimeException e) {
        throw new LayoutException(path, "not a tar archive: " + e.getMessage());
      }
    } catch (IOException | RuntimeException e) {
      try {
        channel.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    TarEntries entries = new TarEntries(path, channel, list, at);
    if (entries.entries.isEmpty()) {
      entries.close();
      throw new LayoutException(path, "not a tar archive, or an empty one: it has no entries");
    }
    return entries;
  }

  /**
   * The compression a file starting with {@code head} (its first {@code n} bytes) has, by magic
   * number, or null.
   */
  static @Nullable String compression(byte[] head, int n) {
    Compression c = Compression.detect(head, n);
    if (c != Compression.NONE) {
      return c.name().toLowerCase(java.util.Locale.ROOT);
    }
    if (n >= 3 && head[0] == 'B' && head[1] == 'Z' && head[2] == 'h') {
      return "bzip2";
    }
    if (n >= 6
        && (head[0] & 0xff) == 0xfd
        && head[1] == '7'
        && head[2] == 'z'
        && head[3] == 'X'
        && head[4] == 'Z'
        && head[5] == 0) {
      return "xz";
    }
    return null;
  }

  /** An entry name without its leading {@code ./} (and {@code /}) prefixes. */
  static String normalize(String name) {
    String n = name;
    while (true) {
      if (n.startsWith("./")) {
        n = n.substring(2);
      } else if (n.startsWith("/")) {
        n = n.substring(1);
      } else {
        return n;
      }
    }
  }

  /** The tar file, absolute. */
  Path path() {
    return tar;
  }

  /** All entries, in archive order. */
  List<TarArchiveEntry> entries() {
    return entries;
  }

  /** The entry named {@code name} (normalised), or null when there is none. */
  @Nullable TarArchiveEntry find(String name) throws LayoutException {
    if (duplicates.contains(name)) {
      throw error(name, "appears more than once in the archive; refused as ambiguous");
    }
    return byName.get(name);
  }

  /** A {@link LayoutException} naming the tar file and the entry. */
  LayoutException error(String entry, String reason) {
    return new LayoutException(tar, "entry \"" + entry + "\": " + reason);
  }

  /** Whether {@code e} is a plain regular file (not a link, directory, device or sparse file). */
  static boolean isRegular(TarArchiveEntry e) {
    byte flag = e.getLinkFlag();
    return (flag == TarConstants.LF_NORMAL
            || flag == TarConstants.LF_OLDNORM
            || flag == TarConstants.LF_CONTIG)
        && !e.isSparse()
        && !e.getName().endsWith("/");
  }

  /**
   * The entry {@code name}, which must be a plain regular file: a link of either kind is refused,
   * as is anything else.
   *
   * @return the entry, or null when there is none
   * @throws LayoutException if it is there but is not a regular file
   */
  @Nullable TarArchiveEntry regularFile(String name) throws LayoutException {
    TarArchiveEntry e = find(name);
    if (e == null) {
      return null;
    }
    requireRegular(name, e);
    return e;
  }

  private void requireRegular(String name, TarArchiveEntry e) throws LayoutException {
    if (e.isSymbolicLink()) {
      throw error(name, "is a symbolic link (to \"" + e.getLinkName() + "\"); refused");
    }
    if (e.isLink()) {
      throw error(name, "is a hard link (to \"" + e.getLinkName() + "\"); refused");
    }
    if (!isRegular(e)) {
      throw error(
          name,
          e.isSparse()
              ? "is a sparse file; refused"
              : "is not a regular file (type '" + (char) e.getLinkFlag() + "'); refused");
    }
  }

  /**
   * The regular file {@code name} leads to, following symbolic links (relative to the link's
   * directory) and hard links (relative to the archive's root) inside the archive, as {@code docker
   * save} writes for a layer shared by several images.
   *
   * @return the regular file's entry, or null when {@code name} is not in the archive
   * @throws LayoutException if a link leads outside the archive, to nothing, in a loop, or to
   *     something other than a regular file
   */
  @Nullable TarArchiveEntry followLinks(String name) throws LayoutException {
    String current = normalize(name);
    TarArchiveEntry e = find(current);
    if (e == null) {
      return null;
    }
    for (int hops = 0; e.isSymbolicLink() || e.isLink(); hops++) {
      if (hops >= MAX_LINKS) {
        throw error(name, "more than " + MAX_LINKS + " links deep; refused");
      }
      String target = e.getLinkName();
      String resolved;
      if (e.isSymbolicLink() && !target.startsWith("/")) {
        int slash = current.lastIndexOf('/');
        resolved = resolveInside(slash < 0 ? "" : current.substring(0, slash), target);
      } else {
        resolved = resolveInside("", normalize(target));
      }
      if (resolved == null) {
        throw error(name, "links to \"" + target + "\", outside the archive; refused");
      }
      TarArchiveEntry next = find(resolved);
      if (next == null) {
        throw error(name, "links to \"" + target + "\", which is not in the archive");
      }
      current = resolved;
      e = next;
    }
    requireRegular(current, e);
    return e;
  }

  /** {@code target} resolved against the directory {@code dir}; null if it climbs out. */
  private static @Nullable String resolveInside(String dir, String target) {
    Deque<String> parts = new ArrayDeque<>();
    for (String p : (dir + "/" + target).split("/")) {
      if (p.isEmpty() || p.equals(".")) {
        continue;
      }
      if (p.equals("..")) {
        if (parts.isEmpty()) {
          return null;
        }
        parts.removeLast();
      } else {
        parts.addLast(p);
      }
    }
    return String.join("/", parts);
  }

  /** A stream of the content of {@code e}. */
  InputStream stream(TarArchiveEntry e) throws IOException {
    if (closed) {
      throw new IOException(tar + ": the archive is closed");
    }
    Long offset = offsets.get(e);
    if (offset == null) {
      throw new IllegalArgumentException(e.getName() + ": not an entry of " + tar);
    }
    return new RangeInputStream(
        (position, dst) -> {
          if (closed) {
            throw new IOException(tar + ": the archive is closed");
          }
          return channel.read(dst, position);
        },
        offset,
        e.isDirectory() ? 0 : e.getSize(),
        position ->
            new java.io.EOFException(
                tar + ": the archive ends inside an entry (truncated at " + position + " bytes)"));
  }

  /**
   * The content of the regular file {@code e}, which must not be larger than {@code limit} bytes.
   */
  byte[] readAll(String name, TarArchiveEntry e, long limit) throws IOException {
    if (e.getSize() > limit) {
      throw error(
          name,
          e.getSize() + " bytes, larger than the limit of " + limit + " bytes for a document");
    }
    try (InputStream in = stream(e)) {
      byte[] bytes = in.readAllBytes();
      if (bytes.length != e.getSize()) {
        throw error(name, "truncated: " + bytes.length + " of " + e.getSize() + " bytes");
      }
      return bytes;
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    channel.close();
  }
}
