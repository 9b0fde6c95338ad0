package dev.ocikit.view;

import dev.ocikit.digest.Digest;
import dev.ocikit.layers.LayerException;
import dev.ocikit.layers.LayerLimitException;
import dev.ocikit.layers.UnsafeEntryException;
import dev.ocikit.layers.internal.EntryNames;
import dev.ocikit.layers.internal.LayerReader;
import dev.ocikit.layout.internal.HeaderLimitedTarInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.jspecify.annotations.Nullable;

/**
 * The index of an image view: a tree of {@link Node}s in memory, file content in the {@link Spill}.
 * Layers are applied to it entry by entry with exactly the rules of {@code LayerApplier} on a
 * directory (whose {@code Rootfs} lookups it mirrors), so that the tree is what an unpack, run as
 * root with umask 022, leaves on disk.
 */
final class Index {
  static final int MAX_LINK_HOPS = 255;

  /** The longest entry name, as {@code ApplyOptions.DEFAULT}. */
  static final int MAX_PATH = 4096;

  private static final String WHITEOUT = EntryNames.WHITEOUT;
  private static final String OPAQUE = EntryNames.OPAQUE;

  final Node root;
  final Spill spill;
  private long inodes = 1;

  Index(Spill spill) {
    this.spill = spill;
    root = new Node("", Node.DIRECTORY);
    root.mode = 0755;
    root.inode = 1;
  }

  /**
   * The node at {@code components} without following any symbolic link: what {@code
   * Rootfs.isDirectoryInside} accepts for directories; null when a component is missing or a parent
   * is not a directory.
   */
  @Nullable Node lookupNoFollow(List<String> components) {
    Node n = root;
    for (String c : components) {
      n = n.child(c);
      if (n == null) {
        return null;
      }
    }
    return n;
  }

  /** The metadata a tar entry gives. */
  private record Meta(
      int mode, long uid, long gid, long seconds, int nanos, @Nullable Map<String, byte[]> xattrs) {
    static Meta of(TarArchiveEntry e) {
      java.time.Instant t = e.getLastModifiedTime().toInstant();
      return new Meta(
          e.getMode() & 07777,
          e.getLongUserId(),
          e.getLongGroupId(),
          t.getEpochSecond(),
          t.getNano(),
          Index.xattrs(e));
    }

    void applyTo(Node n) {
      n.mode = mode;
      n.uid = uid;
      n.gid = gid;
      n.mtimeSeconds = seconds;
      n.mtimeNanos = nanos;
    }
  }

  /** The {@code SCHILY.xattr.} records, values as their bytes in the tar; null when none. */
  static @Nullable Map<String, byte[]> xattrs(TarArchiveEntry e) {
    Map<String, byte[]> out = HeaderLimitedTarInputStream.xattrs(e);
    return out.isEmpty() ? null : out;
  }

  /** Applies one layer, entry by entry. */
  final class Layer implements LayerReader.Handler {
    final int layer;
    final Digest digest;

    /** Directory metadata set at the end (the applier's {@code directories}), by path. */
    private final Map<String, Meta> directories = new LinkedHashMap<>();

    /** The nodes marked added, some perhaps removed since. */
    private final List<Node> touched = new ArrayList<>();

    private final List<String> deleted = new ArrayList<>();
    final List<String> notes = new ArrayList<>();

    Layer(int layer, Digest digest) {
      this.layer = layer;
      this.digest = digest;
    }

    /** The paths this layer added or changed that are still there, sorted. */
    List<String> added() {
      TreeSet<String> out = new TreeSet<>();
      Map<Node, Boolean> seen = new IdentityHashMap<>();
      for (Node n : touched) {
        if (seen.put(n, true) == null && n != root && n.attached(root)) {
          out.add(n.path());
        }
      }
      return new ArrayList<>(out);
    }

    List<String> deleted() {
      return new ArrayList<>(new TreeSet<>(deleted));
    }

    @Override
    public void note(String note) {
      notes.add(note);
    }

