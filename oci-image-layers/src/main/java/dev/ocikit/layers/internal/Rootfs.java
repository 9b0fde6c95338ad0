package dev.ocikit.layers.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The target directory of an unpack, and the only way the applier touches the file system: every
 * path is resolved inside it one component at a time, never following a symbolic link out of it.
 *
 * <p>As securejoin and containerd's {@code fs.RootPath} do, a symbolic link met in a parent path is
 * evaluated as if the root were {@code /} (an absolute target, or {@code ..} past the top, stays in
 * the root); the last component is never followed. Nothing is cached between entries: each lookup
 * re-reads the tree with {@code NOFOLLOW_LINKS}, since an earlier entry may have replaced a
 * directory by a link.
 */
public final class Rootfs {
  private static final int MAX_LINK_HOPS = 255;

  private final Path root;

  /** The root {@code root}, by its real path. */
  public Rootfs(Path root) throws IOException {
    this.root = root.toRealPath();
  }

  /** The root directory, a real path. */
  public Path root() {
    return root;
  }

  /** Something that happened to a directory the lookup created. */
  public interface Created {
    void directory(Path path) throws IOException;

    /**
     * Called before the lookup makes or removes something at {@code path}; true when that may have
     * changed what is there, so that it looks again.
     */
    default boolean settle(Path path) throws IOException {
      return false;
    }
  }

  /**
   * The real directory that holds {@code components}' last element, inside the root. Missing
   * parents are created (and reported) when {@code create}; a non-directory in the way is replaced
   * when {@code create}. Returns null when a parent is missing or not a directory and not {@code
   * create}.
   */
  public @Nullable Path parent(List<String> components, boolean create, Created created)
      throws IOException {
    return walk(
        new ArrayDeque<>(components.subList(0, components.size() - 1)),
        create,
        created,
        false,
        components);
  }

  /**
   * The path inside the root that {@code path} (read as absolute inside the root) names, symbolic
   * links followed at every component, the last included, never out of the root (securejoin's
   * {@code SecureJoin}); null when a component is missing or a non-final one is not a directory.
   *
   * @throws FileSystemLoopException after {@value #MAX_LINK_HOPS} links (a loop)
   */
  public @Nullable Path follow(String path) throws IOException {
    return walk(new ArrayDeque<>(List.of(path.split("/"))), false, d -> {}, true, List.of(path));
  }

  /**
   * Walks {@code todo} from the root, links followed; {@code toEnd}: the last component is part of
   * the walk (it may be a file) rather than left to the caller; {@code what}, joined with {@code
   * /}, names the lookup in an error.
   */
  private @Nullable Path walk(
      Deque<String> todo, boolean create, Created created, boolean toEnd, List<String> what)
      throws IOException {
    List<String> at = new ArrayList<>();
    Path here = root; // the path of at
    int hops = 0;
    while (!todo.isEmpty()) {
      String c = todo.pollFirst();
      if (c.isEmpty() || c.equals(".")) {
        continue;
      }
      if (c.equals("..")) {
        if (!at.isEmpty()) {
          at.remove(at.size() - 1); // clamped at the root
          here = resolve(at);
        }
        continue;
      }
      Path next = here.resolve(c);
      BasicFileAttributes a = attributes(next);
      if (a == null) {
        if (!create) {
          return null;
        }
        if (created.settle(next)) {
          todo.addFirst(c);
          continue;
        }
        Files.createDirectory(next);
        created.directory(next);
        at.add(c);
        here = next;
      } else if (a.isSymbolicLink()) {
        if (++hops > MAX_LINK_HOPS) {
          throw new LinkLoopException(String.join("/", what));
        }
        String target = Files.readSymbolicLink(next).toString();
        if (target.startsWith("/")) {
          at.clear();
          here = root;
        }
        String[] parts = target.split("/");
        for (int i = parts.length - 1; i >= 0; i--) {
          todo.addFirst(parts[i]);
        }
      } else if (a.isDirectory()
          || (toEnd && todo.stream().allMatch(r -> r.isEmpty() || r.equals(".")))) {
        at.add(c);
        here = next;
      } else {
        if (!create) {
          return null;
        }
        if (created.settle(next)) {
          todo.addFirst(c);
          continue;
        }
        Files.delete(next); // a file in the way of a directory the entry needs
        Files.createDirectory(next);
        created.directory(next);
        at.add(c);
        here = next;
      }
    }
    return here;
  }

