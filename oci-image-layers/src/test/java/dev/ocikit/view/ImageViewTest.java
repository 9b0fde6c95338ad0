package dev.ocikit.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ocikit.digest.DigestMismatchException;
import dev.ocikit.layers.LayerTar;
import dev.ocikit.layers.LayerTar.Layer;
import dev.ocikit.layout.OciLayout;
import dev.ocikit.model.Compression;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The view's own API on a three-layer image: entries, links, listing, reading, layers. */
class ImageViewTest {
  @TempDir Path dir;
  private OciLayout layout;
  private ImageView view;

  /** Three layers: a base, changes and whiteouts over it, and a whiteout of a whole directory. */
  static List<Layer> threeLayers() throws IOException {
    return List.of(
        new Layer(
            new LayerTar()
                .dir("etc")
                .file("etc/a", "a0")
                .file("etc/b", "b0")
                .symlink("etc/link", "a")
                .dir("var/lib")
                .file("var/lib/x", "x")
                .symlink("lnkdir", "etc")
                .symlink("abs", "/etc/a")
                .symlink("var/up", "../../../../etc")
                .symlink("loop1", "loop2")
                .symlink("loop2", "loop1")
                .symlink("dangling", "/nowhere")
                .file("etc/owned", "o")
                .owner(1000, 1001)
                .mode(0640)
                .bytes(),
            Compression.GZIP),
        new Layer(
            new LayerTar()
                .file("etc/a", "a1")
                .whiteout("etc/b")
                .file("usr/bin/tool", "tool")
                .opaque("var/lib")
                .file("var/lib/y", "y")
                .bytes(),
            Compression.ZSTD),
        new Layer(new LayerTar().whiteout("usr").file("etc/c", "c").bytes(), Compression.NONE));
  }

  @BeforeEach
  void open() throws IOException {
    LayerTar.writeImage(dir.resolve("layout"), "t", threeLayers());
    layout = OciLayout.open(dir.resolve("layout"));
    view =
        ImageView.open(
            layout,
            layout.resolve("t", null),
            ViewOptions.DEFAULT.withSpillDirectory(Files.createDirectories(dir.resolve("spill"))));
  }

  @AfterEach
  void close() throws IOException {
    view.close();
    layout.close();
  }

  @Test
  void eachLayerSaysWhatItAddedAndDeleted() {
    List<LayerInfo> layers = view.layers();
    assertThat(layers).extracting(LayerInfo::index).containsExactly(0, 1, 2);
    assertThat(layers.get(0).added())
        .containsExactly(
            "/abs",
            "/dangling",
            "/etc",
            "/etc/a",
            "/etc/b",
            "/etc/link",
            "/etc/owned",
            "/lnkdir",
            "/loop1",
            "/loop2",
            "/var",
            "/var/lib",
            "/var/lib/x",
            "/var/up");
    assertThat(layers.get(0).deleted()).isEmpty();
    assertThat(layers.get(1).added())
        .containsExactly("/etc/a", "/usr", "/usr/bin", "/usr/bin/tool", "/var/lib/y");
    assertThat(layers.get(1).deleted()).containsExactly("/etc/b", "/var/lib/x");
    assertThat(layers.get(2).added()).containsExactly("/etc/c");
    assertThat(layers.get(2).deleted()).containsExactly("/usr");
    for (LayerInfo l : layers) {
      assertThat(l.descriptor()).isEqualTo(view.image().manifest().value().layers().get(l.index()));
      assertThat(l.diffId()).isEqualTo(view.config().rootfs().diffIds().get(l.index()));
      assertThat(l.uncompressedSize()).isPositive();
    }
  }

  @Test
  void eachEntryNamesTheLayerThatLastWroteIt() {
    assertThat(view.entry("/etc/a").orElseThrow().layer()).isEqualTo(1);
    assertThat(view.entry("/etc/link").orElseThrow().layer()).isZero();
    assertThat(view.entry("/etc/c").orElseThrow().layer()).isEqualTo(2);
    assertThat(view.entry("/var/lib/y").orElseThrow().layer()).isEqualTo(1);
    assertThat(view.entry("/var/lib").orElseThrow().layer()).isZero();
    assertThat(view.entry("/").orElseThrow().layer()).isEqualTo(-1);
    assertThat(view.layerOf("/etc/a").orElseThrow()).isSameAs(view.layers().get(1));
    assertThat(view.layerOf("/lnkdir/c").orElseThrow().index()).isEqualTo(2);
    assertThat(view.layerOf("/")).isEmpty();
    assertThat(view.layerOf("/etc/b")).isEmpty();
    assertThat(view.entry("/etc/b")).isEmpty();
    assertThat(view.entry("/usr")).isEmpty();
    assertThat(view.entry("/var/lib/x")).isEmpty();
  }

