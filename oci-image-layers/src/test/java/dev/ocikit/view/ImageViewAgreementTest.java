package dev.ocikit.view;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ocikit.layers.ApplyOptions;
import dev.ocikit.layers.LayerTar;
import dev.ocikit.layers.LayerTar.Layer;
import dev.ocikit.layers.corpus.MaliciousLayers;
import dev.ocikit.model.Compression;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The view of every image of the test corpora agrees with {@code ocikit unpack} ({@link
 * dev.ocikit.layers.ImageUnpacker}, as root): the same entries with the same attributes and
 * content, or the same refusal naming the same layer and entry.
 */
class ImageViewAgreementTest {
  private static final boolean ROOT = "root".equals(System.getProperty("user.name"));
  private static final ApplyOptions APPLY = ApplyOptions.DEFAULT.withRootless(!ROOT);

  @TempDir Path dir;

  private static Layer gzip(LayerTar t) throws IOException {
    return new Layer(t.bytes(), Compression.GZIP);
  }

  private static Layer zstd(LayerTar t) throws IOException {
    return new Layer(t.bytes(), Compression.ZSTD);
  }

  private static Layer plain(LayerTar t) throws IOException {
    return new Layer(t.bytes(), Compression.NONE);
  }

  /** The layered images, by name. */
  static Map<String, List<Layer>> images() throws IOException {
    Map<String, List<Layer>> m = new LinkedHashMap<>();
    String longName = "l".repeat(150) + "/" + "n".repeat(200);
    m.put(
        "every-type",
        List.of(
            gzip(
                new LayerTar()
                    .dir("./")
                    .mode(0750)
                    .owner(0, 0)
                    .dir("etc")
                    .file("etc/passwd", "root:x:0:0::/root:/bin/sh\n")
                    .file("etc/shadow", "secret")
                    .mode(0600)
                    .owner(0, 42)
                    .file("bin/su", "#!/bin/sh\n")
                    .mode(04755)
                    .dir("tmp")
                    .mode(01777)
                    .dir("srv")
                    .mode(02775)
                    .owner(1000, 1000)
                    .symlink("abs", "/etc/passwd")
                    .symlink("rel", "etc/../etc/passwd")
                    .symlink("dangling", "nowhere/at/all")
                    .hardlink("etc/passwd-", "etc/passwd")
                    .fifo("run/pipe")
                    .charDevice("dev/null", 1, 3)
                    .blockDevice("dev/sda", 8, 0)
                    .file(longName, "long")
                    .file("unicode/héllo wörld ☃ 日本", "non-ascii")
                    .file("unicode/\uD83D\uDE00", "astral")
                    .file("unicode/\uFFFD", "replacement")
                    .file("x/attrs", "xattrs")
                    .xattr("user.comment", "hello")
                    .xattr("user.empty", "")
                    .dir("x/dir")
                    .xattr("user.d", "dir xattr")
                    .file("times", "t")
                    .mtime(Instant.parse("2020-02-02T02:02:02Z"))
                    .file("owned", "o")
                    .owner(65534, 65534)
                    .mode(0400))));
    m.put(
        "whiteouts-any-order",
        List.of(
            gzip(
                new LayerTar()
                    .file("a/1", "1")
                    .file("a/2", "2")
                    .file("b/1", "1")
                    .dir("b/sub")
                    .file("b/sub/deep", "d")
                    .file("c", "c")
                    .file("d/keep", "k")
                    .file("e/1", "1")),
            zstd(
                new LayerTar()
                    .file("a/3", "3")
                    .whiteout("a/1") // after a sibling this layer added
                    .whiteout("b") // a whole directory
                    .file("b/new", "new in a whited-out directory")
                    .whiteout("c")
                    .file("c", "c again")
                    .whiteout("nothing")
                    .whiteout("d/keep/under-a-file")
                    .file("e/2", "2")
                    .opaque("e")), // an opaque whiteout after a sibling
            plain(new LayerTar().whiteout("a/3").file("e/3", "3"))));
    m.put(
        "opaque",
        List.of(
            gzip(
                new LayerTar()
                    .dir("o")
                    .mode(0700)
                    .owner(5, 5)
                    .xattr("user.lower", "x")
                    .file("o/lower", "l")
                    .dir("o/d")
                    .file("o/d/x", "x")
                    .file("p/lower", "l")
                    .file("top", "t")),
            gzip(
                new LayerTar()
                    .opaque("o")
                    .file("o/upper", "u") // o itself not in this layer: it is made again
                    .dir("p")
                    .mode(0711)
                    .opaque("p")
                    .file("p/upper", "u")
                    .opaque("")
                    .file("new-top", "n"))));
    m.put(
        "duplicates-and-type-changes",
        List.of(
            gzip(
                new LayerTar()
                    .file("f", "first")
                    .file("f", "second")
                    .mode(0600)
                    .dir("d")
                    .mode(0700)
                    .dir("d")
                    .mode(0755)
                    .file("d/x", "x")
                    .file("becomes-dir", "file")
                    .dir("becomes-file")
                    .file("becomes-file/child", "c")
                    .symlink("link-becomes-dir", "/d")
                    .dir("dir-becomes-link")
                    .file("dir-becomes-link/c", "c")),
            gzip(
                new LayerTar()
                    .dir("becomes-dir")
                    .file("becomes-dir/in", "in")
                    .file("becomes-file", "now a file")
                    .dir("link-becomes-dir")
                    .symlink("dir-becomes-link", "d")
                    .file("f", "third")
                    .dir("d")
                    .mode(0750)
                    .owner(7, 8)
                    .file("same-layer", "file")
                    .dir("same-layer")
                    .file("same-layer/x", "x")
                    .dir("again")
                    .file("again", "a file again"))));
    m.put(
        "hardlinks",
        List.of(
            plain(
                new LayerTar()
                    .file("lower", "lower content")
                    .mode(0640)
                    .owner(3, 4)
                    .symlink("sym", "lower")),
            gzip(
                new LayerTar()
                    .hardlink("to-lower", "lower")
                    .file("mine", "mine")
                    .hardlink("to-mine", "mine")
                    .hardlink("chain", "to-mine")
                    .hardlink("to-sym", "sym")
                    .hardlink("/abs/../to-abs", "/lower")
                    .file("mine", "replaced after being linked")
                    .file("self-target", "s")
                    .hardlink("self", "self-target")
                    .hardlink("self-target", "self-target")),
            gzip(new LayerTar().whiteout("lower").file("late", "l").hardlink("late2", "late"))));
    m.put(
        "symlinked-parents",
        List.of(
            gzip(
                new LayerTar()
                    .dir("real")
                    .symlink("abs", "/real")
                    .symlink("rel", "real")
                    .symlink("up", "../../../real")
                    .symlink("chain", "abs")
                    .file("real/present", "p")),
            gzip(
                new LayerTar()
                    .file("abs/through-absolute", "a")
                    .file("rel/through-relative", "r")
                    .file("up/through-dotdot", "u")
                    .file("chain/x/through-chain", "c")
                    .whiteout("rel/present"))));
    m.put(
        "missing-parents-and-metadata",
        List.of(
            gzip(
                new LayerTar()
                    .file("a/b/c/file", "deep")
                    .dir("a/b")
                    .mode(0700)
                    .owner(9, 9)
                    .dir("g")
                    .mode(02775)
                    .owner(0, 50)
                    .dir("q/r")
                    .mode(0700)
                    .file("q", "q replaces its directory")
                    .file("q/r/s", "s")),
            gzip(new LayerTar().file("g/h/i/j", "setgid inherited by missing parents"))));
    m.put(
        "gzip-zstd-none",
        List.of(
            gzip(new LayerTar().file("gz", "gzip")),
            zstd(new LayerTar().file("zst", "zstd").file("big", "x".repeat(1 << 20))),
            plain(new LayerTar().file("tar", "none").file("empty", ""))));
    return m;
  }

