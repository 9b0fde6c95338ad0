package dev.ocikit.layers;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One entry of a layer changeset (<a
 * href="https://github.com/opencontainers/image-spec/blob/main/layer.md">layer.md</a>), as given to
 * {@link LayerWriter#add}: an addition or modification ("Added and modified files and directories
 * in their entirety"), or a removal ("Deleted files or directories marked with a whiteout file").
 *
 * <p>Make one with the factories ({@link #file(String, byte[])}, {@link #directory}, {@link
 * #symlink}, {@link #hardlink}, {@link #whiteout}, ...) and change it with the {@code with...}
 * methods. Paths are relative to the layer's root and kept clean: a leading {@code /} or {@code
 * ./}, a trailing {@code /}, empty and {@code .} components are dropped; {@code ..} is refused, as
 * is any component beginning with {@code .wh.} (layer.md: "it is not possible to create a
 * filesystem which has a file or directory with a name beginning with {@code .wh.}").
 *
 * <p>The file attributes are those layer.md's "File Attributes" lists: {@code mtime}, {@code uid},
 * {@code gid}, {@code mode} (the permission bits with setuid, setgid and sticky), xattrs, the
 * symbolic link's target and the hardlink's target. What the layer records of them is decided by
 * {@link LayerOptions}.
 *
 * @param type what the entry is
 * @param path for a whiteout, the path it removes; for an opaque whiteout, the directory whose
 *     lower content it hides ({@code ""} for the root); otherwise the path the entry creates
 * @param mode the permission bits, setuid ({@code 04000}), setgid ({@code 02000}) and sticky
 *     ({@code 01000}) included: 0 to {@code 07777}
 * @param uid the numeric owner
 * @param gid the numeric group
 * @param mtime the modification time, or null for {@link LayerOptions#timestamp()}
 * @param xattrs extended attributes by full name ({@code user.NAME}, {@code security.NAME}, ...),
 *     written as PAX {@code SCHILY.xattr.NAME} records, their values as they are, text or not
 * @param linkTarget a symbolic link's target, as it is (absolute or relative, never resolved); a
 *     hardlink's target, a clean path of the layer (or of a lower layer); {@code ""} otherwise
 * @param content a regular file's content; null for every other type
 * @param devMajor a device's major number; 0 otherwise
 * @param devMinor a device's minor number; 0 otherwise
 */
public record LayerEntry(
    Type type,
    String path,
    int mode,
    long uid,
    long gid,
    @Nullable Instant mtime,
    Map<String, XattrValue> xattrs,
    String linkTarget,
    @Nullable Content content,
    int devMajor,
    int devMinor) {

  /** The kinds of entries (layer.md, "File Types"; "Whiteouts"; "Opaque Whiteout"). */
  public enum Type {
    /** A regular file (tar type {@code 0}). */
    FILE,
    /** A directory (tar type {@code 5}). */
    DIRECTORY,
    /** A symbolic link (tar type {@code 2}). */
    SYMLINK,
    /** A hardlink to another path (tar type {@code 1}; layer.md, "Hardlinks"). */
    HARDLINK,
    /** A FIFO (tar type {@code 6}). */
    FIFO,
    /** A character device (tar type {@code 3}). */
    CHAR_DEVICE,
    /** A block device (tar type {@code 4}). */
    BLOCK_DEVICE,
    /** The removal of {@link #path()}: an empty file {@code .wh.NAME} beside it. */
    WHITEOUT,
    /** The removal of all lower content of the directory {@link #path()}: {@code .wh..wh..opq}. */
    OPAQUE_WHITEOUT
  }

  /** The content of a regular file. */
  public sealed interface Content permits Content.OfBytes, Content.OfFile {
    /** Content held in memory. */
    record OfBytes(byte[] bytes) implements Content {
      /** Copies {@code bytes}. */
      public OfBytes {
        bytes = bytes.clone();
      }

      /** A copy of the bytes. */
      @Override
      public byte[] bytes() {
        return bytes.clone();
      }

      /** The bytes themselves, not copied: the writer only reads them. */
      byte[] shared() {
        return bytes;
      }

      /** Equal when the bytes are. */
      @Override
      public boolean equals(@Nullable Object o) {
        return o instanceof OfBytes b && Arrays.equals(bytes, b.bytes);
      }

      /** Over the bytes. */
      @Override
      public int hashCode() {
        return Arrays.hashCode(bytes);
      }

      /** The length, not the bytes. */
      @Override
      public String toString() {
        return "OfBytes[" + bytes.length + " bytes]";
      }
    }

    /**
     * Content read from a file when the layer is written (symbolic links followed): its size is
     * taken then, and a file whose size changes while it is read fails the layer.
     */
    record OfFile(Path file) implements Content {
      /** Checks the path. */
      public OfFile {
        Objects.requireNonNull(file, "file");
      }
    }
  }

  private static final String WHITEOUT = ".wh.";

  /** The name of an opaque whiteout (layer.md, "Opaque Whiteout"). */
  static final String OPAQUE = ".wh..wh..opq";

  /**
   * Cleans the path, copies the xattrs and checks that the values fit the type.
   *
   * @throws IllegalArgumentException if a value does not fit
   */
  public LayerEntry {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(xattrs, "xattrs");
    Objects.requireNonNull(linkTarget, "linkTarget");
    path = clean(path, type == Type.OPAQUE_WHITEOUT);
    if (mode < 0 || mode > 07777) {
      throw new IllegalArgumentException(path + ": mode " + Integer.toOctalString(mode));
    }
    if (uid < 0 || gid < 0) {
      throw new IllegalArgumentException(path + ": negative owner " + uid + ":" + gid);
    }
    if ((content != null) != (type == Type.FILE)) {
      throw new IllegalArgumentException(
          path + ": " + (content == null ? "a file needs content" : type + " has no content"));
    }
    switch (type) {
      case SYMLINK -> {
        if (linkTarget.isEmpty() || linkTarget.indexOf('\0') >= 0) {
          throw new IllegalArgumentException(path + ": a symbolic link needs a target");
        }
      }
      case HARDLINK -> {
        linkTarget = clean(linkTarget, false);
        if (linkTarget.equals(path)) {
          throw new IllegalArgumentException(path + ": a hardlink to itself");
        }
      }
      default -> {
        if (!linkTarget.isEmpty()) {
          throw new IllegalArgumentException(path + ": " + type + " has no link target");
        }
      }
    }
    boolean device = type == Type.CHAR_DEVICE || type == Type.BLOCK_DEVICE;
    if (devMajor < 0 || devMinor < 0 || (!device && (devMajor != 0 || devMinor != 0))) {
      throw new IllegalArgumentException(
          path + ": device numbers " + devMajor + "," + devMinor + " for " + type);
    }
    TreeMap<String, XattrValue> sorted = new TreeMap<>();
    for (Map.Entry<String, XattrValue> x : xattrs.entrySet()) {
      String name = x.getKey();
      if (name.isEmpty()
          || name.indexOf('=') >= 0
          || name.indexOf('\n') >= 0
          || name.indexOf('\0') >= 0) {
        throw new IllegalArgumentException(path + ": xattr name \"" + name + "\"");
      }
      sorted.put(name, Objects.requireNonNull(x.getValue(), name));
    }
    if (!sorted.isEmpty() && (type == Type.WHITEOUT || type == Type.OPAQUE_WHITEOUT)) {
      throw new IllegalArgumentException(path + ": a whiteout has no xattrs");
    }
    xattrs = Collections.unmodifiableMap(sorted);
  }

  // ---- factories

  /** A regular file with {@code content}, mode 0644, owner 0:0. */
  public static LayerEntry file(String path, byte[] content) {
    return of(Type.FILE, path, 0644, "", new Content.OfBytes(content));
  }

  /**
   * A regular file whose content is read from {@code source} when the layer is written, mode 0644,
   * owner 0:0 (the source's attributes are not taken: see {@link LayerWriter#addTree} for that).
   */
  public static LayerEntry file(String path, Path source) {
    return of(Type.FILE, path, 0644, "", new Content.OfFile(source));
  }

  /** A directory, mode 0755, owner 0:0. */
  public static LayerEntry directory(String path) {
    return of(Type.DIRECTORY, path, 0755, "", null);
  }

  /** A symbolic link to {@code target} (kept as it is), mode 0777, owner 0:0. */
  public static LayerEntry symlink(String path, String target) {
    return of(Type.SYMLINK, path, 0777, target, null);
  }

  /**
   * A hardlink to the path {@code target}: another entry of the layer, or (layer.md allows it, but
   * "Extracting a layer with hardlink references to files outside of the layer may fail") a file of
   * a lower layer. The writer orders a group of linked entries so that the first in the layer
   * carries the content.
   */
  public static LayerEntry hardlink(String path, String target) {
    return of(Type.HARDLINK, path, 0644, target, null);
  }

  /** A FIFO, mode 0644, owner 0:0. */
  public static LayerEntry fifo(String path) {
    return of(Type.FIFO, path, 0644, "", null);
  }

  /** A character device, mode 0644, owner 0:0. */
  public static LayerEntry charDevice(String path, int major, int minor) {
    return new LayerEntry(
        Type.CHAR_DEVICE, path, 0644, 0, 0, null, Map.of(), "", null, major, minor);
  }

  /** A block device, mode 0644, owner 0:0. */
  public static LayerEntry blockDevice(String path, int major, int minor) {
    return new LayerEntry(
        Type.BLOCK_DEVICE, path, 0644, 0, 0, null, Map.of(), "", null, major, minor);
  }

  /**
   * The removal of {@code path} from lower layers: the empty file {@code .wh.NAME} beside it
   * (layer.md, "Whiteouts"), written with mode 0, owner 0:0 and mtime 0.
   */
  public static LayerEntry whiteout(String path) {
    return of(Type.WHITEOUT, path, 0, "", null);
  }

  /**
   * The removal of all the lower content of the directory {@code directory} ({@code ""} for the
   * root): the file {@code .wh..wh..opq} in it (layer.md, "Opaque Whiteout"). layer.md: layers
   * SHOULD use explicit whiteouts instead; {@link LayerWriter#addChanges} does.
   */
  public static LayerEntry opaqueWhiteout(String directory) {
    return of(Type.OPAQUE_WHITEOUT, directory, 0, "", null);
  }

  private static LayerEntry of(
      Type type, String path, int mode, String link, @Nullable Content content) {
    return new LayerEntry(type, path, mode, 0, 0, null, Map.of(), link, content, 0, 0);
  }

  // ---- withers

  /** This entry with the permission bits {@code mode} (setuid, setgid and sticky included). */
  public LayerEntry withMode(int mode) {
    return new LayerEntry(
        type, path, mode, uid, gid, mtime, xattrs, linkTarget, content, devMajor, devMinor);
  }

  /** This entry with the numeric owner {@code uid:gid}. */
  public LayerEntry withOwner(long uid, long gid) {
    return new LayerEntry(
        type, path, mode, uid, gid, mtime, xattrs, linkTarget, content, devMajor, devMinor);
  }

  /** This entry with the modification time {@code mtime} (null: the options' timestamp). */
  public LayerEntry withMtime(@Nullable Instant mtime) {
    return new LayerEntry(
        type, path, mode, uid, gid, mtime, xattrs, linkTarget, content, devMajor, devMinor);
  }

  /** This entry with these xattrs instead of its own. */
  public LayerEntry withXattrs(Map<String, XattrValue> xattrs) {
    return new LayerEntry(
        type, path, mode, uid, gid, mtime, xattrs, linkTarget, content, devMajor, devMinor);
  }

  /** This entry with the xattr {@code name} (e.g. {@code user.origin}) set to {@code value}. */
  public LayerEntry withXattr(String name, XattrValue value) {
    TreeMap<String, XattrValue> x = new TreeMap<>(xattrs);
    x.put(name, value);
    return withXattrs(x);
  }

  /**
   * This entry with the xattr {@code name} set to the UTF-8 bytes of {@code value}.
   *
   * @throws IllegalArgumentException if {@code value} is empty
   */
  public LayerEntry withXattr(String name, String value) {
    return withXattr(name, XattrValue.of(value));
  }

  /**
   * This entry with the xattr {@code name} set to {@code value}, text or not.
   *
   * @throws IllegalArgumentException if {@code value} is empty
   */
  public LayerEntry withXattr(String name, byte[] value) {
    return withXattr(name, new XattrValue(value));
  }

  /**
   * The name of this entry in the tar: its path, with a trailing {@code /} for a directory; {@code
   * DIR/.wh.NAME} for a whiteout, {@code DIR/.wh..wh..opq} for an opaque whiteout.
   */
  public String tarName() {
    return switch (type) {
      case DIRECTORY -> path + "/";
      case WHITEOUT -> {
        int slash = path.lastIndexOf('/');
        yield path.substring(0, slash + 1) + WHITEOUT + path.substring(slash + 1);
      }
      case OPAQUE_WHITEOUT -> path.isEmpty() ? OPAQUE : path + "/" + OPAQUE;
      default -> path;
    };
  }

  /**
   * A clean relative path: no leading {@code /} or {@code ./}, no trailing {@code /}, no empty or
   * {@code .} components.
   */
  private static String clean(String path, boolean rootAllowed) {
    Objects.requireNonNull(path, "path");
    if (path.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("a path with a NUL character: " + path);
    }
    StringBuilder out = new StringBuilder(path.length());
    for (String c : path.split("/")) {
      if (c.isEmpty() || c.equals(".")) {
        continue;
      }
      if (c.equals("..")) {
        throw new IllegalArgumentException("a path with a .. component: " + path);
      }
      if (c.startsWith(WHITEOUT)) {
        throw new IllegalArgumentException(
            "a path with a component beginning with .wh., which layers reserve for whiteouts: "
                + path);
      }
      if (out.length() > 0) {
        out.append('/');
      }
      out.append(c);
    }
    if (out.length() == 0 && !rootAllowed) {
      throw new IllegalArgumentException("an empty path (the root has no entry): \"" + path + "\"");
    }
    return out.toString();
  }
}