    @Override
    public void entry(TarArchiveEntry entry, InputStream content) throws IOException {
      String name = entry.getName();
      if (name.length() > MAX_PATH) {
        throw new LayerLimitException(
            digest,
            name.length() > 80 ? name.substring(0, 80) + "..." : name,
            "a path longer than " + MAX_PATH + " characters");
      }
      List<String> components = EntryNames.clean(name);
      if (components == null) {
        throw new UnsafeEntryException(digest, name, "the path climbs out of the root with ..");
      }
      if (components.isEmpty()) {
        if (entry.isDirectory()) {
          directories.put("/", Meta.of(entry)); // the root itself: its attributes
        }
        return;
      }
      if (name.indexOf('\0') >= 0) {
        throw new FileSystemException(name, null, "Nul character not allowed");
      }
      String base = components.get(components.size() - 1);
      if (base.startsWith(WHITEOUT)) {
        whiteout(name, components, base);
        return;
      }
      Node parent = parent(components, true);
      if (parent == null) {
        throw new IllegalStateException("a lookup that creates found nothing");
      }
      checkName(base);
      Node existing = parent.child(base);
      if (entry.isDirectory()) {
        Node dir = existing;
        if (dir == null || !dir.isDirectory()) {
          if (dir != null) {
            replace(parent, dir);
          }
          int perms = (entry.getMode() & 0700) == 0700 ? entry.getMode() & 0777 : 0777;
          dir = directory(parent, base, perms & ~022);
        }
        directories.put(dir.path(), Meta.of(entry));
        markAdded(dir);
        return;
      }
      if (entry.isLink()) {
        hardlink(entry, parent, base);
        return;
      }
      Node node;
      if (entry.isSymbolicLink()) {
        String target = entry.getLinkName();
        if (target.isEmpty()) {
          throw new LayerException(digest, name, EntryNames.EMPTY_LINK);
        }
        if (target.indexOf('\0') >= 0) {
          throw new FileSystemException(name, null, "Nul character not allowed in the link");
        }
        if (target.length() > 1365 && target.getBytes(StandardCharsets.UTF_8).length >= 4096) {
          throw new FileSystemException(name, null, "File name too long (the link's target)");
        }
        if (existing != null) {
          replace(parent, existing);
        }
        node = new Node(base, Node.SYMLINK);
        node.link = target;
        Meta.of(entry).applyTo(node);
        node.mode = 0777; // Linux gives links no mode of their own
        node.xattrs = xattrs(entry);
      } else if (entry.isFIFO() || entry.isCharacterDevice() || entry.isBlockDevice()) {
        if (existing != null) {
          replace(parent, existing);
        }
        node =
            new Node(
                base,
                entry.isFIFO()
                    ? Node.FIFO
                    : entry.isCharacterDevice() ? Node.CHAR_DEVICE : Node.BLOCK_DEVICE);
        Meta.of(entry).applyTo(node);
        node.devMajor = entry.getDevMajor();
        node.devMinor = entry.getDevMinor();
      } else if (entry.isFile()) {
        if (existing != null) {
          replace(parent, existing);
        }
        node = new Node(base, Node.FILE);
        long size = LayerReader.contentSize(entry);
        try {
          node.offset = spill.append(content, size);
        } catch (EOFException e) {
          throw new LayerException(digest, name, "the tar ends inside this file");
        }
        node.size = size;
        Meta.of(entry).applyTo(node);
        node.xattrs = xattrs(entry);
      } else {
        notes.add(name + ": tar entry type '" + (char) entry.getLinkFlag() + "' skipped");
        return;
      }
      attach(parent, node, true);
      markAdded(node);
    }

    /** A name the file system would refuse (a component longer than 255 bytes). */
    private void checkName(String name) throws IOException {
      if (name.length() > 85 && name.getBytes(StandardCharsets.UTF_8).length > 255) {
        throw new FileSystemException(name, null, "File name too long");
      }
    }

    private void attach(Node parent, Node node, boolean newInode) {
      node.parent = parent;
      node.layer = layer;
      if (newInode) {
        node.inode = ++inodes;
      }
      java.util.Objects.requireNonNull(parent.children).put(node.name, node);
    }

