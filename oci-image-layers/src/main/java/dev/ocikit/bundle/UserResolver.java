package dev.ocikit.bundle;

import dev.ocikit.internal.Values;
import dev.ocikit.layers.internal.Rootfs;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Resolves an image's {@code Config.User} in its unpacked root filesystem (image-spec
 * conversion.md, "Config.User"; config.md, {@code User}), by parsing the root filesystem's {@code
 * /etc/passwd} and {@code /etc/group}. Those files are found as a runtime finds them inside the
 * container: symbolic links are followed inside the root filesystem only (an absolute target starts
 * again at its root, {@code ..} stops there, as securejoin does), so a link can never make ocikit
 * read a file of the host. Only regular files are read, never FIFOs or devices.
 *
 * <p>The forms config.md lists, and what each gives:
 *
 * <ul>
 *   <li>{@code user} (a name): uid, gid and home of the first {@code /etc/passwd} entry of that
 *       name, and as additional gids those of the {@code /etc/group} entries that list the name as
 *       a member, in file order. A name with no entry is an {@link UnknownUserException}.
 *   <li>{@code uid} (digits only): that uid verbatim ("MUST be copied verbatim"); gid and home from
 *       the first {@code /etc/passwd} entry with that uid, or gid 0 and no home when there is none
 *       (a numeric uid need not be defined). No additional gids: "The converter SHOULD NOT modify
 *       {@code process.user.additionalGids} if the value of user in {@code Config.User} is
 *       numeric".
 *   <li>{@code user:group}, {@code uid:gid}, {@code uid:group}, {@code user:gid}: uid (and home) as
 *       above; gid verbatim when numeric, else from the first {@code /etc/group} entry of that name
 *       (an {@link UnknownUserException} when there is none); no additional gids ("or if {@code
 *       Config.User} specifies a group").
 *   <li>absent or empty (implementation-defined): root, uid 0, with gid, home and supplementary
 *       groups of the first {@code /etc/passwd} entry with uid 0 when there is one, as runc, Docker
 *       and umoci resolve an empty user.
 * </ul>
 *
 * <p>Lines are {@code name:password:uid:gid:gecos:home:shell} and {@code
 * name:password:gid:members}; blank lines, {@code #} comments and lines whose ids are not decimal
 * uint32s are skipped (rather than read as id 0, as Go's {@code user} package reads them).
 */
public final class UserResolver {
  /** The password file, as a path in the container. */
  public static final String PASSWD = "/etc/passwd";

  /** The group file, as a path in the container. */
  public static final String GROUP = "/etc/group";

  private static final int MAX_LINE = 64 * 1024;

  private UserResolver() {}

  /**
   * Resolves {@code user} (the image's {@code Config.User}, or null when absent) in the root
   * filesystem at {@code rootfs}.
   *
   * @throws UnknownUserException if a user or group name is not defined in the image
   * @throws BundleException if {@code user} is not of a form config.md lists, or a numeric id is
   *     not a uint32, or {@code /etc/passwd} or {@code /etc/group} is there but not a regular file
   * @throws IOException if the files cannot be read
   */
  public static ResolvedUser resolve(Path rootfs, @Nullable String user) throws IOException {
    Objects.requireNonNull(rootfs, "rootfs");
    Path root = rootfs.toRealPath();
    if (user == null || user.isEmpty()) {
      Passwd entry = findPasswd(root, e -> e.uid == 0);
      if (entry == null) {
        return new ResolvedUser(0, 0, List.of(), null);
      }
      return new ResolvedUser(0, entry.gid, memberships(root, entry.name), entry.home);
    }
    int colon = user.indexOf(':');
    String userPart = colon < 0 ? user : user.substring(0, colon);
    String groupPart = colon < 0 ? "" : user.substring(colon + 1);
    if (userPart.isEmpty()) {
      throw new BundleException(
          "Config.User \"" + user + "\" names no user (expected user, uid, user:group, uid:gid)");
    }

    long uid;
    long gid;
    String home;
    String userName = null;
    Long numericUid = numeric(userPart, "uid", user);
    if (numericUid != null) {
      uid = numericUid;
      Passwd entry = findPasswd(root, e -> e.uid == numericUid);
      gid = entry == null ? 0 : entry.gid;
      home = entry == null ? null : entry.home;
    } else {
      Passwd entry = findPasswd(root, e -> e.name.equals(userPart));
      if (entry == null) {
        throw new UnknownUserException(
            UnknownUserException.Kind.USER, userPart, PASSWD, absence(root, PASSWD, "user"));
      }
      uid = entry.uid;
      gid = entry.gid;
      home = entry.home;
      userName = entry.name;
    }

    if (!groupPart.isEmpty()) {
      Long numericGid = numeric(groupPart, "gid", user);
      if (numericGid != null) {
        gid = numericGid;
      } else {
        Group group = findGroup(root, groupPart);
        if (group == null) {
          throw new UnknownUserException(
              UnknownUserException.Kind.GROUP, groupPart, GROUP, absence(root, GROUP, "group"));
        }
        gid = group.gid;
      }
      return new ResolvedUser(uid, gid, List.of(), home);
    }
    List<Long> additional = userName == null ? List.of() : memberships(root, userName);
    return new ResolvedUser(uid, gid, additional, home);
  }

  private record Passwd(String name, long uid, long gid, @Nullable String home) {}

  private record Group(String name, long gid, List<String> members) {}

  private interface LineHandler {
    /** Handles the fields of one line; returns false to stop reading. */
    boolean line(String[] fields);
  }

  private static @Nullable Passwd findPasswd(Path root, java.util.function.Predicate<Passwd> match)
      throws IOException {
    Passwd[] found = new Passwd[1];
    forEachLine(
        root,
        PASSWD,
        fields -> {
          if (fields.length < 4) {
            return true;
          }
          long uid = id(fields[2]);
          long gid = id(fields[3]);
          if (uid < 0 || gid < 0) {
            return true;
          }
          Passwd p = new Passwd(fields[0], uid, gid, fields.length > 5 ? fields[5] : null);
          if (match.test(p)) {
            found[0] = p;
            return false;
          }
          return true;
        });
    return found[0];
  }

  private static @Nullable Group findGroup(Path root, String name) throws IOException {
    Group[] found = new Group[1];
    forEachLine(
        root,
        GROUP,
        fields -> {
          Group g = group(fields);
          if (g != null && g.name.equals(name)) {
            found[0] = g;
            return false;
          }
          return true;
        });
    return found[0];
  }

  /** The gids of the groups that list {@code user} as a member, in file order. */
  private static List<Long> memberships(Path root, String user) throws IOException {
    List<Long> gids = new ArrayList<>();
    forEachLine(
        root,
        GROUP,
        fields -> {
          Group g = group(fields);
          if (g != null && g.members.contains(user)) {
            gids.add(g.gid);
          }
          return true;
        });
    return gids;
  }

  private static @Nullable Group group(String[] fields) {
    if (fields.length < 3) {
      return null;
    }
    long gid = id(fields[2]);
    if (gid < 0) {
      return null;
    }
    List<String> members = new ArrayList<>();
    if (fields.length > 3) {
      for (String m : fields[3].split(",")) {
        if (!m.isEmpty()) {
          members.add(m);
        }
      }
    }
    return new Group(fields[0], gid, members);
  }

  /** A decimal uint32 id, or -1 when {@code s} is not one. */
  private static long id(String s) {
    if (s.isEmpty() || s.length() > 10) {
      return -1;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
    }
    long v = Long.parseLong(s);
    return v > Values.UINT32_MAX ? -1 : v;
  }

  /** The id when {@code s} is all digits, null when it is a name. */
  private static @Nullable Long numeric(String s, String what, String user) throws BundleException {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return null;
      }
    }
    long v = id(s);
    if (v < 0) {
      throw new BundleException(
          "Config.User \"" + user + "\": " + what + " " + s + " is not a uint32");
    }
    return v;
  }

  /** Reads the lines of {@code file} in the root filesystem; does nothing when it is missing. */
  private static void forEachLine(Path root, String file, LineHandler handler) throws IOException {
    Path path = regularFile(root, file);
    if (path == null) {
      return;
    }
    try (InputStream in =
        new BufferedInputStream(Files.newInputStream(path, LinkOption.NOFOLLOW_LINKS))) {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      boolean tooLong = false;
      int b;
      while (true) {
        b = in.read();
        if (b == '\n' || b < 0) {
          if (!tooLong && line.size() > 0) {
            String text = line.toString(StandardCharsets.UTF_8).strip();
            if (!text.isEmpty() && !text.startsWith("#") && !handler.line(text.split(":", -1))) {
              return;
            }
          }
          line.reset();
          tooLong = false;
          if (b < 0) {
            return;
          }
        } else if (line.size() < MAX_LINE) {
          line.write(b);
        } else {
          tooLong = true; // longer than any real entry: skipped
        }
      }
    }
  }

  /**
   * The regular file {@code file} names in the root filesystem, links followed inside it; null when
   * there is none.
   *
   * @throws BundleException if something other than a regular file is there, or links loop
   */
  private static @Nullable Path regularFile(Path root, String file) throws IOException {
    Path path;
    try {
      path = new Rootfs(root).follow(file);
    } catch (FileSystemLoopException e) {
      throw new BundleException(
          file + " in the image: too many levels of symbolic links (a loop)", e);
    }
    if (path == null) {
      return null;
    }
    BasicFileAttributes a = Rootfs.attributes(path);
    if (a == null) {
      return null;
    }
    if (!a.isRegularFile()) {
      throw new BundleException(
          file
              + " in the image is "
              + (a.isDirectory() ? "a directory" : "not a regular file (a device or FIFO)")
              + ", not a file of entries");
    }
    return path;
  }

  /** Why a name was not found in {@code file}: no entry, or no file (a link to outside, say). */
  private static String absence(Path root, String file, String what) throws IOException {
    if (regularFile(root, file) != null) {
      return file + " has no " + what + " of that name";
    }
    Path dir = new Rootfs(root).follow(file.substring(0, file.lastIndexOf('/')));
    Path at = dir == null ? null : dir.resolve(file.substring(file.lastIndexOf('/') + 1));
    if (at != null && Files.isSymbolicLink(at)) {
      return file
          + " is a symbolic link to \""
          + Files.readSymbolicLink(at)
          + "\", which does not lead to a file inside the image (links are followed inside"
          + " the root filesystem only)";
    }
    return "the image has no " + file;
  }
}