  private Path resolve(List<String> components) {
    Path p = root;
    for (String c : components) {
      p = p.resolve(c);
    }
    return p;
  }

  /**
   * Whether {@code path}, under the root, is a directory reached from the root through directories
   * only, never a symbolic link: what an earlier lookup found may since have been replaced. {@code
   * known} remembers the answers for paths already checked.
   */
  public boolean isDirectoryInside(Path path, Map<Path, Boolean> known) throws IOException {
    known.putIfAbsent(root, true);
    Deque<Path> chain = new ArrayDeque<>();
    Path p = path;
    while (!known.containsKey(p)) {
      if (p == null || !p.startsWith(root)) {
        return false;
      }
      chain.push(p);
      p = p.getParent();
    }
    boolean ok = known.get(p);
    while (!chain.isEmpty()) {
      Path q = chain.pop();
      if (ok) {
        BasicFileAttributes a = attributes(q);
        ok = a != null && a.isDirectory();
      }
      known.put(q, ok);
    }
    return ok;
  }

  /** A path's attributes without following a link; null when it does not exist. */
  public static @Nullable BasicFileAttributes attributes(Path path) throws IOException {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /**
   * Removes whatever is at {@code path}, a whole directory tree included, following no link (see
   * {@link #removeQuietly}); fails at the first thing it cannot remove.
   */
  public static void remove(Path path) throws IOException {
    removeTree(path, false, false);
  }

  /**
   * Replaces the directory {@code dir} by a new one, made as a missing parent is, holding the same
   * children: the old directory's attributes go with it.
   */
  public static void recreateDirectory(Path dir) throws IOException {
    // No entry can leave a name beginning with .wh. in the tree (layer.md: "it is not possible to
    // create a filesystem which has a file or directory with a name beginning with .wh.").
    Path fresh = dir.resolveSibling(".wh..ocikit-new-directory");
    remove(fresh);
    Files.createDirectory(fresh);
    for (Path child : children(dir)) {
      Files.move(child, fresh.resolve(child.getFileName()));
    }
    Files.delete(dir);
    Files.move(fresh, dir);
  }

  /** The names in a directory. */
  public static List<Path> children(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      for (Path p : s) {
        out.add(p);
      }
    }
    return out;
  }

