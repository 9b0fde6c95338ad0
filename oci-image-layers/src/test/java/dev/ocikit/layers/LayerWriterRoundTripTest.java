package dev.ocikit.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.ocikit.layers.Tree.Node;
import dev.ocikit.layers.Tree.Type;
import dev.ocikit.layout.OciLayout;
import dev.ocikit.model.Compression;
import dev.ocikit.model.MediaType;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A tree with the hard cases, written as a layer and applied again, by {@link LayerApplier} and by
 * {@code umoci unpack}: the result is the tree, but for what the options normalise.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LayerWriterRoundTripTest {
  private static final boolean ROOT = Tools.root();
  private static final Instant T0 = Instant.parse("2001-09-09T01:46:40Z");

  /** A long name: more than 255 bytes in all, more than 100 in its last component. */
  private static final String LONG =
      "long/" + "d".repeat(120) + "/" + "e".repeat(200) + "/" + "f".repeat(150) + ".txt";

  private static final String UNICODE = "ünïcødé/日本語-🎉.txt";

  @TempDir Path dir;

  // ---- the source tree

  private static Path file(Path path, byte[] content, int mode) throws IOException {
    Files.createDirectories(path.getParent());
    Files.write(path, content);
    Files.setAttribute(path, "unix:mode", mode);
    return path;
  }

  private static Path file(Path path, String content, int mode) throws IOException {
    return file(path, content.getBytes(StandardCharsets.UTF_8), mode);
  }

  private static Path directory(Path path, int mode) throws IOException {
    Files.createDirectories(path);
    Files.setAttribute(path, "unix:mode", mode);
    return path;
  }

  private static void symlink(Path path, String target) throws IOException {
    Files.createDirectories(path.getParent());
    Files.createSymbolicLink(path, Path.of(target));
  }

  /** Sets the owner, as root only; chown clears setuid and setgid, so the mode is set again. */
  private static void owner(Path path, int uid, int gid) throws IOException {
    if (ROOT) {
      int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
      Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
      Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
      if (!Files.isSymbolicLink(path)) {
        Files.setAttribute(path, "unix:mode", mode & 07777);
      }
    }
  }

  private static void xattr(Path path, String name, byte[] value) throws IOException {
    Files.getFileAttributeView(path, UserDefinedFileAttributeView.class)
        .write(name.substring("user.".length()), ByteBuffer.wrap(value));
  }

  /**
   * The hard cases: hardlinks (three names, two directories), symbolic links absolute, relative,
   * dangling and to a directory, setuid/setgid/sticky modes, owners, empty directories, names of
   * more than 100 and 255 bytes, non-ASCII names, user xattrs (one not UTF-8, one empty), an empty
   * file, a 1 MB file, a FIFO, a socket, a device when root.
   */
  private Path hardTree() throws IOException {
    Path src = directory(dir.resolve("src"), 0755);
    file(src.resolve("bin/tool"), "#!/bin/sh\necho tool\n", 0755);
    Path suid = file(src.resolve("bin/suid"), "setuid", 04755);
    owner(suid, 1000, 1000);
    owner(file(src.resolve("bin/sgid"), "setgid", 02711), 0, 2000);
    directory(src.resolve("tmp"), 01777);
    owner(directory(src.resolve("shared"), 02775), 0, 50);
    directory(src.resolve("empty"), 0700);
    directory(src.resolve("deep/empty/dirs"), 0755);
    Path etc = directory(src.resolve("etc"), 0750);
    xattr(etc, "user.dir", "etc".getBytes(StandardCharsets.UTF_8));
    Path conf = file(etc.resolve("conf"), "conf v1\n", 0640);
    xattr(conf, "user.origin", "v1 ü".getBytes(StandardCharsets.UTF_8));
    xattr(conf, "user.second", "2".getBytes(StandardCharsets.UTF_8));
    Path binary = file(etc.resolve("binary-xattr"), "x", 0644);
    xattr(binary, "user.bin", new byte[] {(byte) 0xff, (byte) 0xfe, 0});
    xattr(binary, "user.ok", "ok".getBytes(StandardCharsets.UTF_8));
    xattr(file(etc.resolve("empty-xattr"), "x", 0644), "user.empty", new byte[0]);
    symlink(src.resolve("links/rel"), "../etc/conf");
    symlink(src.resolve("links/abs"), "/etc/conf");
    symlink(src.resolve("links/dangling"), "../nowhere");
    symlink(src.resolve("links/dir"), "../bin");
    symlink(src.resolve("links/long-target"), "../" + LONG);
    Path a = file(src.resolve("hard/a"), "one inode, four names", 0644);
    owner(a, 7, 8);
    Files.createLink(src.resolve("hard/b"), a);
    Files.createLink(src.resolve("hard/c"), a);
    Files.createDirectories(src.resolve("other"));
    Files.createLink(src.resolve("other/0-before-hard"), a);
    Path target = file(src.resolve("links/t"), "t", 0600);
    Files.createLink(src.resolve("links/t2"), target);
    file(src.resolve("empty-file"), new byte[0], 0644);
    byte[] big = new byte[1 << 20];
    new Random(42).nextBytes(big);
    file(src.resolve("big"), big, 0644);
    file(src.resolve(LONG), "a long name", 0644);
    file(src.resolve("x".repeat(255)), "the longest component", 0644);
    if (Tools.unicodeFileNames()) {
      file(src.resolve(UNICODE), "テキスト", 0644);
      file(src.resolve("caf\u00e9"), "NFC", 0644);
      file(src.resolve("cafe\u0301"), "NFD", 0644);
    }
    Tools.run(dir, List.of("mkfifo", "-m", "0620", src.resolve("pipe").toString()));
    if (ROOT) {
      Files.createDirectories(src.resolve("dev"));
      Tools.run(
          dir, List.of("mknod", "-m", "0666", src.resolve("dev/zero").toString(), "c", "1", "5"));
      Tools.run(
          dir, List.of("mknod", "-m", "0660", src.resolve("dev/loop9").toString(), "b", "7", "9"));
    }
    try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      s.bind(UnixDomainSocketAddress.of(src.resolve("socket")));
    }
    stamp(src);
    return src;
  }

  /**
   * Gives every path under {@code root} (itself included) its own mtime, {@link #T0} plus some
   * minutes and a fraction, children before their directory; FIFOs, devices and sockets through
   * touch, which does not open them.
   */
  private void stamp(Path root) throws IOException {
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(root)) {
      paths = walk.sorted(java.util.Comparator.reverseOrder()).collect(Collectors.toList());
    }
    int minute = 0;
    for (Path p : paths) {
      Instant t = T0.plus(Duration.ofMinutes(++minute)).plusMillis(250);
      if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
          || Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
          || Files.isSymbolicLink(p)) {
        FileTime ft = FileTime.from(t);
        Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
            .setTimes(ft, ft, null);
      } else {
        Tools.run(
            dir, List.of("touch", "-h", "-d", "@" + t.getEpochSecond() + ".25", p.toString()));
      }
    }
  }

  /**
   * The tree a layer of {@code src} must give back: without the root (a layer has no entry for it),
   * the socket (a tar cannot hold one) and the empty xattr value (an empty PAX value means a
   * deletion). The value that is not UTF-8 survives: its PAX record holds its bytes as they are.
   */
  private static Tree expected(Path src) throws IOException {
    return Tree.of(src)
        .without(".")
        .without("socket")
        .with(
            "etc/empty-xattr",
            n -> {
              Map<String, String> x = new TreeMap<>(n.xattrs());
              x.remove("user.empty");
              return n.withXattrs(x);
            });
  }

  private static void assertSameTree(String what, Tree expected, Tree actual) {
    List<String> differences = expected.differences("source", actual, what, p -> false);
    if (!differences.isEmpty()) {
      fail(
          differences.size()
              + " paths differ:\n"
              + String.join("\n", differences)
              + "\n\nsource:\n"
              + expected
              + "\n"
              + what
              + ":\n"
              + actual);
    }
  }

  private Tree applied(OciLayout layout, WrittenLayer layer) throws IOException {
    Path target = Files.createTempDirectory(dir, "applied");
    ApplyResult r =
        new LayerApplier(ApplyOptions.DEFAULT.withRootless(!ROOT))
            .apply(layout, layer.descriptor(), layer.diffId(), target);
    assertThat(r.diffId()).isEqualTo(layer.diffId());
    assertThat(r.uncompressedBytes()).isEqualTo(layer.uncompressedSize());
    assertThat(r.entries()).isEqualTo(layer.entries());
    Tree tree = Tree.of(target).without(".");
    // Rootless, the owners that could not be set are kept in this xattr, as umoci keeps them
    // (compared in UmociEquivalenceTest); the tree that was packed has none.
    return ROOT ? tree : tree.withoutXattr("user.rootlesscontainers");
  }

  // ---- tests

  @ParameterizedTest
  @EnumSource(Compression.class)
  void aTreeWrittenWithOwnersAndTimesKeptIsAppliedBackExactlyByOcikitAndUmoci(Compression c)
      throws IOException {
    Path src = hardTree();
    LayerOptions options =
        LayerOptions.builder()
            .compression(c)
            .keepOwners(true)
            .timestamps(LayerOptions.Timestamps.KEEP)
            .build();
    WrittenLayer layer;
    Path layoutPath = dir.resolve("layout");
    try (OciLayout layout = OciLayout.create(layoutPath)) {
      layer = new LayerWriter(options).addTree(src).write(layout);
      assertThat(layer.descriptor().mediaType()).isEqualTo(MediaType.layerMediaType(c));
      assertThat(layer.notes())
          .anyMatch(n -> n.startsWith("socket: socket skipped"))
          .noneMatch(n -> n.startsWith("etc/binary-xattr"))
          .anyMatch(n -> n.startsWith("etc/empty-xattr: xattr user.empty left out"));
      Tree expected = expected(src);

      assertSameTree("applied by ocikit", expected, applied(layout, layer));

      WrittenImages.tag(layout, "t", List.of(layer));
    }
    Tree umoci = Tree.of(WrittenImages.umociUnpack(layoutPath, "t", dir)).without(".");
    if (!ROOT) {
      umoci = umoci.withoutXattr("user.rootlesscontainers");
    }
    assertSameTree("unpacked by umoci", expected(src), umoci);
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void withTheDefaultOptionsEveryOwnerIsRootAndEveryMtimeTheEpoch(Compression c)
      throws IOException {
    Path src = hardTree();
    Path layoutPath = dir.resolve("layout");
    WrittenLayer layer;
    int uid = ROOT ? 0 : (Integer) Files.getAttribute(dir, "unix:uid");
    int gid = ROOT ? 0 : (Integer) Files.getAttribute(dir, "unix:gid");
    Tree expected =
        expected(src)
            .mapBelowRoot(
                n ->
                    n.withOwnerAndMode(uid, gid, n.mode()).withMtime(FileTime.from(Instant.EPOCH)));
    try (OciLayout layout = OciLayout.create(layoutPath)) {
      layer = new LayerWriter(LayerOptions.DEFAULT.withCompression(c)).addTree(src).write(layout);
      assertSameTree("applied by ocikit", expected, applied(layout, layer));
      WrittenImages.tag(layout, "t", List.of(layer));
    }
    Tree umoci = Tree.of(WrittenImages.umociUnpack(layoutPath, "t", dir)).without(".");
    if (!ROOT) {
      umoci = umoci.withoutXattr("user.rootlesscontainers");
    }
    assertSameTree("unpacked by umoci", expected, umoci);
  }

  @Test
  void hardlinksAreWrittenAsTheFirstPathWithTheContentThenLinksToIt() throws IOException {
    Path src = hardTree();
    List<LayerEntry> entries = new LayerWriter(LayerOptions.DEFAULT).addTree(src).entries();
    Map<String, LayerEntry> byPath =
        entries.stream().collect(Collectors.toMap(LayerEntry::path, e -> e));

    // "hard/a" sorts after "other/0-before-hard"? No: "hard" < "other", so hard/a is first.
    assertThat(byPath.get("hard/a").type()).isEqualTo(LayerEntry.Type.FILE);
    assertThat(byPath.get("hard/a").content()).isNotNull();
    for (String link : List.of("hard/b", "hard/c", "other/0-before-hard")) {
      assertThat(byPath.get(link).type()).isEqualTo(LayerEntry.Type.HARDLINK);
      assertThat(byPath.get(link).linkTarget()).isEqualTo("hard/a");
    }
    assertThat(byPath.get("links/t").type()).isEqualTo(LayerEntry.Type.FILE);
    assertThat(byPath.get("links/t2").linkTarget()).isEqualTo("links/t");
    assertThat(byPath).doesNotContainKey("socket");
    assertThat(entries.stream().map(LayerEntry::path).toList())
        .containsSubsequence("hard/a", "hard/b", "hard/c", "other/0-before-hard");
    if (ROOT) {
      assertThat(byPath.get("dev/zero").type()).isEqualTo(LayerEntry.Type.CHAR_DEVICE);
      assertThat(byPath.get("dev/zero").devMajor()).isEqualTo(1);
      assertThat(byPath.get("dev/zero").devMinor()).isEqualTo(5);
      assertThat(byPath.get("dev/loop9").type()).isEqualTo(LayerEntry.Type.BLOCK_DEVICE);
    }
    Node pipe = Tree.of(src).node("pipe");
    assertThat(pipe.type()).isEqualTo(Type.FIFO);
    assertThat(byPath.get("pipe").type()).isEqualTo(LayerEntry.Type.FIFO);
  }
}
