package dev.ocikit.layers;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * A snapshot of a directory tree, taken without following links and without opening anything but
 * regular files and directories: for each path, its type, permission bits (setuid, setgid and
 * sticky included), owner, size and SHA-256 of a file's content, a symlink's target, a device's
 * numbers, its hardlink group (the paths that share its inode), its user xattrs and its mtime.
 */
public final class Tree {
  /** What a path is, from the file-type bits of its {@code unix:mode}. */
  public enum Type {
    FILE,
    DIRECTORY,
    SYMLINK,
    FIFO,
    CHAR_DEVICE,
    BLOCK_DEVICE,
    SOCKET;

    static Type of(int mode) {
      return switch (mode & 0170000) {
        case 0100000 -> FILE;
        case 0040000 -> DIRECTORY;
        case 0120000 -> SYMLINK;
        case 0010000 -> FIFO;
        case 0020000 -> CHAR_DEVICE;
        case 0060000 -> BLOCK_DEVICE;
        case 0140000 -> SOCKET;
        default -> throw new IllegalArgumentException("mode " + Integer.toOctalString(mode));
      };
    }
  }

  /**
   * One path: {@code size} and {@code sha256} for files only, {@code target} for symlinks only,
   * {@code rdev} for devices only, {@code hardlinks} the sorted paths sharing the inode of a
   * non-directory when there are several (empty otherwise).
   */
  public record Node(
      Type type,
      int mode,
      int uid,
      int gid,
      long size,
      String sha256,
      String target,
      long rdev,
      List<String> hardlinks,
      Map<String, String> xattrs,
      FileTime mtime) {
    public Node {
      hardlinks = List.copyOf(hardlinks);
      xattrs = Map.copyOf(new TreeMap<>(xattrs));
    }

    public Node withOwnerAndMode(int uid, int gid, int mode) {
      return new Node(type, mode, uid, gid, size, sha256, target, rdev, hardlinks, xattrs, mtime);
    }

    public Node withXattrs(Map<String, String> xattrs) {
      return new Node(type, mode, uid, gid, size, sha256, target, rdev, hardlinks, xattrs, mtime);
    }

    public Node withMtime(FileTime mtime) {
      return new Node(type, mode, uid, gid, size, sha256, target, rdev, hardlinks, xattrs, mtime);
    }

    @Override
    public String toString() {
      StringBuilder s =
          new StringBuilder()
              .append(type.name().toLowerCase(java.util.Locale.ROOT))
              .append(' ')
              .append(String.format("%04o", mode))
              .append(' ')
              .append(uid)
              .append(':')
              .append(gid);
      if (type == Type.FILE) {
        s.append(' ').append(size).append(" bytes sha256:").append(sha256, 0, 12);
      }
      if (type == Type.SYMLINK) {
        s.append(" -> ").append(target);
      }
      if (type == Type.CHAR_DEVICE || type == Type.BLOCK_DEVICE) {
        s.append(" rdev ").append(Long.toHexString(rdev));
      }
      if (!hardlinks.isEmpty()) {
        s.append(" links ").append(hardlinks);
      }
      if (!xattrs.isEmpty()) {
        s.append(" xattrs ").append(new TreeMap<>(xattrs));
      }
      return s.append(" mtime ").append(mtime).toString();
    }
  }

  private final TreeMap<String, Node> nodes;

  private Tree(TreeMap<String, Node> nodes) {
    this.nodes = nodes;
  }

