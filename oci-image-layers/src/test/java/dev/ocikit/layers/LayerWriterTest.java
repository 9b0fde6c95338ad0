package dev.ocikit.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.ZstdInputStream;
import dev.ocikit.digest.Digest;
import dev.ocikit.digest.DigestAlgorithm;
import dev.ocikit.layers.LayerEntry.Type;
import dev.ocikit.layers.LayerOptions.Timestamps;
import dev.ocikit.layout.LayoutChecker;
import dev.ocikit.layout.OciLayout;
import dev.ocikit.model.Compression;
import dev.ocikit.model.MediaType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What {@link LayerWriter} writes: order, attributes, reproducibility, errors. */
class LayerWriterTest {
  private static final boolean ROOT = Tools.root();
  private static final Instant T0 = Instant.parse("2001-09-09T01:46:40Z");

  @TempDir Path dir;

  private static final LayerOptions PLAIN = LayerOptions.DEFAULT.withCompression(Compression.NONE);

  private static byte[] bytes(LayerWriter writer) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writer.write(out);
    return out.toByteArray();
  }

  private static byte[] decompress(byte[] blob, Compression c) throws IOException {
    try (InputStream in =
        switch (c) {
          case NONE -> new ByteArrayInputStream(blob);
          case GZIP -> new GZIPInputStream(new ByteArrayInputStream(blob));
          case ZSTD -> new ZstdInputStream(new ByteArrayInputStream(blob));
        }) {
      return in.readAllBytes();
    }
  }

  /** The entries of a tar, PAX headers applied, with their content. */
  private static List<TarArchiveEntry> tarEntries(byte[] tar) throws IOException {
    List<TarArchiveEntry> out = new ArrayList<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
      for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
        out.add(e);
      }
    }
    return out;
  }

  private static List<String> names(List<TarArchiveEntry> entries) {
    return entries.stream().map(TarArchiveEntry::getName).toList();
  }

  /** Entries of every kind, in sorted order. */
  private static List<LayerEntry> someEntries() {
    return List.of(
        LayerEntry.directory("a").withMode(0750).withMtime(T0),
        LayerEntry.opaqueWhiteout("a"),
        LayerEntry.whiteout("a/gone"),
        LayerEntry.whiteout("a/zzz"),
        LayerEntry.file("a/-dash", "dash".getBytes(StandardCharsets.UTF_8)),
        LayerEntry.directory("a/b"),
        LayerEntry.file("a/b/c", "c".getBytes(StandardCharsets.UTF_8))
            .withXattr("user.x", "1")
            .withOwner(1000, 1000),
        LayerEntry.hardlink("a/b/d", "a/b/c"),
        LayerEntry.file("a/b0", new byte[0]).withMode(04755),
        LayerEntry.symlink("a/link", "/etc/passwd"),
        LayerEntry.fifo("a/pipe"),
        LayerEntry.charDevice("a/zero", 1, 5),
        LayerEntry.file("b", "b".getBytes(StandardCharsets.UTF_8)),
        LayerEntry.file("é", "é".getBytes(StandardCharsets.UTF_8)));
  }

  // ---- order

  @Test
  void entriesAddedInAnyOrderGiveTheSameBytesAsInSortedOrder() throws IOException {
    LayerWriter sorted = new LayerWriter(LayerOptions.DEFAULT);
    someEntries().forEach(sorted::add);
    byte[] expected = bytes(sorted);
    for (long seed = 1; seed <= 5; seed++) {
      List<LayerEntry> shuffled = new ArrayList<>(someEntries());
      Collections.shuffle(shuffled, new Random(seed));
      LayerWriter w = new LayerWriter(LayerOptions.DEFAULT);
      shuffled.forEach(w::add);
      assertThat(bytes(w)).as("seed %d", seed).isEqualTo(expected);
    }
  }

  @Test
  void whiteoutsComeBeforeTheirSiblingsAndEachDirectoryBeforeItsContent() throws IOException {
    LayerWriter w = new LayerWriter(PLAIN);
    someEntries().forEach(w::add);
    List<String> names = names(tarEntries(bytes(w)));
    // layer.md: "Implementations SHOULD generate layers such that the whiteout files appear before
    // sibling directory entries"; "-" (0x2d) sorts before "." (0x2e) in byte order, and still
    // comes after them.
    assertThat(names)
        .containsExactly(
            "a/",
            "a/.wh..wh..opq",
            "a/.wh.gone",
            "a/.wh.zzz",
            "a/-dash",
            "a/b/",
            "a/b/c",
            "a/b/d",
            "a/b0",
            "a/link",
            "a/pipe",
            "a/zero",
            "b",
            "é");
  }

  @Test
  void namesAreOrderedByTheBytesOfTheirUtf8ComponentsNotByUtf16() throws IOException {
    LayerWriter w = new LayerWriter(LayerOptions.DEFAULT.withCompression(Compression.NONE));
    // U+FF21 (EF BC A1) sorts before U+1F600 (F0 9F 98 80) in UTF-8, after it in UTF-16.
    w.add(LayerEntry.file("\uD83D\uDE00", new byte[0]));
    w.add(LayerEntry.file("\uFF21", new byte[0]));
    w.add(LayerEntry.file("a b", new byte[0])); // ' ' before '/': but a is a component of its own
    w.add(LayerEntry.file("a/b", new byte[0]));
    assertThat(w.entries().stream().map(LayerEntry::tarName))
        .containsExactly("a/", "a/b", "a b", "\uFF21", "\uD83D\uDE00");
  }

  @Test
  void missingParentsGetMode0755OwnerRootAndTheTimestampUnlessTurnedOff() throws IOException {
    Instant t = Instant.parse("2020-01-01T00:00:00Z");
    LayerOptions options = LayerOptions.builder().timestamps(Timestamps.CLAMP).timestamp(t).build();
    LayerWriter w = new LayerWriter(options);
    w.add(LayerEntry.file("usr/local/bin/app", new byte[] {1}).withMode(0700));
    w.add(LayerEntry.directory("usr").withMode(0711).withMtime(T0));
    w.add(LayerEntry.whiteout("var/cache/old"));
    List<LayerEntry> entries = w.entries();
    assertThat(entries.stream().map(LayerEntry::tarName))
        .containsExactly(
            "usr/", "usr/local/", "usr/local/bin/", "usr/local/bin/app", "var/cache/.wh.old");
    assertThat(entries.get(0).mode()).isEqualTo(0711); // given, not made
    assertThat(entries.get(0).mtime()).isEqualTo(T0);
    assertThat(entries.get(1).mode()).isEqualTo(0755);
    assertThat(entries.get(1).mtime()).isEqualTo(t);
    assertThat(entries.get(1).uid()).isZero();

    LayerWriter none = new LayerWriter(options.toBuilder().parents(false).build());
    none.add(LayerEntry.file("usr/local/bin/app", new byte[] {1}));
    assertThat(none.entries().stream().map(LayerEntry::tarName))
        .containsExactly("usr/local/bin/app");
  }

  // ---- attributes

  @Test
  void tarListsNoUserOrGroupNamesAndTheEntriesInLayerOrder() throws IOException {
    LayerWriter w = new LayerWriter(PLAIN.toBuilder().keepOwners(true).build());
    someEntries().forEach(w::add);
    Path tar = dir.resolve("layer.tar");
    byte[] bytes = bytes(w);
    Files.write(tar, bytes);
    // Nowhere, PAX extended headers included: the host's user is never looked up.
    assertThat(new String(bytes, StandardCharsets.ISO_8859_1))
        .doesNotContain(System.getProperty("user.name"))
        .doesNotContain("root");
    String listing = Tools.run(dir, List.of("tar", "--utc", "-tvf", tar.toString()));
    List<String> lines = listing.lines().toList();
    assertThat(lines).hasSize(someEntries().size());
    assertThat(listing).doesNotContain("root").doesNotContain(System.getProperty("user.name"));
    assertThat(lines).allMatch(l -> l.contains(" 0/0 ") || l.contains(" 1000/1000 "));
    assertThat(lines.get(0))
        .startsWith("drwxr-x--- 0/0")
        .contains("1970-01-01 00:00")
        .endsWith(" a/");
    assertThat(lines.get(8)).startsWith("-rwsr-xr-x 0/0").contains("1970-01-01").endsWith(" a/b0");
    assertThat(lines.get(9)).endsWith(" a/link -> /etc/passwd");
    assertThat(lines.get(7)).endsWith(" a/b/d link to a/b/c");
    assertThat(lines.get(1)).startsWith("---------- 0/0").contains("1970-01-01");
    String names = Tools.run(dir, List.of("tar", "-tf", tar.toString()));
    assertThat(names.lines())
        .containsExactly(
            "a/",
            "a/.wh..wh..opq",
            "a/.wh.gone",
            "a/.wh.zzz",
            "a/-dash",
            "a/b/",
            "a/b/c",
            "a/b/d",
            "a/b0",
            "a/link",
            "a/pipe",
            "a/zero",
            "b",
            "é");
  }

  @Test
  void whiteoutsHaveModeZeroOwnerRootAndTimeZeroWhateverTheOptions() throws IOException {
    LayerOptions keep =
        PLAIN.toBuilder().keepOwners(true).timestamps(Timestamps.KEEP).timestamp(T0).build();
    LayerWriter w = new LayerWriter(keep);
    w.add(LayerEntry.whiteout("x"));
    w.add(LayerEntry.opaqueWhiteout(""));
    for (TarArchiveEntry e : tarEntries(bytes(w))) {
      assertThat(e.getMode()).isZero();
      assertThat(e.getLongUserId()).isZero();
      assertThat(e.getLongGroupId()).isZero();
      assertThat(e.getLastModifiedTime().toInstant()).isEqualTo(Instant.EPOCH);
      assertThat(e.isFile()).isTrue();
      assertThat(e.getSize()).isZero();
    }
  }

  @Test
  void mtimesAreFixedClampedOrKeptAndOnlyKeepRecordsFractionsOfASecond() throws IOException {
    Instant epoch = Instant.parse("2010-01-01T00:00:00Z");
    Instant before = Instant.parse("2005-05-05T05:05:05.123456789Z");
    Instant after = Instant.parse("2015-01-01T00:00:00.5Z");
    Map<Timestamps, List<Instant>> expected =
        Map.of(
            Timestamps.FIXED, List.of(epoch, epoch, epoch),
            Timestamps.CLAMP, List.of(Instant.parse("2005-05-05T05:05:05Z"), epoch, epoch),
            Timestamps.KEEP, List.of(Instant.parse("2005-05-05T05:05:05.1234567Z"), after, epoch));
    for (Timestamps policy : Timestamps.values()) {
      LayerWriter w =
          new LayerWriter(PLAIN.toBuilder().timestamps(policy).timestamp(epoch).build());
      w.add(LayerEntry.file("1", new byte[0]).withMtime(before));
      w.add(LayerEntry.file("2", new byte[0]).withMtime(after));
      w.add(LayerEntry.file("3", new byte[0])); // no time: the timestamp
      byte[] tar = bytes(w);
      assertThat(tarEntries(tar).stream().map(e -> e.getLastModifiedTime().toInstant()))
          .as("%s", policy)
          .containsExactlyElementsOf(expected.get(policy));
      String text = new String(tar, StandardCharsets.ISO_8859_1);
      // No atime or ctime records (they broke jib's reproducibility), ever.
      assertThat(text).doesNotContain("atime=").doesNotContain("ctime=");
      if (policy == Timestamps.KEEP) {
        assertThat(text).contains("mtime=1115269505.1234567\n");
      } else {
        assertThat(text).doesNotContain("mtime=");
      }
    }
  }

  @Test
  void ownersAreRootUnlessKeptAndBigIdsLongNamesAndXattrsGoToPaxRecords() throws IOException {
    String longName = "d/" + "n".repeat(300);
    LayerEntry e =
        LayerEntry.file(longName, "x".getBytes(StandardCharsets.UTF_8))
            .withOwner(4_000_000_000L, 65534)
            .withXattr("user.a", "ü")
            .withXattr("security.capability", "text");
    LayerWriter normalised = new LayerWriter(PLAIN);
    normalised.add(e);
    TarArchiveEntry n = tarEntries(bytes(normalised)).get(1);
    assertThat(n.getLongUserId()).isZero();
    assertThat(n.getName()).isEqualTo(longName);

    LayerWriter kept = new LayerWriter(PLAIN.toBuilder().keepOwners(true).build());
    kept.add(e);
    TarArchiveEntry k = tarEntries(bytes(kept)).get(1);
    assertThat(k.getLongUserId()).isEqualTo(4_000_000_000L);
    assertThat(k.getLongGroupId()).isEqualTo(65534);
    assertThat(k.getUserName()).isEmpty();
    assertThat(k.getExtraPaxHeaders())
        .containsEntry("SCHILY.xattr.user.a", "ü")
        .containsEntry("SCHILY.xattr.security.capability", "text");
  }

  @Test
  void aHardlinkThatSortsBeforeItsTargetCarriesTheContentAndTheTargetLinksToIt()
      throws IOException {
    LayerWriter w = new LayerWriter(PLAIN);
    w.add(LayerEntry.file("z/target", "content".getBytes(StandardCharsets.UTF_8)).withMode(0600));
    w.add(LayerEntry.hardlink("a/link", "z/target"));
    w.add(LayerEntry.hardlink("m/chained", "a/link"));
    w.add(LayerEntry.hardlink("lower", "in/a/lower/layer"));
    w.add(LayerEntry.whiteout("z/target")); // another entry: the lower z/target goes first
    List<LayerEntry> entries = w.entries();
    LayerEntry first = entries.stream().filter(e -> e.path().equals("a/link")).findFirst().get();
    assertThat(first.type()).isEqualTo(Type.FILE);
    assertThat(first.mode()).isEqualTo(0600);
    assertThat(entries)
        .filteredOn(e -> e.type() == Type.HARDLINK)
        .extracting(LayerEntry::path, LayerEntry::linkTarget)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("lower", "in/a/lower/layer"),
            org.assertj.core.groups.Tuple.tuple("m/chained", "a/link"),
            org.assertj.core.groups.Tuple.tuple("z/target", "a/link"));
    assertThat(entries.stream().map(LayerEntry::tarName)).contains("z/.wh.target");

    Path target = Files.createDirectory(dir.resolve("t"));
    try (OciLayout layout = OciLayout.create(dir.resolve("layout"))) {
      LayerWriter applicable = new LayerWriter(LayerOptions.DEFAULT);
      applicable.add(LayerEntry.file("z/target", "content".getBytes(StandardCharsets.UTF_8)));
      applicable.add(LayerEntry.hardlink("a/link", "z/target"));
      WrittenLayer l = applicable.write(layout);
      new LayerApplier(ApplyOptions.DEFAULT.withRootless(!ROOT))
          .apply(layout, l.descriptor(), l.diffId(), target);
    }
    assertThat(Files.readString(target.resolve("z/target"))).isEqualTo("content");
    assertThat(Files.getAttribute(target.resolve("a/link"), "unix:ino"))
        .isEqualTo(Files.getAttribute(target.resolve("z/target"), "unix:ino"));
  }

  // ---- reproducibility

  /** A tree of the same content, made in forward or reverse order, with other times and owners. */
  private Path tree(String name, boolean reverse, Instant time, int owner) throws IOException {
    Path root = Files.createDirectories(dir.resolve(name));
    List<String> files = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      files.add("d" + (i % 4) + "/sub" + (i % 3) + "/f" + i);
    }
    if (reverse) {
      Collections.reverse(files);
    }
    for (String f : files) {
      Path p = root.resolve(f);
      Files.createDirectories(p.getParent());
      Files.writeString(p, "content of " + f.substring(f.lastIndexOf('/') + 1));
      if (ROOT) {
        Files.setAttribute(p, "unix:uid", owner);
      }
    }
    Path a = root.resolve(reverse ? "d3/x" : "d0/x");
    Files.writeString(a, "linked");
    Files.createLink(root.resolve(reverse ? "d0/x" : "d3/x"), a);
    Files.createSymbolicLink(root.resolve("link"), Path.of("d0/x"));
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.toList()) {
        Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
            .setTimes(FileTime.from(time), null, null);
      }
    }
    return root;
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void theSameTreeMadeInAnotherOrderWithOtherTimesAndOwnersGivesTheSameBlob(Compression c)
      throws IOException {
    Path one = tree("one", false, T0, 1000);
    Path two = tree("two", true, Instant.now(), 0);
    LayerOptions options = LayerOptions.DEFAULT.withCompression(c);
    try (OciLayout layout = OciLayout.create(dir.resolve("layout"))) {
      WrittenLayer a = new LayerWriter(options).addTree(one).write(layout);
      WrittenLayer b = new LayerWriter(options).addTree(two).write(layout);
      assertThat(b.descriptor()).isEqualTo(a.descriptor());
      assertThat(b.diffId()).isEqualTo(a.diffId());
      assertThat(b.entries()).isEqualTo(a.entries()).isEqualTo(40 + 4 + 12 + 2 + 1);
    }
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(
      value = Compression.class,
      names = {"GZIP", "ZSTD"})
  void compressedOutputIsTheSameWhateverTheNumberOfThreads(Compression compression)
      throws IOException {
    // Several zstd jobs' worth (a job is 8 MiB at level 3): half text, half noise.
    Random random = new Random(7);
    byte[] data = new byte[24 << 20];
    for (int i = 0; i < data.length; i += 4096) {
      if (random.nextBoolean()) {
        byte[] noise = new byte[4096];
        random.nextBytes(noise);
        System.arraycopy(noise, 0, data, i, 4096);
      } else {
        byte[] text = ("line " + random.nextInt(1000) + " of text\n").repeat(300).getBytes();
        System.arraycopy(text, 0, data, i, 4096);
      }
    }
    byte[] first = null;
    for (int threads : new int[] {1, 2, 4}) {
      LayerWriter w =
          new LayerWriter(
              LayerOptions.DEFAULT.toBuilder().compression(compression).threads(threads).build());
      w.add(LayerEntry.file("data", data));
      w.add(LayerEntry.file("more", Arrays.copyOf(data, 5 << 20)));
      byte[] blob = bytes(w);
      if (first == null) {
        first = blob;
        assertThat(decompress(blob, compression)).hasSizeGreaterThan(29 << 20);
      } else {
        assertThat(blob).as("%d threads", threads).isEqualTo(first);
      }
    }
  }

  @Test
  void gzipHasAFixedHeaderWithoutNameOrTime() throws IOException {
    LayerWriter w = new LayerWriter(LayerOptions.DEFAULT);
    w.add(LayerEntry.file("f", "x".getBytes(StandardCharsets.UTF_8)));
    byte[] blob = bytes(w);
    assertThat(Arrays.copyOf(blob, 10))
        .containsExactly(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff); // no FNAME, mtime 0, OS unknown
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void theDescriptorAndDiffIdAreThoseOfTheStoredBlobAndOfItsTar(Compression c) throws IOException {
    LayerOptions options = LayerOptions.DEFAULT.withCompression(c);
    LayerWriter w = new LayerWriter(options);
    someEntries().forEach(w::add);
    byte[] blob = bytes(w);
    WrittenLayer streamed = w.write(OutputStream.nullOutputStream());
    Path path = dir.resolve("layout");
    try (OciLayout layout = OciLayout.create(path)) {
      WrittenLayer stored = w.write(layout);
      assertThat(stored).isEqualTo(streamed);
      assertThat(stored.descriptor().mediaType()).isEqualTo(MediaType.layerMediaType(c));
      assertThat(stored.descriptor().digest()).isEqualTo(Digest.sha256(blob));
      assertThat(stored.descriptor().size()).isEqualTo(blob.length);
      byte[] tar = decompress(blob, c);
      assertThat(stored.diffId()).isEqualTo(Digest.sha256(tar));
      assertThat(stored.uncompressedSize()).isEqualTo(tar.length);
      assertThat(stored.entries()).isEqualTo(someEntries().size());
      assertThat(
              Files.readAllBytes(
                  path.resolve("blobs/sha256/" + stored.descriptor().digest().encoded())))
          .isEqualTo(blob);
      WrittenImages.tag(layout, "t", List.of(stored));
    }
    assertThat(LayoutChecker.check(path, true)).isEmpty();
  }

  @Test
  void otherDigestAlgorithmsDigestBothTheBlobAndTheTar() throws IOException {
    LayerWriter w =
        new LayerWriter(LayerOptions.builder().digestAlgorithm(DigestAlgorithm.SHA512).build());
    w.add(LayerEntry.file("f", "x".getBytes(StandardCharsets.UTF_8)));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    WrittenLayer l = w.write(out);
    assertThat(l.descriptor().digest())
        .isEqualTo(Digest.compute(DigestAlgorithm.SHA512, out.toByteArray()));
    assertThat(l.diffId())
        .isEqualTo(
            Digest.compute(
                DigestAlgorithm.SHA512, decompress(out.toByteArray(), Compression.GZIP)));
  }

  // ---- errors

  @Test
  void entriesThatDoNotMakeALayerAreRefused() {
    LayerWriter w = new LayerWriter(LayerOptions.DEFAULT);
    w.add(LayerEntry.file("f", new byte[0]));
    assertThatThrownBy(() -> w.add(LayerEntry.directory("f/")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("MUST NOT include duplicate entries");
    w.add(LayerEntry.file("f/below", new byte[0]));
    assertThatThrownBy(w::entries)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("f/below is below f, a FILE");

    LayerWriter links = new LayerWriter(LayerOptions.DEFAULT);
    links.add(LayerEntry.directory("d"));
    links.add(LayerEntry.hardlink("l", "d"));
    assertThatThrownBy(links::entries)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a hardlink to the directory d");

    LayerWriter cycle = new LayerWriter(LayerOptions.DEFAULT);
    cycle.add(LayerEntry.hardlink("a", "b"));
    cycle.add(LayerEntry.hardlink("b", "a"));
    assertThatThrownBy(cycle::entries)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cycle");
  }

  @Test
  void badEntriesAndOptionsAreRefused() {
    assertThatThrownBy(() -> LayerEntry.file("a/.wh.b", new byte[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(".wh.");
    assertThatThrownBy(() -> LayerEntry.whiteout("a/../../b"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LayerEntry.directory("/"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LayerEntry.file("f", new byte[0]).withMode(010000))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LayerEntry.file("f", new byte[0]).withOwner(-1, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LayerEntry.file("f", new byte[0]).withXattr("user.e", ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty xattr value");
    assertThatThrownBy(() -> LayerEntry.file("f", new byte[0]).withXattr("user.e", new byte[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty xattr value");
    assertThatThrownBy(() -> LayerEntry.file("f", new byte[0]).withXattr("a=b", "1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LayerEntry.whiteout("x").withXattr("user.a", "1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LayerOptions.builder().compression(Compression.ZSTD).level(0).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LayerOptions.builder().level(10).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LayerOptions.builder().threads(0).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(LayerEntry.file("./a//b/", new byte[0]).path()).isEqualTo("a/b");
    assertThat(LayerEntry.opaqueWhiteout("/").tarName()).isEqualTo(".wh..wh..opq");
    assertThat(LayerEntry.whiteout("/a/b").tarName()).isEqualTo("a/.wh.b");
  }

  @Test
  void aTreeHoldingANameBeginningWithTheWhiteoutPrefixIsRefused() throws IOException {
    Path tree = Files.createDirectories(dir.resolve("tree/sub"));
    Files.writeString(tree.resolve(".wh.x"), "");
    assertThatThrownBy(() -> new LayerWriter(LayerOptions.DEFAULT).addTree(dir.resolve("tree")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(".wh.x");
  }

  /** An output stream that calls {@code action} once, when {@code after} bytes went through. */
  private static OutputStream triggering(long after, IoAction action) {
    return new OutputStream() {
      long count;
      boolean done;

      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        count += len;
        if (!done && count > after) {
          done = true;
          action.run();
        }
      }
    };
  }

  private interface IoAction {
    void run() throws IOException;
  }

  @Test
  void aFileThatGrowsWhileItIsWrittenFailsTheLayerNamingIt() throws IOException {
    Path file = dir.resolve("growing");
    Files.write(file, new byte[4 << 20]);
    LayerWriter w = new LayerWriter(PLAIN);
    w.add(LayerEntry.file("growing", file));
    OutputStream out =
        triggering(1 << 20, () -> Files.write(file, new byte[10], StandardOpenOption.APPEND));
    assertThatThrownBy(() -> w.write(out))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("grew while being written");
  }

  @Test
  void aFileThatShrinksWhileItIsWrittenFailsTheLayerNamingIt() throws IOException {
    Path tree = Files.createDirectories(dir.resolve("tree"));
    Path file = tree.resolve("shrinking");
    Files.write(file, new byte[4 << 20]);
    LayerWriter w = new LayerWriter(PLAIN).addTree(tree);
    OutputStream out =
        triggering(
            1 << 20,
            () -> {
              try (var c = java.nio.channels.FileChannel.open(file, StandardOpenOption.WRITE)) {
                c.truncate(2 << 20);
              }
            });
    assertThatThrownBy(() -> w.write(out))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("shrank while being written");
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void aFailedWriteLeavesNoBlobInTheLayout(Compression c) throws IOException {
    Path path = dir.resolve("layout");
    try (OciLayout layout = OciLayout.create(path)) {
      LayerWriter w = new LayerWriter(LayerOptions.DEFAULT.withCompression(c));
      w.add(LayerEntry.file("a", new byte[1 << 20]));
      // procfs files say they are empty, then give bytes: a file growing as it is read.
      w.add(LayerEntry.file("b", Path.of("/proc/self/status")));
      assertThatThrownBy(() -> w.write(layout))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("/proc/self/status: grew");
      LayerWriter missing = new LayerWriter(LayerOptions.DEFAULT.withCompression(c));
      missing.add(LayerEntry.file("a", dir.resolve("missing")));
      assertThatThrownBy(() -> missing.write(layout))
          .isInstanceOf(java.nio.file.NoSuchFileException.class);
    }
    try (Stream<Path> files = Files.walk(path)) {
      assertThat(files.filter(Files::isRegularFile).map(p -> path.relativize(p).toString()))
          .containsExactlyInAnyOrder("oci-layout", "index.json");
    }
  }

  @Test
  void fileCapabilitiesOfATreeAreRecordedWithTheirBytesAndGnuTarSetsThem() throws IOException {
    // The JVM reads only user.* xattrs: security.capability comes from getfattr.
    org.junit.jupiter.api.Assumptions.assumeTrue(ROOT, "only a privileged process sets them");
    Tools.require("setfattr");
    Tools.require("getfattr");
    Path tree = Files.createDirectories(dir.resolve("caps"));
    Path ping =
        Files.writeString(Files.createDirectories(tree.resolve("bin")).resolve("ping"), "p");
    Path uidmap = Files.writeString(tree.resolve("bin/newuidmap"), "u");
    Files.writeString(tree.resolve("plain"), "x");
    for (Path p : List.of(ping, uidmap)) {
      Files.setPosixFilePermissions(
          p, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    // cap_net_raw (bit 13: bytes 00 20, text) and cap_setuid (bit 7: byte 0x80, not UTF-8, as
    // Fedora's newuidmap has it).
    String netRaw = "0x0100000200200000000000000000000000000000";
    String setuid = "0x0100000280000000000000000000000000000000";
    Tools.run(dir, List.of("setfattr", "-n", "security.capability", "-v", netRaw, ping.toString()));
    Tools.run(
        dir, List.of("setfattr", "-n", "security.capability", "-v", setuid, uidmap.toString()));

    LayerWriter writer = new LayerWriter(PLAIN).addTree(tree);
    byte[] tar = bytes(writer);

    Map<String, Map<String, byte[]>> xattrs = rawXattrs(tar);
    assertThat(xattrs.get("bin/ping").get("security.capability"))
        .isEqualTo(HexFormat.of().parseHex(netRaw.substring(2)));
    assertThat(xattrs.get("bin/newuidmap").get("security.capability"))
        .isEqualTo(HexFormat.of().parseHex(setuid.substring(2)));
    assertThat(xattrs.get("plain")).isEmpty();
    assertThat(writer.notes()).noneMatch(n -> n.contains("capability"));

    // GNU tar, an independent reader, sets the same bytes.
    Path tarFile = Files.write(dir.resolve("caps.tar"), tar);
    Path out = Files.createDirectories(dir.resolve("gnu"));
    Tools.run(
        dir,
        List.of(
            "tar",
            "--xattrs",
            "--xattrs-include=*",
            "-xf",
            tarFile.toString(),
            "-C",
            out.toString()));
    for (Map.Entry<String, String> c :
        Map.of("bin/ping", netRaw, "bin/newuidmap", setuid).entrySet()) {
      assertThat(
              Tools.run(
                  dir,
                  List.of(
                      "getfattr",
                      "--absolute-names",
                      "-e",
                      "hex",
                      "-n",
                      "security.capability",
                      out.resolve(c.getKey()).toString())))
          .contains("security.capability=" + c.getValue());
    }
  }

  @Test
  void anXattrValueThatIsNotTextIsWrittenAsItIsInTheEntrysOnePaxHeader() throws IOException {
    // POSIX pax: a record is "length keyword=value\n", the value any bytes. The tar library
    // writes values as UTF-8 text, so the writer writes this header itself: one PAX header per
    // entry, holding the long non-ASCII name, the long link target, the big owner and the
    // sub-second mtime beside the xattrs (two headers would be read differently by Go and
    // commons-compress).
    byte[] binary = {(byte) 0xff, (byte) 0xfe, 0, (byte) 0x80, '\n', '='};
    String dirName = "d/" + "é".repeat(60); // 120 bytes
    String fileName = dirName + "/" + "f".repeat(120);
    String target = "/" + "t".repeat(150);
    Instant mtime = Instant.parse("2024-02-03T04:05:06.123456789Z");
    LayerOptions keep =
        LayerOptions.builder()
            .compression(Compression.NONE)
            .keepOwners(true)
            .timestamps(Timestamps.KEEP)
            .build();
    LayerWriter writer =
        new LayerWriter(keep)
            .add(LayerEntry.directory(dirName).withXattr("user.bin", binary).withMtime(T0))
            .add(
                LayerEntry.file(fileName, "content".getBytes(StandardCharsets.UTF_8))
                    .withXattr("user.bin", binary)
                    .withXattr("user.text", "grüß")
                    .withOwner(3_000_000, 4_000_000)
                    .withMtime(mtime))
            .add(
                LayerEntry.symlink("d/link", target)
                    .withXattr("trusted.bin", new byte[] {(byte) 0xc0})
                    .withMtime(T0));
    byte[] tar = bytes(writer);
    assertThat(bytes(writer)).as("reproducible").isEqualTo(tar);

    // As ocikit reads it back: names, owners, times and every xattr's bytes.
    Map<String, Map<String, byte[]>> xattrs = rawXattrs(tar);
    assertThat(xattrs).containsOnlyKeys("d/", dirName + "/", fileName, "d/link");
    assertThat(xattrs.get(dirName + "/").get("user.bin")).isEqualTo(binary);
    assertThat(xattrs.get(fileName).get("user.bin")).isEqualTo(binary);
    assertThat(xattrs.get(fileName).get("user.text"))
        .isEqualTo("grüß".getBytes(StandardCharsets.UTF_8));
    assertThat(xattrs.get("d/link").get("trusted.bin")).isEqualTo(new byte[] {(byte) 0xc0});
    List<TarArchiveEntry> entries = tarEntries(tar);
    TarArchiveEntry file =
        entries.stream().filter(e -> e.getName().equals(fileName)).findFirst().orElseThrow();
    assertThat(file.getLongUserId()).isEqualTo(3_000_000);
    assertThat(file.getLongGroupId()).isEqualTo(4_000_000);
    assertThat(file.getLastModifiedTime().toInstant())
        .isEqualTo(Instant.parse("2024-02-03T04:05:06.1234567Z"));
    assertThat(file.getSize()).isEqualTo(7);
    TarArchiveEntry link =
        entries.stream().filter(e -> e.getName().equals("d/link")).findFirst().orElseThrow();
    assertThat(link.getLinkName()).isEqualTo(target);
    assertThat(link.isSymbolicLink()).isTrue();

    // One PAX header before each entry that has one (raw headers: type 'x' at offset 156).
    int paxHeaders = 0;
    int run = 0;
    for (int at = 0; at + 512 <= tar.length; ) {
      byte[] header = Arrays.copyOfRange(tar, at, at + 512);
      if (header[0] == 0) {
        break;
      }
      long size =
          Long.parseLong(
              new String(header, 124, 11, StandardCharsets.US_ASCII).trim().replace("\0", ""), 8);
      if (header[156] == 'x') {
        paxHeaders++;
        run++;
        assertThat(run).as("PAX headers before one entry").isEqualTo(1);
      } else {
        run = 0;
      }
      at += 512 + (int) ((size + 511) / 512 * 512);
    }
    assertThat(paxHeaders).isEqualTo(3);

    // GNU tar lists the names, owners and target from the PAX records.
    Path tarFile = Files.write(dir.resolve("binary.tar"), tar);
    String listing = Tools.run(dir, List.of("tar", "--numeric-owner", "-tvf", tarFile.toString()));
    assertThat(listing)
        .contains(fileName)
        .contains("3000000/4000000")
        .contains("d/link -> " + target);
  }

  @Test
  void ownersThatARootlessUnpackRecordedAreTheOwnersAPackKeeps() throws IOException {
    // Rootless, unpack keeps the owners it cannot set in user.rootlesscontainers (as umoci does);
    // a pack that keeps owners reads them back from there, and does not write that xattr.
    Path layoutPath = dir.resolve("rootless-layout");
    try (OciLayout layout = OciLayout.create(layoutPath)) {
      WrittenLayer layer =
          new LayerWriter(LayerOptions.builder().keepOwners(true).build())
              .add(LayerEntry.directory("srv").withOwner(33, 33))
              .add(LayerEntry.file("srv/user", new byte[] {'u'}).withOwner(1000, 1000))
              .add(LayerEntry.file("srv/mixed", new byte[] {'m'}).withOwner(0, 50))
              .add(LayerEntry.file("srv/root", new byte[] {'r'}))
              .write(layout);
      WrittenImages.tag(layout, "t", List.of(layer));
    }
    Path tree = dir.resolve("rootless-tree");
    LayerTar.unpack(layoutPath, "t", tree, true);

    LayerOptions keep =
        LayerOptions.builder()
            .compression(Compression.NONE)
            .keepOwners(true)
            .rootless(true)
            .build();
    List<TarArchiveEntry> entries = tarEntries(bytes(new LayerWriter(keep).addTree(tree)));
    Map<String, String> owners = new java.util.TreeMap<>();
    for (TarArchiveEntry e : entries) {
      owners.put(e.getName(), e.getLongUserId() + ":" + e.getLongGroupId());
      assertThat(e.getExtraPaxHeaders()).doesNotContainKey("SCHILY.xattr.user.rootlesscontainers");
    }
    assertThat(owners).containsEntry("srv/", "33:33").containsEntry("srv/user", "1000:1000");
    assertThat(owners).containsEntry("srv/mixed", "0:50");
    // Root's files carry no record: this user's files are the image's root's.
    assertThat(owners).containsEntry("srv/root", "0:0");

    // Not rootless: owners as they are on disk, and the record is still not written.
    LayerOptions asIs = keep.toBuilder().rootless(false).build();
    for (TarArchiveEntry e : tarEntries(bytes(new LayerWriter(asIs).addTree(tree)))) {
      assertThat(e.getExtraPaxHeaders()).doesNotContainKey("SCHILY.xattr.user.rootlesscontainers");
      if (e.getName().equals("srv/user")) {
        assertThat(e.getLongUserId())
            .isEqualTo(
                ((Integer) Files.getAttribute(tree.resolve("srv/user"), "unix:uid")).longValue());
      }
    }
  }

  /** The xattrs of each entry of a tar, with their bytes, as the applier reads them. */
  private static Map<String, Map<String, byte[]>> rawXattrs(byte[] tar) throws IOException {
    Map<String, Map<String, byte[]>> out = new java.util.TreeMap<>();
    try (dev.ocikit.layout.internal.HeaderLimitedTarInputStream in =
        new dev.ocikit.layout.internal.HeaderLimitedTarInputStream(
            new ByteArrayInputStream(tar), IOException::new)) {
      for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
        out.put(e.getName(), dev.ocikit.layout.internal.HeaderLimitedTarInputStream.xattrs(e));
      }
    }
    return out;
  }

  private static final String NET_RAW = "0x0100000200200000000000000000000000000000";
  private static final String SET_UID = "0x0100000280000000000000000000000000000000";

  /** Makes {@code file} an executable of content {@code content}, its mtime T0. */
  private static Path executable(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
    Files.setPosixFilePermissions(
        file, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(T0));
    return file;
  }

  /**
   * The lower and upper trees of a diff with capabilities: root only, with setfattr and getfattr.
   */
  private Path[] capabilityDiffTrees() throws IOException {
    org.junit.jupiter.api.Assumptions.assumeTrue(ROOT, "only a privileged process sets them");
    Tools.require("setfattr");
    Tools.require("getfattr");
    return new Path[] {
      Files.createDirectories(dir.resolve("lower")), Files.createDirectories(dir.resolve("upper"))
    };
  }

  private void setCapability(Path file, String hex) throws IOException {
    Tools.run(dir, List.of("setfattr", "-n", "security.capability", "-v", hex, file.toString()));
  }

  @Test
  void aFileWhoseOnlyChangeIsItsCapabilityIsInTheDiff() throws IOException {
    Path[] trees = capabilityDiffTrees();
    for (Path t : trees) {
      executable(t.resolve("ping"), "p");
      Files.writeString(t.resolve("other"), "o");
      Files.setLastModifiedTime(t.resolve("other"), java.nio.file.attribute.FileTime.from(T0));
    }
    setCapability(trees[1].resolve("ping"), NET_RAW);

    List<TarArchiveEntry> entries =
        tarEntries(bytes(new LayerWriter(PLAIN).addChanges(trees[0], trees[1])));

    assertThat(names(entries)).contains("ping").doesNotContain("other");
  }

  @Test
  void aDiffComparesTheCapabilitiesOfExecutablesAndWritesThoseOfTheUpperTree() throws IOException {
    org.junit.jupiter.api.Assumptions.assumeTrue(ROOT, "only a privileged process sets them");
    Tools.require("setfattr");
    Tools.require("getfattr");
    Path lower = Files.createDirectories(dir.resolve("lower"));
    Path upper = Files.createDirectories(dir.resolve("upper"));
    for (Path t : List.of(lower, upper)) {
      executable(t.resolve("bin/same"), "s"); // the same capability in both: unchanged
      executable(t.resolve("bin/dropped"), "d"); // has one below only: changed
      executable(t.resolve("bin/other"), "o"); // another one above: changed
      executable(t.resolve("bin/content"), "c"); // new content, the same capability
      Files.setLastModifiedTime(t.resolve("bin"), java.nio.file.attribute.FileTime.from(T0));
    }
    Files.writeString(upper.resolve("bin/content"), "C");
    Files.setLastModifiedTime(
        upper.resolve("bin/content"), java.nio.file.attribute.FileTime.from(T0));
    executable(upper.resolve("new/ping"), "p"); // added, with one
    for (Path t : List.of(lower, upper)) {
      setCapability(t.resolve("bin/same"), NET_RAW);
      setCapability(t.resolve("bin/content"), NET_RAW);
    }
    setCapability(lower.resolve("bin/dropped"), NET_RAW);
    setCapability(lower.resolve("bin/other"), NET_RAW);
    setCapability(upper.resolve("bin/other"), SET_UID);
    setCapability(upper.resolve("new/ping"), NET_RAW);

    Map<String, Map<String, byte[]>> xattrs =
        rawXattrs(bytes(new LayerWriter(PLAIN).addChanges(lower, upper)));

    assertThat(xattrs.keySet())
        .containsExactlyInAnyOrder(
            "bin/", "bin/dropped", "bin/other", "bin/content", "new/", "new/ping");
    assertThat(xattrs.get("bin/dropped")).isEmpty();
    assertThat(xattrs.get("bin/other").get("security.capability"))
        .isEqualTo(HexFormat.of().parseHex(SET_UID.substring(2)));
    assertThat(xattrs.get("bin/content").get("security.capability"))
        .isEqualTo(HexFormat.of().parseHex(NET_RAW.substring(2)));
    assertThat(xattrs.get("new/ping").get("security.capability"))
        .isEqualTo(HexFormat.of().parseHex(NET_RAW.substring(2)));
  }

  @Test
  void capabilitiesOfFilesThatAreNotExecutableCountForNeitherTreeNorDiff() throws IOException {
    // The kernel looks at a file's capabilities only when it executes it: those of a file no one
    // may execute are not recorded, and a change of them alone is no change.
    Path[] trees = capabilityDiffTrees();
    Path lower = trees[0];
    Path upper = trees[1];
    for (Path t : List.of(lower, upper)) {
      Files.writeString(t.resolve("data"), "d");
      Files.setLastModifiedTime(t.resolve("data"), java.nio.file.attribute.FileTime.from(T0));
    }
    setCapability(upper.resolve("data"), NET_RAW);

    assertThat(tarEntries(bytes(new LayerWriter(PLAIN).addChanges(lower, upper)))).isEmpty();
    assertThat(rawXattrs(bytes(new LayerWriter(PLAIN).addTree(upper))).get("data")).isEmpty();
  }
}
