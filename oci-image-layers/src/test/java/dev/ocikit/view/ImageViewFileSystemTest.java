package dev.ocikit.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ocikit.layers.LayerTar;
import dev.ocikit.layers.LayerTar.Layer;
import dev.ocikit.layout.OciLayout;
import dev.ocikit.model.Compression;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedFileSystemException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.ReadOnlyFileSystemException;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The view as a {@link FileSystem}: what {@code Files} does with it, and its paths. */
class ImageViewFileSystemTest {
  @TempDir Path dir;
  private OciLayout layout;
  private ImageView view;
  private Path root;

  @BeforeEach
  void open() throws IOException {
    List<Layer> layers = new ArrayList<>(ImageViewTest.threeLayers());
    layers.add(
        new Layer(
            new LayerTar()
                .file("x/attrs", "with xattrs")
                .xattr("user.comment", "hello")
                .xattr("trusted.hidden", "not user")
                .file("x/notes.txt", "n")
                .file("x/more.txt", "m")
                .hardlink("x/hard", "etc/owned")
                .file("x/big", "0123456789".repeat(1000))
                .bytes(),
            Compression.GZIP));
    LayerTar.writeImage(dir.resolve("layout"), "t", layers);
    layout = OciLayout.open(dir.resolve("layout"));
    view = ImageView.open(layout, layout.resolve("t", null));
    root = view.root();
  }

  @AfterEach
  void close() throws IOException {
    view.close();
    layout.close();
  }

  @Test
  void filesWalkListsEveryPath() throws IOException {
    List<String> walked;
    try (Stream<Path> s = Files.walk(root)) {
      walked = s.map(Path::toString).toList();
    }
    assertThat(walked)
        .containsExactly(
            "/",
            "/abs",
            "/dangling",
            "/etc",
            "/etc/a",
            "/etc/c",
            "/etc/link",
            "/etc/owned",
            "/lnkdir",
            "/loop1",
            "/loop2",
            "/var",
            "/var/lib",
            "/var/lib/y",
            "/var/up",
            "/x",
            "/x/attrs",
            "/x/big",
            "/x/hard",
            "/x/more.txt",
            "/x/notes.txt");
    try (Stream<Path> s = Files.find(root, 10, (p, a) -> a.isRegularFile())) {
      assertThat(s.count()).isEqualTo(9);
    }
  }