  /** The tree under {@code root}; its paths are relative, with {@code .} for the root. */
  public static Tree of(Path root) throws IOException {
    TreeMap<String, Node> nodes = new TreeMap<>();
    Map<String, List<String>> byInode = new TreeMap<>();
    Map<String, String> inodeOf = new TreeMap<>();
    walk(root, ".", nodes, byInode, inodeOf);
    for (Map.Entry<String, String> e : inodeOf.entrySet()) {
      List<String> group = byInode.get(e.getValue());
      if (group.size() > 1) {
        Node n = nodes.get(e.getKey());
        nodes.put(
            e.getKey(),
            new Node(
                n.type(),
                n.mode(),
                n.uid(),
                n.gid(),
                n.size(),
                n.sha256(),
                n.target(),
                n.rdev(),
                new ArrayList<>(new TreeSet<>(group)),
                n.xattrs(),
                n.mtime()));
      }
    }
    return new Tree(nodes);
  }

  private static void walk(
      Path path,
      String name,
      Map<String, Node> nodes,
      Map<String, List<String>> byInode,
      Map<String, String> inodeOf)
      throws IOException {
    Map<String, Object> a = Files.readAttributes(path, "unix:*", LinkOption.NOFOLLOW_LINKS);
    int mode = (Integer) a.get("mode");
    Type type = Type.of(mode);
    long size = 0;
    String sha256 = "";
    String target = "";
    long rdev = 0;
    Map<String, String> xattrs = Map.of();
    switch (type) {
      case FILE -> {
        size = (Long) a.get("size");
        sha256 = sha256(path);
        xattrs = xattrs(path);
      }
      case DIRECTORY -> xattrs = xattrs(path);
      case SYMLINK -> target = Files.readSymbolicLink(path).toString();
      case CHAR_DEVICE, BLOCK_DEVICE -> rdev = (Long) a.get("rdev");
      default -> {
        // a FIFO or a socket: opening it could block
      }
    }
    nodes.put(
        name,
        new Node(
            type,
            mode & 07777,
            (Integer) a.get("uid"),
            (Integer) a.get("gid"),
            size,
            sha256,
            target,
            rdev,
            List.of(),
            xattrs,
            (FileTime) a.get("lastModifiedTime")));
    if (type != Type.DIRECTORY) {
      String inode = a.get("dev") + ":" + a.get("ino");
      byInode.computeIfAbsent(inode, k -> new ArrayList<>()).add(name);
      inodeOf.put(name, inode);
      return;
    }
    List<Path> children = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(path)) {
      s.forEach(children::add);
    }
    for (Path child : children) {
      String childName = child.getFileName().toString();
      walk(child, name.equals(".") ? childName : name + "/" + childName, nodes, byInode, inodeOf);
    }
  }

  private static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) > 0; ) {
        md.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The user xattrs of a file or directory, values as UTF-8 text when they are, else hex. */
  private static Map<String, String> xattrs(Path path) throws IOException {
    UserDefinedFileAttributeView view =
        Files.getFileAttributeView(
            path, UserDefinedFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    Map<String, String> out = new TreeMap<>();
    if (view == null) {
      return out;
    }
    for (String name : view.list()) {
      ByteBuffer value = ByteBuffer.allocate(view.size(name));
      view.read(name, value);
      value.flip();
      String text;
      try {
        text =
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .decode(value.duplicate())
                .toString();
      } catch (CharacterCodingException e) {
        byte[] bytes = new byte[value.remaining()];
        value.get(bytes);
        text = "hex:" + HexFormat.of().formatHex(bytes);
      }
      out.put("user." + name, text);
    }
    return out;
  }

  /** The paths and what is there, sorted by path. */
  public Map<String, Node> nodes() {
    return java.util.Collections.unmodifiableMap(nodes);
  }

  /** What is at {@code path}; fails when nothing is. */
  public Node node(String path) {
    return Objects.requireNonNull(nodes.get(path), () -> "no " + path + " in the tree");
  }

  /** This tree with the node at {@code path} changed. */
  public Tree with(String path, UnaryOperator<Node> change) {
    TreeMap<String, Node> copy = new TreeMap<>(nodes);
    copy.put(path, change.apply(node(path)));
    return new Tree(copy);
  }

  /** This tree without the node at {@code path} (and nothing else). */
  public Tree without(String path) {
    TreeMap<String, Node> copy = new TreeMap<>(nodes);
    copy.remove(path);
    return new Tree(copy);
  }

  /** This tree with every node but the root ({@code .}) changed by {@code change}. */
  public Tree mapBelowRoot(UnaryOperator<Node> change) {
    TreeMap<String, Node> copy = new TreeMap<>();
    nodes.forEach((path, n) -> copy.put(path, path.equals(".") ? n : change.apply(n)));
    return new Tree(copy);
  }

  /**
   * This tree of a rootless unpack as the image has it: each owner the one kept in the {@code
   * user.rootlesscontainers} xattr, or {@code 0:0} (the unpacking user is the image's root), and
   * that xattr gone. Symbolic links cannot carry it (Linux has no user xattrs on them).
   */
  public Tree withRecordedOwners() {
    TreeMap<String, Node> copy = new TreeMap<>();
    nodes.forEach(
        (path, n) -> {
          Map<String, String> x = new TreeMap<>(n.xattrs());
          String recorded = x.remove(RootlessOwner.XATTR);
          long uid = 0;
          long gid = 0;
          if (recorded != null) {
            byte[] bytes =
                recorded.startsWith("hex:")
                    ? java.util.HexFormat.of().parseHex(recorded.substring(4))
                    : recorded.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            RootlessOwner.Owner o = java.util.Objects.requireNonNull(RootlessOwner.decode(bytes));
            uid = o.uid();
            gid = o.gid();
          }
          copy.put(path, n.withXattrs(x).withOwnerAndMode((int) uid, (int) gid, n.mode()));
        });
    return new Tree(copy);
  }

  /** This tree with owner {@code 0:0} at the paths {@code where} accepts. */
  public Tree withOwnersZeroedWhere(java.util.function.Predicate<String> where) {
    TreeMap<String, Node> copy = new TreeMap<>();
    nodes.forEach(
        (path, n) -> copy.put(path, where.test(path) ? n.withOwnerAndMode(0, 0, n.mode()) : n));
    return new Tree(copy);
  }

  /** This tree without the xattr {@code name} anywhere. */
  public Tree withoutXattr(String name) {
    TreeMap<String, Node> copy = new TreeMap<>();
    nodes.forEach(
        (path, n) -> {
          Map<String, String> x = new TreeMap<>(n.xattrs());
          x.remove(name);
          copy.put(path, n.withXattrs(x));
        });
    return new Tree(copy);
  }

  /**
   * What differs between this tree, {@code expected}, and {@code actual}, one readable line per
   * path; mtimes of the paths that {@code mtimeIgnored} accepts are not compared.
   */
  public List<String> differences(
      String expectedName, Tree actual, String actualName, Predicate<String> mtimeIgnored) {
    List<String> out = new ArrayList<>();
    TreeSet<String> paths = new TreeSet<>(nodes.keySet());
    paths.addAll(actual.nodes.keySet());
    int width = Math.max(expectedName.length(), actualName.length());
    for (String path : paths) {
      Node e = nodes.get(path);
      Node a = actual.nodes.get(path);
      if (a == null) {
        out.add("only in " + expectedName + ": " + path + "  " + e);
      } else if (e == null) {
        out.add("only in " + actualName + ": " + path + "  " + a);
      } else {
        Node comparable = mtimeIgnored.test(path) ? a.withMtime(e.mtime()) : a;
        if (!e.equals(comparable)) {
          out.add(
              path
                  + "\n    "
                  + pad(expectedName, width)
                  + ": "
                  + e
                  + "\n    "
                  + pad(actualName, width)
                  + ": "
                  + a);
        }
      }
    }
    return out;
  }

  private static String pad(String s, int width) {
    return s + " ".repeat(width - s.length());
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder();
    nodes.forEach((path, node) -> s.append(path).append("  ").append(node).append('\n'));
    return s.toString();
  }
}
