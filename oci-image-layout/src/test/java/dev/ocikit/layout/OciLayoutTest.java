package dev.ocikit.layout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ocikit.blob.BlobNotFoundException;
import dev.ocikit.blob.DocumentTooLargeException;
import dev.ocikit.digest.Digest;
import dev.ocikit.digest.DigestMismatchException;
import dev.ocikit.digest.SizeMismatchException;
import dev.ocikit.json.OciJson;
import dev.ocikit.model.Annotations;
import dev.ocikit.model.Descriptor;
import dev.ocikit.model.Index;
import dev.ocikit.model.MediaType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OciLayoutTest {
  @TempDir Path dir;

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] readAll(InputStream in) throws IOException {
    try (in) {
      return in.readAllBytes();
    }
  }

  @Test
  void createdLayoutHasHeaderIndexAndBlobs() throws IOException {
    OciLayout layout = OciLayout.create(dir.resolve("l"));
    assertThat(layout.root().resolve("oci-layout"))
        .hasContent("{\"imageLayoutVersion\":\"1.0.0\"}");
    assertThat(layout.index().value()).isEqualTo(Index.builder().build());
    assertThat(layout.root().resolve("blobs")).isDirectory();
    assertThat(OciLayout.open(dir.resolve("l")).root()).isEqualTo(layout.root());
    assertThatThrownBy(() -> OciLayout.create(dir.resolve("l")))
        .isInstanceOf(LayoutException.class)
        .hasMessageContaining("already a layout");
    assertThat(OciLayout.openOrCreate(dir.resolve("l")).root()).isEqualTo(layout.root());
    assertThat(OciLayout.openOrCreate(dir.resolve("new")).refs()).isEmpty();
  }

  @Test
  void openNamesWhatIsWrongWithALayout() throws IOException {
    // image-layout.md: the oci-layout file "MUST exist" and index.json "MUST exist".
    Path empty = Files.createDirectories(dir.resolve("empty"));
    assertThatThrownBy(() -> OciLayout.open(empty))
        .isInstanceOfSatisfying(
            LayoutException.class, e -> assertThat(e.path()).isEqualTo(empty.resolve("oci-layout")))
        .hasMessageContaining("MUST have an oci-layout");
    Files.writeString(empty.resolve("oci-layout"), "{\"imageLayoutVersion\":\"2.0.0\"}");
    assertThatThrownBy(() -> OciLayout.open(empty))
        .isInstanceOfSatisfying(LayoutException.class, e -> assertThat(e.notFound()).isFalse())
        .hasMessageContaining("\"2.0.0\"");
    Files.writeString(empty.resolve("oci-layout"), "not json");
    assertThatThrownBy(() -> OciLayout.open(empty)).hasMessageContaining("invalid JSON");
    Files.writeString(empty.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    assertThatThrownBy(() -> OciLayout.open(empty)).hasMessageContaining("index.json");
    Files.writeString(empty.resolve("index.json"), "{]");
    OciLayout layout = OciLayout.open(empty);
    assertThatThrownBy(layout::index)
        .isInstanceOf(LayoutException.class)
        .hasMessageContaining("index.json");
    // Broken, above; not there, here: a command line says usage error rather than invalid.
    assertThatThrownBy(() -> OciLayout.open(dir.resolve("absent")))
        .isInstanceOfSatisfying(LayoutException.class, e -> assertThat(e.notFound()).isTrue())
        .hasMessageContaining("no such directory");
  }

  @Test
  void blobsAreWrittenUnderTheirDigestAndReadBackVerified() throws IOException {
    OciLayout layout = OciLayout.create(dir.resolve("l"));
    byte[] content = utf8("hello blob\n");
    Descriptor d = layout.writeBlob(MediaType.OCTET_STREAM, content);
    assertThat(d.digest()).isEqualTo(Digest.sha256(content));
    assertThat(d.size()).isEqualTo(content.length);
    Path file = layout.root().resolve("blobs/sha256/" + d.digest().encoded());
    assertThat(file).hasBinaryContent(content);
    assertThat(readAll(layout.open(d))).isEqualTo(content);
    assertThat(layout.writeBlob(MediaType.OCTET_STREAM, content)).isEqualTo(d);
    assertThat(layout.writeBlob(d, new ByteArrayInputStream(content))).isEqualTo(d);
    try (Stream<Path> temps = Files.list(layout.root().resolve(OciLayout.TEMP_DIR))) {
      assertThat(temps).as("no temporary file is left behind").isEmpty();
    }
  }

  @Test
  void readingATamperedBlobFailsWithTheDigestAtFault() throws IOException {
    OciLayout layout = OciLayout.create(dir.resolve("l"));
    Descriptor d = layout.writeBlob(MediaType.OCTET_STREAM, utf8("original"));
    Path file = layout.blobPath(d.digest());
    Files.writeString(file, "0riginal");
    assertThatThrownBy(() -> readAll(layout.open(d)))
        .isInstanceOfSatisfying(
            DigestMismatchException.class,
            e -> {
              assertThat(e.expected()).isEqualTo(d.digest());
              assertThat(e.subject()).contains(d.digest().encoded());
            });
    Files.writeString(file, "origina");
    assertThatThrownBy(() -> readAll(layout.open(d))).isInstanceOf(SizeMismatchException.class);
    Files.writeString(file, "original plus a lot more");
    assertThatThrownBy(() -> readAll(layout.open(d)))
        .isInstanceOfSatisfying(
            SizeMismatchException.class, e -> assertThat(e.stoppedEarly()).isTrue());
    Files.delete(file);
    assertThatThrownBy(() -> layout.open(d))
        .isInstanceOfSatisfying(
            BlobNotFoundException.class, e -> assertThat(e.digest()).isEqualTo(d.digest()));
  }

  @Test
  void contentThatDoesNotMatchItsDescriptorIsNeverStored() throws IOException {
    OciLayout layout = OciLayout.create(dir.resolve("l"));
    Descriptor expected = Descriptor.of(MediaType.OCTET_STREAM, utf8("right"));
    assertThatThrownBy(() -> layout.writeBlob(expected, new ByteArrayInputStream(utf8("wrong"))))
        .isInstanceOf(DigestMismatchException.class);
    assertThatThrownBy(() -> layout.writeBlob(expected, new ByteArrayInputStream(utf8("longer!"))))
        .isInstanceOf(SizeMismatchException.class);
    assertThat(layout.contains(expected.digest())).isFalse();
    try (Stream<Path> temps = Files.list(layout.root().resolve(OciLayout.TEMP_DIR))) {
      assertThat(temps).isEmpty();
    }
  }

  @Test
  void aBlobOrIndexThatIsAFifoOrDirectoryIsRefusedWithoutWaitingForAWriter() throws Exception {
    // Opening a FIFO for reading waits for a writer: a hostile layout must not hang a reader.
    OciLayout layout = OciLayout.create(dir.resolve("l"));
    Descriptor fifo = Descriptor.of(MediaType.OCTET_STREAM, utf8("fifo"));
    Descriptor directory = Descriptor.of(MediaType.OCTET_STREAM, utf8("directory"));
    Files.createDirectories(layout.blobPath(fifo.digest()).getParent());
    Process mkfifo =
        new ProcessBuilder("mkfifo", layout.blobPath(fifo.digest()).toString()).start();
    assertThat(mkfifo.waitFor()).isZero();
    Files.createDirectory(layout.blobPath(directory.digest()));
    assertThatThrownBy(() -> layout.open(fifo))
        .isInstanceOf(LayoutException.class)
        .hasMessageContaining(fifo.digest().encoded())
        .hasMessageContaining("blob is a special file (a FIFO, socket or device); refused");
    assertThatThrownBy(() -> layout.open(directory))
        .isInstanceOf(LayoutException.class)
        .hasMessageContaining("blob is a directory; refused");
    assertThat(layout.contains(fifo.digest())).isFalse();

    Path index = layout.root().resolve("index.json");
    Files.delete(index);
    assertThat(new ProcessBuilder("mkfifo", index.toString()).start().waitFor()).isZero();
    assertThatThrownBy(layout::index)
        .isInstanceOf(LayoutException.class)
        .hasMessageContaining("index.json is a special file");
    assertThatThrownBy(() -> OciLayout.open(layout.root()))
        .isInstanceOf(LayoutException.class)
        .hasMessageContaining("index.json is a special file");
  }

  @Test
  void symlinkedBlobsAreRefused() throws IOException {
    OciLayout layout = OciLayout.create(dir.resolve("l"));
    Path outside = Files.writeString(dir.resolve("secret"), "secret");
    Descriptor d = Descriptor.of(MediaType.OCTET_STREAM, utf8("secret"));
    Files.createDirectories(layout.blobPath(d.digest()).getParent());
    Files.createSymbolicLink(layout.blobPath(d.digest()), outside);
    assertThatThrownBy(() -> layout.open(d))
        .isInstanceOf(LayoutException.class)
        .hasMessageContaining("symbolic link");
    assertThat(layout.contains(d.digest())).isFalse();
  }

  @Test
  void embeddedDataIsServedWithoutTouchingDisk() throws IOException {
    OciLayout layout = OciLayout.create(dir.resolve("l"));
    assertThat(readAll(layout.open(Descriptor.EMPTY_JSON))).isEqualTo(utf8("{}"));
    assertThat(layout.contains(Descriptor.EMPTY_JSON.digest())).isFalse();
  }

  @Test
  void documentsOverTheLimitAreRefusedBeforeReading() throws IOException {
    OciLayout layout = OciLayout.create(dir.resolve("l")).withDocumentLimit(16);
    Descriptor big = Descriptor.of(MediaType.IMAGE_MANIFEST, Digest.sha256(new byte[0]), 17);
    assertThatThrownBy(() -> layout.readManifest(big))
        .isInstanceOfSatisfying(
            DocumentTooLargeException.class, e -> assertThat(e.limit()).isEqualTo(16));
  }

  @Test
  void tagsReplaceTheDescriptorHoldingTheName() throws IOException {
    OciLayout layout = OciLayout.create(dir.resolve("l"));
    Descriptor a = layout.writeBlob(MediaType.IMAGE_MANIFEST, utf8("a"));
    Descriptor b = layout.writeBlob(MediaType.IMAGE_MANIFEST, utf8("b"));
    layout.tag("v1", a);
    layout.tag("latest", a);
    layout.tag("v1", b);
    assertThat(layout.refs()).containsExactly("v1", "latest");
    Index index = layout.index().value();
    assertThat(index.manifests().get(0).digest()).isEqualTo(b.digest());
    assertThat(index.manifests().get(0).refName()).contains("v1");
    assertThat(layout.untag("latest")).isTrue();
    assertThat(layout.untag("latest")).isFalse();
    assertThat(layout.refs()).containsExactly("v1");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> layout.tag("bad name", a))
        .withMessageContaining("invalid ref name");
    assertThat(layout.remove(b.digest())).isTrue();
    assertThat(layout.index().value().manifests()).isEmpty();
    // The index is always written canonically and stays valid JSON.
    assertThat(OciJson.readTree(Files.readAllBytes(layout.root().resolve("index.json"))))
        .isNotNull();
  }

  @Test
  void threadsTaggingAtOnceLoseNothing() throws Exception {
    OciLayout layout = OciLayout.create(dir.resolve("l"));
    int threads = 8;
    int each = 25;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      futures.add(
          pool.submit(
              () -> {
                for (int i = 0; i < each; i++) {
                  String ref = "t" + id + "-" + i;
                  // Every thread also writes one shared blob: same name, same bytes.
                  layout.writeBlob(MediaType.OCTET_STREAM, utf8("shared"));
                  layout.tag(ref, layout.writeBlob(MediaType.IMAGE_MANIFEST, utf8(ref)));
                }
                return null;
              }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
    assertThat(layout.refs()).hasSize(threads * each);
    for (Descriptor d : layout.index().value().manifests()) {
      assertThat(readAll(layout.open(d))).isEqualTo(utf8(d.refName().orElseThrow()));
    }
  }

  @Test
  void processesTaggingAtOnceLoseNothing() throws Exception {
    OciLayout layout = OciLayout.create(dir.resolve("l"));
    String classpath =
        System.getProperty("java.class.path")
            + java.io.File.pathSeparator
            + System.getProperty("jdk.module.path", "");
    List<Process> processes = new ArrayList<>();
    for (String prefix : List.of("p1", "p2")) {
      processes.add(
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  classpath,
                  TagWorker.class.getName(),
                  layout.root().toString(),
                  prefix,
                  "40")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start());
    }
    for (Process p : processes) {
      assertThat(p.waitFor()).isZero();
    }
    assertThat(layout.refs()).hasSize(80);
  }

  @Test
  void refNamesOfSeveralEntriesAreListedOnce() throws IOException {
    OciLayout layout = OciLayout.create(dir.resolve("l"));
    Descriptor a = layout.writeBlob(MediaType.IMAGE_MANIFEST, utf8("a"));
    layout.add(a.withAnnotation(Annotations.REF_NAME, "multi"));
    layout.add(
        layout
            .writeBlob(MediaType.IMAGE_MANIFEST, utf8("b"))
            .withAnnotation(Annotations.REF_NAME, "multi"));
    assertThat(layout.refs()).containsExactly("multi");
    assertThat(layout.index().value().manifests()).hasSize(2);
  }
}
