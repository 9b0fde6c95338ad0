package dev.ocikit.layout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ocikit.digest.Digest;
import dev.ocikit.model.Descriptor;
import dev.ocikit.model.ImageConfig;
import dev.ocikit.model.Index;
import dev.ocikit.model.Manifest;
import dev.ocikit.model.MediaType;
import dev.ocikit.model.Platform;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GcAndCopyTest {
  @TempDir Path dir;

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** An image with an artifact whose subject is it, the artifact not listed in index.json. */
  record Fixture(Descriptor image, Descriptor artifact, Descriptor artifactLayer) {}

  static Fixture fixture(OciLayout layout) throws IOException {
    Descriptor image = ResolveTest.image(layout, Platform.of("linux", "amd64"));
    layout.tag("app", image);
    Descriptor sbom = layout.writeBlob("application/spdx+json", utf8("{\"sbom\":true}"));
    Descriptor artifact =
        layout.writeDocument(
            Manifest.builder()
                .artifactType("application/spdx+json")
                .config(Descriptor.EMPTY_JSON)
                .addLayer(sbom)
                .subject(image.withPlatform(null))
                .build());
    return new Fixture(image, artifact, sbom);
  }

  @Test
  void gcRemovesOnlyWhatNothingReachesAndKeepsReferrers() throws IOException {
    OciLayout layout = OciLayout.create(dir.resolve("l"));
    Fixture f = fixture(layout);
    Descriptor orphan = layout.writeBlob(MediaType.OCTET_STREAM, utf8("nobody needs me"));
    Descriptor untagged = ResolveTest.image(layout, Platform.of("linux", "arm64"));
    Path unknownFile = Files.writeString(layout.root().resolve("blobs/sha256/not-a-digest"), "x");
    Path unknownDir = Files.createDirectories(layout.root().resolve("blobs/custom"));
    Files.writeString(unknownDir.resolve("file"), "y");

    GcResult result = layout.gc();

    assertThat(result.removedBlobs()).contains(orphan.digest(), untagged.digest());
    assertThat(layout.contains(orphan.digest())).isFalse();
    assertThat(layout.contains(f.image().digest())).isTrue();
    assertThat(layout.contains(f.artifact().digest())).as("a referrer of a kept image").isTrue();
    assertThat(layout.contains(f.artifactLayer().digest())).isTrue();
    assertThat(unknownFile).as("files it does not know are left alone").exists();
    assertThat(unknownDir.resolve("file")).exists();
    assertThat(LayoutChecker.check(layout.root(), true))
        .singleElement()
        .satisfies(p -> assertThat(p.isError()).as("the unknown file is a warning").isFalse());
    // Every blob of the kept image is still there.
    Manifest m = layout.resolve("app", null).manifest().value();
    assertThat(layout.contains(m.config().digest())).isTrue();
    m.layers().forEach(l -> assertThat(layout.contains(l.digest())).isTrue());
    assertThat(layout.gc().removedBlobs()).as("a second run removes nothing").isEmpty();
  }

  @Test
  void gcRemovesAbandonedTempFilesButNotThoseBeingWritten() throws IOException {
    OciLayout layout = OciLayout.create(dir.resolve("l"));
    Path temps = Files.createDirectories(layout.root().resolve(OciLayout.TEMP_DIR));
    Path abandoned = Files.writeString(temps.resolve("dead.tmp"), "partial");
    Path recent = Files.writeString(temps.resolve("recent.tmp"), "just created, not yet locked");
    Path busy = temps.resolve("busy.tmp");
    java.nio.file.attribute.FileTime old =
        java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 3_600_000);
    Files.setLastModifiedTime(abandoned, old);
    try (FileChannel channel =
            FileChannel.open(busy, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        FileLock lock = channel.lock()) {
      assertThat(lock.isValid()).isTrue();
      Files.setLastModifiedTime(busy, old);
      GcResult result = layout.gc();
      assertThat(result.removedTempFiles()).isEqualTo(1);
      assertThat(abandoned).doesNotExist();
      assertThat(busy).exists();
      assertThat(recent).as("too young to tell").exists();
    }
  }

  @Test
  void gcStopsWithoutRemovingAnythingWhenAReachableDocumentIsUnreadable() throws IOException {
    OciLayout layout = OciLayout.create(dir.resolve("l"));
    Fixture f = fixture(layout);
    Descriptor orphan = layout.writeBlob(MediaType.OCTET_STREAM, utf8("orphan"));
    Files.writeString(layout.blobPath(f.image().digest()), "garbage");
    org.assertj.core.api.Assertions.assertThatThrownBy(layout::gc)
        .isInstanceOf(LayoutException.class)
        .hasMessageContaining("without removing anything");
    assertThat(layout.contains(orphan.digest())).isTrue();
  }

  @Test
  void copyWritesOnlyMissingBlobsChildrenFirst() throws IOException {
    OciLayout source = OciLayout.create(dir.resolve("src"));
    Descriptor amd64 = ResolveTest.image(source, Platform.of("linux", "amd64"));
    Descriptor arm64 = ResolveTest.image(source, Platform.of("linux", "arm64"));
    Descriptor index = source.writeDocument(Index.of(List.of(amd64, arm64)));
    OciLayout target = OciLayout.create(dir.resolve("dst"));
    // The target already has one of the images.
    target.copyFrom(source, amd64);
    Manifest amd64Manifest = source.readManifest(amd64).value();
    Files.setLastModifiedTime(
        target.blobPath(amd64Manifest.layers().get(0).digest()),
        java.nio.file.attribute.FileTime.fromMillis(0));

    target.copyFrom(source, index);
    target.tag("multi", index);

    assertThat(
            Files.getLastModifiedTime(target.blobPath(amd64Manifest.layers().get(0).digest()))
                .toMillis())
        .as("an existing blob is not written again")
        .isZero();
    assertThat(LayoutChecker.check(target.root(), true)).isEmpty();
    assertThat(target.resolve("multi", Platform.parse("linux/arm64")).descriptor().digest())
        .isEqualTo(arm64.digest());
    ImageConfig config =
        target
            .readConfig(
                target.resolve("multi", Platform.parse("linux/arm64")).manifest().value().config())
            .value();
    assertThat(config.architecture()).isEqualTo("arm64");
  }

  @Test
  void copyStoresBlobsThatDescriptorsAlsoEmbed() throws IOException {
    // descriptor.md's "data" is a copy: readers that ignore it look for the blob, so a copy
    // must have it, whether the source stored it or only embedded it.
    OciLayout source = OciLayout.create(dir.resolve("src"));
    Descriptor layer = source.writeBlob(MediaType.IMAGE_LAYER, utf8("not a real tar"));
    Manifest artifact =
        Manifest.builder()
            .artifactType("application/example")
            .config(Descriptor.EMPTY_JSON)
            .layers(List.of(layer))
            .build();
    Descriptor m = source.writeDocument(artifact); // the {} blob is only embedded in the source
    OciLayout target = OciLayout.create(dir.resolve("dst"));
    target.copyFrom(source, m);
    assertThat(target.contains(Descriptor.EMPTY_JSON.digest())).isTrue();
    assertThat(Files.readString(target.blobPath(Descriptor.EMPTY_JSON.digest()))).isEqualTo("{}");
    assertThat(target.contains(m.digest())).isTrue();
  }

  @Test
  void copyRefusesContentThatDoesNotMatch() throws IOException {
    OciLayout source = OciLayout.create(dir.resolve("src"));
    Descriptor image = ResolveTest.image(source, Platform.of("linux", "amd64"));
    Manifest m = source.readManifest(image).value();
    Path layer = source.blobPath(m.layers().get(0).digest());
    byte[] bytes = Files.readAllBytes(layer);
    bytes[0] ^= 1;
    Files.write(layer, bytes);
    OciLayout target = OciLayout.create(dir.resolve("dst"));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> target.copyFrom(source, image))
        .isInstanceOf(dev.ocikit.digest.DigestMismatchException.class);
    assertThat(target.contains(m.layers().get(0).digest())).isFalse();
    assertThat(target.contains(image.digest())).as("no manifest without its layers").isFalse();
    Digest unused = image.digest();
    assertThat(unused).isNotNull();
  }

  @Test
  void gcKeepsBlobsOfUnknownMediaTypesAsLeaves() throws IOException {
    // image-index.md: "An encountered mediaType that is unknown to the implementation MUST NOT
    // generate an error."
    OciLayout layout = OciLayout.create(dir.resolve("l"));
    Descriptor xml = layout.writeBlob("application/xml", utf8("<appstream/>"));
    layout.tag("metainfo", xml);
    GcResult result = layout.gc();
    assertThat(result.removedBlobs()).isEmpty();
    assertThat(layout.contains(xml.digest())).isTrue();
    assertThat(LayoutChecker.check(layout.root(), true)).isEmpty();
  }

  @Test
  void artifactsAreListedApartFromImages() throws IOException {
    OciLayout layout = OciLayout.create(dir.resolve("l"));
    Fixture f = fixture(layout);
    layout.add(f.artifact());
    assertThat(layout.images()).hasSize(2);
    assertThat(layout.artifacts())
        .singleElement()
        .satisfies(a -> assertThat(a.descriptor().digest()).isEqualTo(f.artifact().digest()));
  }

  @Test
  void gcDuringAWriteInThisJvmLeavesTheWriterAlone() throws Exception {
    // Opening a file that this process has locked, then closing it, would drop the writer's lock
    // (POSIX); gc must recognise this JVM's writers without touching their files.
    OciLayout layout = OciLayout.create(dir.resolve("l"));
    java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    java.io.InputStream slow =
        new java.io.InputStream() {
          int sent;

          @Override
          public int read() throws IOException {
            if (sent == 10) {
              started.countDown();
              try {
                release.await();
              } catch (InterruptedException e) {
                throw new IOException(e);
              }
            }
            return sent++ < 20 ? 'x' : -1;
          }
        };
    var writer =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> {
              try {
                return layout.writeBlob(MediaType.OCTET_STREAM, slow);
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    started.await();
    Path temp;
    try (var files = Files.list(layout.root().resolve(OciLayout.TEMP_DIR))) {
      temp = files.findFirst().orElseThrow();
    }
    Files.setLastModifiedTime(temp, java.nio.file.attribute.FileTime.fromMillis(0));
    assertThat(layout.gc().removedTempFiles()).isZero();
    assertThat(temp).exists();
    release.countDown();
    Descriptor written = writer.get();
    assertThat(written.size()).isEqualTo(20);
    assertThat(layout.contains(written.digest())).isTrue();
  }
}
