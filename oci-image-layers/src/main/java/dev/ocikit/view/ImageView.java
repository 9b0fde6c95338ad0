package dev.ocikit.view;

import dev.ocikit.digest.Digest;
import dev.ocikit.layers.ProgressListener;
import dev.ocikit.layers.internal.ImageConfigs;
import dev.ocikit.layers.internal.LayerReader;
import dev.ocikit.layout.ImageLayout;
import dev.ocikit.layout.ImageRef;
import dev.ocikit.layout.LayoutException;
import dev.ocikit.layout.internal.RangeInputStream;
import dev.ocikit.model.Descriptor;
import dev.ocikit.model.ImageConfig;
import dev.ocikit.model.Manifest;
import dev.ocikit.model.MediaType;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A merged, read-only view of an image's final filesystem: every layer applied in order (<a
 * href="https://github.com/opencontainers/image-spec/blob/main/layer.md#applying-changesets">layer.md,
 * "Applying Changesets"</a>), whiteouts honoured, without extracting anything to a directory.
 *
 * <p>{@link #open(ImageLayout, ImageRef, ViewOptions)} streams each layer blob once, verified as
 * {@code ocikit unpack} verifies it (the blob against its descriptor's digest and size, the
 * uncompressed tar against the config's diff_id), decompressing gzip, zstd or nothing, with the
 * unpacker's limits. The entries are applied to an in-memory index with exactly the rules of {@link
 * dev.ocikit.layers.LayerApplier}: a later entry for a path wins; a non-directory replaces whatever
 * is there; whiteouts {@code .wh.NAME} and opaque whiteouts {@code .wh..wh..opq} hide only what
 * lower layers put there, whatever the order of entries (layer.md, "Whiteouts"); hardlinks
 * (layer.md, "Hardlinks") to files of this or a lower layer share their target's content and
 * attributes; names are cleaned as the applier cleans them ({@code ./} and leading {@code /}
 * dropped, {@code ..} applied), symbolic links in parent paths followed inside the root, and unsafe
 * entries refused with the same {@link dev.ocikit.layers.LayerException}s, naming the layer and the
 * entry. A layer whose digest or diff_id does not match fails the open: nothing of it is ever
 * visible. The result is what an unpack run as root (umask 022) leaves on disk; directories made as
 * missing parents get mode {@code 0755}, owner 0:0 and mtime the epoch.
 *
 * <h2>Index and spill cache</h2>
 *
 * <p>The index is a tree of nodes in memory holding metadata only: type, mode, owner, mtime, link
 * target, xattrs, the layer that wrote it, and for a file the offset and length of its content in
 * the spill cache: about 120 bytes per entry plus its name and 40 bytes of its parent's sorted map,
 * and the entry's path in {@link LayerInfo#added()}. Measured on the 30,000-file benchmark image:
 * 13 MB of heap for its 42,301 entries, about 330 bytes each. The spill cache is one file, created
 * in {@link ViewOptions#spillDirectory()} (mode 0600) and unlinked from it at once on POSIX systems
 * (the open channel keeps it, so it vanishes even if the process dies), to which the content of
 * every regular file is appended while the layers stream: a read is a positioned read of that file,
 * with no decompression, from any number of threads. Content that later entries replace or hide
 * stays in the file as dead bytes: its size is the total of the image's file entries ({@link
 * #spillBytes()}), its live part {@link #liveBytes()}. {@link #close()} closes and so deletes it.
 * Opening costs what streaming the layers costs (reading, verifying, decompressing) plus writing
 * the files' content once; see {@code benchmarks/view-bench.sh}.
 *
 * <h2>Paths</h2>
 *
 * <p>Paths are {@code "/a/b"} or {@code "a/b"}, both from the image root; {@code .} and {@code ..}
 * are applied after symbolic links as a kernel does, {@code ..} staying at the root. {@link
 * #entry(String)} follows links in the parents only (as {@code lstat}); {@link #resolve(String)},
 * {@link #list(String)} and {@link #open(String)} also follow the last component, absolute targets
 * taken from the image root, at most 40 links per lookup (Linux's limit). {@link #fileSystem()}
 * offers all of this as a read-only {@link FileSystem}.
 *
 * <p>A view is immutable once open and safe to use from several threads.
 */
public final class ImageView implements Closeable {
  /** Links followed in one lookup at most, as Linux's {@code MAXSYMLINKS}. */
  static final int MAX_LINKS = 40;

  private final ImageRef image;
  private final ImageConfig config;
  private final Index index;
  private final List<LayerInfo> layers;
  private final ViewFileSystem fileSystem;
  private final long liveBytes;
  private final long entryCount;

  /** The number of names of each inode that has several (hardlinks). */
  private final Map<Long, Integer> links;

  private volatile boolean closed;

  private ImageView(ImageRef image, ImageConfig config, Index index, List<LayerInfo> layers) {
    this.image = image;
    this.config = config;
    this.index = index;
    this.layers = List.copyOf(layers);
    long[] live = new long[2];
    Map<Long, Integer> inodes = new java.util.HashMap<>();
    count(index.root, live, inodes);
    inodes.values().removeIf(c -> c == 1);
    this.links = inodes;
    this.liveBytes = live[0];
    this.entryCount = live[1];
    this.fileSystem = new ViewFileSystem(this);
  }

  private static void count(Node root, long[] live, Map<Long, Integer> inodes) {
    Deque<Node> todo = new ArrayDeque<>();
    todo.push(root);
    while (!todo.isEmpty()) {
      Node n = todo.pop();
      live[1]++;
      if (!n.isDirectory() && inodes.merge(n.inode, 1, Integer::sum) == 1 && n.type == Node.FILE) {
        live[0] += n.size;
      }
      if (n.children != null) {
        n.children.values().forEach(todo::push);
      }
    }
  }

  /**
   * Opens a view of {@code image} of {@code layout} with {@link ViewOptions#DEFAULT}.
   *
   * @see #open(ImageLayout, ImageRef, ViewOptions)
   */
  public static ImageView open(ImageLayout layout, ImageRef image) throws IOException {
    return open(layout, image, ViewOptions.DEFAULT);
  }

  /**
   * Opens a view of {@code image} of {@code layout}: reads its config, then streams each layer
   * once, base first, verified against its descriptor and its diff_id, into the index and the spill
   * cache.
   *
   * @throws LayoutException if the config is not an image config or does not fit the manifest
   * @throws dev.ocikit.digest.DigestMismatchException if a layer blob or its uncompressed tar has
   *     another digest
   * @throws dev.ocikit.layers.LayerException if a layer is not a tar, is unsafe or passes a limit,
   *     naming the layer and the entry
   */
  public static ImageView open(ImageLayout layout, ImageRef image, ViewOptions options)
      throws IOException {
    Manifest manifest = image.manifest().value();
    if (!MediaType.isImageConfig(manifest.config().mediaType())) {
      throw new LayoutException(
          layout.location(),
          "config "
              + manifest.config().digest()
              + " has the media type "
              + manifest.config().mediaType()
              + ", not an image config's");
    }
    ImageConfig config = ImageConfigs.read(layout, manifest).value();
    List<Digest> diffIds = config.rootfs().diffIds();
    List<Descriptor> blobs = manifest.layers();
    for (Descriptor blob : blobs) {
      LayerReader.requireLayerType(blob); // as the unpack, before any is read
    }
    Spill spill = new Spill(options.spillDirectory());
    try {
      Index index = new Index(spill);
      LayerReader reader =
          new LayerReader(
              options.maxUncompressedBytes(), options.maxEntries(), ProgressListener.NONE);
      List<LayerInfo> infos = new ArrayList<>();
      for (int i = 0; i < blobs.size(); i++) {
        Descriptor blob = blobs.get(i);
        Index.Layer layer = index.new Layer(i, blob.digest());
        LayerReader.Result result = reader.read(layout, blob, diffIds.get(i), layer);
        infos.add(
            new LayerInfo(
                i,
                blob,
                result.diffId(),
                result.uncompressedBytes(),
                layer.added(),
                layer.deleted()));
      }
      return new ImageView(image, config, index, infos);
    } catch (IOException | RuntimeException | Error e) {
      try {
        spill.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** The image this is a view of. */
  public ImageRef image() {
    return image;
  }

  /** The image's config. */
  public ImageConfig config() {
    return config;
  }

  /**
   * The view as a read-only file system: root {@code /}, {@code Files.walk}, {@code
   * Files.readString}, {@code Files.readAttributes} (basic, posix, {@code unix:*}), {@code
   * Files.readSymbolicLink}, {@code Files.newDirectoryStream} and the like work; anything that
   * writes throws {@link java.nio.file.ReadOnlyFileSystemException}. Closing it closes this view.
   */
  public FileSystem fileSystem() {
    return fileSystem;
  }

  /** The root directory of {@link #fileSystem()}: {@code fileSystem().getPath("/")}. */
  public Path root() {
    return fileSystem.getPath("/");
  }

  /**
   * The entry at {@code path}, as {@code lstat} sees it: symbolic links in the parents are
   * followed, the last component is not.
   *
   * @throws UncheckedIOException wrapping a {@link FileSystemException} when more than 40 links are
   *     met
   */
  public Optional<ViewEntry> entry(String path) {
    return lookupUnchecked(path, false);
  }

  /**
   * The entry at {@code path} with every symbolic link followed inside the image, the last one
   * included: absolute targets from the image root, {@code ..} staying at the root; empty when a
   * link dangles.
   *
   * @throws UncheckedIOException wrapping a {@link FileSystemException} when more than 40 links are
   *     met (a loop)
   */
  public Optional<ViewEntry> resolve(String path) {
    return lookupUnchecked(path, true);
  }

  private Optional<ViewEntry> lookupUnchecked(String path, boolean followLast) {
    try {
      Node n = lookup(path, followLast);
      return n == null ? Optional.empty() : Optional.of(entryOf(n));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The entries of the directory {@code directory} (links followed), sorted by name in Unicode code
   * point order (the UTF-8 byte order of tar names).
   *
   * @throws NoSuchFileException if there is nothing at {@code directory}
   * @throws NotDirectoryException if it is not a directory
   */
  public List<ViewEntry> list(String directory) throws IOException {
    Node n = lookup(directory, true);
    if (n == null) {
      throw new NoSuchFileException(directory);
    }
    if (!n.isDirectory()) {
      throw new NotDirectoryException(directory);
    }
    List<ViewEntry> out = new ArrayList<>();
    for (Node c : Objects.requireNonNull(n.children).values()) {
      out.add(entryOf(c));
    }
    return out;
  }

  /**
   * The content of the regular file at {@code path} (links followed), read from the spill cache.
   *
   * @throws NoSuchFileException if there is nothing at {@code path}
   * @throws FileSystemException if it is not a regular file, or links loop
   */
  public InputStream open(String path) throws IOException {
    return spillStream(index.spill, file(path));
  }

  /**
   * The whole content of the regular file at {@code path} (links followed).
   *
   * @throws NoSuchFileException if there is nothing at {@code path}
   * @throws FileSystemException if it is not a regular file, or links loop
   */
  public byte[] readAllBytes(String path) throws IOException {
    return readAll(file(path));
  }

  /**
   * The layer that last wrote the entry at {@code path} (as {@link #entry(String)} finds it,
   * without following the last link); empty when there is no entry, or for a root no layer
   * described.
   *
   * @throws UncheckedIOException wrapping a {@link FileSystemException} when more than 40 links are
   *     met
   */
  public Optional<LayerInfo> layerOf(String path) {
    return entry(path).filter(e -> e.layer() >= 0).map(e -> layers.get(e.layer()));
  }

  /** The layers, base first, with what each added and deleted. */
  public List<LayerInfo> layers() {
    return layers;
  }

  /**
   * The size of the spill cache on disk: the content of every regular file entry of every layer,
   * those hidden or replaced since included.
   */
  public long spillBytes() {
    return index.spill.size();
  }

  /** The content of the files in the final filesystem, each hardlinked content once. */
  public long liveBytes() {
    return liveBytes;
  }

  /** The number of entries in the final filesystem, the root included. */
  public long entryCount() {
    return entryCount;
  }

  /** Closes the view and deletes its spill cache; reads then fail. */
  @Override
  public void close() throws IOException {
    closed = true;
    index.spill.close();
  }

  boolean isOpen() {
    return !closed;
  }

  // ---- for the file system

  Node rootNode() {
    return index.root;
  }

  Node file(String path) throws IOException {
    Node n = lookup(path, true);
    if (n == null) {
      throw new NoSuchFileException(path);
    }
    if (n.type != Node.FILE) {
      throw new FileSystemException(
          path, null, n.isDirectory() ? "Is a directory" : "not a regular file");
    }
    return n;
  }

  byte[] readAll(Node n) throws IOException {
    if (n.size > Integer.MAX_VALUE - 16) {
      throw new IOException(n.path() + " is too large for an array (" + n.size + " bytes)");
    }
    byte[] out = new byte[(int) n.size];
    ByteBuffer b = ByteBuffer.wrap(out);
    while (b.hasRemaining()) {
      if (index.spill.read(n.offset + b.position(), b) < 0) {
        throw new IOException("the spill cache ends early");
      }
    }
    return out;
  }

  /** {@code st_nlink}: names of a non-directory; 2 plus subdirectories for a directory. */
  int links(Node n) {
    if (n.isDirectory()) {
      int subdirectories = 0;
      for (Node c : Objects.requireNonNull(n.children).values()) {
        if (c.isDirectory()) {
          subdirectories++;
        }
      }
      return 2 + subdirectories;
    }
    return links.getOrDefault(n.inode, 1);
  }

  Spill spill() {
    return index.spill;
  }

  /**
   * The node at {@code path}: links in parents followed, the last one when {@code followLast}; null
   * when something is missing or a parent is not a directory.
   *
   * @throws FileSystemException when more than {@link #MAX_LINKS} links are met
   */
  @Nullable Node lookup(String path, boolean followLast) throws IOException {
    if (closed) {
      throw new java.nio.file.ClosedFileSystemException();
    }
    Deque<String> todo = new ArrayDeque<>();
    for (String c : path.split("/")) {
      if (!c.isEmpty()) {
        todo.add(c);
      }
    }
    Node root = index.root;
    Node at = root;
    int links = 0;
    while (!todo.isEmpty()) {
      String c = todo.pollFirst();
      if (!at.isDirectory()) {
        return null; // ENOTDIR
      }
      if (c.equals(".")) {
        continue;
      }
      if (c.equals("..")) {
        Node up = at.parent;
        at = up == null ? root : up;
        continue;
      }
      Node next = at.child(c);
      if (next == null) {
        return null;
      }
      if (next.type == Node.SYMLINK && (followLast || !todo.isEmpty())) {
        if (++links > MAX_LINKS) {
          throw new FileSystemException(path, null, "Too many levels of symbolic links");
        }
        String target = Objects.requireNonNull(next.link);
        if (target.startsWith("/")) {
          at = root;
        }
        String[] parts = target.split("/");
        for (int i = parts.length - 1; i >= 0; i--) {
          if (!parts[i].isEmpty()) {
            todo.addFirst(parts[i]);
          }
        }
        continue;
      }
      at = next;
    }
    return at;
  }

  static ViewEntry entryOf(Node n) {
    Map<String, byte[]> x = n.xattrs;
    return new ViewEntry(
        n.path(),
        typeOf(n),
        n.mode,
        n.uid,
        n.gid,
        n.type == Node.FILE ? n.size : 0,
        Instant.ofEpochSecond(n.mtimeSeconds, n.mtimeNanos),
        n.link,
        x == null ? Map.of() : x,
        n.layer);
  }

  static ViewEntry.Type typeOf(Node n) {
    return switch (n.type) {
      case Node.FILE -> ViewEntry.Type.FILE;
      case Node.DIRECTORY -> ViewEntry.Type.DIRECTORY;
      case Node.SYMLINK -> ViewEntry.Type.SYMLINK;
      case Node.FIFO -> ViewEntry.Type.FIFO;
      case Node.CHAR_DEVICE -> ViewEntry.Type.CHAR_DEVICE;
      default -> ViewEntry.Type.BLOCK_DEVICE;
    };
  }

  /** A file's content as a stream of positioned reads of the spill cache. */
  static InputStream spillStream(Spill spill, Node file) {
    return new RangeInputStream(
        spill::read,
        file.offset,
        file.size,
        position -> new IOException("the spill cache ends early"));
  }
}
