package dev.ocikit.layers;

import dev.ocikit.digest.Digest;
import dev.ocikit.digest.DigestingOutputStream;
import dev.ocikit.layers.FileTrees.Inode;
import dev.ocikit.layers.LayerEntry.Content;
import dev.ocikit.layers.LayerEntry.Type;
import dev.ocikit.layout.BlobWriter;
import dev.ocikit.layout.ImageLayout;
import dev.ocikit.layout.ImageRef;
import dev.ocikit.layout.OciLayout;
import dev.ocikit.model.Compression;
import dev.ocikit.model.Descriptor;
import dev.ocikit.model.MediaType;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.jspecify.annotations.Nullable;

/**
 * Writes a layer changeset (<a
 * href="https://github.com/opencontainers/image-spec/blob/main/layer.md">layer.md</a>) in one
 * streaming pass: entries are collected ({@link #add}, {@link #addTree}, {@link #addChanges}), then
 * {@link #write(OciLayout)} streams the tar through a digest (the diff_id) into the compressor and
 * straight into the layout's blob store, digested again on the way; a failure leaves no blob.
 *
 * <p>The tar: commons-compress ustar headers, with PAX records where ustar cannot say it (names and
 * link targets of 100 bytes or more, non-ASCII names, numbers too big, sub-second times) and PAX
 * {@code SCHILY.xattr.NAME} records for xattrs. User and group names are empty, never looked up.
 *
 * <p>Reproducible: the bytes depend on the entries and the {@link LayerOptions}, not on the order
 * in which entries were added, the file system's order, the clock, the host or the number of
 * threads. Entries are sorted by path, component by component in the byte order of their UTF-8
 * names (so a directory comes right before its content), except that in each directory the opaque
 * whiteout, then the whiteouts, come before the other entries (layer.md: "Implementations SHOULD
 * generate layers such that the whiteout files appear before sibling directory entries").
 *
 * <p>Also done while writing: missing parent directories of added entries are added (unless {@link
 * LayerOptions#parents()} is off); a group of hardlinked entries (the same inode in a tree read
 * with {@link #addTree}, or {@link LayerEntry#hardlink}s) is written as the first of its paths in
 * the layer's order, carrying the content, followed by hardlinks to it (layer.md, "Hardlinks"); the
 * root directory itself never has an entry (its attributes are the runtime's).
 *
 * <p>layer.md: layers "MUST NOT include duplicate entries for file paths": adding a second entry
 * with the same tar name fails. Not thread-safe.
 */
public final class LayerWriter {
  private static final int BUFFER = 256 * 1024;

  private final LayerOptions options;

  /** The entries by path (whiteouts by tar name), in the order they were added. */
  private final Map<String, Item> items = new LinkedHashMap<>();

  private final List<String> notes = new ArrayList<>();

  /**
   * An entry and where it came from.
   *
   * @param inode its identity in a tree it was read from, when it has other names
   * @param fromTree whether it was read from a tree: its content is then opened without following a
   *     link
   */
  record Item(LayerEntry entry, @Nullable Inode inode, boolean fromTree) {}

  /** A writer with these options. */
  public LayerWriter(LayerOptions options) {
    this.options = Objects.requireNonNull(options, "options");
  }

  /** The options. */
  public LayerOptions options() {
    return options;
  }

  /**
   * Adds an entry.
   *
   * @throws IllegalArgumentException if the layer already has an entry with its tar name (layer.md:
   *     "MUST NOT include duplicate entries")
   */
  public LayerWriter add(LayerEntry entry) {
    return add(new Item(Objects.requireNonNull(entry, "entry"), null, false));
  }

  private LayerWriter add(Item item) {
    LayerEntry e = item.entry();
    // A whiteout's name begins with .wh., which no other entry's path has.
    String name = isWhiteout(e.type()) ? e.tarName() : e.path();
    Item previous = items.putIfAbsent(name, item);
    if (previous != null) {
      throw new IllegalArgumentException(
          "a second entry for " + name + " (layer.md: layers MUST NOT include duplicate entries)");
    }
    return this;
  }

