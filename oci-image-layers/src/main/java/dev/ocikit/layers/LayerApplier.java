package dev.ocikit.layers;

import dev.ocikit.blob.BlobSource;
import dev.ocikit.digest.Digest;
import dev.ocikit.digest.DigestMismatchException;
import dev.ocikit.digest.SizeMismatchException;
import dev.ocikit.layers.internal.EntryNames;
import dev.ocikit.layers.internal.LayerReader;
import dev.ocikit.layers.internal.Rootfs;
import dev.ocikit.layout.internal.HeaderLimitedTarInputStream;
import dev.ocikit.model.Descriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.jspecify.annotations.Nullable;

/**
 * Applies a layer changeset to a directory (<a
 * href="https://github.com/opencontainers/image-spec/blob/main/layer.md#applying-changesets">layer.md,
 * "Applying Changesets"</a>), reading the blob once as a stream.
 *
 * <p>The path of the bytes: the blob, verified against its descriptor (size as it flows, digest at
 * its end) → decompression (gzip, zstd or none, as the media type says and the magic bytes confirm)
 * on one thread → the uncompressed tar, digested for the diff_id, read and applied on another.
 * After the end-of-archive marker the rest of both streams is drained, so that neither digest can
 * be skipped.
 *
 * <p>Changeset semantics: regular files, directories, symbolic links (kept as they are, absolute or
 * not, never followed while writing), hardlinks (to files of this or a lower layer; a hardlink to a
 * symlink links the symlink), FIFOs and devices (per {@link ApplyOptions.SpecialFiles}); a later
 * entry for a path wins; a non-directory replaces whatever is there. Whiteouts {@code .wh.NAME} and
 * opaque {@code .wh..wh..opq} hide only what lower layers put there, never what this layer adds,
 * whatever the order of entries; a bare {@code .wh.} is an error; a whiteout of a missing path is a
 * no-op; whiteouts never appear in the result.
 *
 * <p>Safety: every path is resolved inside the target one component at a time (see {@code Rootfs});
 * names that climb out with {@code ..}, and hardlinks to outside, are refused; absolute names are
 * taken relative to the target; metadata is set without following links. Directory modes and times
 * are set after their content.
 *
 * <p>Rootless ({@link ApplyOptions#rootless()}): files keep this user as owner, the owner each
 * entry asks for is recorded in {@code user.rootlesscontainers} (as umoci does), and what only a
 * privileged process may do (devices, {@code security.*} xattrs) is noted. An unprivileged process
 * cannot enter or fill a directory closed to its owner (0000, 0500, 0555), even its own, that a
 * lower layer left: rootless, {@link #apply} first opens such directories of the target to their
 * owner (a walk of the tree that follows no link) and gives them their modes again after the layer
 * (umoci opens them for each operation instead). {@link ImageUnpacker} keeps them open from the
 * first layer to the last, and walks no tree.
 */
public final class LayerApplier {
  private static final int CHUNK = 256 * 1024;

  /**
   * Files up to this size are written in the background; larger ones stream on the tar's thread.
   */
  private static final int BACKGROUND_FILE = CHUNK;

  /** Content waiting for the background writer, at most. */
  private static final long BACKGROUND_BYTES = 8L << 20;

  /** The unit in which a sparse file's zeros become holes: a file system block. */
  private static final int HOLE_BLOCK = 4096;

  private static final byte[] ZEROS = new byte[HOLE_BLOCK];

  private static final String WHITEOUT = EntryNames.WHITEOUT;
  private static final String OPAQUE = EntryNames.OPAQUE;
  private static final byte[] EOF = new byte[0];

  /** A directory made in a set-group-ID one: its group and mode are not this process's. */
  private static final int INHERITED = -2;

  /** The ids new files get (this process's, from /proc/self on Linux); -1 when unknown. */
  static final int PROCESS_UID = processId("unix:uid");

  static final int PROCESS_GID = processId("unix:gid");

  /** This process's umask (from /proc/self/status on Linux); -1 when unknown. */
  private static final int UMASK = umask();