    /** A new directory as mkdir makes it (umask 022, set-group-ID inherited), owned by root. */
    private Node directory(Node parent, String name, int mode) {
      Node d = new Node(name, Node.DIRECTORY);
      d.mode = mode;
      if ((parent.mode & 02000) != 0) {
        d.mode |= 02000;
        d.gid = parent.gid;
      }
      attach(parent, d, true);
      return d;
    }

    /** Removes what is at a path before an entry replaces it. */
    private void replace(Node parent, Node existing) {
      if (existing.isDirectory()) {
        directories.remove(existing.path());
      }
      java.util.Objects.requireNonNull(parent.children).remove(existing.name);
    }

    private void markAdded(Node node) {
      node.added = layer;
      touched.add(node);
      for (Node p = node.parent; p != null && p != root && p.holder != layer; p = p.parent) {
        p.holder = layer;
      }
    }

    /**
     * The directory that holds the last of {@code components}, as {@code Rootfs.parent} finds it:
     * symbolic links in parents followed inside the root (absolute targets from the root, {@code
     * ..} clamped there), missing parents (and non-directories in the way) made when {@code
     * create}, else null.
     */
    @Nullable Node parent(List<String> components, boolean create) throws IOException {
      Deque<String> todo = new ArrayDeque<>(components.subList(0, components.size() - 1));
      Node at = root;
      int hops = 0;
      while (!todo.isEmpty()) {
        String c = todo.pollFirst();
        if (c.isEmpty() || c.equals(".")) {
          continue;
        }
        if (c.equals("..")) {
          Node up = at.parent;
          at = up == null ? root : up;
          continue;
        }
        checkName(c); // lstat and mkdir refuse it
        Node next = at.child(c);
        if (next == null) {
          if (!create) {
            return null;
          }
          next = directory(at, c, 0755);
          markAdded(next);
          at = next;
        } else if (next.type == Node.SYMLINK) {
          if (++hops > MAX_LINK_HOPS) {
            throw new FileSystemException(
                "too many symbolic links resolving " + String.join("/", components));
          }
          String target = java.util.Objects.requireNonNull(next.link);
          if (target.startsWith("/")) {
            at = root;
          }
          String[] parts = target.split("/");
          for (int i = parts.length - 1; i >= 0; i--) {
            todo.addFirst(parts[i]);
          }
        } else if (next.isDirectory()) {
          at = next;
        } else {
          if (!create) {
            return null;
          }
          java.util.Objects.requireNonNull(at.children).remove(c);
          next = directory(at, c, 0755);
          markAdded(next);
          at = next;
        }
      }
      return at;
    }

    private void whiteout(String name, List<String> components, String base) throws IOException {
      if (base.equals(OPAQUE)) {
        Node dir = parentIfDirectory(components);
        if (dir != null) {
          for (Node child :
              new ArrayList<>(java.util.Objects.requireNonNull(dir.children).values())) {
            hideLower(dir, child);
          }
        }
        return;
      }
      if (base.startsWith(WHITEOUT + WHITEOUT)) {
        notes.add(name + ": aufs metadata entry skipped");
        return;
      }
      String hidden = EntryNames.hidden(digest, name, base);
      Node dir = parentIfDirectory(components);
      if (dir != null) {
        checkName(hidden); // lstat refuses it
        Node n = dir.child(hidden);
        if (n != null) {
          hideLower(dir, n);
        }
      }
    }

    private @Nullable Node parentIfDirectory(List<String> components) throws IOException {
      if (components.size() == 1) {
        return root;
      }
      List<String> asDirectory = new ArrayList<>(components.subList(0, components.size() - 1));
      asDirectory.add("x");
      return parent(asDirectory, false);
    }

