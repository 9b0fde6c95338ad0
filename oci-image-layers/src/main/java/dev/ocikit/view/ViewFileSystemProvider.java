package dev.ocikit.view;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.ReadOnlyFileSystemException;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileOwnerAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.spi.FileSystemProvider;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The provider of view file systems. It is not installed (one per view, reached through {@link
 * ImageView#fileSystem()} and its paths), so {@code Path.of(URI)} does not find it.
 */
final class ViewFileSystemProvider extends FileSystemProvider {
  static final String SCHEME = "ocikit-view";
  static final Set<String> VIEWS = Set.of("basic", "posix", "unix", "owner", "user");

  private static ViewPath check(Path path) {
    if (!(path instanceof ViewPath)) {
      throw new ProviderMismatchException();
    }
    return (ViewPath) path;
  }

  private static boolean follow(LinkOption... options) {
    return !Arrays.asList(options).contains(LinkOption.NOFOLLOW_LINKS);
  }

  /** The node at {@code path}, or NoSuchFileException. */
  private static Node node(Path path, boolean follow) throws IOException {
    ViewPath p = check(path);
    Node n = p.getFileSystem().view().lookup(p.toAbsolutePath().string(), follow);
    if (n == null) {
      throw new NoSuchFileException(p.toString());
    }
    return n;
  }

  @Override
  public String getScheme() {
    return SCHEME;
  }

  @Override
  public FileSystem newFileSystem(URI uri, Map<String, ?> env) {
    throw new UnsupportedOperationException("open an ImageView and use its fileSystem()");
  }

  @Override
  public FileSystem getFileSystem(URI uri) {
    throw new java.nio.file.FileSystemNotFoundException(
        "view file systems are reached through ImageView.fileSystem()");
  }

  @Override
  public Path getPath(URI uri) {
    throw new java.nio.file.FileSystemNotFoundException(
        "view file systems are reached through ImageView.fileSystem()");
  }

  /** A regular file's node, opened for reading only. */
  private static Node readable(Path path, Set<? extends OpenOption> options) throws IOException {
    boolean follow = true;
    for (OpenOption o : options) {
      if (o == StandardOpenOption.WRITE
          || o == StandardOpenOption.APPEND
          || o == StandardOpenOption.CREATE
          || o == StandardOpenOption.CREATE_NEW
          || o == StandardOpenOption.DELETE_ON_CLOSE
          || o == StandardOpenOption.TRUNCATE_EXISTING) {
        throw new ReadOnlyFileSystemException();
      }
      if (o == LinkOption.NOFOLLOW_LINKS) {
        follow = false;
      }
    }
    Node n = node(path, follow);
    if (n.type == Node.SYMLINK) {
      throw new FileSystemException(path.toString(), null, "Too many levels of symbolic links");
    }
    if (n.type != Node.FILE) {
      throw new FileSystemException(
          path.toString(), null, n.isDirectory() ? "Is a directory" : "not a regular file");
    }
    return n;
  }

  @Override
  public InputStream newInputStream(Path path, OpenOption... options) throws IOException {
    Node n = readable(path, Set.of(options));
    return ImageView.spillStream(check(path).getFileSystem().view().spill(), n);
  }

  @Override
  public SeekableByteChannel newByteChannel(
      Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
    Node n = readable(path, options);
    return new SpillChannel(check(path).getFileSystem().view().spill(), n);
  }

  @Override
  public DirectoryStream<Path> newDirectoryStream(
      Path dir, DirectoryStream.Filter<? super Path> filter) throws IOException {
    ViewPath p = check(dir);
    Node n = node(p, true);
    if (!n.isDirectory()) {
      throw new NotDirectoryException(p.toString());
    }
    List<Path> children = new ArrayList<>();
    for (String name : java.util.Objects.requireNonNull(n.children).keySet()) {
      Path child = p.resolve(name);
      if (filter.accept(child)) {
        children.add(child);
      }
    }
    return new DirectoryStream<>() {
      private boolean iterated;
      private boolean closed;

      @Override
      public Iterator<Path> iterator() {
        if (closed || iterated) {
          throw new IllegalStateException(closed ? "closed" : "iterator() already called");
        }
        iterated = true;
        Iterator<Path> it = children.iterator();
        return new Iterator<>() {
          @Override
          public boolean hasNext() {
            return !closed && it.hasNext();
          }

          @Override
          public Path next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            return it.next();
          }
        };
      }

      @Override
      public void close() {
        closed = true;
      }
    };
  }

  @Override
  public void createDirectory(Path dir, FileAttribute<?>... attrs) {
    throw new ReadOnlyFileSystemException();
  }

  @Override
  public void createSymbolicLink(Path link, Path target, FileAttribute<?>... attrs) {
    throw new ReadOnlyFileSystemException();
  }

  @Override
  public void createLink(Path link, Path existing) {
    throw new ReadOnlyFileSystemException();
  }

  @Override
  public void delete(Path path) {
    throw new ReadOnlyFileSystemException();
  }

  @Override
  public void copy(Path source, Path target, CopyOption... options) {
    throw new ReadOnlyFileSystemException();
  }

  @Override
  public void move(Path source, Path target, CopyOption... options) {
    throw new ReadOnlyFileSystemException();
  }

  @Override
  public Path readSymbolicLink(Path link) throws IOException {
    Node n = node(link, false);
    if (n.type != Node.SYMLINK) {
      throw new NotLinkException(link.toString());
    }
    return check(link).getFileSystem().getPath(java.util.Objects.requireNonNull(n.link));
  }

  @Override
  public boolean isSameFile(Path path, Path path2) throws IOException {
    if (path.equals(path2)) {
      return true;
    }
    if (!(path2 instanceof ViewPath)
        || check(path).getFileSystem() != ((ViewPath) path2).getFileSystem()) {
      return false;
    }
    return node(path, true).inode == node(path2, true).inode;
  }

  @Override
  public boolean isHidden(Path path) {
    Path name = check(path).getFileName();
    return name != null && name.toString().startsWith(".");
  }

  @Override
  public FileStore getFileStore(Path path) throws IOException {
    node(path, true);
    return check(path).getFileSystem().store();
  }

  @Override
  public void checkAccess(Path path, AccessMode... modes) throws IOException {
    node(path, true);
    for (AccessMode m : modes) {
      if (m == AccessMode.WRITE) {
        throw new AccessDeniedException(path.toString(), null, "read-only file system");
      }
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public <V extends FileAttributeView> @Nullable V getFileAttributeView(
      Path path, Class<V> type, LinkOption... options) {
    ViewPath p = check(path);
    boolean follow = follow(options);
    if (type == BasicFileAttributeView.class
        || type == PosixFileAttributeView.class
        || type == FileOwnerAttributeView.class) {
      return (V) new PosixView(p, follow);
    }
    if (type == UserDefinedFileAttributeView.class) {
      return (V) new UserView(p, follow);
    }
    return null;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <A extends BasicFileAttributes> A readAttributes(
      Path path, Class<A> type, LinkOption... options) throws IOException {
    if (type == BasicFileAttributes.class || type == PosixFileAttributes.class) {
      return (A) new Attributes(node(path, follow(options)));
    }
    throw new UnsupportedOperationException(type.getName() + " not supported");
  }

  @Override
  public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options)
      throws IOException {
    int colon = attributes.indexOf(':');
    String view = colon < 0 ? "basic" : attributes.substring(0, colon);
    String names = colon < 0 ? attributes : attributes.substring(colon + 1);
    if (!VIEWS.contains(view)) {
      throw new UnsupportedOperationException("view " + view + " not supported");
    }
    Node n = node(path, follow(options));
    Map<String, Object> all = new LinkedHashMap<>();
    if (view.equals("user")) {
      Map<String, byte[]> x = userXattrs(n);
      x.forEach((k, v) -> all.put(k, v.clone()));
    } else {
      Attributes a = new Attributes(n);
      if (!view.equals("owner")) {
        all.put("lastModifiedTime", a.lastModifiedTime());
        all.put("lastAccessTime", a.lastAccessTime());
        all.put("creationTime", a.creationTime());
        all.put("size", a.size());
        all.put("isRegularFile", a.isRegularFile());
        all.put("isDirectory", a.isDirectory());
        all.put("isSymbolicLink", a.isSymbolicLink());
        all.put("isOther", a.isOther());
        all.put("fileKey", a.fileKey());
      }
      if (!view.equals("basic")) {
        all.put("owner", a.owner());
      }
      if (view.equals("posix") || view.equals("unix")) {
        all.put("permissions", a.permissions());
        all.put("group", a.group());
      }
      if (view.equals("unix")) {
        all.put("mode", a.unixMode());
        all.put("ino", n.inode);
        all.put("dev", 0L);
        all.put("rdev", a.rdev());
        all.put("nlink", check(path).getFileSystem().view().links(n));
        all.put("uid", (int) n.uid);
        all.put("gid", (int) n.gid);
        all.put("ctime", a.lastModifiedTime());
      }
    }
    if (names.equals("*")) {
      return all;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (String name : names.split(",")) {
      if (name.equals("*")) {
        out.putAll(all);
      } else if (all.containsKey(name)) {
        out.put(name, all.get(name));
      } else if (!view.equals("user")) {
        throw new IllegalArgumentException("'" + name + "' not recognized");
      }
    }
    return out;
  }

  @Override
  public void setAttribute(Path path, String attribute, Object value, LinkOption... options) {
    throw new ReadOnlyFileSystemException();
  }

  /** The {@code user.} xattrs, names without the prefix, as Linux's user-defined view shows. */
  static Map<String, byte[]> userXattrs(Node n) {
    Map<String, byte[]> out = new LinkedHashMap<>();
    Map<String, byte[]> x = n.xattrs;
    if (x != null && n.type != Node.SYMLINK) {
      x.forEach(
          (k, v) -> {
            if (k.startsWith("user.")) {
              out.put(k.substring("user.".length()), v);
            }
          });
    }
    return out;
  }

  /** An entry's attributes, as {@code lstat} (or {@code stat}) gives them. */
  static final class Attributes implements PosixFileAttributes {
    private final Node n;

    Attributes(Node n) {
      this.n = n;
    }

    @Override
    public FileTime lastModifiedTime() {
      return FileTime.from(java.time.Instant.ofEpochSecond(n.mtimeSeconds, n.mtimeNanos));
    }

    @Override
    public FileTime lastAccessTime() {
      return lastModifiedTime();
    }

    @Override
    public FileTime creationTime() {
      return lastModifiedTime();
    }

    @Override
    public boolean isRegularFile() {
      return n.type == Node.FILE;
    }

    @Override
    public boolean isDirectory() {
      return n.type == Node.DIRECTORY;
    }

    @Override
    public boolean isSymbolicLink() {
      return n.type == Node.SYMLINK;
    }

    @Override
    public boolean isOther() {
      return n.type == Node.FIFO || n.type == Node.CHAR_DEVICE || n.type == Node.BLOCK_DEVICE;
    }

    /** A file's length, a link's target's length in bytes (as lstat), 0 for anything else. */
    @Override
    public long size() {
      if (n.type == Node.FILE) {
        return n.size;
      }
      if (n.type == Node.SYMLINK) {
        return java.util.Objects.requireNonNull(n.link).getBytes(StandardCharsets.UTF_8).length;
      }
      return 0;
    }

    @Override
    public Object fileKey() {
      return n.inode;
    }

    @Override
    public UserPrincipal owner() {
      return new Principals.User(Long.toString(n.uid));
    }

    @Override
    public GroupPrincipal group() {
      return new Principals.Group(Long.toString(n.gid));
    }

    @Override
    public Set<PosixFilePermission> permissions() {
      Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
      PosixFilePermission[] order = PosixFilePermission.values(); // OWNER_READ .. OTHERS_EXECUTE
      for (int i = 0; i < 9; i++) {
        if ((n.mode & (0400 >> i)) != 0) {
          perms.add(order[i]);
        }
      }
      return perms;
    }

    /** {@code st_mode}: the file type bits and the mode. */
    int unixMode() {
      int type =
          switch (n.type) {
            case Node.FILE -> 0100000;
            case Node.DIRECTORY -> 0040000;
            case Node.SYMLINK -> 0120000;
            case Node.FIFO -> 0010000;
            case Node.CHAR_DEVICE -> 0020000;
            default -> 0060000;
          };
      return type | (n.mode & 07777);
    }

    /** {@code st_rdev} as glibc's {@code makedev} encodes it. */
    long rdev() {
      if (n.type != Node.CHAR_DEVICE && n.type != Node.BLOCK_DEVICE) {
        return 0;
      }
      long major = n.devMajor & 0xffffffffL;
      long minor = n.devMinor & 0xffffffffL;
      return ((major & 0xfffff000L) << 32)
          | ((major & 0xfffL) << 8)
          | ((minor & 0xffffff00L) << 12)
          | (minor & 0xffL);
    }
  }

  /** The basic, POSIX and owner views: read-only. */
  private static final class PosixView implements PosixFileAttributeView {
    private final ViewPath path;
    private final boolean follow;

    PosixView(ViewPath path, boolean follow) {
      this.path = path;
      this.follow = follow;
    }

    @Override
    public String name() {
      return "posix";
    }

    @Override
    public PosixFileAttributes readAttributes() throws IOException {
      return new Attributes(node(path, follow));
    }

    @Override
    public void setTimes(
        @Nullable FileTime lastModifiedTime,
        @Nullable FileTime lastAccessTime,
        @Nullable FileTime createTime) {
      throw new ReadOnlyFileSystemException();
    }

    @Override
    public UserPrincipal getOwner() throws IOException {
      return readAttributes().owner();
    }

    @Override
    public void setOwner(UserPrincipal owner) {
      throw new ReadOnlyFileSystemException();
    }

    @Override
    public void setPermissions(Set<PosixFilePermission> perms) {
      throw new ReadOnlyFileSystemException();
    }

    @Override
    public void setGroup(GroupPrincipal group) {
      throw new ReadOnlyFileSystemException();
    }
  }

  /** The {@code user.} xattrs, read-only. */
  private static final class UserView implements UserDefinedFileAttributeView {
    private final ViewPath path;
    private final boolean follow;

    UserView(ViewPath path, boolean follow) {
      this.path = path;
      this.follow = follow;
    }

    @Override
    public String name() {
      return "user";
    }

    private byte[] value(String name) throws IOException {
      byte[] v = userXattrs(node(path, follow)).get(name);
      if (v == null) {
        throw new FileSystemException(path.toString(), null, "No data available (" + name + ")");
      }
      return v;
    }

    @Override
    public List<String> list() throws IOException {
      return new ArrayList<>(userXattrs(node(path, follow)).keySet());
    }

    @Override
    public int size(String name) throws IOException {
      return value(name).length;
    }

    @Override
    public int read(String name, ByteBuffer dst) throws IOException {
      byte[] v = value(name);
      if (dst.remaining() < v.length) {
        throw new IOException("Numerical result out of range (buffer too small for " + name + ")");
      }
      dst.put(v);
      return v.length;
    }

    @Override
    public int write(String name, ByteBuffer src) {
      throw new ReadOnlyFileSystemException();
    }

    @Override
    public void delete(String name) {
      throw new ReadOnlyFileSystemException();
    }
  }

  /** A file's content as a read-only channel of positioned reads of the spill cache. */
  static final class SpillChannel implements SeekableByteChannel {
    private final Spill spill;
    private final long offset;
    private final long size;
    private long position;
    private boolean open = true;

    SpillChannel(Spill spill, Node n) {
      this.spill = spill;
      this.offset = n.offset;
      this.size = n.size;
    }

    private void ensureOpen() throws IOException {
      if (!open) {
        throw new java.nio.channels.ClosedChannelException();
      }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      ensureOpen();
      if (position >= size) {
        return -1;
      }
      int want = (int) Math.min(dst.remaining(), size - position);
      if (want == 0) {
        return 0;
      }
      ByteBuffer slice = dst.slice();
      slice.limit(want);
      int n = spill.read(offset + position, slice);
      if (n < 0) {
        throw new IOException("the spill cache ends early");
      }
      dst.position(dst.position() + n);
      position += n;
      return n;
    }

    @Override
    public int write(ByteBuffer src) {
      throw new NonWritableChannelException();
    }

    @Override
    public long position() throws IOException {
      ensureOpen();
      return position;
    }

    @Override
    public SeekableByteChannel position(long newPosition) throws IOException {
      ensureOpen();
      if (newPosition < 0) {
        throw new IllegalArgumentException("negative position");
      }
      position = newPosition;
      return this;
    }

    @Override
    public long size() throws IOException {
      ensureOpen();
      return size;
    }

    @Override
    public SeekableByteChannel truncate(long size) {
      throw new NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
      return open;
    }

    @Override
    public void close() {
      open = false;
    }
  }
}