  /** Images at the edges of what a file system takes: each succeeds or fails as the unpack does. */
  static Map<String, List<Layer>> edges() throws IOException {
    Map<String, List<Layer>> m = new LinkedHashMap<>();
    m.put("name-of-255-bytes", List.of(gzip(new LayerTar().file("a/" + "x".repeat(255), "ok"))));
    m.put("name-of-256-bytes", List.of(gzip(new LayerTar().file("a/" + "x".repeat(256), "no"))));
    m.put(
        "non-ascii-name-over-255-bytes",
        List.of(gzip(new LayerTar().file("\u00e9".repeat(128), "no"))));
    m.put("long-directory-name", List.of(gzip(new LayerTar().file("d".repeat(300) + "/f", "no"))));
    m.put(
        "whiteout-of-a-long-name",
        List.of(
            gzip(new LayerTar().file("d/f", "f")),
            gzip(new LayerTar().whiteout("d/" + "y".repeat(300)))));
    m.put(
        "whiteout-of-a-long-name-under-nothing",
        List.of(gzip(new LayerTar().whiteout("missing/" + "y".repeat(300)))));
    m.put(
        "hardlink-to-a-long-name",
        List.of(gzip(new LayerTar().file("f", "f").hardlink("h", "z".repeat(300)))));
    m.put(
        "symlink-to-a-long-target", List.of(gzip(new LayerTar().symlink("l", "t/".repeat(2100)))));
    m.put(
        "symlink-to-a-long-but-possible-target",
        List.of(gzip(new LayerTar().symlink("l", "t/".repeat(2000)))));
    m.put("symlink-to-nothing", List.of(gzip(new LayerTar().symlink("l", ""))));
    m.put("hardlink-to-nothing", List.of(gzip(new LayerTar().hardlink("h", "missing"))));
    m.put("hardlink-to-a-directory", List.of(gzip(new LayerTar().dir("d").hardlink("h", "d"))));
    m.put(
        "hardlink-into-what-it-replaces",
        List.of(gzip(new LayerTar().file("d/f", "f").hardlink("d", "d/f"))));
    m.put(
        "hardlink-through-a-symlinked-parent",
        List.of(gzip(new LayerTar().file("d/f", "f").symlink("l", "d").hardlink("h", "l/f"))));
    m.put(
        "symlink-loop-in-a-parent",
        List.of(gzip(new LayerTar().symlink("a", "b").symlink("b", "a").file("a/x", "loop"))));
    m.put(
        "directory-metadata-through-a-replaced-parent",
        List.of(
            gzip(
                new LayerTar()
                    .dir("a/b")
                    .mode(0700)
                    .owner(3, 3)
                    .file("a", "a file replaces the directory")
                    .file("a/b/c", "and a directory the file again"))));
    m.put(
        "whiteout-then-same-layer-content",
        List.of(
            gzip(new LayerTar().dir("d").mode(0700).owner(4, 4).file("d/old", "o")),
            gzip(new LayerTar().file("d/new", "n").whiteout("d").file("d/newer", "n"))));
    return m;
  }