  private static int umask() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Umask:")) {
          return Integer.parseInt(line.substring(6).trim(), 8);
        }
      }
    } catch (IOException | RuntimeException e) {
      // unknown: always chmod
    }
    return -1;
  }

  /** How a file is created: new, never an existing one, never through a link. */
  private static final Set<java.nio.file.OpenOption> CREATE_NEW =
      Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);

  /** The file attribute of each set of permission bits, made when first needed. */
  private static final java.nio.file.attribute.FileAttribute<?>[] CREATE_PERMISSIONS =
      new java.nio.file.attribute.FileAttribute<?>[01000];

  /** The permissions of {@code mode} as a file attribute for creating a file or directory. */
  private static java.nio.file.attribute.FileAttribute<?> createWith(int mode) {
    int bits = mode & 0777;
    java.nio.file.attribute.FileAttribute<?> a = CREATE_PERMISSIONS[bits];
    if (a == null) {
      // Immutable: threads that race here make equal ones.
      a = java.nio.file.attribute.PosixFilePermissions.asFileAttribute(permissions(bits));
      CREATE_PERMISSIONS[bits] = a;
    }
    return a;
  }

  private static java.util.Set<java.nio.file.attribute.PosixFilePermission> permissions(int mode) {
    java.util.Set<java.nio.file.attribute.PosixFilePermission> perms =
        java.util.EnumSet.noneOf(java.nio.file.attribute.PosixFilePermission.class);
    java.nio.file.attribute.PosixFilePermission[] order =
        java.nio.file.attribute.PosixFilePermission.values(); // OWNER_READ .. OTHERS_EXECUTE
    for (int i = 0; i < 9; i++) {
      if ((mode & (0400 >> i)) != 0) {
        perms.add(order[i]);
      }
    }
    return perms;
  }

  private static int processId(String attribute) {
    try {
      return (Integer) Files.getAttribute(Path.of("/proc/self"), attribute);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private final ApplyOptions options;
  private final ProgressListener listener;

  /** An applier with these options, reporting progress to {@code listener}. */
  public LayerApplier(ApplyOptions options, ProgressListener listener) {
    this.options = options;
    this.listener = listener;
  }

  /**
   * Rootless, the directories whose final mode denies their owner (this user) reading, writing or
   * searching, and that mode, while later layers of the same unpack still need to enter, fill or
   * empty them; null when modes are set at the end of each layer.
   */
  private @Nullable Map<Path, Integer> restrictive;

  /** The entries of {@code byPath}, deepest path first (children before their parents). */
  private static <V> List<Map.Entry<Path, V>> deepestFirst(Map<Path, V> byPath) {
    List<Map.Entry<Path, V>> out = new ArrayList<>(byPath.entrySet());
    out.sort(
        Comparator.comparingInt((Map.Entry<Path, V> e) -> e.getKey().getNameCount()).reversed());
    return out;
  }

  /**
   * Keeps directories open to this user until {@link #applyRestrictiveModes} when rootless: an
   * unprivileged process cannot enter a lower layer's 0500 directory or write into its 0555 one (a
   * privileged one can; umoci opens them for each operation). For {@link ImageUnpacker}.
   */
  LayerApplier deferRestrictiveModes() {
    if (options.rootless()) {
      restrictive = new LinkedHashMap<>();
    }
    return this;
  }

  /**
   * Gives the directories kept open their modes, deepest first, each only while it is still a
   * directory reached through directories of {@code target}.
   */
  void applyRestrictiveModes(Path target) throws IOException {
    if (restrictive != null) {
      close(target, restrictive);
    }
  }

  /** Gives the directories in {@code modes} (kept open) their modes again, and forgets them. */
  private static void close(Path target, Map<Path, Integer> modes) throws IOException {
    if (modes.isEmpty()) {
      return;
    }
    Rootfs rootfs = new Rootfs(target);
    Map<Path, Boolean> known = new HashMap<>();
    for (Map.Entry<Path, Integer> d : deepestFirst(modes)) {
      if (rootfs.isDirectoryInside(d.getKey(), known)) {
        Files.setAttribute(d.getKey(), "unix:mode", d.getValue(), LinkOption.NOFOLLOW_LINKS);
      }
    }
    modes.clear();
  }

  /** An applier with these options and no progress reports. */
  public LayerApplier(ApplyOptions options) {
    this(options, ProgressListener.NONE);
  }

  /**
   * Applies the layer {@code layer} of {@code source} to the directory {@code target}.
   *
   * @param diffId the layer's diff_id from the image config, checked against the uncompressed tar;
   *     null to compute it only
   * @throws DigestMismatchException if the blob or the uncompressed tar has another digest
   * @throws SizeMismatchException if the blob has another size
   * @throws LayerException if the content is not a tar, is unsafe, or passes a limit
   */
  public ApplyResult apply(
      BlobSource source, Descriptor layer, @Nullable Digest diffId, Path target)
      throws IOException {
    if (restrictive != null || !options.rootless() || PROCESS_UID == 0) {
      return apply(source, layer, diffId, target, restrictive);
    }
    // Rootless, on its own and unprivileged: the lower layers' closed directories are opened for
    // this layer (root enters and fills them whatever their modes).
    Map<Path, Integer> closed = Rootfs.openClosedDirectories(target);
    ApplyResult result;
    try {
      result = apply(source, layer, diffId, target, closed);
    } catch (IOException | RuntimeException | Error e) {
      try {
        close(target, closed);
      } catch (IOException | RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    close(target, closed);
    return result;
  }

  /**
   * Applies one layer; {@code restrictive}: the directories kept open to this user, with their
   * modes, which this layer's closed directories join (null: modes are set as they come).
   */
  private ApplyResult apply(
      BlobSource source,
      Descriptor layer,
      @Nullable Digest diffId,
      Path target,
      @Nullable Map<Path, Integer> restrictive)
      throws IOException {
    Rootfs rootfs = new Rootfs(target);
    boolean empty = Rootfs.children(rootfs.root()).isEmpty();
    try (Applier applier = new Applier(rootfs, layer.digest(), empty, restrictive)) {
      LayerReader.Result result =
          new LayerReader(options.maxUncompressedBytes(), options.maxEntries(), listener)
              .read(
                  source,
                  layer,
                  diffId,
                  new LayerReader.Handler() {
                    @Override
                    public void entry(TarArchiveEntry entry, InputStream content)
                        throws IOException {
                      applier.apply(entry, content);
                    }

                    @Override
                    public void note(String note) {
                      applier.notes.add(note);
                    }

                    @Override
                    public void end() throws IOException {
                      applier.finish();
                    }
                  });
      return new ApplyResult(
          result.diffId(),
          result.entries(),
          result.uncompressedBytes(),
          List.copyOf(applier.notes));
    }
  }

  /** The changeset semantics, entry by entry. */
  private final class Applier implements AutoCloseable {
    private final Rootfs rootfs;
    private final Digest layer;

    /** Paths (relative to the root, resolved) this layer created or wrote. */
    private final Set<String> added = new HashSet<>();

    /** Directories (relative to the root) that hold something this layer created or wrote. */
    private final Set<String> holders = new HashSet<>();

    /** Directories whose metadata is set at the end, after their content. */
    private final Map<Path, TarArchiveEntry> directories = new LinkedHashMap<>();

    /**
     * Directories this layer created, with the permission bits mkdir gave them (-1 when not known)
     * and this process's ids, or {@link #INHERITED} when a set-group-ID parent gave them its group
     * and that bit: the owner and mode of the others need setting at the end only when their entry
     * asks for others.
     */
    private final Map<Path, Integer> ours = new HashMap<>();

    private final List<String> notes = java.util.Collections.synchronizedList(new ArrayList<>());

    /** File content of large files passes through this, one buffer for the whole layer. */
    private final byte[] buffer = new byte[CHUNK];

    /** Whether the target was empty when this layer began: then only this layer put things. */
    private final boolean startedEmpty;

    /** New small files are written on a thread of their own, in order. */
    private final BackgroundWrites writes;

    /** The arrays that carry small files' content to {@link #writes}, reused. */
    private final BufferPool buffers = new BufferPool(BACKGROUND_FILE, BACKGROUND_BYTES / 4);

    /** Paths handed to {@link #writes} since the last {@link #sync()}. */
    private final Set<Path> pending = new HashSet<>();

    /** What a lookup that creates missing parents tells this applier. */
    private final Rootfs.Created creating =
        new Rootfs.Created() {
          @Override
          public void directory(Path path) throws IOException {
            createdDirectory(path);
          }

          @Override
          public boolean settle(Path path) throws IOException {
            return Applier.this.settle(path);
          }
        };

    /** The length of the root's path and its separator. */
    private final int rootPrefix;

    /**
     * Rootless, the directories kept open to this user, with their final modes (see {@link
     * LayerApplier#restrictive}); null when modes are set as they come.
     */
    private final @Nullable Map<Path, Integer> restrictive;

    Applier(
        Rootfs rootfs,
        Digest layer,
        boolean startedEmpty,
        @Nullable Map<Path, Integer> restrictive) {
      this.rootfs = rootfs;
      this.restrictive = restrictive;
      String root = rootfs.root().toString();
      this.rootPrefix = root.endsWith("/") ? root.length() : root.length() + 1;
      this.layer = layer;
      this.startedEmpty = startedEmpty;
      this.writes =
          new BackgroundWrites(
              "ocikit-write-" + layer.encoded().substring(0, 12), BACKGROUND_BYTES);
    }

    @Override
    public void close() {
      writes.close();
    }

    /** Waits for the background writes: before anything that removes, links or overwrites. */
    private void sync() throws IOException {
      if (!pending.isEmpty()) {
        writes.sync();
        pending.clear();
      }
    }

    /** Syncs when {@code path} is still to be written; whether it did. */
    private boolean settle(Path path) throws IOException {
      if (pending.contains(path)) {
        sync();
        return true;
      }
      return false;
    }

    /** A path under the root, relative to it ("a/b"); paths here are always under the root. */
    private String rel(Path p) {
      String s = p.toString();
      return s.length() > rootPrefix ? s.substring(rootPrefix) : "";
    }

    void apply(TarArchiveEntry entry, InputStream content) throws IOException {
      String name = entry.getName();
      if (name.length() > options.maxPathLength()) {
        throw new LayerLimitException(
            layer,
            name.length() > 80 ? name.substring(0, 80) + "..." : name,
            "a path longer than " + options.maxPathLength() + " characters");
      }
      List<String> components = EntryNames.clean(name);
      if (components == null) {
        throw new UnsafeEntryException(layer, name, "the path climbs out of the root with ..");
      }
      if (components.isEmpty()) {
        if (entry.isDirectory()) {
          directories.put(rootfs.root(), entry); // the root itself: its attributes
        } else {
          notes.add(name + ": an entry for the root that is not a directory, ignored");
        }
        return;
      }
      String base = components.get(components.size() - 1);
      if (base.startsWith(WHITEOUT)) {
        whiteout(entry, components, base);
        return;
      }
      Path parent = rootfs.parent(components, true, creating);
      Path path = parent.resolve(base);
      settle(path);
      if (entry.isDirectory()) {
        // mkdir first, and look only when something is there: one syscall for a new directory.
        if (!makeDirectory(path, entry.getMode(), parent)) {
          BasicFileAttributes existing = Rootfs.attributes(path);
          if (existing == null || !existing.isDirectory()) {
            replace(path);
            if (!makeDirectory(path, entry.getMode(), parent)) {
              throw new java.nio.file.FileAlreadyExistsException(path.toString());
            }
          }
        }
        directories.put(path, entry);
        markAdded(path);
        return;
      }
      if (entry.isLink()) {
        hardlink(entry, path);
        markAdded(path);
        return;
      }
      if (entry.isSymbolicLink()) {
        if (entry.getLinkName().isEmpty()) {
          throw new LayerException(layer, name, EntryNames.EMPTY_LINK);
        }
        try {
          Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
        } catch (java.nio.file.FileAlreadyExistsException e) {
          replace(path);
          Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
        }
        metadata(path, entry, true, ownedAsCreated(parent), false);
      } else if (entry.isFIFO() || entry.isCharacterDevice() || entry.isBlockDevice()) {
        replace(path);
        special(entry, path);
      } else if (entry.isFile()) {
        long size = LayerReader.contentSize(entry);
        if (size <= BACKGROUND_FILE && !entry.isSparse() && nothingAt(path)) {
          // A new small file where nothing is: written in the background, in order.
          int length = (int) size;
          byte[] data = buffers.take(length);
          if (content.readNBytes(data, 0, length) != length) {
            buffers.give(data);
            throw new LayerException(layer, name, "the tar ends inside this file");
          }
          boolean owned = ownedAsCreated(parent);
          pending.add(path);
          // Counted as the array it holds: the queue bounds the memory, not the content.
          writes.submit(() -> writeInBackground(path, entry, data, length, owned), data.length);
          markAdded(path);
          return;
        }
        sync();
        // Create first and remove only when something is there: one syscall less per new file.
        boolean modeSet;
        try {
          modeSet = write(path, content, size, entry.getMode(), entry.isSparse());
        } catch (java.nio.file.FileAlreadyExistsException e) {
          replace(path);
          modeSet = write(path, content, size, entry.getMode(), entry.isSparse());
        }
        metadata(path, entry, false, ownedAsCreated(parent), modeSet);
      } else {
        notes.add(name + ": tar entry type '" + (char) entry.getLinkFlag() + "' skipped");
        return;
      }
      markAdded(path);
    }

    /** Whether nothing is at {@code path}, without a lookup when the layer is the first. */
    private boolean nothingAt(Path path) throws IOException {
      return (startedEmpty && !added.contains(rel(path))) || Rootfs.attributes(path) == null;
    }

    private void writeInBackground(
        Path path, TarArchiveEntry entry, byte[] data, int length, boolean owned)
        throws IOException {
      try {
        boolean modeSet;
        try (FileChannel out = create(path, entry.getMode())) {
          ByteBuffer b = ByteBuffer.wrap(data, 0, length);
          while (b.hasRemaining()) {
            out.write(b);
          }
          modeSet = modeGivenAtCreation(entry.getMode());
        } finally {
          buffers.give(data);
        }
        metadata(path, entry, false, owned, modeSet);
      } catch (LayerException | InterruptedIOException e) {
        throw e;
      } catch (IOException | RuntimeException e) {
        LayerException wrapped =
            new LayerException(layer, entry.getName(), "cannot apply: " + LayerReader.message(e));
        wrapped.initCause(e);
        throw wrapped;
      }
    }

    private void createdDirectory(Path dir) throws IOException {
      Path parent = dir.getParent();
      ours.put(
          dir,
          parent == null || !ownedAsCreated(parent) ? INHERITED : UMASK < 0 ? -1 : 0777 & ~UMASK);
      markAdded(dir);
    }

    /**
     * Creates the directory of an entry, with its permissions when they let this process fill it
     * (the rest are set at the end); false when something is already there.
     */
    private boolean makeDirectory(Path path, int mode, Path parent) throws IOException {
      int perms = (mode & 0700) == 0700 ? mode & 0777 : 0777;
      try {
        if (perms == 0777) {
          Files.createDirectory(path);
        } else {
          Files.createDirectory(path, createWith(perms));
        }
      } catch (java.nio.file.FileAlreadyExistsException e) {
        return false;
      }
      // What mkdir gave it, when known: the umask applies, and a set-group-ID parent passes on its
      // group and that bit, so then the owner and the mode are set at the end as for any directory.
      ours.put(path, !ownedAsCreated(parent) ? INHERITED : UMASK < 0 ? -1 : perms & ~UMASK);
      return true;
    }

    /**
     * Whether what this process creates in {@code dir} gets this process's ids: always, unless the
     * directory has the set-group-ID bit, which gives new entries its group (and new directories
     * that bit). Directories this layer made never have it before the end.
     */
    private boolean ownedAsCreated(Path dir) throws IOException {
      Integer made = ours.get(dir);
      if (made != null) {
        return made != INHERITED;
      }
      Object mode = Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS);
      return mode instanceof Integer m && (m & 02000) == 0;
    }

    private void markAdded(Path path) {
      String r = rel(path);
      added.add(r);
      for (int i = r.lastIndexOf('/'); i > 0; i = r.lastIndexOf('/', i - 1)) {
        if (!holders.add(r.substring(0, i))) {
          break; // and so are its parents
        }
      }
    }

    private void whiteout(TarArchiveEntry entry, List<String> components, String base)
        throws IOException {
      sync();
      String name = entry.getName();
      if (base.equals(OPAQUE)) {
        Path dir = parentIfDirectory(components);
        if (dir != null) {
          for (Path child : Rootfs.children(dir)) {
            hideLower(child);
          }
        }
        return;
      }
      if (base.startsWith(WHITEOUT + WHITEOUT)) {
        notes.add(name + ": aufs metadata entry skipped");
        return;
      }
      String hidden = EntryNames.hidden(layer, name, base);
      Path dir = parentIfDirectory(components);
      if (dir != null) {
        hideLower(dir.resolve(hidden));
      }
    }

    /** The parent directory of a whiteout, or null when it is missing or not a directory. */
    private @Nullable Path parentIfDirectory(List<String> components) throws IOException {
      if (components.size() == 1) {
        return rootfs.root();
      }
      List<String> asDirectory = new ArrayList<>(components.subList(0, components.size() - 1));
      asDirectory.add("x");
      Path parent = rootfs.parent(asDirectory, false, d -> {});
      return parent;
    }

    /**
     * Removes what lower layers put at {@code path}: all of it when this layer did not write it or
     * anything in it; when this layer wrote a directory there, the lower content inside it; when
     * this layer wrote only inside the lower directory there, that directory and its lower content,
     * keeping what this layer wrote in a new directory.
     */
    private void hideLower(Path path) throws IOException {
      BasicFileAttributes a = Rootfs.attributes(path);
      if (a == null) {
        return;
      }
      String r = rel(path);
      boolean holder = a.isDirectory() && holders.contains(r);
      if (!added.contains(r) && !holder) {
        Rootfs.remove(path);
        directories.remove(path);
        ours.remove(path);
        forgetRestrictive(path);
        return;
      }
      if (a.isDirectory()) {
        for (Path child : Rootfs.children(path)) {
          hideLower(child);
        }
      }
      if (!added.contains(r)) {
        // layer.md: "Whiteout files MUST only apply to resources in lower/parent layers", and a
        // whiteout is applied "first ... regardless of the ordering in which the whiteout file was
        // encountered": the lower directory goes, attributes and all, and what this layer put in
        // it stays, in a directory made as a missing parent is.
        Rootfs.recreateDirectory(path);
        forgetRestrictive(path);
        added.add(r);
      }
    }

    private void hardlink(TarArchiveEntry entry, Path path) throws IOException {
      sync(); // its target may be a file still to be written
      String name = entry.getName();
      List<String> target = EntryNames.clean(entry.getLinkName());
      if (target == null || target.isEmpty()) {
        throw new UnsafeEntryException(
            layer, name, "a hardlink to \"" + entry.getLinkName() + "\", outside the root");
      }
      Path targetParent = rootfs.parent(target, false, d -> {});
      Path targetPath =
          targetParent == null ? null : targetParent.resolve(target.get(target.size() - 1));
      BasicFileAttributes a = targetPath == null ? null : Rootfs.attributes(targetPath);
      if (a == null) {
        throw new LayerException(
            layer, name, "a hardlink to \"" + entry.getLinkName() + "\", which does not exist");
      }
      if (a.isDirectory()) {
        throw new UnsafeEntryException(
            layer, name, "a hardlink to the directory \"" + entry.getLinkName() + "\"");
      }
      if (targetPath.equals(path)) {
        return;
      }
      Rootfs.remove(path);
      directories.remove(path);
      ours.remove(path);
      forgetRestrictive(path);
      Files.createLink(path, targetPath); // link(2) does not follow a symlink: it links the link
    }

    private void special(TarArchiveEntry entry, Path path) throws IOException {
      String name = entry.getName();
      if (options.specialFiles() == ApplyOptions.SpecialFiles.SKIP) {
        notes.add(name + ": " + kind(entry) + " skipped");
        return;
      }
      List<String> command = new ArrayList<>();
      String mode = Integer.toOctalString(entry.getMode() & 07777);
      if (entry.isFIFO()) {
        command.addAll(List.of("mkfifo", "-m", mode, path.toString()));
      } else {
        command.addAll(
            List.of(
                "mknod",
                "-m",
                mode,
                path.toString(),
                entry.isCharacterDevice() ? "c" : "b",
                Integer.toString(entry.getDevMajor()),
                Integer.toString(entry.getDevMinor())));
      }
      if (!run(command)) {
        if (options.specialFiles() == ApplyOptions.SpecialFiles.CREATE_OR_FAIL) {
          throw new LayerException(layer, name, "cannot create the " + kind(entry));
        }
        if (options.specialFiles() == ApplyOptions.SpecialFiles.CREATE_OR_PLACEHOLDER) {
          boolean modeSet = write(path, InputStream.nullInputStream(), 0, entry.getMode(), false);
          metadata(path, entry, false, true, modeSet);
          notes.add(name + ": " + kind(entry) + " made an empty file (cannot create it here)");
          return;
        }
        notes.add(name + ": " + kind(entry) + " skipped (cannot create it here)");
        return;
      }
      specialMetadata(path, entry);
    }

    /**
     * Owner, mode and times of a FIFO or device, without opening it (the JVM opens a file to set
     * its mode or times without following links, and opening a FIFO blocks until a writer comes,
     * opening a device runs its driver): lchown, chmod by path (it is the node just made, not a
     * link), and utimensat through {@code touch -h}.
     */
    private void specialMetadata(Path path, TarArchiveEntry entry) throws IOException {
      if (!options.rootless()) {
        Files.setAttribute(
            path, "unix:uid", (int) entry.getLongUserId(), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(
            path, "unix:gid", (int) entry.getLongGroupId(), LinkOption.NOFOLLOW_LINKS);
      }
      Files.setAttribute(path, "unix:mode", entry.getMode() & 07777);
      java.time.Instant mtime = entry.getLastModifiedTime().toInstant();
      String time =
          "@"
              + mtime.getEpochSecond()
              + "."
              + String.format(java.util.Locale.ROOT, "%09d", mtime.getNano());
      if (!run(List.of("touch", "-h", "-c", "-d", time, path.toString()))) {
        notes.add(entry.getName() + ": mtime not set (touch failed)");
      }
      if (entry.getExtraPaxHeaders().keySet().stream()
          .anyMatch(k -> k.startsWith("SCHILY.xattr."))) {
        notes.add(
            entry.getName() + ": xattrs not set (the JVM sets them only by opening the file)");
      }
    }

    /** Runs a command; whether it ran and exited 0. */
    private boolean run(List<String> command) throws InterruptedIOException {
      try {
        Process p =
            new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        return p.waitFor() == 0;
      } catch (IOException e) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted running " + command.get(0));
      }
    }

    private String kind(TarArchiveEntry e) {
      return e.isFIFO() ? "FIFO" : e.isCharacterDevice() ? "character device" : "block device";
    }

    /** Removes what is at {@code path} before an entry replaces it. */
    private void replace(Path path) throws IOException {
      sync();
      Rootfs.remove(path);
      directories.remove(path);
      ours.remove(path);
      forgetRestrictive(path);
    }

    /** A lower directory at or under {@code path} is gone: its deferred mode goes with it. */
    private void forgetRestrictive(Path path) {
      if (restrictive != null && !restrictive.isEmpty()) {
        restrictive.keySet().removeIf(p -> p.startsWith(path));
      }
    }

    /**
     * Writes a new file (never through an existing one) with the entry's permissions given at
     * creation; returns whether that already gives the file its mode (no special bits, and none
     * that the umask takes away), so that no chmod is needed.
     */
    private boolean write(Path path, InputStream content, long size, int mode, boolean sparse)
        throws IOException {
      try (FileChannel out = create(path, mode)) {
        long left = size;
        while (left > 0) {
          int n = content.read(buffer, 0, (int) Math.min(buffer.length, left));
          if (n < 0) {
            throw new LayerException(layer, rel(path), "the tar ends inside this file");
          }
          if (sparse) {
            writeSparse(out, size - left, n);
          } else {
            ByteBuffer b = ByteBuffer.wrap(buffer, 0, n);
            while (b.hasRemaining()) {
              out.write(b);
            }
          }
          left -= n;
        }
        if (sparse && size > 0 && out.size() < size) {
          // The file ends in a hole: its last byte gives it its size.
          out.write(ByteBuffer.allocate(1), size - 1);
        }
      }
      return modeGivenAtCreation(mode);
    }

    /**
     * Writes {@code n} bytes of {@link #buffer}, the content of a sparse file at {@code at},
     * leaving holes where whole blocks of it are zeros (as GNU tar extracts sparse files).
     */
    private void writeSparse(FileChannel out, long at, int n) throws IOException {
      int start = 0;
      while (start < n) {
        int end = Math.min(n, start + HOLE_BLOCK);
        if (!java.util.Arrays.equals(buffer, start, end, ZEROS, 0, end - start)) {
          ByteBuffer b = ByteBuffer.wrap(buffer, start, end - start);
          long position = at + start;
          while (b.hasRemaining()) {
            position += out.write(b, position);
          }
        }
        start = end;
      }
    }

    /** A new file (never an existing one, never through a link) with the entry's permissions. */
    private FileChannel create(Path path, int mode) throws IOException {
      return FileChannel.open(path, CREATE_NEW, createWith(mode));
    }

    /**
     * Whether creating a file with {@code mode}'s permissions gives it that mode: no special bits,
     * and none that the umask takes away; else a chmod follows.
     */
    private static boolean modeGivenAtCreation(int mode) {
      return UMASK >= 0 && (mode & 07000) == 0 && (mode & 0777 & UMASK) == 0;
    }

    /**
     * Owner, mode, xattrs and times, without following a link; {@code fresh} when this applier has
     * just created the file (so it has this process's owner).
     */
    private void metadata(
        Path path, TarArchiveEntry entry, boolean symlink, boolean fresh, boolean modeSet)
        throws IOException {
      if (!options.rootless()) {
        // chown first: it clears setuid and setgid bits, which chmod then sets. A file just
        // created already has this process's ids: skip what is already so (a syscall per file).
        int uid = (int) entry.getLongUserId();
        int gid = (int) entry.getLongGroupId();
        if (!fresh || uid != PROCESS_UID) {
          Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        }
        if (!fresh || gid != PROCESS_GID) {
          Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
        }
      }
      // chown clears setuid/setgid, so a chown above means the mode must be set again.
      boolean chowned =
          !options.rootless()
              && (!fresh
                  || (int) entry.getLongUserId() != PROCESS_UID
                  || (int) entry.getLongGroupId() != PROCESS_GID);
      // A file or directory here is not a link, nor can it become one meanwhile: a file was just
      // made by O_CREAT|O_EXCL|O_NOFOLLOW in a parent resolved inside the root, a directory has
      // just been checked to be one, reached through directories only, and the applier does
      // nothing else at this path or above it until this is done (background writes are synced
      // before anything is removed or replaced). So mode and times are set by path, which
      // saves the JVM's lstat and open per call; a symbolic link is never followed.
      LinkOption[] how = symlink ? new LinkOption[] {LinkOption.NOFOLLOW_LINKS} : new LinkOption[0];
      if (!symlink && (!modeSet || chowned)) {
        Files.setAttribute(path, "unix:mode", entry.getMode() & 07777, how);
      }
      xattrs(path, entry, symlink);
      if (options.rootless() && !symlink) {
        rootlessOwner(path, entry, fresh);
      }
      FileTime mtime = entry.getLastModifiedTime();
      Files.getFileAttributeView(path, BasicFileAttributeView.class, how)
          .setTimes(mtime, mtime, null);
    }

    /**
     * Rootless, the owner the entry asks for is kept in the {@code user.rootlesscontainers} xattr,
     * as umoci's rootless unpack keeps it (rootlesscontaine.rs: a protobuf {@code Resource} of
     * {@code uid} and {@code gid}, {@code 0xFFFFFFFF} for an id that is the container's root, which
     * is the unpacking user); none for {@code 0:0}. {@code ocikit pack} reads it back.
     */
    private void rootlessOwner(Path path, TarArchiveEntry entry, boolean fresh) throws IOException {
      byte[] value = RootlessOwner.encode(entry.getLongUserId(), entry.getLongGroupId());
      UserDefinedFileAttributeView view =
          Files.getFileAttributeView(path, UserDefinedFileAttributeView.class);
      if (value == null) {
        if (!fresh && view != null) {
          // A directory of a lower layer that this entry gives to root: its old record goes.
          try {
            view.delete(RootlessOwner.NAME);
          } catch (java.nio.file.FileSystemException e) {
            // it had none
          }
        }
        return;
      }
      if (view == null) {
        notes.add(entry.getName() + ": owner not recorded (no user xattrs here)");
        return;
      }
      try {
        writeUserXattr(path, view, RootlessOwner.NAME, value);
      } catch (java.nio.file.FileSystemException e) {
        notes.add(entry.getName() + ": owner not recorded (" + LayerReader.message(e) + ")");
      }
    }

    /**
     * Sets a {@code user.*} xattr. That takes write permission, which the owner of a read-only file
     * or directory lacks when unprivileged (umoci's rootless unpack then drops the xattr): it is
     * granted for the moment and taken back. The file is a regular file or directory of this
     * unpack, reached through directories only (see {@link #metadata}).
     */
    private void writeUserXattr(
        Path path, UserDefinedFileAttributeView view, String name, byte[] value)
        throws IOException {
      try {
        view.write(name, ByteBuffer.wrap(value));
      } catch (java.nio.file.FileSystemException e) {
        int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        if ((mode & 0200) != 0) {
          throw e;
        }
        Files.setAttribute(path, "unix:mode", (mode & 07777) | 0200);
        try {
          view.write(name, ByteBuffer.wrap(value));
        } finally {
          Files.setAttribute(path, "unix:mode", mode & 07777);
        }
      }
    }

    private void xattrs(Path path, TarArchiveEntry entry, boolean symlink) throws IOException {
      for (Map.Entry<String, byte[]> x : HeaderLimitedTarInputStream.xattrs(entry).entrySet()) {
        String xattr = x.getKey();
        if (options.rootless() && xattr.equals(RootlessOwner.XATTR)) {
          continue; // rootless, the owner in the header is recorded there instead
        }
        if (xattr.startsWith("user.") && !symlink) {
          UserDefinedFileAttributeView view =
              Files.getFileAttributeView(path, UserDefinedFileAttributeView.class);
          if (view == null) {
            notes.add(entry.getName() + ": xattr " + xattr + " not set (no support here)");
          } else {
            writeUserXattr(path, view, xattr.substring("user.".length()), x.getValue());
          }
          continue;
        }
        // The JVM sets only user.* xattrs, and only on what it can open: others (security.* --
        // file capabilities --, trusted.*) and those of symlinks through setfattr(1) of the attr
        // package, not following a link, when this process is privileged as umoci requires.
        if (options.rootless()
            || !run(
                List.of(
                    "setfattr",
                    "-h",
                    "-n",
                    xattr,
                    "-v",
                    "0s" + java.util.Base64.getEncoder().encodeToString(x.getValue()),
                    path.toString()))) {
          notes.add(
              entry.getName()
                  + ": xattr "
                  + xattr
                  + " not set ("
                  + (options.rootless()
                      ? "rootless"
                      : "the JVM sets only user.* on files, and setfattr failed or is missing")
                  + ")");
        }
      }
    }

    /** Directory metadata, deepest first, after all their content. */
    void finish() throws IOException {
      sync();
      List<Map.Entry<Path, TarArchiveEntry>> dirs = deepestFirst(directories);
      // A later entry may have replaced a directory's parent by a symbolic link, which a path
      // would follow out of the root: only directories still reached through directories count.
      Map<Path, Boolean> known = new HashMap<>();
      for (Map.Entry<Path, TarArchiveEntry> d : dirs) {
        if (rootfs.isDirectoryInside(d.getKey(), known)) {
          Integer made = ours.get(d.getKey());
          boolean fresh = made != null && made != INHERITED;
          int mode = d.getValue().getMode() & 07777;
          if (restrictive != null) {
            if ((mode & 0700) != 0700) {
              restrictive.put(d.getKey(), mode);
              mode |= 0700;
              d.getValue().setMode(mode);
            } else {
              restrictive.remove(d.getKey()); // a later layer's entry opened it
            }
          }
          metadata(d.getKey(), d.getValue(), false, fresh, fresh && made == mode);
        }
      }
    }
  }
}
