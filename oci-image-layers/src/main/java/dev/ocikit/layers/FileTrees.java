package dev.ocikit.layers;

import dev.ocikit.layers.LayerEntry.Type;
import dev.ocikit.layers.internal.Rootfs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Reading a directory tree as layer entries: without following symbolic links, attributes from one
 * {@code lstat} ({@code unix:*}), user xattrs through {@link UserDefinedFileAttributeView}.
 *
 * <p>The JVM reads only the {@code user.*} xattrs namespace. File capabilities ({@code
 * security.capability}, which images need: {@code ping}, {@code newuidmap}) of executable files are
 * read with {@code getfattr} (Debian's {@code attr}), when it is installed ({@link Capabilities}):
 * the kernel uses them only when it executes a file; other {@code security.*} (SELinux labels, the
 * host's), {@code trusted.*} and {@code system.*} (POSIX ACLs) are not recorded. Xattrs are read
 * for regular files and directories only: opening a FIFO blocks and opening a device runs its
 * driver, and Linux allows no user xattrs on symbolic links.
 */
final class FileTrees {
  private FileTrees() {}

  private static final String ATTRIBUTES =
      "unix:mode,uid,gid,ino,dev,nlink,rdev,size,lastModifiedTime";

  /** A file's identity: hardlinked names share it (layer.md: "the same inode"). */
  record Inode(long dev, long ino) {}

  /**
   * A file of a tree as a layer records it.
   *
   * @param file where it is
   * @param path its clean path in the layer
   * @param inode its identity when it is a non-directory with more than one link; null otherwise
   */
  record Node(
      Path file,
      String path,
      Type type,
      int mode,
      long uid,
      long gid,
      Instant mtime,
      long size,
      String target,
      int major,
      int minor,
      @Nullable Inode inode,
      Map<String, XattrValue> xattrs) {

    /** This node with these xattrs. */
    Node withXattrs(Map<String, XattrValue> x) {
      return new Node(
          file, path, type, mode, uid, gid, mtime, size, target, major, minor, inode, x);
    }

    /** The entry that adds this file to a layer, its content read from the file when written. */
    LayerEntry entry() {
      return new LayerEntry(
          type,
          path,
          mode,
          uid,
          gid,
          mtime,
          xattrs,
          type == Type.SYMLINK ? target : "",
          type == Type.FILE ? new LayerEntry.Content.OfFile(file) : null,
          major,
          minor);
    }
  }

  /** The names in {@code dir}, sorted. */
  static List<Path> children(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      for (Path p : s) {
        out.add(p);
      }
    }
    out.sort(Comparator.comparing(p -> p.getFileName().toString()));
    return out;
  }

  /** {@code path} below {@code parent} in the layer; {@code parent} is "" for the root. */
  static String child(String parent, Path file) {
    String name = file.getFileName().toString();
    return parent.isEmpty() ? name : parent + "/" + name;
  }

  /**
   * Reads {@code file} as the layer path {@code path}; null (with a note) for what a layer cannot
   * hold: a socket, a name that is not valid text in the JVM's encoding.
   *
   * @throws IOException if it cannot be read, or its name begins with {@code .wh.}
   */
  static @Nullable Node read(Path file, String path, List<String> notes, boolean rootless)
      throws IOException {
    Map<String, Object> a = Files.readAttributes(file, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
    int mode = (Integer) a.get("mode");
    String name = path.substring(path.lastIndexOf('/') + 1);
    if (name.startsWith(".wh.")) {
      // layer.md: "it is not possible to create a filesystem which has a file or directory with a
      // name beginning with .wh.": in a layer, it would be a whiteout.
      throw new IOException(
          file + ": a name beginning with .wh. cannot be in a layer, where it is a whiteout");
    }
    if (name.indexOf('\uFFFD') >= 0) {
      notes.add(path + ": skipped (its name is not valid in the JVM's file name encoding)");
      return null;
    }
    Type type =
        switch (mode & 0170000) {
          case 0100000 -> Type.FILE;
          case 0040000 -> Type.DIRECTORY;
          case 0120000 -> Type.SYMLINK;
          case 0010000 -> Type.FIFO;
          case 0020000 -> Type.CHAR_DEVICE;
          case 0060000 -> Type.BLOCK_DEVICE;
          default -> null;
        };
    if (type == null) {
      notes.add(path + ": socket skipped (a tar archive cannot hold one)");
      return null;
    }
    long rdev = (Long) a.get("rdev");
    boolean device = type == Type.CHAR_DEVICE || type == Type.BLOCK_DEVICE;
    int nlink = (Integer) a.get("nlink");
    Inode inode =
        type != Type.DIRECTORY && nlink > 1
            ? new Inode((Long) a.get("dev"), (Long) a.get("ino"))
            : null;
    Map<String, XattrValue> xattrs =
        type == Type.FILE || type == Type.DIRECTORY ? xattrs(file, path, notes) : Map.of();
    long uid = (Integer) a.get("uid") & 0xffffffffL;
    long gid = (Integer) a.get("gid") & 0xffffffffL;
    XattrValue recorded = xattrs.get(RootlessOwner.XATTR);
    if (recorded != null) {
      // Bookkeeping of a rootless unpack on this host, not part of the image.
      Map<String, XattrValue> rest = new TreeMap<>(xattrs);
      rest.remove(RootlessOwner.XATTR);
      xattrs = rest;
    }
    if (rootless) {
      // The owner a rootless unpack could not give the file (umoci's and ocikit's) is the one it
      // recorded; without a record, this user stands for the image's root.
      RootlessOwner.Owner owner = recorded == null ? null : RootlessOwner.decode(recorded.shared());
      if (recorded != null && owner == null) {
        notes.add(path + ": xattr " + RootlessOwner.XATTR + " ignored (not an owner record)");
      }
      if (owner != null) {
        uid = owner.uid();
        gid = owner.gid();
      } else {
        uid = uid == LayerApplier.PROCESS_UID ? 0 : uid;
        gid = gid == LayerApplier.PROCESS_GID ? 0 : gid;
      }
    }
    return new Node(
        file,
        path,
        type,
        mode & 07777,
        uid,
        gid,
        ((FileTime) a.get("lastModifiedTime")).toInstant(),
        type == Type.FILE ? (Long) a.get("size") : 0,
        type == Type.SYMLINK ? Files.readSymbolicLink(file).toString() : "",
        device ? major(rdev) : 0,
        device ? minor(rdev) : 0,
        inode,
        xattrs);
  }

  /** The major number of a Linux {@code dev_t} (glibc's {@code gnu_dev_major}). */
  static int major(long rdev) {
    return (int) (((rdev >>> 32) & 0xfffff000L) | ((rdev >>> 8) & 0xfffL));
  }

  /** The minor number of a Linux {@code dev_t} (glibc's {@code gnu_dev_minor}). */
  static int minor(long rdev) {
    return (int) (((rdev >>> 12) & 0xffffff00L) | (rdev & 0xffL));
  }

  /** The {@code user.*} xattrs of a file or directory. */
  private static Map<String, XattrValue> xattrs(Path file, String path, List<String> notes)
      throws IOException {
    UserDefinedFileAttributeView view =
        Files.getFileAttributeView(
            file, UserDefinedFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    if (view == null) {
      return Map.of();
    }
    List<String> names;
    try {
      names = view.list();
    } catch (UnsupportedOperationException e) {
      return Map.of();
    }
    if (names.isEmpty()) {
      return Map.of();
    }
    Map<String, XattrValue> out = new TreeMap<>();
    for (String n : names) {
      if (n.indexOf('=') >= 0 || n.indexOf('\n') >= 0) {
        notes.add(path + ": xattr user." + n + " left out (a PAX record key cannot hold its name)");
        continue;
      }
      ByteBuffer value = ByteBuffer.allocate(view.size(n));
      view.read(n, value);
      byte[] bytes = new byte[value.flip().remaining()];
      value.get(bytes);
      if (bytes.length == 0) {
        notes.add(path + ": xattr user." + n + " left out (an empty PAX value means a deletion)");
      } else {
        out.put("user." + n, new XattrValue(bytes));
      }
    }
    return out;
  }

  /**
   * Every file under {@code root} (not {@code root} itself), parents before children, each given to
   * {@code sink} with its path below {@code at}.
   */
  static void walk(Path root, String at, NodeSink sink, List<String> notes, boolean rootless)
      throws IOException {
    for (Path child : children(root)) {
      Node n = read(child, child(at, child), notes, rootless);
      if (n == null) {
        continue;
      }
      sink.accept(n);
      if (n.type() == Type.DIRECTORY) {
        walk(child, n.path(), sink, notes, rootless);
      }
    }
  }

  /**
   * The {@code security.capability} xattrs of executable regular files, read by {@code getfattr}
   * (the JVM cannot read {@code security.*}); without {@code getfattr}, none.
   */
  static final class Capabilities {
    static final String XATTR = "security.capability";

    private final Process process;

    private Capabilities(Process process) {
      this.process = process;
    }

    /**
     * Whether the capabilities of {@code node} count: those of an executable regular file (the
     * kernel looks at a file's capabilities only when it executes it).
     */
    static boolean count(Node node) {
      return node.type() == Type.FILE && (node.mode() & 0111) != 0;
    }

    /**
     * The capabilities of {@code files} (the executables of a tree: the kernel looks at a file's
     * capabilities only when it executes it), read by getfattr runs of a few hundred files each;
     * empty without getfattr.
     */
    static Map<Path, byte[]> of(List<Path> files) throws IOException {
      Map<Path, byte[]> out = new java.util.HashMap<>();
      for (int i = 0; i < files.size(); i += 256) {
        List<String> args = new ArrayList<>(List.of("--"));
        for (Path f : files.subList(i, Math.min(files.size(), i + 256))) {
          args.add(f.toAbsolutePath().normalize().toString());
        }
        Process p = getfattr(args);
        if (p == null) {
          return Map.of();
        }
        out.putAll(new Capabilities(p).get());
      }
      return out;
    }

    private static @Nullable Process getfattr(List<String> args) {
      List<String> command =
          new ArrayList<>(
              List.of(
                  "getfattr",
                  "-h",
                  "-d",
                  "--absolute-names",
                  "-m",
                  "^security\\.capability$",
                  "-e",
                  "base64"));
      command.addAll(args);
      try {
        return new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
      } catch (IOException e) {
        return null; // no getfattr here
      }
    }

    /** The capabilities found, by absolute normalised path. */
    private Map<Path, byte[]> get() throws IOException {
      Map<Path, byte[]> out = new java.util.HashMap<>();
      try (java.io.BufferedReader r =
          new java.io.BufferedReader(
              new java.io.InputStreamReader(
                  process.getInputStream(), java.nio.charset.StandardCharsets.ISO_8859_1))) {
        Path file = null;
        for (String line; (line = r.readLine()) != null; ) {
          if (line.startsWith("# file: ")) {
            file = Path.of(unescape(line.substring("# file: ".length())));
          } else if (file != null && line.startsWith(XATTR + "=0s")) {
            out.put(
                file.toAbsolutePath().normalize(),
                java.util.Base64.getDecoder().decode(line.substring(XATTR.length() + 3)));
          }
        }
        process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted reading file capabilities");
      } catch (IllegalArgumentException e) {
        // output not as expected: no capabilities rather than wrong ones
        out.clear();
      } finally {
        process.destroy();
      }
      return out;
    }

    /**
     * The capability of {@code node} in {@code found} (read by {@link #of(List)}), or null when it
     * has none or its capabilities do not {@link #count}.
     */
    static byte @Nullable [] of(Node node, Map<Path, byte[]> found) {
      if (!count(node) || found.isEmpty()) {
        return null;
      }
      byte[] value = found.get(node.file().toAbsolutePath().normalize());
      return value == null || value.length == 0 ? null : value;
    }

    /** {@code node} with its capability in {@code found}, if it has one. */
    static Node apply(Node node, Map<Path, byte[]> found) {
      byte[] value = of(node, found);
      if (value == null) {
        return node;
      }
      Map<String, XattrValue> x = new TreeMap<>(node.xattrs());
      x.put(XATTR, new XattrValue(value));
      return node.withXattrs(x);
    }

    /** A path as getfattr prints it: {@code \ooo} for bytes it escapes; UTF-8 otherwise. */
    private static String unescape(String latin1) {
      java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
      for (int i = 0; i < latin1.length(); i++) {
        char c = latin1.charAt(i);
        if (c == '\\'
            && i + 3 < latin1.length()
            && isOctal(latin1.charAt(i + 1))
            && isOctal(latin1.charAt(i + 2))
            && isOctal(latin1.charAt(i + 3))) {
          b.write(Integer.parseInt(latin1.substring(i + 1, i + 4), 8));
          i += 3;
        } else {
          b.write(c);
        }
      }
      return b.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static boolean isOctal(char c) {
      return c >= '0' && c <= '7';
    }
  }

  /** Receives nodes. */
  interface NodeSink {
    void accept(Node node) throws IOException;
  }

  /** Whether this process runs as root (the owner of {@code /proc/self}, on Linux). */
  static boolean root() {
    try {
      return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * Removes the tree at {@code path}, following no link, first giving its owner write and search
   * permission on each directory (a rootless unpack may leave directories it cannot change).
   */
  static void delete(Path path) throws IOException {
    Rootfs.remove(path);
  }
}
