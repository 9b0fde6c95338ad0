package dev.ocikit.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A tree with the cases that break layer writers: hardlinks, symlinks (relative, absolute,
 * dangling), setuid/setgid/sticky modes, empty directories, long and non-ASCII names, user xattrs
 * (one not text), an empty file and a 1 MB one. Made in the given order (or its reverse), every
 * mtime set to {@code time}, so two trees can differ only in creation order and times.
 */
final class HardTree {
  private HardTree() {}

  private interface Step {
    void run(Path root) throws IOException;
  }

  static Path create(Path root, boolean reverse, Instant time) throws IOException {
    Files.createDirectories(root);
    String longDir = "l".repeat(120);
    String longName = "n".repeat(150);
    byte[] big = new byte[1 << 20];
    new Random(7).nextBytes(big);
    List<Step> steps = new ArrayList<>();
    steps.add(r -> file(r, "bin/tool", "#!/bin/sh\necho tool\n", 0755));
    steps.add(r -> file(r, "bin/suid", "suid\n", 04755));
    steps.add(r -> file(r, "bin/sgid", "sgid\n", 02755));
    steps.add(r -> file(r, "etc/conf", "conf\n", 0644));
    steps.add(r -> file(r, "etc/empty", "", 0600));
    steps.add(r -> Files.createDirectories(r.resolve("empty")));
    steps.add(r -> Files.createDirectories(r.resolve("tmp")));
    steps.add(r -> file(r, "data/big.bin", big, 0644));
    steps.add(r -> file(r, "data/hard-a", "shared content\n", 0640));
    steps.add(r -> file(r, "café/naïve-ü-日本.txt", "non-ascii\n", 0644));
    steps.add(r -> file(r, longDir + "/" + longName + "/" + longName, "deep\n", 0644));
    steps.add(
        r -> {
          Files.createDirectories(r.resolve("links"));
          Files.createSymbolicLink(r.resolve("links/rel"), Path.of("../etc/conf"));
          Files.createSymbolicLink(r.resolve("links/abs"), Path.of("/etc/conf"));
          Files.createSymbolicLink(r.resolve("links/dangling"), Path.of("/nowhere"));
        });
    if (reverse) {
      Collections.reverse(steps);
    }
    for (Step s : steps) {
      s.run(root);
    }
    // After their targets exist, in either order.
    Files.createLink(root.resolve("data/hard-b"), root.resolve("data/hard-a"));
    Files.setAttribute(root.resolve("tmp"), "unix:mode", 01777);
    Files.setAttribute(root.resolve("empty"), "unix:mode", 0700);
    UserDefinedFileAttributeView x =
        Files.getFileAttributeView(root.resolve("etc/conf"), UserDefinedFileAttributeView.class);
    x.write("test", ByteBuffer.wrap("xattr value".getBytes(StandardCharsets.UTF_8)));
    // A value that is not UTF-8 text: its PAX record must hold the bytes as they are.
    x.write("binary", ByteBuffer.wrap(new byte[] {(byte) 0xff, (byte) 0x80, 0, '\n', '='}));
    try (var walk = Files.walk(root)) {
      for (Path p : walk.toList()) {
        Files.getFileAttributeView(
                p, java.nio.file.attribute.BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
            .setTimes(FileTime.from(time), FileTime.from(time), null);
      }
    }
    return root;
  }

  private static void file(Path root, String name, String content, int mode) throws IOException {
    file(root, name, content.getBytes(StandardCharsets.UTF_8), mode);
  }

  private static void file(Path root, String name, byte[] content, int mode) throws IOException {
    Path p = root.resolve(name);
    Files.createDirectories(p.getParent());
    Files.write(p, content);
    Files.setAttribute(p, "unix:mode", mode);
  }
}