  /** Adds everything under {@code directory} (not the directory itself) at the layer's root. */
  public LayerWriter addTree(Path directory) throws IOException {
    return addTree(directory, "");
  }

  /**
   * Adds everything under {@code directory} at the path {@code at} of the layer, and {@code
   * directory} itself as {@code at} unless that is the root: regular files, directories, symbolic
   * links (never followed), hardlinks (grouped by inode), FIFOs and devices (their major and minor
   * numbers from {@code unix:rdev}), with their mode, owner (as {@link LayerOptions#rootless()}
   * says; the {@code user.rootlesscontainers} xattr of a rootless unpack is never written), mtime,
   * {@code user.*} xattrs (the only namespace the JVM reads) and the file capabilities of
   * executables ({@code security.capability}, read with {@code getfattr} when Debian's {@code attr}
   * is installed); see {@link #notes()} for what was left out (empty values, which a PAX record
   * cannot carry). Sockets are skipped, with a note: a tar cannot hold them. Content is read when
   * the layer is written.
   *
   * @throws IOException if the tree cannot be read, or holds a name beginning with {@code .wh.}
   * @throws IllegalArgumentException if an entry has the tar name of one already added
   */
  public LayerWriter addTree(Path directory, String at) throws IOException {
    String prefix = at.isEmpty() ? "" : LayerEntry.directory(at).path();
    if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
      throw new IllegalArgumentException(directory + " is not a directory");
    }
    if (!prefix.isEmpty()) {
      FileTrees.Node top = FileTrees.read(directory, prefix, notes, options.rootless());
      if (top != null) {
        add(new Item(top.entry(), null, true));
      }
    }
    List<Path> executables = new ArrayList<>();
    FileTrees.walk(
        directory,
        prefix,
        n -> {
          add(new Item(n.entry(), n.inode(), true));
          if (FileTrees.Capabilities.count(n)) {
            executables.add(n.file());
          }
        },
        notes,
        options.rootless());
    // File capabilities, which the JVM cannot read: getfattr, on the executables only.
    Path base = directory.toAbsolutePath().normalize();
    Map<Path, byte[]> capabilities = FileTrees.Capabilities.of(executables);
    for (Map.Entry<Path, byte[]> c : new java.util.TreeMap<>(capabilities).entrySet()) {
      if (!c.getKey().startsWith(base) || c.getKey().equals(base)) {
        continue;
      }
      String rel = base.relativize(c.getKey()).toString();
      String path = prefix.isEmpty() ? rel : prefix + "/" + rel;
      Item item = items.get(path);
      if (item == null || item.entry().type() != LayerEntry.Type.FILE) {
        continue;
      }
      if (c.getValue().length > 0) {
        items.put(
            path,
            new Item(
                item.entry().withXattr(FileTrees.Capabilities.XATTR, c.getValue()),
                item.inode(),
                item.fromTree()));
      }
    }
    return this;
  }

  /**
   * Adds the changeset that turns the tree {@code lower} into the tree {@code upper} (layer.md,
   * "Determining Changes" and "Representing Changes"): added and changed entries in their entirety,
   * read from {@code upper}; an explicit whiteout for each removed path (one for a removed
   * directory, not one per child); and the parent directories of all of these, with their
   * attributes in {@code upper}. Unchanged entries are left out.
   *
   * <p>An entry has changed when what the layer would record of it differs: type, mode, content
   * (sizes first, then bytes), symbolic link target, device numbers, {@code user.*} xattrs; owners
   * only when the options keep them, mtimes as the options record them (never with {@link
   * LayerOptions.Timestamps#FIXED}). A path whose type changes gets the upper entry, which replaces
   * the lower one whole when applied (a directory with its content). Hardlinks: a group of linked
   * paths in {@code upper} of which any member changed, or whose group is not what applying would
   * leave of the lower one, is written whole, first path with the content, the others linked to it,
   * so that the layer never links to a file of a lower layer. The roots' own attributes are not
   * compared. layer.md: implementations "SHOULD generate layers using explicit whiteout files": no
   * opaque whiteouts are written.
   *
   * @throws IOException if a tree cannot be read
   */
  public LayerWriter addChanges(Path lower, Path upper) throws IOException {
    return addChanges(lower, options.rootless(), upper);
  }

  /** As {@link #addChanges(Path, Path)}, the lower tree's owners read rootless or not. */
  private LayerWriter addChanges(Path lower, boolean lowerRootless, Path upper) throws IOException {
    for (Path p : List.of(lower, upper)) {
      if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        throw new IllegalArgumentException(p + " is not a directory");
      }
    }
    TreeDiff diff = new TreeDiff(options, notes, lowerRootless);
    diff.compare(lower, upper);
    for (TreeDiff.Change c : diff.changes()) {
      add(new Item(c.entry(), c.inode(), true));
    }
    return this;
  }

  /**
   * Adds the changeset that turns the image {@code lower} of {@code layout} into the tree {@code
   * upper}: the image is unpacked with {@link ImageUnpacker} (rootless unless this process is root)
   * into a temporary directory of {@code java.io.tmpdir}, compared as {@link #addChanges(Path,
   * Path)} does, and the directory deleted.
   *
   * @throws IOException if the image cannot be unpacked or a tree read
   */
  public LayerWriter addChanges(ImageLayout layout, ImageRef lower, Path upper) throws IOException {
    return addChanges(layout, lower, upper, Path.of(System.getProperty("java.io.tmpdir")));
  }

  /**
   * As {@link #addChanges(ImageLayout, ImageRef, Path)}, unpacking into a temporary directory made
   * in {@code scratch}.
   *
   * @throws IOException if the image cannot be unpacked or a tree read
   */
  public LayerWriter addChanges(ImageLayout layout, ImageRef lower, Path upper, Path scratch)
      throws IOException {
    Path temp = Files.createTempDirectory(scratch, "ocikit-lower-");
    IOException failure = null;
    try {
      Path rootfs = temp.resolve("rootfs");
      ImageUnpacker unpacker =
          new ImageUnpacker(
              ApplyOptions.DEFAULT.withRootless(!FileTrees.root()), ProgressListener.NONE);
      for (ApplyResult r : unpacker.unpack(layout, lower, rootfs).layers()) {
        for (String n : r.notes()) {
          notes.add("lower image: " + n);
        }
      }
      // Unpacked rootless, the lower tree's owners are as it recorded them.
      addChanges(rootfs, !FileTrees.root(), upper);
    } catch (IOException | RuntimeException e) {
      try {
        FileTrees.delete(temp);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    FileTrees.delete(temp);
    return this;
  }

  /**
   * What could not be added as it was (a socket, an empty xattr value, a device the lower image
   * could not hold), each naming the path.
   */
  public List<String> notes() {
    return List.copyOf(notes);
  }

  /**
   * The entries as {@link #write} writes them, in order: parents added, hardlink groups arranged,
   * attributes as recorded (mtimes and owners as the options have them).
   *
   * @throws IllegalArgumentException if the entries do not make a layer: an entry below a path that
   *     is not a directory, a hardlink to a directory, a whiteout or itself
   */
  public List<LayerEntry> entries() {
    return plan().stream().map(Planned::entry).toList();
  }

  /**
   * Writes the layer as a new blob of {@code layout} ({@link OciLayout#newBlob}): nothing is stored
   * unless the whole layer was written.
   *
   * @throws IOException if a file cannot be read, or changes size while it is read (naming it)
   * @throws IllegalArgumentException if the entries do not make a layer (see {@link #entries()})
   */
  public WrittenLayer write(OciLayout layout) throws IOException {
    List<Planned> plan = plan();
    String mediaType = MediaType.layerMediaType(options.compression());
    try (BlobWriter blob = layout.newBlob(mediaType, options.digestAlgorithm())) {
      Totals t = writeTar(blob, plan, false);
      Descriptor descriptor = blob.commit();
      // Uncompressed, the blob is the tar: the blob writer's digest is the diff_id.
      Digest diffId = t.diffId == null ? descriptor.digest() : t.diffId;
      long size = t.diffId == null ? descriptor.size() : t.uncompressed;
      return new WrittenLayer(descriptor, diffId, size, t.entries, notes);
    }
  }

  /**
   * Writes the layer to {@code out}, which stays open; on failure, what was written to it is not a
   * layer.
   *
   * @throws IOException if a file cannot be read, or changes size while it is read (naming it)
   * @throws IllegalArgumentException if the entries do not make a layer (see {@link #entries()})
   */
  public WrittenLayer write(OutputStream out) throws IOException {
    List<Planned> plan = plan();
    Totals t = writeTar(out, plan, true);
    Digest blobDigest = Objects.requireNonNull(t.blobDigest);
    Descriptor descriptor =
        Descriptor.of(MediaType.layerMediaType(options.compression()), blobDigest, t.blobSize);
    return new WrittenLayer(
        descriptor, t.diffId == null ? blobDigest : t.diffId, t.uncompressed, t.entries, notes);
  }

  // ---- planning: hardlinks, parents, attributes, order

  /**
   * An entry as written.
   *
   * @param entry with its recorded attributes; a hardlink's target is the first path of its group
   * @param noFollow whether its content is opened without following a link
   * @param key its tar name's components, for sorting
   */
  record Planned(LayerEntry entry, boolean noFollow, String[] key) {}

  private List<Planned> plan() {
    // The non-whiteout entries by path.
    Map<String, Item> byPath = new HashMap<>();
    for (Item i : items.values()) {
      if (!isWhiteout(i.entry().type())) {
        byPath.put(i.entry().path(), i);
      }
    }
    List<Item> all = new ArrayList<>(items.values());
    // Parents.
    Map<String, Item> parents = new HashMap<>();
    for (Item i : items.values()) {
      String path = i.entry().path();
      for (int s = path.lastIndexOf('/'); s > 0; s = path.lastIndexOf('/', s - 1)) {
        String parent = path.substring(0, s);
        Item p = byPath.get(parent);
        if (p != null) {
          if (p.entry().type() != Type.DIRECTORY) {
            throw new IllegalArgumentException(
                i.entry().tarName() + " is below " + parent + ", a " + p.entry().type());
          }
          break; // and its own parents are checked as it is
        }
        if (isWhiteout(i.entry().type()) || !options.parents()) {
          continue;
        }
        if (parents.putIfAbsent(parent, new Item(LayerEntry.directory(parent), null, false))
            != null) {
          break; // its parents were added with it
        }
      }
    }
    all.addAll(parents.values());
    // Hardlink groups: the paths of one inode, and hardlinks with the paths they link to.
    Map<String, String> links = new HashMap<>(); // member -> first path of its group
    Map<String, Item> heads = new HashMap<>(); // first path of a group -> the item with the content
    hardlinks(byPath, links, heads);

    List<Planned> out = new ArrayList<>(all.size());
    for (Item i : all) {
      LayerEntry e = i.entry();
      String head = isWhiteout(e.type()) ? null : links.get(e.path());
      boolean noFollow = i.fromTree();
      Item source = head == null ? null : heads.get(head);
      if (head != null && source == null) {
        e = // a group of hardlinks to a lower layer's file: each links to it
            new LayerEntry(
                Type.HARDLINK,
                e.path(),
                e.mode(),
                e.uid(),
                e.gid(),
                e.mtime(),
                Map.of(),
                head,
                null,
                0,
                0);
      } else if (head != null && source != null) {
        LayerEntry c = source.entry();
        if (head.equals(e.path())) {
          e =
              new LayerEntry(
                  c.type(),
                  e.path(),
                  c.mode(),
                  c.uid(),
                  c.gid(),
                  c.mtime(),
                  c.xattrs(),
                  c.linkTarget(),
                  c.content(),
                  c.devMajor(),
                  c.devMinor());
          noFollow = source.fromTree();
        } else {
          e =
              new LayerEntry(
                  Type.HARDLINK,
                  e.path(),
                  c.mode(),
                  c.uid(),
                  c.gid(),
                  c.mtime(),
                  Map.of(),
                  head,
                  null,
                  0,
                  0);
        }
      }
      LayerEntry recorded = recorded(e);
      out.add(new Planned(recorded, noFollow, recorded.tarName().split("/")));
    }
    out.sort(Comparator.comparing(Planned::key, LayerWriter::compareNames));
    return out;
  }

  /**
   * Groups hardlinked paths: each member of a group maps to the group's first path in the layer's
   * order ({@code links}), which maps to the item whose content and attributes the group has
   * ({@code heads}). A hardlink whose target is not in the layer (nor links to one that is) stays
   * as it is: a link to a lower layer.
   */
  private static void hardlinks(
      Map<String, Item> byPath, Map<String, String> links, Map<String, Item> heads) {
    Map<String, String> union = new HashMap<>();
    Map<Inode, String> byInode = new HashMap<>();
    for (Item i : byPath.values()) {
      LayerEntry e = i.entry();
      if (i.inode() != null) {
        String first = byInode.putIfAbsent(i.inode(), e.path());
        if (first != null) {
          join(union, first, e.path());
        }
      }
      if (e.type() == Type.HARDLINK) {
        Item target = byPath.get(e.linkTarget());
        if (target != null) {
          if (target.entry().type() == Type.DIRECTORY) {
            throw new IllegalArgumentException(
                e.path() + ": a hardlink to the directory " + e.linkTarget());
          }
          join(union, e.linkTarget(), e.path());
        }
      }
    }
    Map<String, List<String>> groups = new HashMap<>();
    for (String p : union.keySet()) {
      groups.computeIfAbsent(find(union, p), k -> new ArrayList<>()).add(p);
    }
    for (List<String> group : groups.values()) {
      group.sort(
          (a, b) -> compareNames(a.split("/"), b.split("/"))); // the layer's order of these paths
      Item content = null;
      for (String p : group) {
        if (byPath.get(p).entry().type() != Type.HARDLINK) {
          content = byPath.get(p);
          break;
        }
      }
      String head = group.get(0);
      if (content == null) {
        // Hardlinks only: they all lead to one path out of the layer (a lower layer's file), which
        // each then links to; or they link to one another in a cycle.
        Set<String> seen = new java.util.HashSet<>();
        head = group.get(0);
        while (byPath.containsKey(head)) {
          if (!seen.add(head)) {
            throw new IllegalArgumentException("hardlinks in a cycle, to no file: " + group);
          }
          head = byPath.get(head).entry().linkTarget();
        }
      } else {
        heads.put(head, content);
      }
      for (String p : group) {
        links.put(p, head);
      }
    }
  }

  private static void join(Map<String, String> union, String a, String b) {
    union.putIfAbsent(a, a);
    union.putIfAbsent(b, b);
    String ra = find(union, a);
    String rb = find(union, b);
    if (!ra.equals(rb)) {
      union.put(rb, ra);
    }
  }

  private static String find(Map<String, String> union, String p) {
    String r = p;
    while (!union.get(r).equals(r)) {
      r = union.get(r);
    }
    String q = p;
    while (!q.equals(r)) { // path compression
      String next = union.get(q);
      union.put(q, r);
      q = next;
    }
    return r;
  }

  private static boolean isWhiteout(Type t) {
    return t == Type.WHITEOUT || t == Type.OPAQUE_WHITEOUT;
  }

  /** The entry with the attributes the layer records of it. */
  private LayerEntry recorded(LayerEntry e) {
    if (isWhiteout(e.type())) {
      return new LayerEntry(e.type(), e.path(), 0, 0, 0, Instant.EPOCH, Map.of(), "", null, 0, 0);
    }
    boolean owners = options.keepOwners();
    return new LayerEntry(
        e.type(),
        e.path(),
        e.mode(),
        owners ? e.uid() : 0,
        owners ? e.gid() : 0,
        recordedMtime(options, e.mtime()),
        e.xattrs(),
        e.linkTarget(),
        e.content(),
        e.devMajor(),
        e.devMinor());
  }

  /** The mtime a layer written with {@code options} records for {@code mtime}. */
  static Instant recordedMtime(LayerOptions options, @Nullable Instant mtime) {
    Instant t = options.timestamp();
    if (mtime == null) {
      return t;
    }
    return switch (options.timestamps()) {
      case FIXED -> t;
      case CLAMP -> {
        Instant s = mtime.truncatedTo(ChronoUnit.SECONDS);
        yield s.isAfter(t) ? t : s;
      }
      case KEEP -> mtime.minusNanos(mtime.getNano() % 100);
    };
  }

  /**
   * The layer's order of tar names, as components: component by component, in each directory the
   * opaque whiteout first, then whiteouts, then the rest, each group in the byte order of the UTF-8
   * names (which is the order of their code points); a directory before its content.
   */
  static int compareNames(String[] a, String[] b) {
    int n = Math.min(a.length, b.length);
    for (int i = 0; i < n; i++) {
      int c = Integer.compare(rank(a[i]), rank(b[i]));
      if (c == 0) {
        c = compareCodePoints(a[i], b[i]);
      }
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.length, b.length);
  }

  private static int rank(String name) {
    return name.equals(LayerEntry.OPAQUE) ? 0 : name.startsWith(".wh.") ? 1 : 2;
  }

  private static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  // ---- writing

  /** What writing the tar gave. */
  private static final class Totals {
    @Nullable Digest diffId; // null when uncompressed: the blob's digest
    @Nullable Digest blobDigest;
    long blobSize;
    long uncompressed;
    long entries;
  }

  /**
   * Writes the tar of {@code plan} to {@code out} through the compressor, digesting the tar (unless
   * uncompressed: then it is the blob) and, when {@code digestBlob}, the blob.
   */
  private Totals writeTar(OutputStream out, List<Planned> plan, boolean digestBlob)
      throws IOException {
    Totals totals = new Totals();
    boolean compressed = options.compression() != Compression.NONE;
    OutputStream sink =
        new FilterOutputStream(out) {
          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
          }

          @Override
          public void close() throws IOException {
            out.flush(); // the caller's stream or the blob writer stays open
          }
        };
    DigestingOutputStream blob =
        digestBlob ? new DigestingOutputStream(sink, options.digestAlgorithm()) : null;
    OutputStream compressor =
        Compressors.compressor(
            blob == null ? sink : blob, options.compression(), options.level(), options.threads());
    DigestingOutputStream tarDigest =
        compressed ? new DigestingOutputStream(compressor, options.digestAlgorithm()) : blob;
    OutputStream tarBytes = tarDigest == null ? compressor : tarDigest;
    try {
      TarArchiveOutputStream tar =
          new TarArchiveOutputStream(new BufferedOutputStream(tarBytes, BUFFER), "UTF-8");
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      tar.setAddPaxHeadersForNonAsciiNames(true);
      byte[] buffer = new byte[BUFFER];
      for (Planned p : plan) {
        writeEntry(tar, p, buffer);
        totals.entries++;
      }
      tar.close(); // end-of-archive records; flushes and finishes the compressor, not `out`
    } catch (IOException | RuntimeException | Error e) {
      try {
        compressor.close(); // frees the compressor (zstd's native context and workers)
      } catch (IOException | RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    if (compressed) {
      Objects.requireNonNull(tarDigest);
      totals.diffId = tarDigest.digest();
      totals.uncompressed = tarDigest.count();
    }
    if (blob != null) {
      totals.blobDigest = blob.digest();
      totals.blobSize = blob.count();
      if (!compressed) {
        totals.uncompressed = blob.count();
      }
    }
    return totals;
  }

  private static void writeEntry(TarArchiveOutputStream tar, Planned p, byte[] buffer)
      throws IOException {
    LayerEntry e = p.entry();
    byte flag =
        switch (e.type()) {
          case FILE, WHITEOUT, OPAQUE_WHITEOUT -> TarConstants.LF_NORMAL;
          case DIRECTORY -> TarConstants.LF_DIR;
          case SYMLINK -> TarConstants.LF_SYMLINK;
          case HARDLINK -> TarConstants.LF_LINK;
          case FIFO -> TarConstants.LF_FIFO;
          case CHAR_DEVICE -> TarConstants.LF_CHR;
          case BLOCK_DEVICE -> TarConstants.LF_BLK;
        };
    TarArchiveEntry t = new TarArchiveEntry(e.tarName(), flag, false);
    t.setMode(e.mode());
    t.setUserId(e.uid());
    t.setGroupId(e.gid());
    t.setUserName("");
    t.setGroupName("");
    t.setLastModifiedTime(FileTime.from(Objects.requireNonNull(e.mtime())));
    if (!e.linkTarget().isEmpty()) {
      t.setLinkName(e.linkTarget());
    }
    if (e.type() == Type.CHAR_DEVICE || e.type() == Type.BLOCK_DEVICE) {
      t.setDevMajor(e.devMajor());
      t.setDevMinor(e.devMinor());
    }
    boolean text = true;
    for (XattrValue v : e.xattrs().values()) {
      text &= v.text() != null;
    }
    if (text) {
      for (Map.Entry<String, XattrValue> x : e.xattrs().entrySet()) {
        t.addPaxHeader("SCHILY.xattr." + x.getKey(), Objects.requireNonNull(x.getValue().text()));
      }
    }
    Content content = e.content();
    if (content instanceof Content.OfBytes bytes) {
      byte[] b = bytes.shared();
      t.setSize(b.length);
      put(tar, t, e, text);
      tar.write(b);
      tar.closeArchiveEntry();
    } else if (content instanceof Content.OfFile file) {
      copy(tar, t, e, text, file.file(), p.noFollow(), buffer);
    } else {
      t.setSize(0);
      put(tar, t, e, text);
      tar.closeArchiveEntry();
    }
  }

  /**
   * Writes the header of {@code t}: by the tar library when its xattr values are {@code text}; else
   * with a PAX extended header written here, since the library writes PAX values as UTF-8 text and
   * a binary value (a file capability) would not survive. That header holds the records the library
   * would have written ({@code path}, {@code linkpath}, {@code size}, {@code uid}, {@code gid},
   * {@code mtime}, device numbers: whichever the ustar fields cannot hold) and every xattr with its
   * bytes as they are, as GNU tar and Go's archive/tar write them; the ustar header that follows
   * then needs no PAX header of its own (one PAX header per entry: readers disagree on two).
   */
  private static void put(TarArchiveOutputStream tar, TarArchiveEntry t, LayerEntry e, boolean text)
      throws IOException {
    if (text) {
      tar.putArchiveEntry(t);
      return;
    }
    Map<String, byte[]> records = new LinkedHashMap<>();
    String name = t.getName();
    if (!plain(name)) {
      records.put("path", name.getBytes(StandardCharsets.UTF_8));
      t.setName(placeholder(name, t.isDirectory()));
    }
    String link = t.getLinkName();
    if (link != null && !link.isEmpty() && !plain(link)) {
      records.put("linkpath", link.getBytes(StandardCharsets.UTF_8));
      t.setLinkName(placeholder(link, false));
    }
    number(records, "size", t.getSize(), TarConstants.MAXSIZE);
    number(records, "uid", t.getLongUserId(), TarConstants.MAXID);
    number(records, "gid", t.getLongGroupId(), TarConstants.MAXID);
    Instant mtime = Objects.requireNonNull(e.mtime());
    long seconds = mtime.getEpochSecond();
    if (mtime.getNano() != 0 || seconds < 0 || seconds > TarConstants.MAXSIZE) {
      // As the library writes it: seconds and seven decimal places, rounded down.
      BigDecimal time =
          BigDecimal.valueOf(seconds)
              .add(
                  BigDecimal.valueOf(mtime.getNano())
                      .movePointLeft(9)
                      .setScale(7, RoundingMode.DOWN));
      records.put("mtime", time.toPlainString().getBytes(StandardCharsets.US_ASCII));
    }
    number(records, "SCHILY.devmajor", t.getDevMajor(), TarConstants.MAXID);
    number(records, "SCHILY.devminor", t.getDevMinor(), TarConstants.MAXID);
    for (Map.Entry<String, XattrValue> x : e.xattrs().entrySet()) {
      records.put("SCHILY.xattr." + x.getKey(), x.getValue().shared());
    }
    byte[] data = paxRecords(records);
    TarArchiveEntry pax =
        new TarArchiveEntry(
            placeholder("./PaxHeaders.X/" + name, false),
            TarConstants.LF_PAX_EXTENDED_HEADER_LC,
            false);
    pax.setLastModifiedTime(
        FileTime.from(
            Instant.ofEpochSecond(seconds < 0 || seconds > TarConstants.MAXSIZE ? 0 : seconds)));
    pax.setUserName("");
    pax.setGroupName("");
    pax.setSize(data.length);
    tar.putArchiveEntry(pax);
    tar.write(data);
    tar.closeArchiveEntry();
    // Numbers too big for octal go in base-256 (their PAX records above are what readers use),
    // so that the library adds no PAX header for them.
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_STAR);
    try {
      tar.putArchiveEntry(t);
    } finally {
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    }
  }

  /** Whether the tar library would write {@code name} without a PAX record: short ASCII. */
  private static boolean plain(String name) {
    return name.length() < TarConstants.NAMELEN
        && name.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
  }

  /**
   * What a ustar name field holds when a PAX record has the name: its ASCII characters ({@code _}
   * for the others), cut to fit, a directory's ending in {@code /}.
   */
  private static String placeholder(String name, boolean directory) {
    StringBuilder b = new StringBuilder();
    name.codePoints().forEach(c -> b.append(c >= 0x20 && c < 0x7f ? (char) c : '_'));
    int max = TarConstants.NAMELEN - 1;
    if (b.length() > max) {
      b.setLength(max);
      if (directory) {
        b.setCharAt(max - 1, '/');
      }
    }
    return b.toString();
  }

  private static void number(Map<String, byte[]> records, String key, long value, long max) {
    if (value < 0 || value > max) {
      records.put(key, Long.toString(value).getBytes(StandardCharsets.US_ASCII));
    }
  }

  /**
   * PAX records ({@code "LENGTH KEY=VALUE\n"}, POSIX pax "pax Extended Header"), values as they
   * are: LENGTH counts the whole record, its own digits included.
   */
  static byte[] paxRecords(Map<String, byte[]> records) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Map.Entry<String, byte[]> r : records.entrySet()) {
      byte[] key = r.getKey().getBytes(StandardCharsets.UTF_8);
      byte[] value = r.getValue();
      int rest = key.length + value.length + 3; // space, '=' and newline
      int digits = 1;
      while (Integer.toString(rest + digits).length() != digits) {
        digits++;
      }
      out.writeBytes(Integer.toString(rest + digits).getBytes(StandardCharsets.US_ASCII));
      out.write(' ');
      out.writeBytes(key);
      out.write('=');
      out.writeBytes(value);
      out.write('\n');
    }
    return out.toByteArray();
  }

  /**
   * Writes the entry with the content of {@code file}, of the size it has once open, failing if it
   * then gives fewer or more bytes.
   */
  private static void copy(
      TarArchiveOutputStream tar,
      TarArchiveEntry t,
      LayerEntry e,
      boolean text,
      Path file,
      boolean noFollow,
      byte[] buffer)
      throws IOException {
    Set<OpenOption> how =
        noFollow
            ? Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)
            : Set.of(StandardOpenOption.READ);
    try (FileChannel in = FileChannel.open(file, how)) {
      long size = in.size();
      t.setSize(size);
      put(tar, t, e, text);
      long left = size;
      ByteBuffer b = ByteBuffer.wrap(buffer);
      while (left > 0) {
        b.clear().limit((int) Math.min(buffer.length, left));
        int n = in.read(b);
        if (n < 0) {
          throw new IOException(
              file
                  + ": shrank while being written to the layer ("
                  + (size - left)
                  + " of the "
                  + size
                  + " bytes it had when opened)");
        }
        tar.write(buffer, 0, n);
        left -= n;
      }
      b.clear().limit(1);
      if (in.read(b) > 0) {
        throw new IOException(
            file
                + ": grew while being written to the layer (it had "
                + size
                + " bytes when opened)");
      }
      tar.closeArchiveEntry();
    }
  }
}
