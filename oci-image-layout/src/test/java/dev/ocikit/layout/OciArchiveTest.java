package dev.ocikit.layout;

import static dev.ocikit.layout.Tars.file;
import static dev.ocikit.layout.Tars.hardlink;
import static dev.ocikit.layout.Tars.symlink;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ocikit.blob.BlobNotFoundException;
import dev.ocikit.digest.Digest;
import dev.ocikit.digest.DigestAlgorithm;
import dev.ocikit.digest.DigestMismatchException;
import dev.ocikit.json.OciJson;
import dev.ocikit.model.Descriptor;
import dev.ocikit.model.Index;
import dev.ocikit.model.Manifest;
import dev.ocikit.model.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OciArchiveTest {
  @TempDir Path dir;
  Path sampleDir;
  OciLayout sample;

  @BeforeEach
  void copySample() throws IOException {
    sampleDir = Tars.copySample(dir.resolve("hello"));
    sample = OciLayout.open(sampleDir);
  }

  /** Every blob file of a layout directory, by digest. */
  static Map<Digest, byte[]> blobFiles(Path layout) throws IOException {
    Map<Digest, byte[]> blobs = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(layout.resolve("blobs"))) {
      for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
        blobs.put(
            new Digest(p.getParent().getFileName().toString(), p.getFileName().toString()),
            Files.readAllBytes(p));
      }
    }
    return blobs;
  }

  /** The blobs of one image: its manifest, config and layers, each read verified. */
  static List<byte[]> readImage(ImageLayout layout, ImageRef image) throws IOException {
    List<byte[]> read = new ArrayList<>();
    Manifest m = image.manifest().value();
    for (Descriptor d :
        Stream.concat(Stream.of(image.descriptor(), m.config()), m.layers().stream()).toList()) {
      try (InputStream in = layout.open(d)) {
        read.add(in.readAllBytes());
      }
    }
    return read;
  }

  @Test
  void aWrittenArchiveReadsInPlaceLikeTheLayoutItCameFrom() throws IOException {
    Path tar = dir.resolve("hello.tar");
    OciArchive.write(sample, tar);

    try (OciArchive archive = OciArchive.open(tar)) {
      assertThat(archive.location()).isEqualTo(tar.toAbsolutePath());
      assertThat(archive.name()).isEqualTo(tar.toAbsolutePath().toString());
      assertThat(archive.index().bytes())
          .isEqualTo(Files.readAllBytes(sampleDir.resolve("index.json")));
      assertThat(archive.refs()).containsExactly("latest", "latest-sbom");

      ImageRef latest = archive.resolve("latest", null);
      assertThat(latest.descriptor()).isEqualTo(sample.resolve("latest", null).descriptor());
      assertThat(latest.manifest().value().layers()).hasSize(2);
      assertThat(latest.platform()).hasToString("linux/amd64");
      assertThat(readImage(archive, latest)).hasSize(4);
      ImageRef sbom = archive.resolve("latest-sbom", null);
      assertThat(sbom.manifest().value().artifactType()).isEqualTo("application/spdx+json");

      // Every blob of the sample is reachable (the empty config is kept: the sample holds it),
      // and each reads back verified, byte for byte.
      Map<Digest, byte[]> blobs = blobFiles(sampleDir);
      for (Map.Entry<Digest, byte[]> b : blobs.entrySet()) {
        assertThat(archive.contains(b.getKey())).as("%s", b.getKey()).isTrue();
        Descriptor d = Descriptor.of(MediaType.OCTET_STREAM, b.getKey(), b.getValue().length);
        try (InputStream in = archive.open(d)) {
          assertThat(in.readAllBytes()).isEqualTo(b.getValue());
        }
      }
      assertThat(archive.describe(latest.descriptor().digest()))
          .isEqualTo(
              Descriptor.of(
                  MediaType.IMAGE_MANIFEST,
                  latest.descriptor().digest(),
                  latest.descriptor().size()));

      assertThat(archive.images())
          .extracting(ImageRef::refName)
          .containsExactly("latest", "latest-sbom");
      assertThat(archive.referrers(latest.descriptor().digest()))
          .singleElement()
          .satisfies(r -> assertThat(r.digest()).isEqualTo(sbom.descriptor().digest()));

      Digest absent = Digest.sha256("absent".getBytes(StandardCharsets.UTF_8));
      assertThat(archive.contains(absent)).isFalse();
      assertThatThrownBy(() -> archive.open(Descriptor.of(MediaType.OCTET_STREAM, absent, 6)))
          .isInstanceOf(BlobNotFoundException.class);
    }
  }

  @Test
  void theTarIsDeterministicWithSortedEntriesOwnedByRootAtTheEpoch() throws Exception {
    Path first = dir.resolve("first.tar");
    Path second = dir.resolve("second.tar");
    OciArchive.write(sample, first);
    Thread.sleep(1100); // a clock in the entries would show
    OciArchive.write(sample, second);
    assertThat(second).hasSameBinaryContentAs(first);
    // Packing the archive itself again gives the same bytes too.
    Path third = dir.resolve("third.tar");
    try (OciArchive archive = OciArchive.open(first)) {
      OciArchive.write(archive, third);
    }
    assertThat(third).hasSameBinaryContentAs(first);

    List<String> blobNames =
        blobFiles(sampleDir).keySet().stream().map(BlobPaths::relative).sorted().toList();
    List<String> expected = new ArrayList<>(List.of("oci-layout", "index.json", "blobs/"));
    expected.add("blobs/sha256/");
    expected.addAll(blobNames);
    List<TarArchiveEntry> entries = Tars.entries(first);
    assertThat(entries).extracting(TarArchiveEntry::getName).containsExactlyElementsOf(expected);
    for (TarArchiveEntry e : entries) {
      assertThat(e.getModTime().getTime()).as(e.getName()).isZero();
      assertThat(e.getLongUserId()).isZero();
      assertThat(e.getLongGroupId()).isZero();
      assertThat(e.getMode()).as(e.getName()).isEqualTo(e.isDirectory() ? 040755 : 0100644);
    }
    assertThat(Files.list(dir).map(p -> p.getFileName().toString()))
        .as("no temporary file is left")
        .containsExactlyInAnyOrder("hello", "first.tar", "second.tar", "third.tar");
  }

  @Test
  void onlyTheBlobsReachableFromTheIndexArePacked() throws IOException {
    Path layoutDir = dir.resolve("partial");
    OciLayout layout = OciLayout.create(layoutDir);
    Descriptor image = ResolveTest.image(layout, dev.ocikit.model.Platform.of("linux", "arm64"));
    Descriptor nested = layout.writeDocument(Index.of(List.of(image)));
    layout.tag("nested", nested);
    Descriptor stray = layout.writeBlob(MediaType.OCTET_STREAM, "stray".getBytes());
    // A SHA-512 blob: its name is longer than the 100 characters of a plain tar header.
    Descriptor long512 =
        layout.writeBlob(
            MediaType.IMAGE_LAYER,
            new java.io.ByteArrayInputStream("512".getBytes()),
            DigestAlgorithm.SHA512);
    layout.add(long512);

    Path tar = dir.resolve("partial.tar");
    OciArchive.write(layout, tar);
    try (OciArchive archive = OciArchive.open(tar)) {
      Manifest m = archive.resolve("nested", null).manifest().value();
      assertThat(archive.contains(nested.digest())).isTrue();
      assertThat(archive.contains(image.digest())).isTrue();
      assertThat(archive.contains(m.config().digest())).isTrue();
      assertThat(archive.contains(m.layers().get(0).digest())).isTrue();
      assertThat(archive.contains(stray.digest())).as("not reachable").isFalse();
      try (InputStream in = archive.open(long512)) {
        assertThat(in.readAllBytes()).isEqualTo("512".getBytes());
      }
    }
    assertThat(Tars.entries(tar))
        .extracting(TarArchiveEntry::getName)
        .contains("blobs/sha512/", BlobPaths.relative(long512.digest()));
  }

  @Test
  void aTamperedBlobFailsItsDigestWhenRead() throws IOException {
    Path tar = dir.resolve("hello.tar");
    OciArchive.write(sample, tar);
    Descriptor layer = sample.resolve("latest", null).manifest().value().layers().get(1);
    long offset;
    try (TarFile file = new TarFile(tar)) {
      offset =
          file.getEntries().stream()
              .filter(e -> e.getName().equals(BlobPaths.relative(layer.digest())))
              .findFirst()
              .orElseThrow()
              .getDataOffset();
    }
    try (RandomAccessFile raf = new RandomAccessFile(tar.toFile(), "rw")) {
      raf.seek(offset + 600);
      int b = raf.read();
      raf.seek(offset + 600);
      raf.write(b ^ 0x01);
    }

    try (OciArchive archive = OciArchive.open(tar)) {
      assertThat(archive.resolve("latest", null).descriptor().digest()).isNotNull();
      assertThatThrownBy(
              () -> {
                try (InputStream in = archive.open(layer)) {
                  in.readAllBytes();
                }
              })
          .isInstanceOf(DigestMismatchException.class)
          .hasMessageContaining(BlobPaths.relative(layer.digest()));
      // Packing it again fails on the same blob and leaves nothing behind.
      Path again = dir.resolve("again.tar");
      assertThatThrownBy(() -> OciArchive.write(archive, again))
          .isInstanceOf(DigestMismatchException.class);
      assertThat(again).doesNotExist();
      assertThat(Files.list(dir).map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("hello", "hello.tar");
    }
  }

  @Test
  void aTarWithoutOciLayoutIsNotALayout() throws IOException {
    byte[] index = Files.readAllBytes(sampleDir.resolve("index.json"));
    Path tar = Tars.tar(dir.resolve("no-header.tar"), List.of(file("index.json", index)));
    assertThatThrownBy(() -> OciArchive.open(tar))
        .isInstanceOf(LayoutException.class)
        .hasMessageContaining(tar.toString())
        .hasMessageContaining("\"oci-layout\"")
        .hasMessageContaining("missing");

    Path noIndex =
        Tars.tar(
            dir.resolve("no-index.tar"),
            List.of(file("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}")));
    assertThatThrownBy(() -> OciArchive.open(noIndex))
        .isInstanceOf(LayoutException.class)
        .hasMessageContaining(noIndex.toString())
        .hasMessageContaining("\"index.json\"");

    Path wrongVersion =
        Tars.tar(
            dir.resolve("v2.tar"),
            List.of(
                file("oci-layout", "{\"imageLayoutVersion\":\"2.0.0\"}"),
                file("index.json", index)));
    assertThatThrownBy(() -> OciArchive.open(wrongVersion))
        .isInstanceOf(LayoutException.class)
        .hasMessageContaining("imageLayoutVersion is \"2.0.0\"");

    Path docker = Tars.tar(dir.resolve("docker.tar"), List.of(file("manifest.json", "[]")));
    assertThatThrownBy(() -> OciArchive.open(docker)).hasMessageContaining("DockerArchive");
  }

  @Test
  void aCompressedTarIsRefusedWithAHint() throws IOException {
    Path tar = dir.resolve("hello.tar");
    OciArchive.write(sample, tar);
    Path gz = Files.write(dir.resolve("hello.tar.gz"), Tars.gzip(Files.readAllBytes(tar)));
    assertThatThrownBy(() -> OciArchive.open(gz))
        .isInstanceOf(LayoutException.class)
        .hasMessageContaining(gz.toString())
        .hasMessageContaining("gzip-compressed tar; decompress it first");

    Path zst = Files.write(dir.resolve("hello.tar.zst"), Tars.zstd(Files.readAllBytes(tar)));
    assertThatThrownBy(() -> OciArchive.open(zst))
        .isInstanceOf(LayoutException.class)
        .hasMessageContaining("zstd-compressed tar; decompress it first");
  }

  @Test
  void filesThatAreNotTarsAreRefusedNamingThePath() throws IOException {
    Path json = Files.writeString(dir.resolve("index.json"), "{\"schemaVersion\":2}");
    assertThatThrownBy(() -> OciArchive.open(json))
        .isInstanceOf(LayoutException.class)
        .hasMessageContaining(json.toString())
        .hasMessageContaining("not a tar archive");

    byte[] noise = new byte[4096];
    new java.util.Random(42).nextBytes(noise);
    noise[0] = 'x'; // not by chance a compression magic number
    Path random = Files.write(dir.resolve("noise.bin"), noise);
    assertThatThrownBy(() -> OciArchive.open(random))
        .isInstanceOf(LayoutException.class)
        .hasMessageContaining(random.toString())
        .hasMessageContaining("not a tar archive");

    Path zeros = Files.write(dir.resolve("empty.tar"), new byte[1024]);
    assertThatThrownBy(() -> OciArchive.open(zeros))
        .isInstanceOf(LayoutException.class)
        .hasMessageContaining("no entries");

    assertThatThrownBy(() -> OciArchive.open(dir.resolve("absent.tar")))
        .isInstanceOf(LayoutException.class)
        .hasMessageContaining("no such file");
    assertThatThrownBy(() -> OciArchive.open(dir))
        .isInstanceOf(LayoutException.class)
        .hasMessageContaining("not a regular file");
  }

  /** A ustar header block by hand, for headers that no tar writer would write. */
  private static byte[] header(String name, char type, long size) {
    byte[] h = new byte[512];
    byte[] n = name.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    System.arraycopy(n, 0, h, 0, n.length);
    String fields = String.format("%07o\0%07o\0%07o\0%011o\0%011o\0", 0644, 0, 0, size, 0);
    byte[] f = fields.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    System.arraycopy(f, 0, h, 100, f.length);
    java.util.Arrays.fill(h, 148, 156, (byte) ' ');
    h[156] = (byte) type;
    System.arraycopy("ustar\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, h, 257, 6);
    h[263] = '0';
    h[264] = '0';
    int sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    byte[] c = String.format("%06o\0 ", sum).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    System.arraycopy(c, 0, h, 148, c.length);
    return h;
  }

  @Test
  void aHeaderExtensionOverOneMebibyteIsRefusedBeforeItIsReadIntoMemory() throws IOException {
    // commons-compress reads a GNU long name, or a PAX record, whole into memory: one of 1 GiB
    // was an OutOfMemoryError. Go's archive/tar allows 1 MiB per extension; so does this.
    Path tar = dir.resolve("longname.tar");
    int size = 3 << 20;
    try (java.io.OutputStream out = Files.newOutputStream(tar)) {
      out.write(header("././@LongLink", 'L', size));
      out.write(new byte[size]);
      out.write(header("oci-layout", '0', 0));
      out.write(new byte[1024]);
    }
    assertThatThrownBy(() -> OciArchive.open(tar))
        .isInstanceOf(LayoutException.class)
        .hasMessageContaining(tar.toString())
        .hasMessageContaining("of more than 1 MiB");
  }

  @Test
  void aFileNamedLikeADirectoryWithDataIsRefusedNotReadAsHeaders() throws IOException {
    // commons-compress reads the data of a regular file named "innocent/" as headers (here: an
    // index.json that Go's archive/tar and GNU tar see only as content): refused, not guessed.
    Path tar = dir.resolve("hidden.tar");
    byte[] index = "{\"schemaVersion\":2,\"manifests\":[]}".getBytes(StandardCharsets.UTF_8);
    try (java.io.OutputStream out = Files.newOutputStream(tar)) {
      out.write(header("innocent/", '0', 1024));
      out.write(header("index.json", '0', index.length));
      out.write(java.util.Arrays.copyOf(index, 512));
      out.write(header("oci-layout", '0', 0));
      out.write(new byte[1024]);
    }
    assertThatThrownBy(() -> OciArchive.open(tar))
        .isInstanceOf(LayoutException.class)
        .hasMessageContaining("\"innocent/\"")
        .hasMessageContaining("tar readers disagree");
  }

  @Test
  void thousandsOfNestedPaxHeadersAreRefusedNotAStackOverflow() throws IOException {
    // commons-compress reads the header after a PAX header by recursing: 5,000 of them in a row
    // (5 MB) overflowed the stack.
    Path tar = dir.resolve("nested.tar");
    byte[] record = "13 comment=x\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    try (java.io.OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tar))) {
      for (int i = 0; i < 5000; i++) {
        out.write(header("PaxHeaders/x", 'x', record.length));
        out.write(java.util.Arrays.copyOf(record, 512));
      }
      out.write(header("oci-layout", '0', 0));
      out.write(new byte[1024]);
    }
    assertThatThrownBy(() -> OciArchive.open(tar))
        .isInstanceOf(LayoutException.class)
        .hasMessageContaining("more than 32 PAX or GNU extension headers");
  }

  /** A tar of the sample as {@code tar -C hello .} writes it, entries led by {@code ./}. */
  List<Tars.Entry> sampleEntries(String prefix) throws IOException {
    List<Tars.Entry> entries = new ArrayList<>();
    entries.add(file(prefix + "oci-layout", Files.readAllBytes(sampleDir.resolve("oci-layout"))));
    entries.add(file(prefix + "index.json", Files.readAllBytes(sampleDir.resolve("index.json"))));
    for (Map.Entry<Digest, byte[]> b : blobFiles(sampleDir).entrySet()) {
      entries.add(file(prefix + BlobPaths.relative(b.getKey()), b.getValue()));
    }
    return entries;
  }

  @Test
  void entryNamesLedByDotSlashAreRead() throws IOException {
    Path tar = Tars.tar(dir.resolve("dot.tar"), sampleEntries("./"));
    try (OciArchive archive = OciArchive.open(tar)) {
      ImageRef latest = archive.resolve("latest", null);
      assertThat(readImage(archive, latest)).hasSize(4);
    }
  }

  @Test
  void aBlobThatIsALinkIsRefused() throws IOException {
    Descriptor layer = sample.resolve("latest", null).manifest().value().layers().get(1);
    Descriptor config = sample.resolve("latest", null).manifest().value().config();
    String layerName = BlobPaths.relative(layer.digest());
    String configName = BlobPaths.relative(config.digest());
    List<Tars.Entry> entries = new ArrayList<>();
    for (Tars.Entry e : sampleEntries("")) {
      if (e.name().equals(layerName)) {
        entries.add(symlink(layerName, "../../outside"));
      } else if (e.name().equals(configName)) {
        entries.add(hardlink(configName, "oci-layout"));
      } else {
        entries.add(e);
      }
    }
    Path tar = Tars.tar(dir.resolve("links.tar"), entries);
    try (OciArchive archive = OciArchive.open(tar)) {
      assertThat(archive.contains(layer.digest())).isFalse();
      assertThatThrownBy(() -> archive.open(layer))
          .isInstanceOf(LayoutException.class)
          .hasMessageContaining(tar.toString())
          .hasMessageContaining(layerName)
          .hasMessageContaining("symbolic link");
      assertThatThrownBy(() -> archive.open(config))
          .isInstanceOf(LayoutException.class)
          .hasMessageContaining(configName)
          .hasMessageContaining("hard link");
      assertThatThrownBy(() -> archive.describe(config.digest()))
          .isInstanceOf(LayoutException.class);
    }

    List<Tars.Entry> linkedIndex = new ArrayList<>(sampleEntries(""));
    linkedIndex.set(1, symlink("index.json", "blobs/sha256/" + layer.digest().encoded()));
    Path indexLink = Tars.tar(dir.resolve("index-link.tar"), linkedIndex);
    assertThatThrownBy(() -> OciArchive.open(indexLink))
        .isInstanceOf(LayoutException.class)
        .hasMessageContaining("\"index.json\"")
        .hasMessageContaining("symbolic link");
  }

  @Test
  void aNameThatAppearsTwiceIsAmbiguous() throws IOException {
    List<Tars.Entry> entries = new ArrayList<>(sampleEntries(""));
    entries.add(file("./index.json", OciJson.toBytes(Index.builder().build())));
    Path tar = Tars.tar(dir.resolve("twice.tar"), entries);
    assertThatThrownBy(() -> OciArchive.open(tar))
        .isInstanceOfSatisfying(
            LayoutException.class, e -> assertThat(e.path()).isEqualTo(tar.toAbsolutePath()))
        .hasMessageContaining("\"index.json\"")
        .hasMessageContaining("more than once");
  }

  @Test
  void documentsAreReadWithTheLimit() throws IOException {
    Path tar = dir.resolve("hello.tar");
    OciArchive.write(sample, tar);
    try (OciArchive archive = OciArchive.open(tar)) {
      assertThat(archive.documentLimit()).isEqualTo(OciArchive.DEFAULT_DOCUMENT_LIMIT);
      OciArchive tight = archive.withDocumentLimit(100);
      assertThat(tight.documentLimit()).isEqualTo(100);
      assertThatThrownBy(tight::index)
          .isInstanceOf(LayoutException.class)
          .hasMessageContaining("larger than the limit of 100 bytes");
      Descriptor latest = sample.resolve("latest", null).descriptor();
      assertThatThrownBy(() -> tight.describe(latest.digest()))
          .isInstanceOf(dev.ocikit.blob.DocumentTooLargeException.class);
      assertThatThrownBy(() -> archive.withDocumentLimit(0))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void streamsReadFromManyThreadsAtOnceAndFailOnceClosed() throws Exception {
    Path tar = dir.resolve("hello.tar");
    OciArchive.write(sample, tar);
    Map<Digest, byte[]> blobs = blobFiles(sampleDir);
    OciArchive archive = OciArchive.open(tar);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Callable<Boolean>> reads = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        for (Map.Entry<Digest, byte[]> b : blobs.entrySet()) {
          reads.add(
              () -> {
                Descriptor d =
                    Descriptor.of(MediaType.OCTET_STREAM, b.getKey(), b.getValue().length);
                try (InputStream in = archive.open(d)) {
                  byte[] got = new byte[b.getValue().length];
                  int n = 0;
                  // small reads, so that the threads' reads interleave
                  for (int r; (r = in.read(got, n, Math.min(97, got.length - n))) > 0; ) {
                    n += r;
                  }
                  return in.read() == -1 && java.util.Arrays.equals(got, b.getValue());
                }
              });
        }
      }
      for (Future<Boolean> f : pool.invokeAll(reads)) {
        assertThat(f.get()).isTrue();
      }
    } finally {
      pool.shutdown();
    }
    Descriptor latest = sample.resolve("latest", null).descriptor();
    InputStream open = archive.open(latest);
    archive.close();
    assertThatThrownBy(open::read).isInstanceOf(IOException.class).hasMessageContaining("closed");
    assertThatThrownBy(() -> archive.open(latest))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("closed");
  }

  // --- interop -----------------------------------------------------------------------------------

  @Test
  void skopeoWritesArchivesThatOcikitReadsAndReadsArchivesOcikitWrites() throws Exception {
    Tars.requireTool("skopeo");
    Path theirs = dir.resolve("skopeo.tar");
    Tars.Result copied =
        Tars.run(
            dir,
            "skopeo",
            "copy",
            "oci:" + sampleDir + ":latest",
            "oci-archive:" + theirs + ":latest");
    assertThat(copied.status()).as(copied.err()).isZero();
    Manifest original = sample.resolve("latest", null).manifest().value();
    try (OciArchive archive = OciArchive.open(theirs)) {
      ImageRef latest = archive.resolve("latest", null);
      // skopeo compresses the uncompressed layer on the way; the config is the same.
      assertThat(latest.manifest().value().config().digest()).isEqualTo(original.config().digest());
      List<byte[]> blobs = readImage(archive, latest);
      assertThat(blobs).hasSize(2 + latest.manifest().value().layers().size());
      Path again = dir.resolve("again.tar");
      OciArchive.write(archive, again);
      try (OciArchive packed = OciArchive.open(again)) {
        assertThat(packed.resolve("latest", null).descriptor()).isEqualTo(latest.descriptor());
      }
    }

    Path ours = dir.resolve("ours.tar");
    OciArchive.write(sample, ours);
    Path out = dir.resolve("out");
    Tars.Result read =
        Tars.run(dir, "skopeo", "copy", "oci-archive:" + ours + ":latest", "oci:" + out + ":x");
    assertThat(read.status()).as(read.err()).isZero();
    OciLayout copy = OciLayout.open(out);
    assertThat(copy.resolve("x", null).manifest().value().config().digest())
        .isEqualTo(original.config().digest());
  }
}