  @TestFactory
  Stream<DynamicTest> edgeCasesSucceedOrFailAlike() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    for (Map.Entry<String, List<Layer>> e : edges().entrySet()) {
      tests.add(
          DynamicTest.dynamicTest(
              e.getKey(),
              () -> {
                Path work = Files.createDirectories(dir.resolve(e.getKey()));
                Path layout = work.resolve("layout");
                LayerTar.writeImage(layout, "t", e.getValue());
                // either outcome, as long as both have it
                Agreement.assertAgree(layout, "t", APPLY, ViewOptions.DEFAULT, work);
              }));
    }
    return tests.stream();
  }

  @TestFactory
  Stream<DynamicTest> layeredImagesAgree() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    for (Map.Entry<String, List<Layer>> e : images().entrySet()) {
      tests.add(
          DynamicTest.dynamicTest(
              e.getKey(),
              () -> {
                Path work = Files.createDirectories(dir.resolve(e.getKey()));
                Path layout = work.resolve("layout");
                LayerTar.writeImage(layout, "t", e.getValue());
                assertThat(Agreement.assertAgree(layout, "t", APPLY, ViewOptions.DEFAULT, work))
                    .isNull();
              }));
    }
    return tests.stream();
  }

  @Test
  void theHelloImageAgrees() throws IOException {
    Path layout = Agreement.repo().resolve("testdata/images/hello");
    assertThat(Agreement.assertAgree(layout, "latest", APPLY, ViewOptions.DEFAULT, dir)).isNull();
  }

  @Test
  void theGoodLayoutAgrees() throws IOException {
    Path layout = Agreement.repo().resolve("testdata/layouts/good");
    assertThat(Agreement.assertAgree(layout, null, APPLY, ViewOptions.DEFAULT, dir)).isNull();
  }

  @TestFactory
  Stream<DynamicTest> brokenLayoutsFailAlike() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    for (String name :
        List.of(
            "altered-blob", "diffid-mismatch", "missing-blob", "truncated-gzip", "wrong-size")) {
      tests.add(
          DynamicTest.dynamicTest(
              name,
              () -> {
                Path work = Files.createDirectories(dir.resolve(name));
                Path layout = Agreement.repo().resolve("testdata/layouts").resolve(name);
                assertThat(Agreement.assertAgree(layout, null, APPLY, ViewOptions.DEFAULT, work))
                    .isNotNull();
              }));
    }
    return tests.stream();
  }

  /**
   * Every hostile image of {@code testdata/malicious}: refused as the unpack refuses it (the same
   * exception class, layer and entry), or confined alike, with the limits that corpus is tested
   * with; nothing is written outside the spill directory (which {@link Agreement} checks is empty
   * after close).
   */
  @TestFactory
  Stream<DynamicTest> maliciousImagesAreRefusedOrConfinedAlike() throws IOException {
    List<MaliciousLayers.Case> cases = MaliciousLayers.write(dir.resolve("generated"));
    ApplyOptions apply = APPLY.withLimits(MaliciousLayers.TEST_MAX_BYTES, 100_000, 4096);
    ViewOptions view = ViewOptions.DEFAULT.withLimits(MaliciousLayers.TEST_MAX_BYTES, 100_000);
    List<DynamicTest> tests = new ArrayList<>();
    for (MaliciousLayers.Case c : cases) {
      tests.add(
          DynamicTest.dynamicTest(
              c.name() + ": " + c.outcome(),
              () -> {
                Path work = Files.createDirectories(dir.resolve("m").resolve(c.name()));
                Path layout = Agreement.repo().resolve("testdata/malicious").resolve(c.name());
                IOException failure = Agreement.assertAgree(layout, "latest", apply, view, work);
                if (c.refusal() == null) {
                  assertThat(failure).isNull();
                } else {
                  assertThat(failure).isExactlyInstanceOf(c.refusal());
                }
                MaliciousLayers.deleteTree(work);
              }));
    }
    return tests.stream();
  }
}
