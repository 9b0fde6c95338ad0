package dev.ocikit.bundle;

import java.io.IOException;
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
import org.jspecify.annotations.Nullable;

/**
 * Resolves a path inside a root directory as if the root were {@code /}, following symbolic links
 * at every component, the last included, without ever leaving the root: an absolute link target
 * starts again at the root, and {@code ..} stops at it (the rule of securejoin's {@code
 * SecureJoin}, which runtimes use to look into a container's root filesystem). Every component is
 * examined with {@code NOFOLLOW_LINKS}; the operating system never follows a link on ocikit's
 * behalf.
 */
final class ConfinedPath {
  private static final int MAX_LINK_HOPS = 255;

  private ConfinedPath() {}

  /**
   * The path inside {@code root} that {@code path} (read as absolute in the container) names, links
   * followed inside the root; null when a component does not exist or a non-final component is not
   * a directory.
   *
   * @throws FileSystemLoopException after {@value #MAX_LINK_HOPS} links (a loop)
   */
  static @Nullable Path resolve(Path root, String path) throws IOException {
    Deque<String> todo = new ArrayDeque<>(List.of(path.split("/")));
    List<String> at = new ArrayList<>();
    int hops = 0;
    while (!todo.isEmpty()) {
      String c = todo.pollFirst();
      if (c.isEmpty() || c.equals(".")) {
        continue;
      }
      if (c.equals("..")) {
        if (!at.isEmpty()) {
          at.remove(at.size() - 1); // clamped at the root
        }
        continue;
      }
      Path next = join(root, at).resolve(c);
      BasicFileAttributes a = attributes(next);
      if (a == null) {
        return null;
      }
      if (a.isSymbolicLink()) {
        if (++hops > MAX_LINK_HOPS) {
          throw new FileSystemLoopException(path);
        }
        String target = Files.readSymbolicLink(next).toString();
        if (target.startsWith("/")) {
          at.clear();
        }
        String[] parts = target.split("/");
        for (int i = parts.length - 1; i >= 0; i--) {
          todo.addFirst(parts[i]);
        }
      } else if (a.isDirectory() || todo.stream().allMatch(s -> s.isEmpty() || s.equals("."))) {
        at.add(c);
      } else {
        return null; // a file where a directory is needed
      }
    }
    return join(root, at);
  }

  private static Path join(Path root, List<String> components) {
    Path p = root;
    for (String c : components) {
      p = p.resolve(c);
    }
    return p;
  }

  /** A path's attributes without following a link; null when it does not exist. */
  static @Nullable BasicFileAttributes attributes(Path path) throws IOException {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    }
  }
}