    /**
     * Removes what lower layers put at a path (the applier's {@code hideLower}): all of it when
     * this layer did not write it or anything in it; else the lower content inside, the directory
     * itself replaced by a new one when only its content is this layer's.
     */
    private void hideLower(Node dir, Node node) {
      boolean holder = node.isDirectory() && node.holder == layer;
      if (node.added != layer && !holder) {
        String path = node.path();
        if (node.isDirectory()) {
          directories.remove(path);
        }
        java.util.Objects.requireNonNull(dir.children).remove(node.name);
        deleted.add(path);
        return;
      }
      if (node.isDirectory()) {
        for (Node child :
            new ArrayList<>(java.util.Objects.requireNonNull(node.children).values())) {
          hideLower(node, child);
        }
      }
      if (node.added != layer) {
        // layer.md: whiteouts "MUST only apply to resources in lower/parent layers": the lower
        // directory goes, attributes and all; what this layer put in it stays, in a new directory.
        java.util.Objects.requireNonNull(dir.children).remove(node.name);
        Node fresh = directory(dir, node.name, 0755);
        fresh.holder = node.holder;
        for (Node child : java.util.Objects.requireNonNull(node.children).values()) {
          child.parent = fresh;
          java.util.Objects.requireNonNull(fresh.children).put(child.name, child);
        }
        fresh.added = layer;
        touched.add(fresh);
      }
    }

    private void hardlink(TarArchiveEntry entry, Node parent, String base) throws IOException {
      String name = entry.getName();
      List<String> target = EntryNames.clean(entry.getLinkName());
      if (target == null || target.isEmpty()) {
        throw new UnsafeEntryException(
            digest, name, "a hardlink to \"" + entry.getLinkName() + "\", outside the root");
      }
      if (entry.getLinkName().indexOf('\0') >= 0) {
        throw new FileSystemException(name, null, "Nul character not allowed in the link");
      }
      Node targetParent = parent(target, false);
      if (targetParent != null) {
        checkName(target.get(target.size() - 1)); // lstat refuses it
      }
      Node linked = targetParent == null ? null : targetParent.child(target.get(target.size() - 1));
      if (linked == null) {
        throw new LayerException(
            digest, name, "a hardlink to \"" + entry.getLinkName() + "\", which does not exist");
      }
      if (linked.isDirectory()) {
        throw new UnsafeEntryException(
            digest, name, "a hardlink to the directory \"" + entry.getLinkName() + "\"");
      }
      Node existing = parent.child(base);
      if (existing == linked) {
        markAdded(existing);
        return;
      }
      if (existing != null) {
        replace(parent, existing);
        if (!linked.attached(root)) {
          throw new NoSuchFileException(entry.getLinkName()); // removed with what it replaced
        }
      }
      // link(2): the same inode, so the same content and attributes; a link to a link links it.
      Node copy = new Node(base, linked.type);
      copy.mode = linked.mode;
      copy.uid = linked.uid;
      copy.gid = linked.gid;
      copy.mtimeSeconds = linked.mtimeSeconds;
      copy.mtimeNanos = linked.mtimeNanos;
      copy.link = linked.link;
      copy.xattrs = linked.xattrs;
      copy.inode = linked.inode;
      copy.offset = linked.offset;
      copy.size = linked.size;
      copy.devMajor = linked.devMajor;
      copy.devMinor = linked.devMinor;
      attach(parent, copy, false);
      markAdded(copy);
    }

    /** Directory metadata, for directories still reached through directories only. */
    @Override
    public void end() throws IOException {
      for (Map.Entry<String, Meta> d : directories.entrySet()) {
        String path = d.getKey();
        List<String> components = path.equals("/") ? List.of() : EntryNames.clean(path);
        Node n = components == null ? null : lookupNoFollow(components);
        if (n != null && n.isDirectory()) {
          Meta m = d.getValue();
          m.applyTo(n);
          Map<String, byte[]> x = m.xattrs();
          if (x != null) {
            // setxattr adds or replaces: what the directory had stays
            Map<String, byte[]> merged =
                n.xattrs == null ? new TreeMap<>() : new TreeMap<>(n.xattrs);
            merged.putAll(x);
            n.xattrs = merged;
          }
          n.layer = layer;
        }
      }
      spill.flush();
    }
  }
}