  @Test
  void entryDoesNotFollowTheLastLinkAndResolveDoes() {
    ViewEntry link = view.entry("/etc/link").orElseThrow();
    assertThat(link.type()).isEqualTo(ViewEntry.Type.SYMLINK);
    assertThat(link.linkTarget()).isEqualTo("a");
    assertThat(link.mode()).isEqualTo(0777);
    ViewEntry resolved = view.resolve("/etc/link").orElseThrow();
    assertThat(resolved.path()).isEqualTo("/etc/a");
    assertThat(resolved.type()).isEqualTo(ViewEntry.Type.FILE);
    // links in parents are followed by both; paths may be relative to the root
    assertThat(view.entry("lnkdir/a").orElseThrow().path()).isEqualTo("/etc/a");
    assertThat(view.entry("lnkdir").orElseThrow().type()).isEqualTo(ViewEntry.Type.SYMLINK);
    // an absolute target is taken from the image root, not the host's
    assertThat(view.resolve("/abs").orElseThrow().path()).isEqualTo("/etc/a");
    // .. stays at the root
    assertThat(view.resolve("/var/up/a").orElseThrow().path()).isEqualTo("/etc/a");
    assertThat(view.resolve("/../../etc/./a").orElseThrow().path()).isEqualTo("/etc/a");
    assertThat(view.resolve("/etc/../etc/a").orElseThrow().path()).isEqualTo("/etc/a");
    assertThat(view.resolve("/dangling")).isEmpty();
    assertThat(view.entry("/dangling")).isPresent();
    assertThat(view.resolve("/etc/a/under-a-file")).isEmpty();
    assertThatThrownBy(() -> view.resolve("/loop1"))
        .isInstanceOf(UncheckedIOException.class)
        .hasCauseInstanceOf(FileSystemException.class)
        .hasMessageContaining("symbolic links");
    assertThat(view.entry("/loop1").orElseThrow().linkTarget()).isEqualTo("loop2");
  }

  @Test
  void entriesCarryTheirAttributes() {
    ViewEntry owned = view.entry("/etc/owned").orElseThrow();
    assertThat(owned.uid()).isEqualTo(1000);
    assertThat(owned.gid()).isEqualTo(1001);
    assertThat(owned.mode()).isEqualTo(0640);
    assertThat(owned.size()).isEqualTo(1);
    assertThat(owned.mtime()).isEqualTo(LayerTar.T0);
    assertThat(owned.xattrs()).isEmpty();
    assertThat(owned.name()).isEqualTo("owned");
    ViewEntry usrMissing = view.entry("/var").orElseThrow();
    assertThat(usrMissing.mode()).isEqualTo(0755); // a missing parent
  }

  @Test
  void listGivesTheChildrenSortedByName() throws IOException {
    assertThat(view.list("/etc"))
        .extracting(ViewEntry::name)
        .containsExactly("a", "c", "link", "owned");
    assertThat(view.list("/"))
        .extracting(ViewEntry::path)
        .containsExactly("/abs", "/dangling", "/etc", "/lnkdir", "/loop1", "/loop2", "/var");
    assertThat(view.list("/lnkdir")).extracting(ViewEntry::path).contains("/etc/a");
    assertThatThrownBy(() -> view.list("/nope")).isInstanceOf(NoSuchFileException.class);
    assertThatThrownBy(() -> view.list("/etc/a")).isInstanceOf(NotDirectoryException.class);
  }

  @Test
  void contentIsReadThroughLinks() throws IOException {
    assertThat(new String(view.readAllBytes("/etc/a"), StandardCharsets.UTF_8)).isEqualTo("a1");
    assertThat(new String(view.readAllBytes("/etc/link"), StandardCharsets.UTF_8)).isEqualTo("a1");
    try (InputStream in = view.open("abs")) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("a1");
    }
    assertThatThrownBy(() -> view.open("/nope")).isInstanceOf(NoSuchFileException.class);
    assertThatThrownBy(() -> view.open("/etc")).isInstanceOf(FileSystemException.class);
    assertThatThrownBy(() -> view.readAllBytes("/dangling"))
        .isInstanceOf(NoSuchFileException.class);
    assertThatThrownBy(() -> view.open("/loop1")).isInstanceOf(FileSystemException.class);
  }

  @Test
  void theSpillCacheHoldsEveryFileOnceAndLeavesNothingBehind() throws IOException {
    // a0 b0 x o (layer 0), a1 tool y (layer 1), c (layer 2)
    assertThat(view.spillBytes()).isEqualTo(2 + 2 + 1 + 1 + 2 + 4 + 1 + 1);
    assertThat(view.liveBytes()).isEqualTo(2 + 1 + 1 + 1); // a1 o y c
    try (Stream<Path> s = Files.list(dir.resolve("spill"))) {
      assertThat(s.toList()).as("the spill file has no name").isEmpty();
    }
    view.close();
    assertThatThrownBy(() -> view.readAllBytes("/etc/a")).isInstanceOf(RuntimeException.class);
  }

  @Test
  void aLayerWhoseDigestDoesNotMatchIsNeverVisible() throws IOException {
    Path broken = dir.resolve("broken");
    LayerTar.writeImage(broken, "t", threeLayers());
    // Alter the content of etc/c in the third layer (a plain tar: the blob is the tar), after the
    // headers of .wh.usr and etc/c: the tar still reads, the digests do not match.
    var third = layout.resolve("t", null).manifest().value().layers().get(2);
    Path blob = broken.resolve("blobs/sha256/" + third.digest().encoded());
    byte[] bytes = Files.readAllBytes(blob);
    assertThat(bytes[1024]).isEqualTo((byte) 'c');
    bytes[1024] = 'd';
    Files.write(blob, bytes);
    try (OciLayout l = OciLayout.open(broken)) {
      assertThatThrownBy(
              () ->
                  ImageView.open(
                      l,
                      l.resolve("t", null),
                      ViewOptions.DEFAULT.withSpillDirectory(dir.resolve("spill"))))
          .isInstanceOf(DigestMismatchException.class);
    }
    try (Stream<Path> s = Files.list(dir.resolve("spill"))) {
      assertThat(s.toList()).isEmpty();
    }
  }
}
