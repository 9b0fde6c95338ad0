package dev.ocikit.layers;

import dev.ocikit.layers.FileTrees.Inode;
import dev.ocikit.layers.FileTrees.Node;
import dev.ocikit.layers.LayerEntry.Type;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The changeset between two trees (layer.md, "Determining Changes"): both are walked together,
 * directory by directory; see {@link LayerWriter#addChanges(Path, Path)} for what counts as a
 * change.
 */
final class TreeDiff {
  /** An entry of the changeset, with its inode in the upper tree when it has other names. */
  record Change(LayerEntry entry, @Nullable Inode inode) {}

  private final LayerOptions options;
  private final List<String> notes;

  /** Notes of reading the lower tree: what it cannot hold is not a change. */
  private final List<String> lowerNotes = new ArrayList<>();

  /** Upper nodes written to the layer, by path. */
  private final Map<String, Node> emitted = new HashMap<>();

  /** Lower paths gone from the upper tree (their descendants not listed). */
  private final Set<String> deleted = new HashSet<>();

  /** Every directory of the upper tree walked, for the parents of changes. */
  private final Map<String, Node> upperDirectories = new HashMap<>();

  /** The upper paths of each linked inode, and those nodes. */
  private final Map<Inode, List<String>> upperGroups = new HashMap<>();

  private final Map<String, Node> upperLinked = new HashMap<>();

  /** The lower paths of each linked inode, and the inode of each. */
  private final Map<Inode, List<String>> lowerGroups = new HashMap<>();

  private final Map<String, Inode> lowerInode = new HashMap<>();

  /** Unchanged paths, in both trees, linked in either: their link groups are checked last. */
  private final Map<String, Node> linkedUnchanged = new TreeMap<>();

  /** The executable regular files of the upper tree: those whose capabilities count. */
  private final List<Path> upperExecutables = new ArrayList<>();

  /**
   * Executables the same in both trees but for their capabilities, which are read after the walk.
   */
  private final List<Node[]> capabilitiesToCompare = new ArrayList<>();

  /** The file capabilities of the upper tree's executables, by absolute normalised path. */
  private Map<Path, byte[]> upperCapabilities = Map.of();

  /**
   * Whether the lower tree was unpacked rootless (its owners read as {@link
   * LayerOptions#rootless()} says).
   */
  private final boolean lowerRootless;

  TreeDiff(LayerOptions options, List<String> notes, boolean lowerRootless) {
    this.options = options;
    this.notes = notes;
    this.lowerRootless = lowerRootless;
  }

  /** Compares the trees under {@code lower} and {@code upper}. */
  void compare(Path lower, Path upper) throws IOException {
    compare(lower, upper, "");
    capabilities();
    hardlinks();
    parents();
  }

  /** The changeset: upper entries and whiteouts, in no particular order. */
  List<Change> changes() {
    List<Change> out = new ArrayList<>(emitted.size() + deleted.size());
    for (Node n : emitted.values()) {
      out.add(new Change(FileTrees.Capabilities.apply(n, upperCapabilities).entry(), n.inode()));
    }
    for (String d : deleted) {
      out.add(new Change(LayerEntry.whiteout(d), null));
    }
    return out;
  }

  private void compare(Path lowerDir, Path upperDir, String at) throws IOException {
    Map<String, Path[]> names = new TreeMap<>();
    for (Path p : FileTrees.children(lowerDir)) {
      names.computeIfAbsent(p.getFileName().toString(), k -> new Path[2])[0] = p;
    }
    for (Path p : FileTrees.children(upperDir)) {
      names.computeIfAbsent(p.getFileName().toString(), k -> new Path[2])[1] = p;
    }
    for (Map.Entry<String, Path[]> name : names.entrySet()) {
      Path lf = name.getValue()[0];
      Path uf = name.getValue()[1];
      String path = at.isEmpty() ? name.getKey() : at + "/" + name.getKey();
      Node l = lf == null ? null : FileTrees.read(lf, path, lowerNotes, lowerRootless);
      Node u = uf == null ? null : FileTrees.read(uf, path, notes, options.rootless());
      if (l != null && l.inode() != null) {
        lowerGroups.computeIfAbsent(l.inode(), k -> new ArrayList<>()).add(path);
        lowerInode.put(path, l.inode());
      }
      if (u == null) {
        if (l != null) {
          deleted.add(path); // layer.md: "Deleted files or directories marked with a whiteout"
        }
        continue;
      }
      track(u);
      if (l == null || l.type() != u.type()) {
        // Added, or replaced by another type, which replaces the lower one whole when applied.
        emit(u);
        if (u.type() == Type.DIRECTORY) {
          FileTrees.walk(
              u.file(),
              u.path(),
              n -> {
                track(n);
                emit(n);
              },
              notes,
              options.rootless());
        }
        continue;
      }
      if (differs(l, u)) {
        emit(u);
      } else {
        if (FileTrees.Capabilities.count(u)) {
          capabilitiesToCompare.add(new Node[] {l, u}); // the same mode: both executables
        }
        if (u.type() != Type.DIRECTORY && (l.inode() != null || u.inode() != null)) {
          linkedUnchanged.put(path, u);
        }
      }
      if (u.type() == Type.DIRECTORY) {
        compare(l.file(), u.file(), path);
      }
    }
  }

  private void track(Node u) {
    if (FileTrees.Capabilities.count(u)) {
      upperExecutables.add(u.file());
    }
    if (u.inode() != null) {
      upperGroups.computeIfAbsent(u.inode(), k -> new ArrayList<>()).add(u.path());
      upperLinked.put(u.path(), u);
    }
    if (u.type() == Type.DIRECTORY) {
      upperDirectories.put(u.path(), u);
    }
  }

  private void emit(Node u) {
    emitted.put(u.path(), u);
  }

  /** Whether the layer would record {@code u} otherwise than {@code l}, of the same type. */
  private boolean differs(Node l, Node u) throws IOException {
    if (u.type() != Type.SYMLINK && l.mode() != u.mode()) {
      return true; // Linux gives every symbolic link 0777
    }
    if (options.keepOwners() && (l.uid() != u.uid() || l.gid() != u.gid())) {
      return true;
    }
    if (!LayerWriter.recordedMtime(options, l.mtime())
        .equals(LayerWriter.recordedMtime(options, u.mtime()))) {
      return true;
    }
    if (!l.xattrs().equals(u.xattrs())) {
      return true;
    }
    return switch (u.type()) {
      case FILE -> l.size() != u.size() || Files.mismatch(l.file(), u.file()) != -1;
      case SYMLINK -> !l.target().equals(u.target());
      case CHAR_DEVICE, BLOCK_DEVICE -> l.major() != u.major() || l.minor() != u.minor();
      default -> false;
    };
  }

  /**
   * Reads the file capabilities of the upper tree's executables, and of the lower executables that
   * are otherwise unchanged, which are changed when theirs differ. getfattr runs on executables
   * only (the kernel looks at a file's capabilities only when it executes it), after the walk, as
   * {@link LayerWriter#addTree} reads them: trees without executables start no process.
   */
  private void capabilities() throws IOException {
    upperCapabilities = FileTrees.Capabilities.of(upperExecutables);
    if (capabilitiesToCompare.isEmpty()) {
      return;
    }
    List<Path> lowerFiles = new ArrayList<>(capabilitiesToCompare.size());
    for (Node[] pair : capabilitiesToCompare) {
      lowerFiles.add(pair[0].file());
    }
    Map<Path, byte[]> lowerCapabilities = FileTrees.Capabilities.of(lowerFiles);
    for (Node[] pair : capabilitiesToCompare) {
      if (!java.util.Arrays.equals(
          FileTrees.Capabilities.of(pair[0], lowerCapabilities),
          FileTrees.Capabilities.of(pair[1], upperCapabilities))) {
        emit(pair[1]);
      }
    }
  }

  /**
   * Makes the hardlinks of the result those of the upper tree: each upper link group with a member
   * written is written whole; then each unchanged linked path whose upper group is not what its
   * lower group becomes (minus the paths written or deleted) has its group written, until nothing
   * changes.
   */
  private void hardlinks() {
    Deque<String> todo = new ArrayDeque<>();
    for (String p : emitted.keySet()) {
      if (upperLinked.containsKey(p)) {
        todo.add(p);
      }
    }
    expand(todo);
    boolean again = true;
    while (again) {
      again = false;
      for (Map.Entry<String, Node> c : linkedUnchanged.entrySet()) {
        String q = c.getKey();
        if (emitted.containsKey(q)) {
          continue;
        }
        Inode ui = c.getValue().inode();
        Set<String> upper = ui == null ? Set.of(q) : new HashSet<>(upperGroups.get(ui));
        Inode li = lowerInode.get(q);
        Set<String> left = new HashSet<>();
        for (String r : li == null ? List.of(q) : lowerGroups.get(li)) {
          if (!emitted.containsKey(r) && !deleted.contains(r)) {
            left.add(r);
          }
        }
        if (!upper.equals(left)) {
          emit(c.getValue());
          if (ui != null) {
            todo.add(q);
            expand(todo);
          }
          again = true;
        }
      }
    }
  }

  /** Emits every upper path linked to one in {@code todo}. */
  private void expand(Deque<String> todo) {
    while (!todo.isEmpty()) {
      Node n = upperLinked.get(todo.poll());
      for (String member : upperGroups.get(Objects.requireNonNull(n).inode())) {
        if (!emitted.containsKey(member)) {
          emit(upperLinked.get(member));
        }
      }
    }
  }

  /** The parent directories of every change, with their upper attributes. */
  private void parents() {
    List<String> changed = new ArrayList<>(emitted.keySet());
    changed.addAll(deleted);
    for (String p : changed) {
      for (int s = p.lastIndexOf('/'); s > 0; s = p.lastIndexOf('/', s - 1)) {
        String parent = p.substring(0, s);
        if (emitted.containsKey(parent)) {
          continue;
        }
        emit(Objects.requireNonNull(upperDirectories.get(parent), parent));
      }
    }
  }
}
