package dev.ocikit.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ocikit.layers.LayerTar.Layer;
import dev.ocikit.layers.Tree.Node;
import dev.ocikit.layers.Tree.Type;
import dev.ocikit.layout.OciLayout;
import dev.ocikit.model.Compression;
import dev.ocikit.model.Descriptor;
import dev.ocikit.model.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ocikit unpack} ({@link ImageUnpacker} over {@code OciLayout.open(...).resolve(...)}) makes
 * the same tree as {@code umoci unpack}'s {@code rootfs/}, for images built with umoci ({@code
 * umoci insert}, {@code --whiteout}, {@code --opaque}), images of hand-made layers added with
 * {@code umoci raw add-layer}, and uncompressed and zstd layers written with ocikit's API (umoci
 * 0.4.7 reads zstd layers once skopeo has made them gzip).
 *
 * <p>As root (CI), both unpack as root, owners set; otherwise both unpack rootless, each keeping
 * the owners it could not set in the {@code user.rootlesscontainers} xattr (compared too).
 *
 * <p>The trees are compared path by path: type, permission bits with setuid, setgid and sticky,
 * owner, size and SHA-256 of files, symlink targets, device numbers, hardlink groups (paths sharing
 * an inode), user xattrs and mtimes. Directory mtimes are compared wherever ocikit took them from a
 * tar header, and for every directory entry of the image's last layer; they are not compared where
 * ocikit's unpack set them itself (at or after the moment it began), which happens for three kinds
 * of directories:
 *
 * <ul>
 *   <li>the root, when no layer has an entry for it (umoci's gets the Unix epoch);
 *   <li>implicit parents, which no layer has an entry for, and lower directories a whiteout removed
 *       that the whiteout's layer wrote into (see {@code recreated}): both tools make or change
 *       them at unpack time;
 *   <li>directories of a lower layer whose content a later layer changes without an entry for the
 *       directory: umoci puts back the mtime the directory had before each entry, ocikit (like
 *       containerd and Docker) leaves the time of the change. layer.md says nothing of either.
 * </ul>
 *
 * <p>Where umoci and layer.md disagree, the test asserts layer.md, and says so where it does.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class UmociEquivalenceTest {
  private static final boolean ROOT = Tools.root();

  @TempDir Path dir;

  @BeforeAll
  static void umociIsThere() {
    Tools.require("umoci");
  }

  // ---- running umoci and ocikit

  private String umoci(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("umoci", args[0]));
    if (!ROOT && (args[0].equals("insert") || args[0].equals("unpack"))) {
      command.add("--rootless");
    }
    command.addAll(List.of(args).subList(1, args.length));
    return Tools.run(dir, command);
  }

  /** A new umoci layout at {@code name} with an empty image tagged {@code t}. */
  private Path newUmociImage(String name) throws IOException {
    Path layout = dir.resolve(name);
    umoci("init", "--layout", layout.toString());
    umoci("new", "--image", layout + ":t");
    return layout;
  }

  private void insert(Path layout, Path source, String target) throws IOException {
    umoci("insert", "--image", layout + ":t", source.toString(), target);
  }

  private void addLayer(Path layout, LayerTar layer) throws IOException {
    Path tar = Files.createTempFile(dir, "layer", ".tar");
    Files.write(tar, layer.bytes());
    umoci("raw", "add-layer", "--image", layout + ":t", tar.toString());
  }

  /**
   * Unpacks the image {@code t} of {@code umociLayout} with umoci and of {@code ocikitLayout} (the
   * same image, or before skopeo made its layers gzip) with ocikit, and fails with the differences
   * unless ocikit's tree is umoci's as {@code spec} corrects it. Returns ocikit's tree.
   */
  private Tree assertOcikitUnpacksAsUmoci(
      Path ocikitLayout, Path umociLayout, UnaryOperator<Tree> spec) throws IOException {
    Path bundle = Files.createTempDirectory(dir, "umoci").resolve("bundle");
    umoci("unpack", "--image", umociLayout + ":t", bundle.toString());
    Tree umoci = Tree.of(bundle.resolve("rootfs"));

    Path target = Files.createTempDirectory(dir, "ocikit").resolve("rootfs");
    // A file made now has the file system's idea of now, which may lag the clock's.
    FileTime began = Files.getLastModifiedTime(Files.createFile(target.resolveSibling("began")));
    LayerTar.unpack(ocikitLayout, "t", target, !ROOT);
    Tree ocikit = Tree.of(target);

    Set<String> lastLayerDirectories = lastLayerDirectories(ocikitLayout);
    Tree expected = spec.apply(umoci);
    List<String> differences =
        expected.differences(
            expected == umoci ? "umoci" : "umoci, as layer.md has it",
            ocikit,
            "ocikit",
            path -> {
              Node n = ocikit.nodes().get(path);
              return n != null
                  && n.type() == Type.DIRECTORY
                  && n.mtime().compareTo(began) >= 0
                  && !lastLayerDirectories.contains(path);
            });
    if (!differences.isEmpty()) {
      fail(
          differences.size()
              + " paths differ:\n"
              + String.join("\n", differences)
              + "\n\numoci's tree:\n"
              + umoci
              + "\nocikit's tree:\n"
              + ocikit);
    }
    return ocikit;
  }

  private Tree assertOcikitUnpacksAsUmoci(Path layout) throws IOException {
    return assertOcikitUnpacksAsUmoci(layout, layout, UnaryOperator.identity());
  }

  /** The directory entries of the last layer of the image {@code t}, as tree paths. */
  private static Set<String> lastLayerDirectories(Path layout) throws IOException {
    Set<String> out = new HashSet<>();
    try (OciLayout oci = OciLayout.open(layout)) {
      List<Descriptor> layers = oci.resolve("t", null).manifest().value().layers();
      if (layers.isEmpty()) {
        return out;
      }
      Descriptor last = layers.get(layers.size() - 1);
      try (InputStream blob = oci.open(last);
          InputStream tar =
              switch (MediaType.layerCompression(last.mediaType()).orElseThrow()) {
                case NONE -> blob;
                case GZIP -> new GZIPInputStream(blob);
                case ZSTD -> new com.github.luben.zstd.ZstdInputStream(blob);
              };
          TarArchiveInputStream entries = new TarArchiveInputStream(tar, "UTF-8")) {
        while (true) {
          TarArchiveEntry e;
          try {
            e = entries.getNextEntry();
          } catch (IOException truncated) {
            break; // umoci 0.4.7's insert writes no end-of-archive records
          }
          if (e == null) {
            break;
          }
          if (e.isDirectory()) {
            List<String> clean = dev.ocikit.layers.internal.EntryNames.clean(e.getName());
            out.add(clean == null || clean.isEmpty() ? "." : String.join("/", clean));
          }
        }
      }
    }
    return out;
  }

  /**
   * The spec's correction of umoci's tree where a whiteout comes after content its own layer put in
   * a lower directory: umoci keeps that directory's mode, owner and xattrs.
   *
   * <p>layer.md: "Whiteout files MUST only apply to resources in lower/parent layers", and the
   * opaque whiteout "is applied first, before creating the new version of a/b, regardless of the
   * ordering in which the whiteout file was encountered": the lower directory is removed, its
   * attributes with it, and the layer's content then needs the directory again, as a missing
   * parent, like {@code implicitParent} (which must itself be the same in both trees).
   */
  private static UnaryOperator<Tree> recreated(String implicitParent, String... directories) {
    return umoci -> {
      Node implicit = umoci.node(implicitParent);
      Tree t = umoci;
      for (String d : directories) {
        t =
            t.with(
                d,
                n ->
                    n.withOwnerAndMode(implicit.uid(), implicit.gid(), implicit.mode())
                        .withXattrs(Map.of()));
      }
      return t;
    };
  }

  // ---- source trees for umoci insert

  private static final FileTime T0 = FileTime.from(LayerTar.T0);

  private static Path file(Path path, String content, int mode) throws IOException {
    Files.createDirectories(path.getParent());
    Files.writeString(path, content);
    Files.setAttribute(path, "unix:mode", mode);
    return path;
  }

  private static Path directory(Path path, int mode) throws IOException {
    Files.createDirectories(path);
    Files.setAttribute(path, "unix:mode", mode);
    return path;
  }

  private static Path symlink(Path path, String target) throws IOException {
    Files.createDirectories(path.getParent());
    return Files.createSymbolicLink(path, Path.of(target));
  }

  /** Sets the owner, as root only; chown clears setuid and setgid, so the mode is set again. */
  private static void owner(Path path, int uid, int gid) throws IOException {
    if (ROOT) {
      int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
      Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
      Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
      Files.setAttribute(path, "unix:mode", mode & 07777);
    }
  }

  /** Sets the xattr {@code user.NAME}. */
  private static void xattr(Path path, String userName, String value) throws IOException {
    Files.getFileAttributeView(path, UserDefinedFileAttributeView.class)
        .write(
            userName.substring("user.".length()),
            ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8)));
  }

  private void fifo(Path path, int mode) throws IOException {
    Files.createDirectories(path.getParent());
    Tools.run(dir, List.of("mkfifo", "-m", Integer.toOctalString(mode), path.toString()));
  }

  /**
   * Gives every path under {@code root} (itself included) its own mtime, T0 plus some minutes,
   * children before their directory; FIFOs through touch, which does not open them.
   */
  private void stamp(Path root) throws IOException {
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(root)) {
      paths = walk.sorted(java.util.Comparator.reverseOrder()).collect(Collectors.toList());
    }
    int minute = 0;
    for (Path p : paths) {
      FileTime t = FileTime.from(T0.toInstant().plus(Duration.ofMinutes(++minute)));
      if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
          || Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
          || Files.isSymbolicLink(p)) {
        Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
            .setTimes(t, t, null);
      } else {
        Tools.run(
            dir, List.of("touch", "-h", "-d", "@" + t.toInstant().getEpochSecond(), p.toString()));
      }
    }
  }

  private static String sha256(String content) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(content.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Set<String> under(Tree tree, String dir) {
    return tree.nodes().keySet().stream()
        .filter(p -> p.startsWith(dir + "/"))
        .collect(Collectors.toCollection(java.util.TreeSet::new));
  }

  // ---- images built with umoci

  @Test
  void anImageBuiltWithUmociInsertWhiteoutAndOpaqueUnpacksAsUmociUnpacksIt() throws IOException {
    Path src = directory(dir.resolve("src"), 0755);
    file(src.resolve("base/bin/tool"), "#!/bin/sh\necho tool\n", 0755);
    owner(file(src.resolve("base/bin/suid"), "setuid", 04755), 1000, 1000);
    owner(file(src.resolve("base/bin/sgid"), "setgid", 02711), 0, 2000);
    directory(src.resolve("base/tmp"), 01777);
    xattr(directory(src.resolve("base/etc"), 0750), "user.dir", "etc");
    xattr(file(src.resolve("base/etc/conf"), "conf v1\n", 0640), "user.origin", "v1");
    symlink(src.resolve("base/links/rel"), "../etc/conf");
    symlink(src.resolve("base/links/abs"), "/base/etc/conf");
    symlink(src.resolve("base/links/dangling"), "../nowhere");
    symlink(src.resolve("base/links/dirlink"), "../bin");
    Path a = file(src.resolve("base/hard/a"), "one inode, three names", 0644);
    Files.createLink(src.resolve("base/hard/b"), a);
    Files.createLink(src.resolve("base/hard/c"), a);
    fifo(src.resolve("base/pipe"), 0620);
    // More than 100 characters: a ustar name field holds 100, a prefix 155; the last component
    // alone has 150.
    String longName =
        "base/long/" + "d".repeat(60) + "/" + "e".repeat(60) + "/" + "f".repeat(150) + ".txt";
    file(src.resolve(longName), "a long name", 0644);
    file(src.resolve("doomed/sub/x"), "x", 0644);
    file(src.resolve("doomed/y"), "y", 0644);
    file(src.resolve("dir2file/inner/z"), "z", 0644);
    file(src.resolve("file2dir"), "was a file", 0644);
    file(src.resolve("opq/old1"), "old1", 0644);
    file(src.resolve("opq/sub/old2"), "old2", 0644);
    stamp(src);

    Path next = directory(dir.resolve("next"), 0755);
    file(next.resolve("file-for-dir"), "a file where a directory was", 0600);
    file(directory(next.resolve("dir-for-file"), 0711).resolve("c"), "c", 0644);
    file(next.resolve("opq/new"), "new", 0644);
    file(next.resolve("opq/newsub/n"), "n", 0644);
    file(next.resolve("newtool"), "new tool", 0755);
    xattr(file(next.resolve("conf"), "conf v2\n", 0600), "user.origin", "v2");
    stamp(next);

    Path image = newUmociImage("insert");
    insert(image, src, "/");
    umoci("insert", "--image", image + ":t", "--whiteout", "/doomed");
    umoci("insert", "--image", image + ":t", "--whiteout", "/base/hard/a");
    insert(image, next.resolve("file-for-dir"), "/dir2file");
    insert(image, next.resolve("dir-for-file"), "/file2dir");
    umoci("insert", "--image", image + ":t", "--opaque", next.resolve("opq").toString(), "/opq");
    // Through base/links/dirlink -> ../bin: the entry lands in base/bin.
    insert(image, next.resolve("newtool"), "/base/links/dirlink/newtool");
    insert(image, next.resolve("conf"), "/base/etc/conf");

    Tree tree = assertOcikitUnpacksAsUmoci(image);

    assertThat(tree.nodes()).doesNotContainKeys("doomed", "base/hard/a", "opq/old1", "opq/sub");
    assertThat(tree.node("base/hard/b").hardlinks()).containsExactly("base/hard/b", "base/hard/c");
    assertThat(tree.node("dir2file").type()).isEqualTo(Type.FILE);
    assertThat(under(tree, "file2dir")).containsExactly("file2dir/c");
    assertThat(tree.node("file2dir").mode()).isEqualTo(0711);
    assertThat(under(tree, "opq")).containsExactly("opq/new", "opq/newsub", "opq/newsub/n");
    assertThat(tree.node("base/links/dirlink").type()).isEqualTo(Type.SYMLINK);
    assertThat(tree.node("base/bin/newtool").sha256()).isEqualTo(sha256("new tool"));
    assertThat(tree.node("base/links/abs").target()).isEqualTo("/base/etc/conf");
    assertThat(tree.node("base/bin/suid").mode()).isEqualTo(04755);
    assertThat(tree.node("base/bin/sgid").mode()).isEqualTo(02711);
    assertThat(tree.node("base/tmp").mode()).isEqualTo(01777);
    assertThat(tree.node("base/pipe").type()).isEqualTo(Type.FIFO);
    assertThat(tree.node("base/etc/conf").xattrs()).containsEntry("user.origin", "v2");
    assertThat(tree.node(longName).size()).isEqualTo(11);
    if (ROOT) {
      assertThat(tree.node("base/bin/suid").uid()).isEqualTo(1000);
      assertThat(tree.node("base/bin/sgid").gid()).isEqualTo(2000);
    }
  }

  @Test
  void nonAsciiNamesUnpackAsUmociUnpacksThem() throws IOException {
    assumeTrue(
        Tools.unicodeFileNames(),
        "the JVM's sun.jnu.encoding is not UTF-8 (LANG/LC_ALL is not a UTF-8 locale)");
    Path src = directory(dir.resolve("src"), 0755);
    Path text = file(src.resolve("ünïcødé/日本語.txt"), "テキスト", 0644);
    Files.createLink(src.resolve("ünïcødé/ハードリンク"), text);
    symlink(src.resolve("Ελληνικά"), "ünïcødé/日本語.txt");
    file(src.resolve("ünïcødé/emoji-🎉/party"), "🎉", 0644);
    // Two names that Unicode normalization would make one: the bytes differ, so do the files.
    file(src.resolve("caf\u00e9"), "NFC", 0644);
    file(src.resolve("cafe\u0301"), "NFD", 0644);
    // 100 characters, 200 bytes.
    file(src.resolve("ünïcødé/" + "ü".repeat(100)), "long", 0644);
    stamp(src);

    Path image = newUmociImage("unicode");
    insert(image, src, "/");
    umoci("insert", "--image", image + ":t", "--whiteout", "/ünïcødé/emoji-🎉");

    Tree tree = assertOcikitUnpacksAsUmoci(image);
    assertThat(tree.nodes())
        .containsKeys("caf\u00e9", "cafe\u0301", "ünïcødé/" + "ü".repeat(100))
        .doesNotContainKey("ünïcødé/emoji-🎉");
    assertThat(tree.node("ünïcødé/ハードリンク").hardlinks())
        .containsExactly("ünïcødé/ハードリンク", "ünïcødé/日本語.txt");
  }

  // ---- hand-made layers

  /** The layer under the whiteout cases. */
  private static LayerTar whiteoutBase() {
    return new LayerTar()
        // layer.md's opaque whiteout example
        .dir("a")
        .dir("a/b")
        .dir("a/b/c")
        .file("a/b/c/bar", "bar")
        .file("a/x", "x")
        .dir("w")
        .mode(0700)
        .owner(1000, 1000)
        .xattr("user.lower", "yes")
        .file("w/old", "old")
        .dir("o")
        .dir("o/sub")
        .mode(0700)
        .owner(1000, 1000)
        .file("o/sub/s", "s")
        .file("o/keep", "keep")
        .file("f", "a file")
        .dir("d")
        .file("d/x", "x")
        .file("d/y", "y")
        .symlink("lnk", "d")
        .dir("gone")
        .dir("gone/deep")
        .file("gone/deep/z", "z");
  }

  /** Whiteouts after their siblings, of missing paths, under files, through links. */
  private static LayerTar whiteoutLayer() {
    return new LayerTar()
        // layer.md: "the following layer is equivalent to the layer above" (the opaque
        // whiteout after the new a/b).
        .dir("a")
        .mtime(LayerTar.T0.plusSeconds(60))
        .dir("a/b")
        .dir("a/b/c")
        .file("a/b/c/foo", "foo")
        .opaque("a")
        // Content put in lower directories, then whiteouts of them.
        .file("w/new", "new")
        .whiteout("w")
        .file("o/sub/n", "n")
        .opaque("o")
        // Whiteouts of nothing: a missing path, under a missing directory, under a file.
        .whiteout("missing")
        .whiteout("nodir/y")
        .whiteout("f/x")
        // A whiteout through a symlink to a directory, as any path is resolved.
        .whiteout("lnk/x")
        // layer.md: "Files that are present in the same layer as a whiteout file can only be
        // hidden by whiteout files in subsequent layers."
        .file("same", "same layer")
        .whiteout("same")
        .whiteout("gone")
        .file("implicit/parent/file", "in directories no entry makes");
  }

  /**
   * The spec's correction of umoci's tree for layer.md's example of an opaque whiteout after the
   * entries that recreate {@code a/b/c}: umoci leaves {@code a/b/c} the mtime of the moment it
   * removed the lower {@code a/b/c/bar}, after it had set the entry's. layer.md: "If the entry and
   * the existing path are both directories, then the existing path's attributes MUST be replaced by
   * those of the entry in the changeset", and "a/.wh..wh..opq is applied first".
   */
  private static Tree opaqueWhiteoutLast(Tree umoci) {
    return recreated("implicit", "w", "o/sub")
        .apply(umoci)
        .with("a/b/c", n -> n.withMtime(FileTime.from(LayerTar.T0)));
  }

  @Test
  void whiteoutsAndOpaqueWhiteoutsInAnyOrderUnpackAsUmociAndLayerMdHaveThem() throws IOException {
    Path image = newUmociImage("whiteouts");
    addLayer(image, whiteoutBase());
    addLayer(image, whiteoutLayer());

    Tree tree = assertOcikitUnpacksAsUmoci(image, image, UmociEquivalenceTest::opaqueWhiteoutLast);

    // layer.md: "When processing the second layer, a/.wh..wh..opq is applied first, before
    // creating the new version of a/b, regardless of the ordering in which the whiteout file was
    // encountered."
    assertThat(under(tree, "a")).containsExactly("a/b", "a/b/c", "a/b/c/foo");
    assertThat(under(tree, "w")).containsExactly("w/new");
    assertThat(under(tree, "o")).containsExactly("o/sub", "o/sub/n");
    assertThat(tree.node("w").xattrs()).isEmpty();
    assertThat(tree.node("a/b/c").mtime()).isEqualTo(FileTime.from(LayerTar.T0));
    // layer.md: "Once a whiteout is applied, the whiteout itself MUST also be hidden."
    assertThat(tree.nodes().keySet()).noneMatch(p -> p.contains(".wh."));
    assertThat(tree.nodes()).containsKeys("same", "d/y", "lnk").doesNotContainKeys("gone", "d/x");
    assertThat(tree.nodes()).doesNotContainKey("nodir");
    assertThat(tree.node("f").type()).isEqualTo(Type.FILE);
  }

  /** Duplicates, replacements, links of all kinds, setuid, xattrs, FIFOs (devices as root). */
  private static LayerTar[] replacementLayers() {
    LayerTar lower =
        new LayerTar()
            .file("t", "t")
            .symlink("sl", "t")
            .dir("dir2file")
            .file("dir2file/in", "in")
            .file("file2dir", "was a file")
            .file("lowfile", "low")
            .dir("d")
            .file("d/x", "x")
            .symlink("lnk", "d")
            .symlink("abs", "/d")
            .dir("e")
            .file("e/k", "k")
            .symlink("elnk", "e")
            .file("src", "v1")
            .dir("attrs")
            .file("attrs/kept", "kept");
    LayerTar upper =
        new LayerTar()
            // layer.md: tar layers "MUST NOT include duplicate entries"; an applier still meets
            // them, and the later wins.
            .file("dup", "one")
            .mode(0600)
            .file("dup", "two")
            .mode(0644)
            .dir("dm")
            .mode(0700)
            .dir("dm")
            .mode(0751)
            .mtime(LayerTar.T0.plusSeconds(3600))
            // A directory, then a file, for one path in one layer; and the reverse.
            .dir("dd")
            .file("dd/in", "in")
            .file("dd", "now a file")
            .file("fd", "a file first")
            .dir("fd")
            .file("fd/in", "in")
            // Replacing lower content: a file for a directory, a directory for a file, a
            // directory for a symlink to a directory.
            .file("dir2file", "now a file")
            .dir("file2dir")
            .mode(0711)
            .file("file2dir/c", "c")
            .dir("elnk")
            // layer.md: "If the entry and the existing path are both directories, then the
            // existing path's attributes MUST be replaced by those of the entry in the
            // changeset."
            .dir("attrs")
            .mode(0710)
            .owner(1000, 1001)
            .mtime(LayerTar.T0.plus(Duration.ofDays(1)))
            .xattr("user.new", "1")
            // Hardlinks: to a symlink, to a lower file, to a file later replaced.
            .hardlink("hsl", "sl")
            .hardlink("hlow", "lowfile")
            .file("src", "v2")
            .hardlink("hsrc", "src")
            .file("src", "v3")
            // Through links: relative and absolute ones stay in the root.
            .file("lnk/new", "via a relative link")
            .file("abs/new2", "via an absolute link")
            .file("suid", "setuid")
            .mode(04755)
            .owner(1000, 1000)
            .file("sgid", "setgid")
            .mode(02755)
            .owner(0, 1000)
            .dir("sticky")
            .mode(01777)
            .file("x", "xattrs")
            .xattr("user.a", "1")
            .xattr("user.b", "ü")
            .fifo("pipe")
            .mode(0640)
            .mtime(LayerTar.T0.plusSeconds(42));
    if (ROOT) {
      upper
          .charDevice("cdev", 1, 3)
          .owner(1000, 1000)
          .blockDevice("bdev", 7, 0)
          .mode(0600)
          .charDevice("no-driver", 0, 0);
    }
    return new LayerTar[] {lower, upper};
  }

  @Test
  void duplicatesReplacementsLinksAndSpecialFilesUnpackAsUmociUnpacksThem() throws IOException {
    Path image = newUmociImage("replacements");
    LayerTar[] layers = replacementLayers();
    addLayer(image, layers[0]);
    addLayer(image, layers[1]);

    Tree tree = assertOcikitUnpacksAsUmoci(image);

    assertThat(tree.node("dup").sha256()).isEqualTo(sha256("two"));
    assertThat(tree.node("dup").mode()).isEqualTo(0644);
    assertThat(tree.node("dm").mode()).isEqualTo(0751);
    assertThat(tree.node("dd").type()).isEqualTo(Type.FILE);
    assertThat(under(tree, "fd")).containsExactly("fd/in");
    assertThat(tree.node("dir2file").type()).isEqualTo(Type.FILE);
    assertThat(tree.node("elnk").type()).isEqualTo(Type.DIRECTORY);
    Node attrs = tree.node("attrs");
    assertThat(attrs.mode()).isEqualTo(0710);
    assertThat(attrs.mtime()).isEqualTo(FileTime.from(LayerTar.T0.plus(Duration.ofDays(1))));
    assertThat(attrs.xattrs()).containsEntry("user.new", "1");
    assertThat(tree.node("hsl").type()).isEqualTo(Type.SYMLINK);
    assertThat(tree.node("hsl").hardlinks()).containsExactly("hsl", "sl");
    assertThat(tree.node("hlow").hardlinks()).containsExactly("hlow", "lowfile");
    assertThat(tree.node("hsrc").sha256()).isEqualTo(sha256("v2"));
    assertThat(tree.node("src").sha256()).isEqualTo(sha256("v3"));
    assertThat(tree.node("src").hardlinks()).isEmpty();
    assertThat(tree.nodes()).containsKeys("d/new", "d/new2").doesNotContainKey("abs/new2");
    assertThat(tree.node("suid").mode()).isEqualTo(04755);
    assertThat(tree.node("x").xattrs()).containsEntry("user.b", "ü");
    assertThat(tree.node("pipe").mtime()).isEqualTo(FileTime.from(LayerTar.T0.plusSeconds(42)));
    if (ROOT) {
      assertThat(tree.node("cdev").type()).isEqualTo(Type.CHAR_DEVICE);
      assertThat(tree.node("attrs").uid()).isEqualTo(1000);
    }
  }

  @Test
  void oddNamesLinksInPathsAndAnOpaqueWhiteoutOfTheRootUnpackAsUmociUnpacksThem()
      throws IOException {
    Path image = newUmociImage("names");
    addLayer(
        image,
        new LayerTar()
            .file("a", "a")
            .dir("d")
            .file("d/x", "x")
            .symlink("lnk", "d")
            .dir("top")
            .file("top/t", "t")
            .file("k", "k"));
    addLayer(
        image,
        new LayerTar()
            // A hardlink to a file its layer then whites out: the link keeps the inode.
            .hardlink("b", "a")
            .whiteout("a")
            // Names taken relative to the root: "./", "/", "..".
            .file("./dot", "dot")
            .file("/abs", "abs")
            .file("q/../qq", "qq")
            // Through a symlink to a directory: a directory, a file, a hardlink's target.
            .dir("lnk/sub")
            .file("lnk/sub/f", "f")
            .hardlink("hl", "lnk/x")
            .file("k2", "k2")
            // The root's opaque whiteout, after all that: it hides only the lower layer's.
            .opaque("")
            .symlink("k", "d"));

    Tree tree = assertOcikitUnpacksAsUmoci(image);

    assertThat(tree.nodes().keySet())
        .containsExactly(".", "abs", "b", "d", "d/sub", "d/sub/f", "dot", "hl", "k", "k2", "qq");
    assertThat(tree.node("hl").sha256()).isEqualTo(sha256("x"));
    assertThat(tree.node("b").sha256()).isEqualTo(sha256("a"));
  }

  // ---- uncompressed and zstd layers

  @Test
  void uncompressedLayersUnpackAsUmociUnpacksThem() throws IOException {
    Path image = dir.resolve("plain");
    LayerTar.writeImage(
        image,
        "t",
        List.of(
            new Layer(whiteoutBase().bytes(), Compression.NONE),
            new Layer(whiteoutLayer().bytes(), Compression.GZIP),
            new Layer(replacementLayers()[0].bytes(), Compression.NONE)));
    try (OciLayout layout = OciLayout.open(image)) {
      assertThat(layout.resolve("t", null).manifest().value().layers())
          .extracting(Descriptor::mediaType)
          .contains(MediaType.IMAGE_LAYER);
    }

    assertOcikitUnpacksAsUmoci(image, image, UmociEquivalenceTest::opaqueWhiteoutLast);
  }

  @Test
  void zstdAndUncompressedLayersUnpackAsUmociUnpacksTheirGzipCopy() throws IOException {
    Tools.require("skopeo");
    LayerTar[] replacements = replacementLayers();
    LayerTar more =
        new LayerTar()
            .whiteout("dup")
            .file("hlow", "a new inode")
            .hardlink("again", "hsl")
            .opaque("d")
            .file("d/last", "last");
    Path source = dir.resolve("ocikit");
    LayerTar.writeImage(
        source,
        "t",
        List.of(
            new Layer(whiteoutBase().bytes(), Compression.NONE),
            new Layer(whiteoutLayer().bytes(), Compression.ZSTD),
            new Layer(replacements[0].bytes(), Compression.ZSTD),
            new Layer(replacements[1].bytes(), Compression.NONE),
            new Layer(more.bytes(), Compression.ZSTD)));
    // umoci 0.4.7 cannot read zstd: skopeo rewrites every layer as gzip; the config, so the
    // diff_ids, stay.
    Path gzip = dir.resolve("gzip");
    Tools.run(
        dir,
        List.of(
            "skopeo",
            "copy",
            "--quiet",
            "--dest-compress-format",
            "gzip",
            "oci:" + source + ":t",
            "oci:" + gzip + ":t"));
    try (OciLayout copy = OciLayout.open(gzip)) {
      assertThat(copy.resolve("t", null).manifest().value().layers())
          .extracting(Descriptor::mediaType)
          .containsOnly(MediaType.IMAGE_LAYER_GZIP);
    }

    Tree tree = assertOcikitUnpacksAsUmoci(source, gzip, UmociEquivalenceTest::opaqueWhiteoutLast);

    assertThat(tree.nodes()).doesNotContainKeys("dup", "d/x", "d/new", "d/new2");
    assertThat(tree.node("again").hardlinks()).containsExactly("again", "hsl", "sl");
    assertThat(tree.node("hlow").hardlinks()).isEmpty();
    assertThat(tree.node("lowfile").hardlinks()).isEmpty();
  }

  // ---- sparse files

  /**
   * A sparse file: holes at its start, between its data and at its end, as GNU tar stores them.
   * layer.md says sparse files SHOULD NOT be used, but real images have them (lastlog, faillog).
   */
  private Path sparseSource() throws IOException {
    Path src = dir.resolve("sparse-src");
    Files.createDirectories(src);
    byte[] data = new byte[5000];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 31 + 7);
    }
    try (java.nio.channels.FileChannel f =
        java.nio.channels.FileChannel.open(
            src.resolve("sparse"),
            java.nio.file.StandardOpenOption.CREATE_NEW,
            java.nio.file.StandardOpenOption.WRITE)) {
      f.write(ByteBuffer.wrap(data), 1 << 20);
      f.write(ByteBuffer.wrap(data), 3 << 20);
      f.write(ByteBuffer.wrap(new byte[] {1}), (8 << 20) - 1); // a hole, then the last byte
    }
    // 40 data regions: more than an old GNU header holds, so extension records follow it.
    try (java.nio.channels.FileChannel f =
        java.nio.channels.FileChannel.open(
            src.resolve("many"),
            java.nio.file.StandardOpenOption.CREATE_NEW,
            java.nio.file.StandardOpenOption.WRITE)) {
      for (int i = 0; i < 40; i++) {
        f.write(ByteBuffer.wrap(data, 0, 100), i * 65536L);
      }
      f.write(ByteBuffer.wrap(new byte[] {2}), 40 * 65536L + 9);
    }
    Files.writeString(src.resolve("plain"), "not sparse\n");
    return src;
  }

  /** A layer of {@code src} made by GNU tar with {@code --sparse} in {@code format}. */
  private Path gnuTarSparse(Path src, String format) throws IOException {
    Tools.require("tar");
    Path tar = dir.resolve(format + ".tar");
    Tools.run(
        dir,
        List.of(
            "tar",
            "--sparse",
            "--format=" + format,
            "--numeric-owner",
            "--owner=0",
            "--group=0",
            "-cf",
            tar.toString(),
            "-C",
            src.toString(),
            "sparse",
            "many",
            "plain"));
    return tar;
  }

  @Test
  void sparseFilesOfGnuTarUnpackAsUmociUnpacksThemWithTheirHoles() throws IOException {
    Path src = sparseSource();
    // PAX format: GNU tar writes the sparse map of format 1.0 (GNU.sparse.major=1), which Go's
    // archive/tar, so umoci, reads.
    Path layout = newUmociImage("umoci-sparse");
    umoci("raw", "add-layer", "--image", layout + ":t", gnuTarSparse(src, "posix").toString());

    Tree tree = assertOcikitUnpacksAsUmoci(layout);

    Path out = dir.resolve("sparse-out");
    LayerTar.unpack(layout, "t", out, !ROOT);
    assertThat(Files.size(out.resolve("sparse"))).isEqualTo(8 << 20);
    assertThat(Files.mismatch(out.resolve("sparse"), src.resolve("sparse"))).isEqualTo(-1);
    assertThat(tree.node("plain").sha256()).isEqualTo(sha256("not sparse\n"));
    // Written with holes, as GNU tar extracts it: a few blocks, not 8 MiB of zeros.
    long blocks =
        Long.parseLong(Tools.run(dir, List.of("stat", "-c", "%b", out + "/sparse")).trim());
    assertThat(blocks * 512).isLessThan(1 << 20);
  }

  @Test
  void oldGnuSparseFilesUnpackToTheirContent() throws IOException {
    Path src = sparseSource();
    // GNU format: type 'S' headers, which umoci 0.4.7 refuses ("unknown typeflag"); ocikit reads
    // them as GNU tar and Go's archive/tar do.
    Path layout = dir.resolve("gnu-sparse");
    LayerTar.writeImage(
        layout,
        "t",
        List.of(new Layer(Files.readAllBytes(gnuTarSparse(src, "gnu")), Compression.GZIP)));
    Path out = dir.resolve("gnu-out");
    LayerTar.unpack(layout, "t", out, !ROOT);
    assertThat(Tree.of(out).node("sparse").sha256())
        .isEqualTo(Tree.of(src).node("sparse").sha256());
    assertThat(Files.size(out.resolve("sparse"))).isEqualTo(8 << 20);
    assertThat(Files.mismatch(out.resolve("many"), src.resolve("many"))).isEqualTo(-1);
    assertThat(Files.readString(out.resolve("plain"))).isEqualTo("not sparse\n");
    // The merged view reads it alike.
    try (OciLayout oci = OciLayout.open(layout);
        dev.ocikit.view.ImageView view =
            dev.ocikit.view.ImageView.open(
                oci,
                oci.resolve("t", null),
                dev.ocikit.view.ViewOptions.DEFAULT.withSpillDirectory(
                    Files.createDirectories(dir.resolve("spill"))))) {
      assertThat(view.readAllBytes("/sparse")).isEqualTo(Files.readAllBytes(src.resolve("sparse")));
    }
  }

  // ---- xattrs the JVM cannot set, and binary values

  /**
   * The xattr {@code name} of {@code path} in hex (getfattr), not following a link; null if none.
   */
  private String xattrHex(Path path, String name) throws IOException {
    String out;
    try {
      out = Tools.run(dir, List.of("getfattr", "-h", "-e", "hex", "-n", name, path.toString()));
    } catch (IOException e) {
      return null;
    }
    return out.lines()
        .filter(l -> l.startsWith(name + "="))
        .map(l -> l.substring(name.length() + 1))
        .findFirst()
        .orElse(null);
  }

  @Test
  void fileCapabilitiesAndBinaryXattrValuesUnpackAsUmociUnpacksThem() throws IOException {
    assumeTrue(ROOT, "only a privileged process sets security.capability");
    Tools.require("setfattr");
    Tools.require("getfattr");
    Path src = dir.resolve("caps");
    Files.createDirectories(src);
    Path ping = Files.writeString(src.resolve("ping"), "#!/bin/true\n");
    // A version-2 capability set: permitted cap_setgid, cap_setuid, cap_net_raw (0x20c0, its low
    // byte not UTF-8), effective. commons-compress decodes PAX values as UTF-8, which replaced
    // 0xc0.
    String caps = "0x01000002" + "c0200000" + "00000000" + "00000000" + "00000000";
    Tools.run(dir, List.of("setfattr", "-n", "security.capability", "-v", caps, ping.toString()));
    Path blob = Files.writeString(src.resolve("blob"), "data\n");
    Tools.run(dir, List.of("setfattr", "-n", "user.bin", "-v", "0xff00fe80", blob.toString()));
    Path layout = newUmociImage("umoci-caps");
    insert(layout, src, "/");

    Tree tree = assertOcikitUnpacksAsUmoci(layout); // user.* xattrs compared, hex when binary

    Path out = dir.resolve("caps-out");
    LayerTar.unpack(layout, "t", out, false);
    assertThat(xattrHex(out.resolve("ping"), "security.capability")).isEqualTo(caps);
    assertThat(xattrHex(out.resolve("blob"), "user.bin")).isEqualTo("0xff00fe80");
    assertThat(tree.node("blob").xattrs()).containsKey("user.bin");
  }

  @Test
  void aRootlessUnpackRecordsOwnersInTheRootlessContainersXattrAsUmociDoes() throws IOException {
    // umoci --rootless keeps each owner it cannot set in user.rootlesscontainers (a protobuf
    // Resource{uid, gid}, 0xFFFFFFFF for the container's root); none for 0:0. Run rootless by
    // both tools whoever runs the test, and compared with that xattr.
    Path layout = newUmociImage("umoci-rootless");
    addLayer(
        layout,
        new LayerTar()
            .dir("srv")
            .owner(33, 33)
            .file("srv/user", "u\n")
            .owner(1000, 1000)
            .file("srv/mixed", "m\n")
            .owner(0, 50)
            .file("srv/nobody", "n\n")
            .owner(65534, 65534)
            .file("srv/root", "r\n")
            .symlink("srv/link", "user")
            .owner(1000, 1000)
            .dir("opt")
            .owner(33, 33)
            .dir("var"));
    // A later layer gives one lower directory to root (its record goes) and another to 44:44.
    addLayer(layout, new LayerTar().dir("opt").dir("var").owner(44, 44));
    Path bundle = dir.resolve("rootless-bundle");
    Tools.run(
        dir, List.of("umoci", "unpack", "--rootless", "--image", layout + ":t", bundle.toString()));
    Tree umoci = Tree.of(bundle.resolve("rootfs"));
    Path target = dir.resolve("rootless-ocikit");
    LayerTar.unpack(layout, "t", target, true);
    Tree ocikit = Tree.of(target);
    assertThat(umoci.differences("umoci --rootless", ocikit, "ocikit rootless", p -> p.equals(".")))
        .isEmpty();
    assertThat(ocikit.node("srv/user").xattrs())
        .containsEntry("user.rootlesscontainers", "hex:08e80710e807");
    assertThat(ocikit.node("srv/mixed").xattrs())
        .containsEntry("user.rootlesscontainers", "hex:08ffffffff0f1032");
    assertThat(ocikit.node("srv/root").xattrs()).doesNotContainKey("user.rootlesscontainers");
    assertThat(ocikit.node("opt").xattrs()).doesNotContainKey("user.rootlesscontainers");
    assertThat(ocikit.node("var").xattrs())
        .containsEntry(
            "user.rootlesscontainers", // 08 2c 10 2c: uid 44, gid 44, UTF-8 text to Tree
            new String(
                java.util.HexFormat.of().parseHex("082c102c"),
                java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void rootlessLaterLayersWorkInsideALowerLayersClosedDirectoriesAsUmociDoes() throws IOException {
    // Unprivileged, a process cannot enter a 0000 directory nor write into a 0555 one, even its
    // own: the modes of such directories wait for the end of the unpack (umoci opens them for each
    // operation instead). Both rootless whoever runs the test.
    Path layout = newUmociImage("umoci-closed");
    addLayer(
        layout,
        new LayerTar()
            .dir("ro")
            .mode(0555)
            .file("ro/old", "old\n")
            .dir("ro/sub")
            .mode(0500)
            .file("ro/sub/deep", "deep\n")
            .dir("locked")
            .mode(0)
            .file("locked/x", "x\n"));
    addLayer(
        layout,
        new LayerTar()
            .file("ro/new", "new\n")
            .whiteout("ro/old")
            .file("ro/sub/deeper", "d2\n")
            .file("locked/y", "y\n"));
    addLayer(layout, new LayerTar().opaque("ro").file("ro/fresh", "fresh\n"));
    Path bundle = dir.resolve("closed-bundle");
    Tools.run(
        dir, List.of("umoci", "unpack", "--rootless", "--image", layout + ":t", bundle.toString()));
    Path target = dir.resolve("closed-ocikit");
    LayerTar.unpack(layout, "t", target, true);
    for (Path root : List.of(bundle.resolve("rootfs"), target)) {
      // The final modes, then opened to this user again, so that the trees can be read.
      assertThat(Files.getAttribute(root.resolve("locked"), "unix:mode")).isEqualTo(040000);
      assertThat(Files.getAttribute(root.resolve("ro"), "unix:mode")).isEqualTo(040555);
      Files.setAttribute(root.resolve("locked"), "unix:mode", 0700);
      Files.setAttribute(root.resolve("ro"), "unix:mode", 0755);
    }
    Tree umoci = Tree.of(bundle.resolve("rootfs"));
    Tree ocikit = Tree.of(target);
    // Directory mtimes where later layers changed the content without an entry for the
    // directory: umoci puts the old time back, ocikit (containerd, Docker) keeps the change's (see
    // the class comment).
    Set<String> changedLater = Set.of(".", "locked", "ro");
    assertThat(
            umoci.differences(
                "umoci --rootless", ocikit, "ocikit rootless", changedLater::contains))
        .isEmpty();
    assertThat(ocikit.nodes()).containsKeys("locked/x", "locked/y", "ro/fresh");
    assertThat(ocikit.nodes()).doesNotContainKeys("ro/old", "ro/new", "ro/sub");
  }
}
