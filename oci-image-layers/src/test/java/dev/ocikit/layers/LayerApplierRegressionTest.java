package dev.ocikit.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ocikit.layers.LayerTar.Layer;
import dev.ocikit.model.Compression;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cases that {@code UmociEquivalenceTest} found wrong in {@link LayerApplier}, checked without
 * umoci.
 */
class LayerApplierRegressionTest {
  @TempDir Path dir;

  private final boolean rootless = !Tools.root();

  private Tree unpack(List<Layer> layers) throws IOException {
    LayerTar.writeImage(dir.resolve("layout"), "t", layers);
    Path target = dir.resolve("rootfs");
    LayerTar.unpack(dir.resolve("layout"), "t", target, rootless);
    return Tree.of(target);
  }

  private static Layer gzip(LayerTar tar) throws IOException {
    return new Layer(tar.bytes(), Compression.GZIP);
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aFifoGetsTheModeAndMtimeOfItsEntryWithoutBeingOpened() throws IOException {
    // The JVM sets a mode without following links, and times, by opening the file: on a FIFO
    // that blocks until a writer comes, which none does.
    FileTime mtime = FileTime.from(LayerTar.T0.plus(Duration.ofHours(1)).plusNanos(5000));
    Tree tree =
        unpack(List.of(gzip(new LayerTar().fifo("run/pipe").mode(0620).mtime(mtime.toInstant()))));
    Tree.Node pipe = tree.node("run/pipe");
    assertThat(pipe.type()).isEqualTo(Tree.Type.FIFO);
    assertThat(pipe.mode()).isEqualTo(0620);
    assertThat(pipe.mtime()).isEqualTo(mtime);
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void devicesGetTheOwnerModeAndMtimeOfTheirEntriesWithoutBeingOpened() throws IOException {
    org.junit.jupiter.api.Assumptions.assumeTrue(Tools.root(), "only root makes devices");
    // Opening a device can do anything its driver does; this one has none, and open(2) fails.
    LayerTar tar =
        new LayerTar()
            .charDevice("dev/no-driver", 0, 0)
            .mode(0600)
            .charDevice("dev/null-like", 1, 3)
            .mode(0640)
            .owner(1000, 1001)
            .mtime(LayerTar.T0.plusSeconds(7))
            .blockDevice("dev/loop-like", 7, 0)
            .mode(0600);
    Tree tree = unpack(List.of(gzip(tar)));
    Tree.Node c = tree.node("dev/null-like");
    assertThat(c.type()).isEqualTo(Tree.Type.CHAR_DEVICE);
    assertThat(List.of(c.mode(), c.uid(), c.gid())).containsExactly(0640, 1000, 1001);
    assertThat(c.rdev()).isEqualTo(0x103);
    assertThat(c.mtime()).isEqualTo(FileTime.from(LayerTar.T0.plusSeconds(7)));
    assertThat(tree.node("dev/loop-like").type()).isEqualTo(Tree.Type.BLOCK_DEVICE);
    assertThat(tree.node("dev/loop-like").mode()).isEqualTo(0600);
    assertThat(tree.node("dev/no-driver").mode()).isEqualTo(0600);
  }

  @Test
  void withPlaceholdersADeviceThatCannotBeMadeIsAnEmptyFileAsUmociRootlessMakesIt()
      throws IOException {
    // umoci --rootless fakes the devices it cannot make as empty files; CREATE_OR_PLACEHOLDER
    // does so where mknod fails (unprivileged), so that the two trees agree. Root makes the
    // device itself. (The default, CREATE_OR_SKIP, skips it: issue 4, "skipped and reported".)
    LayerTar.writeImage(
        dir.resolve("layout"),
        "t",
        List.of(
            gzip(
                new LayerTar()
                    .charDevice("dev/null", 1, 3)
                    .mode(0666)
                    .owner(0, 5)
                    .mtime(LayerTar.T0.plusSeconds(9)))));
    Path target = dir.resolve("rootfs");
    ImageUnpacker.Result result;
    try (dev.ocikit.layout.OciLayout oci =
        dev.ocikit.layout.OciLayout.open(dir.resolve("layout"))) {
      result =
          new ImageUnpacker(
                  ApplyOptions.DEFAULT
                      .withRootless(rootless)
                      .withSpecialFiles(ApplyOptions.SpecialFiles.CREATE_OR_PLACEHOLDER),
                  ProgressListener.NONE)
              .unpack(oci, oci.resolve("t", null), target);
    }
    Tree.Node node = Tree.of(target).node("dev/null");
    if (Tools.root()) {
      assertThat(node.type()).isEqualTo(Tree.Type.CHAR_DEVICE);
      return;
    }
    assertThat(node.type()).isEqualTo(Tree.Type.FILE);
    assertThat(List.of(node.mode(), node.size())).containsExactly(0666, 0L);
    assertThat(node.mtime()).isEqualTo(FileTime.from(LayerTar.T0.plusSeconds(9)));
    assertThat(node.xattrs()).containsKey("user.rootlesscontainers"); // gid 5 recorded
    assertThat(result.layers().get(0).notes())
        .anyMatch(n -> n.contains("dev/null: character device made an empty file"));
  }

  @Test
  void aWhiteoutAfterContentItsLayerPutInALowerDirectoryRemovesOnlyTheLowerDirectory()
      throws IOException {
    Layer lower =
        gzip(
            new LayerTar()
                .dir("w")
                .mode(0700)
                .owner(1000, 1000)
                .xattr("user.lower", "yes")
                .file("w/old", "old"));
    Layer upper =
        gzip(
            new LayerTar()
                .file("w/new", "new")
                .whiteout("w")
                .file("implicit/parent/file", "a directory made as a missing parent"));
    Tree tree = unpack(List.of(lower, upper));
    // layer.md: "Whiteout files MUST only apply to resources in lower/parent layers. Files that
    // are present in the same layer as a whiteout file can only be hidden by whiteout files in
    // subsequent layers."
    assertThat(tree.nodes()).containsKey("w/new").doesNotContainKey("w/old");
    // The lower w went, with its mode, owner and xattrs: w is now what a missing parent is.
    Tree.Node implicit = tree.node("implicit");
    Tree.Node w = tree.node("w");
    assertThat(List.of(w.mode(), w.uid(), w.gid()))
        .containsExactly(implicit.mode(), implicit.uid(), implicit.gid());
    assertThat(w.xattrs()).isEmpty();
  }

  @Test
  void anOpaqueWhiteoutAfterItsSiblingsHidesOnlyLowerContent() throws IOException {
    Layer lower =
        gzip(
            new LayerTar()
                .dir("a")
                .dir("a/b")
                .mode(0700)
                .dir("a/b/c")
                .file("a/b/c/bar", "bar")
                .file("a/x", "x"));
    // layer.md's example, without its directory entries: the opaque whiteout comes last, after
    // content put in a lower subdirectory.
    Layer upper = gzip(new LayerTar().file("a/b/c/foo", "foo").opaque("a"));
    Tree tree = unpack(List.of(lower, upper));
    // layer.md: "a/.wh..wh..opq is applied first, before creating the new version of a/b,
    // regardless of the ordering in which the whiteout file was encountered."
    assertThat(tree.nodes().keySet()).containsExactly(".", "a", "a/b", "a/b/c", "a/b/c/foo");
    assertThat(tree.node("a/b").mode()).isEqualTo(tree.node("a/b/c").mode());
  }

  /** A tar of {@code tar} cut {@code extra} bytes after the end of {@code lastContent}. */
  private static byte[] cut(LayerTar tar, String lastContent, int extra) throws IOException {
    byte[] bytes = tar.bytes();
    byte[] content = lastContent.getBytes(StandardCharsets.UTF_8);
    int at = indexOf(bytes, content);
    return Arrays.copyOf(bytes, at + content.length + extra);
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }

  @Test
  void aTarEndingRightAfterItsLastFilesDataIsReadAsCompleteAsUmoci047InsertWritesThem()
      throws IOException {
    LayerTar tar = new LayerTar().dir("etc").file("etc/last", "the last file's data");
    byte[] bytes = cut(tar, "the last file's data", 0);
    assertThat(bytes.length % 512).isNotZero();
    Tree tree = unpack(List.of(new Layer(bytes, Compression.NONE)));
    assertThat(tree.node("etc/last").size()).isEqualTo(20);

    // Only there: cut inside the data, or inside the padding, the tar is not a tar.
    for (int extra : new int[] {-1, 100}) {
      Path layout = dir.resolve("cut" + extra);
      LayerTar.writeImage(
          layout,
          "t",
          List.of(new Layer(cut(tar, "the last file's data", extra), Compression.NONE)));
      assertThatThrownBy(() -> LayerTar.unpack(layout, "t", dir.resolve("out" + extra), rootless))
          .as("cut %d bytes after the data", extra)
          .isInstanceOf(IOException.class)
          .hasMessageContaining("runcated");
    }
  }

  @Test
  void theNoteOfATarWithoutEndOfArchiveRecordsSaysSo() throws IOException {
    LayerTar tar = new LayerTar().file("f", "data");
    LayerTar.writeImage(
        dir.resolve("layout"), "t", List.of(new Layer(cut(tar, "data", 0), Compression.GZIP)));
    ImageUnpacker.Result result =
        LayerTar.unpack(dir.resolve("layout"), "t", dir.resolve("rootfs"), rootless);
    assertThat(result.layers().get(0).notes())
        .containsExactly("the tar ends without padding and end-of-archive records");
    assertThat(Tree.of(dir.resolve("rootfs")).node("f").size()).isEqualTo(4);
  }

  @Test
  void aGzipLayerOfSeveralMembersWithAnEstargzLikeFooterUnpacksWhole() throws IOException {
    // RFC 1952: a gzip file is members one after another. eStargz layers (docker buildx
    // --compression estargz, nerdctl) are one member per file and a last, empty member whose
    // extra field holds the TOC offset; parallel writers and `cat a.gz b.gz` make such streams
    // too. Every member is read and the diff_id covers them all.
    byte[] tar =
        new LayerTar()
            .file("a", "first member\n")
            .file("dir/b", "x".repeat(5000))
            .file("c", "last\n")
            .bytes();
    java.io.ByteArrayOutputStream blob = new java.io.ByteArrayOutputStream();
    int[] cuts = {0, 700, 1500, tar.length}; // members split anywhere, even inside a header
    for (int i = 0; i + 1 < cuts.length; i++) {
      try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(blob)) {
        gz.write(tar, cuts[i], cuts[i + 1] - cuts[i]);
      }
    }
    // The footer: an empty member with FEXTRA ("SG" subfield, as estargz writes it).
    byte[] payload = "0000000000001234STARGZ".getBytes(StandardCharsets.US_ASCII);
    java.io.ByteArrayOutputStream footer = new java.io.ByteArrayOutputStream();
    footer.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, 4, 0, 0, 0, 0, 0, (byte) 0xff});
    int xlen = 4 + payload.length;
    footer.writeBytes(new byte[] {(byte) xlen, 0, 'S', 'G', (byte) payload.length, 0});
    footer.writeBytes(payload);
    footer.writeBytes(new byte[] {3, 0, 0, 0, 0, 0, 0, 0, 0, 0}); // empty deflate, CRC, ISIZE
    blob.writeBytes(footer.toByteArray());
    Path layout = dir.resolve("layout");
    LayerTar.writeImageOfBlob(
        layout, "t", dev.ocikit.model.MediaType.IMAGE_LAYER_GZIP, blob.toByteArray(), tar);
    LayerTar.unpack(layout, "t", dir.resolve("rootfs"), rootless);
    Tree tree = Tree.of(dir.resolve("rootfs"));
    assertThat(tree.node("a").size()).isEqualTo(13);
    assertThat(tree.node("dir/b").size()).isEqualTo(5000);
    assertThat(tree.node("c").size()).isEqualTo(5);
    // The deep check reads it whole too (its diff_id).
    var problems = dev.ocikit.layout.LayoutChecker.check(layout, true);
    assertThat(dev.ocikit.layout.LayoutChecker.isValid(problems)).as(problems.toString()).isTrue();
  }

  @Test
  void aNonAsciiXattrValueKeepsItsBytes() throws IOException {
    // PAX records are UTF-8 (as Go's archive/tar writes xattr values, byte for byte): "ü" is
    // c3 bc, not the ISO-8859-1 fc.
    Tree tree = unpack(List.of(gzip(new LayerTar().file("f", "x").xattr("user.word", "grüß 🎉"))));
    assertThat(tree.node("f").xattrs()).containsEntry("user.word", "grüß 🎉");
  }

  @Test
  void entriesInASetGroupIdDirectoryGetTheOwnerAndModeOfTheirEntries() throws IOException {
    org.junit.jupiter.api.Assumptions.assumeTrue(Tools.root(), "only root gives files owners");
    // Linux gives what is created in a set-group-ID directory that directory's group (and a new
    // directory that bit): a file or directory made by this process must still end up with the
    // owner and mode of its entry (Debian's /var/local is root:staff 2775).
    Tree tree =
        unpack(
            List.of(
                gzip(new LayerTar().dir("var/local").mode(02775).owner(0, 50)),
                gzip(
                    new LayerTar()
                        .file("var/local/f", "x")
                        .mode(0644)
                        .owner(0, 0)
                        .dir("var/local/d")
                        .mode(0755)
                        .owner(0, 0)
                        .file("var/local/d/g", "y")
                        .mode(0600)
                        .owner(0, 0)
                        .symlink("var/local/l", "f")
                        .owner(0, 0))));
    assertThat(tree.node("var/local").mode()).isEqualTo(02775);
    assertThat(tree.node("var/local").gid()).isEqualTo(50);
    for (String path : List.of("var/local/f", "var/local/d", "var/local/d/g", "var/local/l")) {
      assertThat(tree.node(path).gid()).as(path).isZero();
    }
    assertThat(tree.node("var/local/d").mode()).isEqualTo(0755);
    assertThat(tree.node("var/local/f").mode()).isEqualTo(0644);
  }

  @Test
  void aZstdLayerOfSeveralFramesWithSkippableFramesFirstAndBetweenUnpacksWhole()
      throws IOException {
    // RFC 8878: a zstd stream is frames one after another, skippable ones (magic 0x184D2A5?)
    // anywhere, the first included: its magic number need not be 28 b5 2f fd.
    byte[] tar = new LayerTar().file("a", "one\n").file("b/c", "two\n").bytes();
    int half = 1024;
    java.io.ByteArrayOutputStream blob = new java.io.ByteArrayOutputStream();
    byte[] skippable = {0x53, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 'x', 'y', 'z'};
    blob.writeBytes(skippable);
    blob.writeBytes(com.github.luben.zstd.Zstd.compress(Arrays.copyOfRange(tar, 0, half)));
    blob.writeBytes(skippable);
    blob.writeBytes(com.github.luben.zstd.Zstd.compress(Arrays.copyOfRange(tar, half, tar.length)));
    Path layout = dir.resolve("layout");
    LayerTar.writeImageOfBlob(
        layout, "t", dev.ocikit.model.MediaType.IMAGE_LAYER_ZSTD, blob.toByteArray(), tar);
    Path target = dir.resolve("rootfs");
    LayerTar.unpack(layout, "t", target, rootless);
    assertThat(java.nio.file.Files.readString(target.resolve("a"))).isEqualTo("one\n");
    assertThat(java.nio.file.Files.readString(target.resolve("b/c"))).isEqualTo("two\n");
  }

  @Test
  void aLayerMadeByGitArchiveWithItsGlobalCommentHeaderUnpacks() throws IOException {
    // git archive begins with a global PAX header ('g') holding the commit id as a comment:
    // accepted, where a global header with any other record is refused (readers disagree on it).
    Tools.require("git");
    Path repo = java.nio.file.Files.createDirectories(dir.resolve("repo"));
    java.nio.file.Files.writeString(repo.resolve("hello.txt"), "hello\n");
    Tools.run(repo, List.of("git", "init", "-q"));
    Tools.run(repo, List.of("git", "add", "hello.txt"));
    Tools.run(
        repo,
        List.of(
            "git",
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "commit",
            "-q",
            "-m",
            "m"));
    Path tar = dir.resolve("git.tar");
    Tools.run(repo, List.of("git", "archive", "--format=tar", "-o", tar.toString(), "HEAD"));
    byte[] bytes = java.nio.file.Files.readAllBytes(tar);
    assertThat((char) bytes[156]).isEqualTo('g');

    Tree tree = unpack(List.of(new Layer(bytes, Compression.GZIP)));

    assertThat(tree.nodes()).containsKey("hello.txt");
  }
}
