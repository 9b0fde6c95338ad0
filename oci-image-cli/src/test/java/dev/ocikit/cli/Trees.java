package dev.ocikit.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A directory tree as comparable text, one line per path: type, permission bits (with setuid,
 * setgid, sticky), owner when asked, size and SHA-256 of files, link targets, user xattrs, and the
 * hardlink group (the first path, in order, with the same inode).
 */
final class Trees {
  private Trees() {}

  static Map<String, String> snapshot(Path root, boolean owners) throws IOException {
    Map<String, String> out = new TreeMap<>();
    Map<Object, String> inodes = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted().toList()) {
        if (p.equals(root)) {
          continue;
        }
        String rel = root.relativize(p).toString();
        BasicFileAttributes a =
            Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        StringBuilder line = new StringBuilder();
        if (a.isSymbolicLink()) {
          line.append("symlink -> ").append(Files.readSymbolicLink(p));
        } else if (a.isDirectory()) {
          line.append("dir ").append(Integer.toOctalString(mode & 07777));
        } else {
          line.append("file ")
              .append(Integer.toOctalString(mode & 07777))
              .append(' ')
              .append(a.size())
              .append(' ')
              .append(sha256(p));
          int nlink = (Integer) Files.getAttribute(p, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
          if (nlink > 1) {
            String first = inodes.putIfAbsent(a.fileKey(), rel);
            line.append(" links:").append(first == null ? rel : first);
          }
          UserDefinedFileAttributeView x =
              Files.getFileAttributeView(p, UserDefinedFileAttributeView.class);
          for (String name : new java.util.TreeSet<>(x.list())) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(x.size(name));
            x.read(name, b);
            line.append(" user.")
                .append(name)
                .append('=')
                .append(HexFormat.of().formatHex(b.array()));
          }
        }
        if (owners) {
          line.append(" owner ")
              .append(Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS))
              .append(':')
              .append(Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS));
        }
        out.put(rel, line.toString());
      }
    }
    return out;
  }

  private static String sha256(Path p) throws IOException {
    try (InputStream in = Files.newInputStream(p)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[65536];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
