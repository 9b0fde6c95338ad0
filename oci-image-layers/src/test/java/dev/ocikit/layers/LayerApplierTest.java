package dev.ocikit.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ocikit.digest.Digest;
import dev.ocikit.layers.corpus.RawTar;
import dev.ocikit.layout.OciLayout;
import dev.ocikit.model.Descriptor;
import dev.ocikit.model.MediaType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The changeset semantics of layer.md, one layer after another into one directory. */
class LayerApplierTest {
  private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

  @TempDir Path dir;
  private OciLayout layout;
  private Path target;
  private ApplyOptions options = ApplyOptions.DEFAULT.withRootless(!ROOT);

  @BeforeEach
  void setUp() throws IOException {
    layout = OciLayout.create(dir.resolve("layout"));
    target = Files.createDirectory(dir.resolve("target"));
  }

  private ApplyResult apply(RawTar tar) throws IOException {
    byte[] bytes = tar.finish();
    Descriptor d = layout.writeBlob(MediaType.IMAGE_LAYER, bytes);
    return new LayerApplier(options).apply(layout, d, Digest.sha256(bytes), target);
  }

  private String read(String path) throws IOException {
    return Files.readString(target.resolve(path));
  }

  private List<String> names(String path) throws IOException {
    try (Stream<Path> s = Files.list(target.resolve(path))) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private boolean exists(String path) {
    return Files.exists(target.resolve(path), LinkOption.NOFOLLOW_LINKS);
  }

  private Object attribute(String path, String name) throws IOException {
    return Files.getAttribute(target.resolve(path), name, LinkOption.NOFOLLOW_LINKS);
  }

  @Test
  void whiteoutsHideLowerEntriesWhetherTheyComeBeforeOrAfterTheirSiblings() throws IOException {
    apply(
        new RawTar()
            .file("early", "lower\n")
            .file("late", "lower\n")
            .file("again", "lower\n")
            .file("also", "lower\n")
            .file("kept", "lower\n"));
    apply(
        new RawTar()
            .file(".wh.early", "")
            .file("new1", "upper\n")
            .file("new2", "upper\n")
            .file(".wh.late", "")
            .file(".wh.again", "")
            .file("again", "upper\n")
            .file("also", "upper\n")
            .file(".wh.also", ""));
    assertThat(names(".")).containsExactly("again", "also", "kept", "new1", "new2");
    assertThat(read("again")).isEqualTo("upper\n");
    assertThat(read("also"))
        .as("a whiteout hides only what lower layers put there")
        .isEqualTo("upper\n");
    assertThat(read("kept")).isEqualTo("lower\n");
  }

  @Test
  void anOpaqueWhiteoutAtTheRootHidesEveryLowerEntryButNotTheLayersOwn() throws IOException {
    apply(new RawTar().file("a", "lower\n").file("d/x", "lower\n"));
    apply(new RawTar().file("before", "upper\n").file(".wh..wh..opq", "").file("after", "upper\n"));
    assertThat(names(".")).containsExactly("after", "before");
  }

  @Test
  void anOpaqueWhiteoutInADirectoryHidesOnlyThatDirectorysLowerContent() throws IOException {
    apply(new RawTar().file("d/x", "lower\n").file("d/sub/y", "lower\n").file("e/z", "lower\n"));
    apply(new RawTar().file("d/m", "upper\n").file("d/.wh..wh..opq", "").file("d/n", "upper\n"));
    assertThat(names("d")).containsExactly("m", "n");
    assertThat(read("e/z")).isEqualTo("lower\n");
  }

  @Test
  void aWhiteoutOfAMissingPathOrUnderAFileDoesNothing() throws IOException {
    apply(new RawTar().file("f", "lower\n"));
    ApplyResult r =
        apply(new RawTar().file(".wh.nothing", "").file("f/.wh.x", "").file("missing/.wh.y", ""));
    assertThat(names(".")).containsExactly("f");
    assertThat(read("f")).isEqualTo("lower\n");
    assertThat(r.entries()).isEqualTo(3);
  }

  @Test
  void aLaterEntryForTheSamePathWins() throws IOException {
    apply(
        new RawTar()
            .file("dup", "first\n")
            .file("dup", "second\n")
            .symlink("link", "first")
            .symlink("link", "second"));
    assertThat(read("dup")).isEqualTo("second\n");
    assertThat(Files.readSymbolicLink(target.resolve("link"))).hasToString("second");
  }

  @Test
  void entriesAfterANewSmallFileSeeItWrittenWhateverTheyDoAtItsPath() throws IOException {
    // Small new files are written on a thread of their own; every later entry that touches the
    // same path (or uses it as a parent) must find it written, as if all ran in tar order.
    apply(
        new RawTar()
            .file("a", "file first\n")
            .dir("a/")
            .add() // a directory replaces the file
            .file("a/in", "inside\n")
            .file("b", "will be a parent\n")
            .file("b/c", "under b\n") // the file b is in the way of a directory
            .file("d", "target\n")
            .hardlink("d-link", "d") // a link to a file just written
            .file("e", "replaced by a link\n")
            .symlink("e", "d")
            .file("f", "first\n")
            .file("f", "second\n")
            .file("g/h", "kept\n")
            .file("g/.wh..wh..opq", "")); // an opaque whiteout never hides this layer's own
    assertThat(Files.isDirectory(target.resolve("a"), LinkOption.NOFOLLOW_LINKS)).isTrue();
    assertThat(read("a/in")).isEqualTo("inside\n");
    assertThat(read("b/c")).isEqualTo("under b\n");
    assertThat(Files.isSameFile(target.resolve("d"), target.resolve("d-link"))).isTrue();
    assertThat(read("d-link")).isEqualTo("target\n");
    assertThat(Files.readSymbolicLink(target.resolve("e"))).hasToString("d");
    assertThat(read("f")).isEqualTo("second\n");
    assertThat(names("g")).containsExactly("h");
  }

  @Test
  void aFailedBackgroundWriteIsReportedWithItsOwnEntry() throws IOException, InterruptedException {
    assumeTrue(ROOT, "chattr +i needs root");
    apply(new RawTar().file("locked/keep", "lower\n"));
    Process chattr =
        new ProcessBuilder("chattr", "+i", target.resolve("locked").toString()).start();
    assumeTrue(chattr.waitFor() == 0, "chattr +i is not supported here");
    try {
      Throwable t =
          catchThrowable(() -> apply(new RawTar().file("locked/new", "x").file("z", "y")));
      assertThat(t).isInstanceOf(LayerException.class).hasMessageContaining("locked/new");
      assertThat(((LayerException) t).entry()).isEqualTo("locked/new");
    } finally {
      new ProcessBuilder("chattr", "-i", target.resolve("locked").toString()).start().waitFor();
    }
  }

  @Test
  void aFileReplacesADirectoryAndADirectoryReplacesAFile() throws IOException {
    apply(new RawTar().file("p/q", "lower\n").file("r", "lower\n"));
    apply(new RawTar().file("p", "now a file\n").dir("r/").add().file("r/s", "upper\n"));
    assertThat(read("p")).isEqualTo("now a file\n");
    assertThat(Files.isDirectory(target.resolve("r"), LinkOption.NOFOLLOW_LINKS)).isTrue();
    assertThat(names("r")).containsExactly("s");
  }

  @Test
  void aHardlinkToAFileOfALowerLayerSharesItsInode() throws IOException {
    apply(new RawTar().file("orig", "shared\n"));
    apply(new RawTar().hardlink("link", "orig").hardlink("sub/link2", "/orig"));
    assertThat(Files.isSameFile(target.resolve("orig"), target.resolve("link"))).isTrue();
    assertThat(Files.isSameFile(target.resolve("orig"), target.resolve("sub/link2"))).isTrue();
    assertThat(attribute("orig", "unix:nlink")).isEqualTo(3);
  }

  @Test
  void symlinksAreKeptVerbatimAbsoluteOrNotAndNeverFollowed() throws IOException {
    apply(
        new RawTar()
            .symlink("abs", "/etc/passwd")
            .symlink("rel", "../x/./y")
            .symlink("dangling", "/nowhere/at/all"));
    assertThat(Files.readSymbolicLink(target.resolve("abs"))).hasToString("/etc/passwd");
    assertThat(Files.readSymbolicLink(target.resolve("rel"))).hasToString("../x/./y");
    assertThat(Files.readSymbolicLink(target.resolve("dangling"))).hasToString("/nowhere/at/all");
  }

  @Test
  void directoryTimesAreSetAfterTheirContent() throws IOException {
    long t1 = 1_000_000_000L;
    long t2 = 1_100_000_000L;
    apply(
        new RawTar()
            .dir("dir/")
            .mtime(t1)
            .add()
            .dir("dir/sub/")
            .mtime(t2)
            .add()
            .file("dir/file", "content\n")
            .file("dir/sub/file", "content\n"));
    assertThat(attribute("dir", "lastModifiedTime"))
        .isEqualTo(FileTime.from(Instant.ofEpochSecond(t1)));
    assertThat(attribute("dir/sub", "lastModifiedTime"))
        .isEqualTo(FileTime.from(Instant.ofEpochSecond(t2)));
    assertThat(attribute("dir/file", "lastModifiedTime"))
        .isEqualTo(FileTime.from(Instant.ofEpochSecond(RawTar.MTIME)));
  }

  @Test
  void setuidAndSetgidBitsAndOwnersAreKeptAsRoot() throws IOException {
    assumeTrue(ROOT, "needs root to chown");
    apply(
        new RawTar()
            .file("suid")
            .mode(04755)
            .owner(1000, 1001)
            .content("#!/bin/sh\n")
            .add()
            .dir("sgid/")
            .mode(02775)
            .owner(1000, 1001)
            .add());
    assertThat((int) attribute("suid", "unix:mode") & 07777).isEqualTo(04755);
    assertThat(attribute("suid", "unix:uid")).isEqualTo(1000);
    assertThat(attribute("suid", "unix:gid")).isEqualTo(1001);
    assertThat((int) attribute("sgid", "unix:mode") & 07777).isEqualTo(02775);
    assertThat(attribute("sgid", "unix:uid")).isEqualTo(1000);
  }

  @Test
  void rootlessModeKeepsTheCurrentUserAsOwner() throws IOException {
    options = options.withRootless(true);
    Object me = Files.getAttribute(target, "unix:uid");
    apply(
        new RawTar()
            .file("f")
            .owner(4242, 4242)
            .content("x")
            .add()
            .dir("d/")
            .owner(4242, 4242)
            .add());
    assertThat(attribute("f", "unix:uid")).isEqualTo(me);
    assertThat(attribute("d", "unix:uid")).isEqualTo(me);
  }

  @Test
  void rootlessReadOnlyFilesAndDirectoriesGetTheirXattrsAndOwnerRecords() throws IOException {
    // Setting a user xattr takes write permission, which an unprivileged owner of a 0444 file or
    // a 0555 directory lacks: it is granted for the moment (umoci drops such xattrs).
    options = options.withRootless(true);
    apply(
        new RawTar()
            .dir("ro/")
            .mode(0555)
            .owner(33, 33)
            .pax("SCHILY.xattr.user.d", "dv")
            .add()
            .file("rofile")
            .mode(0444)
            .owner(4242, 4242)
            .content("x")
            .pax("SCHILY.xattr.user.f", "fv")
            .add());
    java.nio.file.attribute.UserDefinedFileAttributeView d =
        Files.getFileAttributeView(
            target.resolve("ro"), java.nio.file.attribute.UserDefinedFileAttributeView.class);
    java.nio.file.attribute.UserDefinedFileAttributeView f =
        Files.getFileAttributeView(
            target.resolve("rofile"), java.nio.file.attribute.UserDefinedFileAttributeView.class);
    assertThat(d.list()).containsExactlyInAnyOrder("d", "rootlesscontainers");
    assertThat(f.list()).containsExactlyInAnyOrder("f", "rootlesscontainers");
    assertThat(attribute("ro", "unix:mode")).isEqualTo(040555);
    assertThat(attribute("rofile", "unix:mode")).isEqualTo(0100444);
  }

  @Test
  void rootlessLayersAppliedOneByOneWorkInsideALowerLayersClosedDirectories() throws IOException {
    // Unprivileged, a process cannot enter a 0000 directory nor write into a 0555 one, even its
    // own: each apply opens them for its layer and closes them again (ImageUnpacker keeps them
    // open from the first layer to the last). Meaningful unprivileged (as CI also runs it); root
    // enters them anyway.
    options = options.withRootless(true);
    apply(
        new RawTar()
            .dir("ro/")
            .mode(0555)
            .add()
            .file("ro/old", "old\n")
            .dir("ro/sub/")
            .mode(0500)
            .add()
            .file("ro/sub/deep", "deep\n")
            .dir("locked/")
            .mode(0)
            .add()
            .file("locked/x", "x\n"));
    assertThat(attribute("ro", "unix:mode")).isEqualTo(040555);
    assertThat(attribute("locked", "unix:mode")).isEqualTo(040000);
    apply(
        new RawTar()
            .file("ro/new", "new\n")
            .file("ro/.wh.old", "")
            .file("ro/sub/deeper", "d2\n")
            .file("locked/y", "y\n"));
    // The modes are the lower layer's again.
    assertThat(attribute("ro", "unix:mode")).isEqualTo(040555);
    assertThat(attribute("ro/sub", "unix:mode")).isEqualTo(040500);
    assertThat(attribute("locked", "unix:mode")).isEqualTo(040000);
    apply(new RawTar().file("ro/.wh..wh..opq", "").file("ro/fresh", "fresh\n"));
    Files.setAttribute(target.resolve("locked"), "unix:mode", 0700);
    Files.setAttribute(target.resolve("ro"), "unix:mode", 0755);
    assertThat(names("ro")).containsExactly("fresh");
    assertThat(names("locked")).containsExactly("x", "y");
    assertThat(read("locked/y")).isEqualTo("y\n");
  }

  @Test
  void aDockerLayerIsReadByItsMagicBytesAndAnOciLayerIsHeldToItsMediaType() throws IOException {
    // moby's archive.DecompressStream and containerd detect a Docker layer's compression from its
    // bytes; images with an uncompressed tar under the Docker gzip type unpack there. An OCI
    // type is a promise (layer.md: "+gzip ... compressed with gzip"): a mismatch is refused.
    byte[] tar = new RawTar().file("a", "content").finish();
    Descriptor docker = layout.writeBlob(MediaType.DOCKER_LAYER_GZIP, tar);
    new LayerApplier(options).apply(layout, docker, Digest.sha256(tar), target);
    assertThat(read("a")).isEqualTo("content");

    Path other = Files.createDirectory(dir.resolve("other"));
    Descriptor oci = layout.writeBlob(MediaType.IMAGE_LAYER_GZIP, tar);
    assertThatThrownBy(
            () -> new LayerApplier(options).apply(layout, oci, Digest.sha256(tar), other))
        .isInstanceOf(LayerException.class)
        .hasMessageContaining(oci.digest().toString())
        .hasMessageContaining("says gzip, but the content is not compressed");
    try (Stream<Path> left = Files.list(other)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void aNameOverAShortPathLimitIsRefusedNamingTheEntry() {
    options = options.withLimits(1L << 30, 1000, 10);
    Throwable thrown = catchThrowable(() -> apply(new RawTar().file("twenty-characters-xx", "x")));
    assertThat(thrown).isExactlyInstanceOf(LayerLimitException.class);
    assertThat(((LayerException) thrown).entry()).isEqualTo("twenty-characters-xx");
  }
}