  /**
   * Opens every directory of the tree at {@code root} ({@code root} included) that denies its owner
   * reading, writing or searching (0000, 0500, 0555: a rootless unpack's, which its unprivileged
   * owner cannot enter or fill) to its owner, following no link; what they were opened from.
   * Depth-first with a stack of its own, so that no tree is too deep for it.
   *
   * @return the directories opened, with their modes before (permission bits), in walk order
   */
  public static Map<Path, Integer> openClosedDirectories(Path root) throws IOException {
    Map<Path, Integer> opened = new java.util.LinkedHashMap<>();
    BasicFileAttributes top = attributes(root);
    if (top == null || !top.isDirectory()) {
      return opened;
    }
    Deque<Path> todo = new ArrayDeque<>();
    todo.push(root);
    while (!todo.isEmpty()) {
      Path dir = todo.pop();
      int mode = openToOwner(dir);
      if (mode >= 0) {
        opened.put(dir, mode);
      }
      try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
        for (Path child : children) {
          BasicFileAttributes a = attributes(child);
          if (a != null && a.isDirectory()) {
            todo.push(child);
          }
        }
      }
    }
    return opened;
  }

  /**
   * Gives {@code dir}, a directory found with {@code lstat}, read, write and search permission for
   * its owner when it lacks any; its permission bits before, or -1 when it had them all.
   */
  private static int openToOwner(Path dir) throws IOException {
    int mode = (Integer) Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    if ((mode & 0700) == 0700) {
      return -1;
    }
    // By path: the JVM's no-follow chmod opens the directory first, which its unprivileged owner
    // cannot do while it is closed.
    Files.setAttribute(dir, "unix:mode", mode | 0700);
    return mode;
  }

  /** Too many symbolic links met resolving a path: a loop. */
  static final class LinkLoopException extends FileSystemLoopException {
    private static final long serialVersionUID = 1L;

    LinkLoopException(String path) {
      super(path);
    }

    @Override
    public String getMessage() {
      return "too many symbolic links resolving " + getFile();
    }
  }

  /**
   * Removes a tree that a failed unpack made ({@code top} itself too unless {@code keepTop}) as
   * {@link #remove} does, but leaves what it cannot remove and goes on: the error that led here
   * matters more.
   */
  public static void removeQuietly(Path top, boolean keepTop) {
    try {
      removeTree(top, keepTop, true);
    } catch (IOException e) {
      throw new IllegalStateException("a quiet removal failed aloud", e); // cannot happen
    }
  }

  /**
   * The one tree removal: following no link (only directories found with {@code lstat} are opened;
   * a link at {@code top} is removed, not followed); a directory without read, write or search
   * permission for its owner (a rootless unpack's) gets them before it is opened. Depth-first with
   * a stack of its own, so that no tree is too deep for it. {@code quiet}: what cannot be removed
   * is left and the removal goes on; else the first failure is thrown.
   */
  private static void removeTree(Path top, boolean keepTop, boolean quiet) throws IOException {
    BasicFileAttributes topAttributes;
    try {
      topAttributes = attributes(top);
    } catch (IOException e) {
      if (quiet) {
        return;
      }
      throw e;
    }
    if (topAttributes == null) {
      return;
    }
    Deque<Path> open = new ArrayDeque<>(); // directories whose content is still to be removed
    Deque<Path> emptied = new ArrayDeque<>(); // what to remove once its content is gone
    if (topAttributes.isDirectory()) {
      open.push(top);
    } else {
      emptied.push(top); // a file, or a symbolic link: removed itself, never followed
    }
    while (!open.isEmpty()) {
      Path dir = open.pop();
      emptied.push(dir);
      try {
        openToOwner(dir);
        try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
          for (Path child : children) {
            BasicFileAttributes a = attributes(child);
            if (a != null && a.isDirectory()) {
              open.push(child);
            } else {
              delete(child, quiet);
            }
          }
        }
      } catch (IOException e) {
        if (!quiet) {
          throw e;
        }
      }
    }
    while (!emptied.isEmpty()) {
      Path p = emptied.pop();
      if (!(keepTop && p.equals(top))) {
        delete(p, quiet);
      }
    }
  }

  private static void delete(Path path, boolean quiet) throws IOException {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      if (!quiet) {
        throw e;
      }
    }
  }

  /**
   * Makes {@code target} ready to be filled: an absent one is made (true), an existing one must be
   * an empty directory, not a link to one (false).
   *
   * @param advice what the error for a target that is not empty tells the caller to do
   * @throws java.nio.file.FileSystemException naming the target, if it is not
   */
  public static boolean prepareTarget(Path target, String advice) throws IOException {
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      if (Files.isSymbolicLink(target)) {
        // Not followed: what is unpacked stays in the directory named, which a link is not.
        throw new java.nio.file.FileSystemException(
            target.toString(),
            null,
            "is a symbolic link (to "
                + Files.readSymbolicLink(target)
                + "); name the directory"
                + " itself");
      }
      if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
        throw new java.nio.file.FileSystemException(
            target.toString(), null, "exists and is not a directory");
      }
      try (var entries = Files.list(target)) {
        if (entries.findAny().isPresent()) {
          throw new java.nio.file.FileSystemException(
              target.toString(), null, "is not empty; " + advice);
        }
      }
      return false;
    }
    Files.createDirectories(target);
    return true;
  }
}
