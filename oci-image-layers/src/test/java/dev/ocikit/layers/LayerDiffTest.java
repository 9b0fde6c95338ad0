package dev.ocikit.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.ocikit.layers.LayerEntry.Type;
import dev.ocikit.layers.LayerOptions.Timestamps;
import dev.ocikit.layout.OciLayout;
import dev.ocikit.model.Compression;
import dev.ocikit.model.Platform;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link LayerWriter#addChanges}: the layer of the changes from a lower tree to an upper one,
 * applied on the lower tree's layer (by {@link LayerApplier} and by {@code umoci unpack}), gives
 * the upper tree exactly, and holds nothing else.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LayerDiffTest {
  private static final boolean ROOT = Tools.root();

  @TempDir Path dir;
  private Path lower;
  private Path upper;

  private static void write(Path path, String content) throws IOException {
    Files.createDirectories(path.getParent());
    Files.writeString(path, content);
  }

  private static void xattr(Path path, String name, String value) throws IOException {
    Files.getFileAttributeView(path, UserDefinedFileAttributeView.class)
        .write(name, ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8)));
  }

  private static void symlink(Path path, String target) throws IOException {
    Files.createDirectories(path.getParent());
    Files.createSymbolicLink(path, Path.of(target));
  }

  private static void delete(Path path) throws IOException {
    FileTrees.delete(path);
  }

  /** Sets every mtime of a tree to whole milliseconds: the layers keep 100 ns. */
  private static void roundTimes(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.toList()) {
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
            || Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
            || Files.isSymbolicLink(p)) {
          BasicFileAttributeView view =
              Files.getFileAttributeView(
                  p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
          Instant t = view.readAttributes().lastModifiedTime().toInstant();
          view.setTimes(
              FileTime.from(t.truncatedTo(java.time.temporal.ChronoUnit.MILLIS)), null, null);
        }
      }
    }
  }

  /** A lower tree, and an upper one made from a copy of it with every kind of change. */
  @BeforeEach
  void trees() throws IOException {
    lower = Files.createDirectory(dir.resolve("lower"));
    write(lower.resolve("keep/same"), "same");
    write(lower.resolve("keep/deleted-too"), "x");
    write(lower.resolve("keep/sub/gone"), "gone");
    write(lower.resolve("keep/sub/stay"), "stay");
    write(lower.resolve("deldir/a"), "a");
    write(lower.resolve("deldir/nested/b"), "b");
    write(lower.resolve("delfile"), "x");
    write(lower.resolve("content-same-size"), "aaaa");
    write(lower.resolve("content-other-size"), "short");
    write(lower.resolve("modeonly"), "m");
    write(lower.resolve("mtimeonly"), "t");
    write(lower.resolve("owneronly"), "o");
    write(lower.resolve("f2d"), "a file");
    write(lower.resolve("d2f/in"), "in");
    write(lower.resolve("d2l/in"), "in");
    symlink(lower.resolve("l2d"), "keep");
    write(lower.resolve("f2l"), "a file");
    symlink(lower.resolve("link"), "a");
    write(lower.resolve("xattr-file"), "x");
    xattr(lower.resolve("xattr-file"), "v", "1");
    write(lower.resolve("h/x"), "linked x");
    Files.createLink(lower.resolve("h/y"), lower.resolve("h/x"));
    write(lower.resolve("g/p"), "linked p");
    Files.createLink(lower.resolve("g/q"), lower.resolve("g/p"));
    write(lower.resolve("u/1"), "linked u");
    Files.createLink(lower.resolve("u/2"), lower.resolve("u/1"));
    write(lower.resolve("unchanged/file"), "unchanged");
    Files.setAttribute(lower.resolve("modeonly"), "unix:mode", 0644);
    roundTimes(lower);

    upper = dir.resolve("upper");
    Tools.run(dir, List.of("cp", "-a", lower.toString(), upper.toString()));
    delete(upper.resolve("keep/sub/gone"));
    delete(upper.resolve("keep/deleted-too"));
    write(upper.resolve("keep/-first"), "sorts before the whiteouts' dot");
    write(upper.resolve("keep/added"), "added");
    delete(upper.resolve("deldir"));
    delete(upper.resolve("delfile"));
    write(upper.resolve("content-same-size"), "bbbb");
    write(upper.resolve("content-other-size"), "much longer");
    Files.setAttribute(upper.resolve("modeonly"), "unix:mode", 0600);
    Files.setLastModifiedTime(
        upper.resolve("mtimeonly"), FileTime.from(Instant.parse("2020-02-02T00:00:00Z")));
    if (ROOT) {
      Files.setAttribute(upper.resolve("owneronly"), "unix:uid", 1000);
    }
    delete(upper.resolve("f2d"));
    write(upper.resolve("f2d/child"), "now a directory");
    delete(upper.resolve("d2f"));
    write(upper.resolve("d2f"), "now a file");
    delete(upper.resolve("d2l"));
    symlink(upper.resolve("d2l"), "keep");
    delete(upper.resolve("l2d"));
    write(upper.resolve("l2d/child"), "now a directory");
    delete(upper.resolve("f2l"));
    symlink(upper.resolve("f2l"), "keep/same");
    delete(upper.resolve("link"));
    symlink(upper.resolve("link"), "b");
    xattr(upper.resolve("xattr-file"), "v", "2");
    Files.createLink(upper.resolve("h/z"), upper.resolve("h/x"));
    delete(upper.resolve("g/q"));
    write(upper.resolve("g/q"), "linked p"); // same content, its own inode now
    write(upper.resolve("new/dir/file"), "new");
    roundTimes(upper);
  }

  private LayerWriter diff(LayerOptions options) throws IOException {
    return new LayerWriter(options).addChanges(lower, upper);
  }

  private static LayerOptions keepAll(Compression c) {
    return LayerOptions.builder()
        .compression(c)
        .keepOwners(true)
        .timestamps(Timestamps.KEEP)
        .build();
  }

  /** The upper tree as layers written with {@code options} give it back (no root). */
  private Tree expectedUpper(LayerOptions options) throws IOException {
    Tree t = Tree.of(upper).without(".");
    if (options.timestamps() != Timestamps.KEEP) {
      t = t.mapBelowRoot(n -> n.withMtime(FileTime.from(Instant.EPOCH)));
    }
    if (!options.keepOwners() || !ROOT) {
      int uid = ROOT ? 0 : (Integer) Files.getAttribute(dir, "unix:uid");
      int gid = ROOT ? 0 : (Integer) Files.getAttribute(dir, "unix:gid");
      t = t.mapBelowRoot(n -> n.withOwnerAndMode(uid, gid, n.mode()));
    }
    return t;
  }

  private static void assertSameTree(String what, Tree expected, Tree actual) {
    List<String> differences = expected.differences("upper", actual, what, p -> false);
    if (!differences.isEmpty()) {
      fail(
          differences.size()
              + " paths differ:\n"
              + String.join("\n", differences)
              + "\n\nupper:\n"
              + expected
              + "\n"
              + what
              + ":\n"
              + actual);
    }
  }

  private static List<String> tarNames(LayerWriter w) {
    return w.entries().stream().map(LayerEntry::tarName).toList();
  }

  // ---- tests

  @ParameterizedTest
  @EnumSource(Compression.class)
  void theLowerLayerThenTheDiffGiveTheUpperTreeExactlyWithOcikitAndUmoci(Compression c)
      throws IOException {
    for (LayerOptions options : List.of(keepAll(c), LayerOptions.DEFAULT.withCompression(c))) {
      Path layoutPath = Files.createTempDirectory(dir, "layout").resolve("layout");
      Path target = Files.createTempDirectory(dir, "applied");
      try (OciLayout layout = OciLayout.create(layoutPath)) {
        WrittenLayer base = new LayerWriter(options).addTree(lower).write(layout);
        WrittenLayer changes = diff(options).write(layout);
        LayerApplier applier = new LayerApplier(ApplyOptions.DEFAULT.withRootless(!ROOT));
        applier.apply(layout, base.descriptor(), base.diffId(), target);
        applier.apply(layout, changes.descriptor(), changes.diffId(), target);
        WrittenImages.tag(layout, "t", List.of(base, changes));
      }
      Tree expected = expectedUpper(options);
      Tree ocikit = Tree.of(target).without(".");
      if (!ROOT) {
        // Rootless, both tools keep the owners they could not set in this xattr (compared in
        // UmociEquivalenceTest); the tree that was packed has none.
        ocikit = ocikit.withoutXattr("user.rootlesscontainers");
      }
      assertSameTree("lower + diff by ocikit, " + options, expected, ocikit);
      assertThat(Tree.of(target).nodes()).doesNotContainKeys("deldir", "delfile", "keep/sub/gone");

      Tree umoci = Tree.of(WrittenImages.umociUnpack(layoutPath, "t", dir)).without(".");
      if (!ROOT) {
        umoci = umoci.withoutXattr("user.rootlesscontainers");
      }
      assertSameTree("lower + diff by umoci, " + options, expected, umoci);
    }
  }

  @Test
  void theDiffHoldsTheChangesWithOneWhiteoutPerDeletionBeforeItsSiblingsAndNothingElse()
      throws IOException {
    LayerWriter w = diff(LayerOptions.DEFAULT);
    List<String> names = tarNames(w);
    List<String> expected =
        new ArrayList<>(
            List.of(
                "content-other-size",
                "content-same-size",
                "d2f",
                "d2l",
                "f2d/",
                "f2d/child",
                "f2l",
                "g/",
                "g/p",
                "h/",
                "h/x",
                "h/y",
                "h/z",
                "keep/",
                "keep/.wh.deleted-too",
                "keep/-first",
                "keep/added",
                "keep/sub/",
                "keep/sub/.wh.gone",
                "l2d/",
                "l2d/child",
                "link",
                "modeonly",
                "new/",
                "new/dir/",
                "new/dir/file",
                "xattr-file"));
    expected.add(0, ".wh.delfile");
    expected.add(0, ".wh.deldir");
    assertThat(names).containsExactlyElementsOf(expected);

    Map<String, LayerEntry> byPath =
        w.entries().stream().collect(Collectors.toMap(LayerEntry::tarName, e -> e));
    assertThat(byPath.get("h/x").type()).isEqualTo(Type.FILE);
    assertThat(byPath.get("h/y").linkTarget()).isEqualTo("h/x");
    assertThat(byPath.get("h/z").linkTarget()).isEqualTo("h/x");
    assertThat(byPath.get("g/p").type()).isEqualTo(Type.FILE); // its group lost g/q
    assertThat(byPath.get("d2l").linkTarget()).isEqualTo("keep");
    assertThat(byPath.get("link").linkTarget()).isEqualTo("b");
    assertThat(byPath.get("xattr-file").xattrs()).containsEntry("user.v", XattrValue.of("2"));
  }

  @Test
  void ownersAndMtimesAreComparedOnlyWhenTheLayerRecordsThem() throws IOException {
    List<String> kept = tarNames(diff(keepAll(Compression.NONE)));
    assertThat(kept).contains("mtimeonly");
    if (ROOT) {
      assertThat(kept).contains("owneronly");
    }
    // Directories whose content changed have new mtimes: their entries are changes now.
    assertThat(kept).contains("keep/", "g/").doesNotContain("unchanged/", "unchanged/file", "u/1");

    List<String> clamped =
        tarNames(
            diff(
                LayerOptions.builder()
                    .timestamps(Timestamps.CLAMP)
                    .timestamp(Instant.parse("2019-01-01T00:00:00Z"))
                    .build()));
    assertThat(clamped).doesNotContain("mtimeonly"); // both clamped to the same second
    assertThat(tarNames(diff(LayerOptions.DEFAULT))).doesNotContain("mtimeonly", "owneronly");
  }

  @Test
  void identicalTreesGiveAnEmptyLayer() throws IOException {
    Path copy = dir.resolve("copy");
    Tools.run(dir, List.of("cp", "-a", lower.toString(), copy.toString()));
    assertThat(new LayerWriter(keepAll(Compression.NONE)).addChanges(lower, copy).entries())
        .isEmpty();
  }

  @Test
  void aTypeChangeOfADeepTreeReplacesItWhole() throws IOException {
    Path a = Files.createDirectory(dir.resolve("a"));
    write(a.resolve("t/x/y/z"), "deep");
    Path b = Files.createDirectory(dir.resolve("b"));
    write(b.resolve("t"), "now a file");
    assertThat(tarNames(new LayerWriter(LayerOptions.DEFAULT).addChanges(a, b)))
        .containsExactly("t");
    assertThat(tarNames(new LayerWriter(LayerOptions.DEFAULT).addChanges(b, a)))
        .containsExactly("t/", "t/x/", "t/x/y/", "t/x/y/z");
  }

  @Test
  void theLowerTreeMayBeAnImageUnpackedIntoATemporaryDirectoryThenDeleted() throws IOException {
    Path layoutPath = dir.resolve("layout");
    Path scratch = Files.createDirectory(dir.resolve("scratch"));
    LayerOptions options = LayerOptions.DEFAULT;
    try (OciLayout layout = OciLayout.create(layoutPath)) {
      WrittenLayer base = new LayerWriter(options).addTree(lower).write(layout);
      WrittenImages.tag(layout, "lower", List.of(base));
      WrittenLayer fromImage =
          new LayerWriter(options)
              .addChanges(
                  layout, layout.resolve("lower", Platform.parse("linux/amd64")), upper, scratch)
              .write(layout);
      WrittenLayer fromTree = diff(options).write(layout);
      // The unpacked image differs from the lower tree only in what the layer does not record.
      assertThat(fromImage.diffId()).isEqualTo(fromTree.diffId());
      assertThat(fromImage.descriptor()).isEqualTo(fromTree.descriptor());
    }
    try (Stream<Path> left = Files.list(scratch)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void hardlinksOfTheUpperTreeAreRewrittenWholeNeverLinkingToALowerLayer() throws IOException {
    Path a = Files.createDirectory(dir.resolve("a"));
    write(a.resolve("one"), "1");
    Path b = dir.resolve("b");
    Tools.run(dir, List.of("cp", "-a", a.toString(), b.toString()));
    Files.createLink(b.resolve("two"), b.resolve("one"));
    LayerWriter w = new LayerWriter(LayerOptions.DEFAULT).addChanges(a, b);
    assertThat(w.entries())
        .extracting(LayerEntry::tarName, LayerEntry::type, LayerEntry::linkTarget)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("one", Type.FILE, ""),
            org.assertj.core.groups.Tuple.tuple("two", Type.HARDLINK, "one"));
    assertThat(Tree.of(b).node("one").hardlinks()).containsExactly("one", "two");
  }
}