  @Test
  void filesReadsContentAndAttributes() throws IOException {
    assertThat(Files.readString(root.resolve("etc/a"))).isEqualTo("a1");
    assertThat(Files.readString(root.resolve("etc/link"))).isEqualTo("a1");
    assertThat(Files.readString(view.fileSystem().getPath("/lnkdir", "a"))).isEqualTo("a1");
    assertThat(Files.readAllLines(root.resolve("etc/c"))).containsExactly("c");
    assertThat(Files.size(root.resolve("x/big"))).isEqualTo(10_000);

    PosixFileAttributes file =
        Files.readAttributes(
            root.resolve("etc/owned"), PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    assertThat(file.isRegularFile()).isTrue();
    assertThat(file.owner().getName()).isEqualTo("1000");
    assertThat(file.group().getName()).isEqualTo("1001");
    assertThat(PosixFilePermissions.toString(file.permissions())).isEqualTo("rw-r-----");
    assertThat(file.lastModifiedTime()).isEqualTo(FileTime.from(LayerTar.T0));
    assertThat(file.size()).isEqualTo(1);
    assertThat(Files.getOwner(root.resolve("etc/owned")).getName()).isEqualTo("1000");

    PosixFileAttributes link =
        Files.readAttributes(
            root.resolve("etc/link"), PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    assertThat(link.isSymbolicLink()).isTrue();
    assertThat(link.size()).isEqualTo(1); // lstat: the target's length
    assertThat(Files.readAttributes(root.resolve("etc/link"), PosixFileAttributes.class).size())
        .isEqualTo(2); // stat: the file's

    Map<String, Object> unix =
        Files.readAttributes(root.resolve("x/hard"), "unix:*", LinkOption.NOFOLLOW_LINKS);
    assertThat(unix.get("mode")).isEqualTo(0100640);
    assertThat(unix.get("uid")).isEqualTo(1000);
    assertThat(unix.get("nlink")).isEqualTo(2);
    assertThat(unix.get("ino"))
        .isEqualTo(Files.getAttribute(root.resolve("etc/owned"), "unix:ino"));
    assertThat(Files.isSameFile(root.resolve("x/hard"), root.resolve("etc/owned"))).isTrue();
    assertThat(Files.isSameFile(root.resolve("etc/link"), root.resolve("etc/a"))).isTrue();
    assertThat(Files.isSameFile(root.resolve("etc/c"), root.resolve("etc/a"))).isFalse();

    UserDefinedFileAttributeView xattrs =
        Files.getFileAttributeView(root.resolve("x/attrs"), UserDefinedFileAttributeView.class);
    assertThat(xattrs.list()).containsExactly("comment");
    ByteBuffer value = ByteBuffer.allocate(xattrs.size("comment"));
    xattrs.read("comment", value);
    assertThat(new String(value.array(), StandardCharsets.UTF_8)).isEqualTo("hello");
    assertThat(view.entry("/x/attrs").orElseThrow().xattrs())
        .containsOnlyKeys("trusted.hidden", "user.comment");
  }

  @Test
  void linksDirectoriesAndExistence() throws IOException {
    assertThat(Files.readSymbolicLink(root.resolve("etc/link")).toString()).isEqualTo("a");
    assertThat(Files.readSymbolicLink(root.resolve("abs"))).isEqualTo(root.resolve("etc/a"));
    assertThatThrownBy(() -> Files.readSymbolicLink(root.resolve("etc/a")))
        .isInstanceOf(NotLinkException.class);
    assertThat(Files.isDirectory(root.resolve("lnkdir"))).isTrue();
    assertThat(Files.isDirectory(root.resolve("lnkdir"), LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(Files.isSymbolicLink(root.resolve("lnkdir"))).isTrue();
    assertThat(Files.exists(root.resolve("dangling"))).isFalse();
    assertThat(Files.exists(root.resolve("dangling"), LinkOption.NOFOLLOW_LINKS)).isTrue();
    assertThat(Files.exists(root.resolve("usr"))).isFalse();
    assertThat(Files.isRegularFile(root.resolve("etc/link"))).isTrue();
    assertThat(Files.isReadable(root.resolve("etc/a"))).isTrue();
    assertThat(Files.isWritable(root.resolve("etc/a"))).isFalse();
    assertThat(root.resolve("lnkdir/a").toRealPath()).isEqualTo(root.resolve("etc/a"));
    assertThat(root.resolve("lnkdir").toRealPath(LinkOption.NOFOLLOW_LINKS))
        .isEqualTo(root.resolve("lnkdir"));
    assertThatThrownBy(() -> root.resolve("nope").toRealPath())
        .isInstanceOf(NoSuchFileException.class);
    assertThatThrownBy(() -> Files.readString(root.resolve("loop1")))
        .isInstanceOf(FileSystemException.class);
    assertThatThrownBy(
            () -> Files.newInputStream(root.resolve("etc/link"), LinkOption.NOFOLLOW_LINKS))
        .isInstanceOf(FileSystemException.class);
    assertThatThrownBy(() -> Files.readString(root.resolve("etc")))
        .isInstanceOf(FileSystemException.class);

    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(root.resolve("x"), "*.txt")) {
      s.forEach(p -> names.add(p.toString()));
    }
    assertThat(names).containsExactly("/x/more.txt", "/x/notes.txt");
    try (DirectoryStream<Path> s = Files.newDirectoryStream(root.resolve("lnkdir"))) {
      List<String> children = new ArrayList<>();
      s.forEach(p -> children.add(p.toString()));
      assertThat(children)
          .containsExactly("/lnkdir/a", "/lnkdir/c", "/lnkdir/link", "/lnkdir/owned");
    }
    try (Stream<Path> s = Files.list(root.resolve("etc"))) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("a", "c", "link", "owned");
    }
  }

  @Test
  void channelsSeekAndRead() throws IOException {
    try (SeekableByteChannel c = Files.newByteChannel(root.resolve("x/big"))) {
      assertThat(c.size()).isEqualTo(10_000);
      c.position(9_995);
      ByteBuffer b = ByteBuffer.allocate(100);
      assertThat(c.read(b)).isEqualTo(5);
      assertThat(new String(b.array(), 0, 5, StandardCharsets.US_ASCII)).isEqualTo("56789");
      assertThat(c.read(b)).isEqualTo(-1);
    }
    try (InputStream in = Files.newInputStream(root.resolve("x/big"))) {
      assertThat(in.skip(10)).isEqualTo(10);
      assertThat(in.readNBytes(3)).isEqualTo("012".getBytes(StandardCharsets.US_ASCII));
    }
  }

  @Test
  void everyWriteIsRefused() {
    Path a = root.resolve("etc/a");
    List<ThrowingRunnable> writes =
        List.of(
            () -> Files.writeString(a, "x"),
            () -> Files.writeString(root.resolve("new"), "x"),
            () -> Files.newOutputStream(a),
            () -> Files.newByteChannel(a, StandardOpenOption.WRITE),
            () -> Files.newByteChannel(a, StandardOpenOption.APPEND),
            () -> Files.createDirectory(root.resolve("d")),
            () -> Files.createFile(root.resolve("f")),
            () -> Files.createSymbolicLink(root.resolve("l"), a),
            () -> Files.createLink(root.resolve("h"), a),
            () -> Files.delete(a),
            () -> Files.deleteIfExists(a),
            () -> Files.copy(a, root.resolve("copy")),
            () -> Files.move(a, root.resolve("moved")),
            () -> Files.setLastModifiedTime(a, FileTime.fromMillis(0)),
            () -> Files.setPosixFilePermissions(a, PosixFilePermissions.fromString("rwxrwxrwx")),
            () -> Files.setAttribute(a, "unix:uid", 0),
            () ->
                Files.getFileAttributeView(a, UserDefinedFileAttributeView.class)
                    .write("x", ByteBuffer.allocate(1)));
    for (ThrowingRunnable w : writes) {
      assertThatThrownBy(w::run).isInstanceOf(ReadOnlyFileSystemException.class);
    }
    assertThat(view.fileSystem().isReadOnly()).isTrue();
    assertThat(view.fileSystem().getFileStores().iterator().next().isReadOnly()).isTrue();
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Test
  void closingTheViewClosesTheFileSystem() throws IOException {
    FileSystem fs = view.fileSystem();
    assertThat(fs.isOpen()).isTrue();
    view.close();
    assertThat(fs.isOpen()).isFalse();
    assertThatThrownBy(() -> Files.readString(root.resolve("etc/a")))
        .isInstanceOf(ClosedFileSystemException.class);
  }

  /** The strings the path operations are compared on. */
  private static final List<String> PATHS =
      List.of(
          "",
          "/",
          "a",
          "/a",
          "a/b",
          "/a/b/c",
          "a//b/",
          "//a///b//",
          ".",
          "..",
          "/..",
          "/../a",
          "a/./b/../c",
          "../a/b",
          "a/../..",
          "/a/b/../../..",
          "./a",
          "a/.",
          "a/b/c/d",
          "héllo/wörld",
          ".hidden/x");

  @Test
  void pathsBehaveLikeUnixPaths() {
    assumeTrue(FileSystems.getDefault().getSeparator().equals("/"));
    FileSystem fs = view.fileSystem();
    for (String s : PATHS) {
      Path mine = fs.getPath(s);
      Path unix = Path.of(s);
      String what = "\"" + s + "\"";
      assertThat(mine.toString()).as(what).isEqualTo(unix.toString());
      assertThat(mine.isAbsolute()).as(what).isEqualTo(unix.isAbsolute());
      assertThat(mine.getNameCount()).as(what).isEqualTo(unix.getNameCount());
      assertThat(str(mine.getFileName())).as(what).isEqualTo(str(unix.getFileName()));
      assertThat(str(mine.getParent())).as(what).isEqualTo(str(unix.getParent()));
      assertThat(str(mine.getRoot())).as(what).isEqualTo(str(unix.getRoot()));
      assertThat(mine.normalize().toString()).as(what).isEqualTo(unix.normalize().toString());
      assertThat(mine.toAbsolutePath().isAbsolute()).isTrue();
      List<String> names = new ArrayList<>();
      mine.forEach(p -> names.add(p.toString()));
      List<String> unixNames = new ArrayList<>();
      unix.forEach(p -> unixNames.add(p.toString()));
      assertThat(names).as(what).isEqualTo(unixNames);
      if (unix.getNameCount() > 1) {
        assertThat(mine.subpath(1, mine.getNameCount()).toString())
            .isEqualTo(unix.subpath(1, unix.getNameCount()).toString());
      }
      for (String t : PATHS) {
        Path other = fs.getPath(t);
        Path unixOther = Path.of(t);
        String pair = what + " and \"" + t + "\"";
        assertThat(mine.resolve(other).toString())
            .as("resolve " + pair)
            .isEqualTo(unix.resolve(unixOther).toString());
        assertThat(mine.resolveSibling(other).toString())
            .as("resolveSibling " + pair)
            .isEqualTo(unix.resolveSibling(unixOther).toString());
        assertThat(mine.startsWith(other))
            .as("startsWith " + pair)
            .isEqualTo(unix.startsWith(unixOther));
        assertThat(mine.endsWith(other)).as("endsWith " + pair).isEqualTo(unix.endsWith(unixOther));
        assertThat(mine.equals(other)).as("equals " + pair).isEqualTo(unix.equals(unixOther));
        assertThat(Integer.signum(mine.compareTo(other)))
            .as("compareTo " + pair)
            .isEqualTo(Integer.signum(unix.compareTo(unixOther)));
        assertThat(outcome(mine, other, Path::relativize))
            .as("relativize " + pair)
            .isEqualTo(outcome(unix, unixOther, Path::relativize));
      }
    }
    assertThat(fs.getPath("/a", "b", "", "c").toString()).isEqualTo("/a/b/c");
    assertThat(fs.getPath("", "b").toString()).isEqualTo("b");
  }

  private static String str(Path p) {
    return p == null ? "null" : p.toString();
  }

  private static String outcome(Path a, Path b, BiFunction<Path, Path, Path> op) {
    try {
      return op.apply(a, b).toString();
    } catch (IllegalArgumentException e) {
      return "IllegalArgumentException";
    }
  }

  @Test
  void pathMatchersMatchAsTheDefaultOnes() {
    assumeTrue(FileSystems.getDefault().getSeparator().equals("/"));
    List<String> patterns =
        List.of(
            "glob:*.txt",
            "glob:**/*.txt",
            "glob:/x/*",
            "glob:/x/**",
            "glob:*.{txt,md}",
            "glob:?.txt",
            "glob:[a-c]*",
            "glob:[!a-c]*",
            "regex:.*/n[a-z]+\\.txt");
    List<String> paths =
        List.of(
            "a.txt", "/x/notes.txt", "/x/more.md", "b.md", "x/y/z.txt", "/x", "d", "a", "1.txt");
    for (String pattern : patterns) {
      PathMatcher mine = view.fileSystem().getPathMatcher(pattern);
      PathMatcher theirs = FileSystems.getDefault().getPathMatcher(pattern);
      Function<String, Boolean> m = s -> mine.matches(view.fileSystem().getPath(s));
      for (String p : paths) {
        assertThat(m.apply(p)).as(pattern + " on " + p).isEqualTo(theirs.matches(Path.of(p)));
      }
    }
  }
}
