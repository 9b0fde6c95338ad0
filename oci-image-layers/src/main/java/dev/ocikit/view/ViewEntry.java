package dev.ocikit.view;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One entry of an image's final filesystem, as {@code lstat} would see it after unpacking (<a
 * href="https://github.com/opencontainers/image-spec/blob/main/layer.md#file-types">layer.md, "File
 * Types" and "File Attributes"</a>).
 *
 * <p>A hardlink is reported as what it links: a {@link Type#FILE} with the same content (and owner,
 * mode, times) as its target, as a file sharing the target's inode does. A symbolic link's mode is
 * {@code 0777}, as Linux gives every link. Directories the layers did not list but needed (missing
 * parents) have mode {@code 0755}, owner 0:0 and mtime the epoch.
 *
 * @param path the absolute path in the image, {@code "/a/b"}, with no symbolic link in its parents
 * @param type what the entry is
 * @param mode the permission bits, setuid, setgid and sticky included ({@code 07777})
 * @param uid the numeric owner
 * @param gid the numeric group
 * @param size the content's length for a file, 0 for anything else
 * @param mtime the modification time the layer gave it
 * @param linkTarget a symbolic link's target as written in the layer, null for anything else
 * @param xattrs the extended attributes ({@code SCHILY.xattr.} PAX records), by full name, values
 *     as their bytes (the map is unmodifiable and sorted by name; do not change the arrays)
 * @param layer the index of the layer that last wrote the entry, -1 for a root no layer described
 */
public record ViewEntry(
    String path,
    Type type,
    int mode,
    long uid,
    long gid,
    long size,
    Instant mtime,
    @Nullable String linkTarget,
    Map<String, byte[]> xattrs,
    int layer) {

  /** What an entry is (layer.md, "File Types"). */
  public enum Type {
    /** A regular file (or a hardlink to one). */
    FILE,
    /** A directory. */
    DIRECTORY,
    /** A symbolic link. */
    SYMLINK,
    /** A named pipe. */
    FIFO,
    /** A character device. */
    CHAR_DEVICE,
    /** A block device. */
    BLOCK_DEVICE
  }

  /** Checks and copies. */
  public ViewEntry {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(mtime, "mtime");
    xattrs =
        xattrs.isEmpty()
            ? Map.of()
            : Collections.unmodifiableMap(new TreeMap<String, byte[]>(xattrs));
  }

  /** Whether this is a regular file. */
  public boolean isFile() {
    return type == Type.FILE;
  }

  /** Whether this is a directory. */
  public boolean isDirectory() {
    return type == Type.DIRECTORY;
  }

  /** Whether this is a symbolic link. */
  public boolean isSymbolicLink() {
    return type == Type.SYMLINK;
  }

  /** The last component of the path, {@code ""} for the root. */
  public String name() {
    return path.substring(path.lastIndexOf('/') + 1);
  }
}
