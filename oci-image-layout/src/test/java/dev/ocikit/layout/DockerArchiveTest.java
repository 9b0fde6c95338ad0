package dev.ocikit.layout;

import static dev.ocikit.layout.Tars.file;
import static dev.ocikit.layout.Tars.symlink;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ocikit.blob.BlobNotFoundException;
import dev.ocikit.digest.Digest;
import dev.ocikit.digest.DigestMismatchException;
import dev.ocikit.json.OciJson;
import dev.ocikit.model.Annotations;
import dev.ocikit.model.Descriptor;
import dev.ocikit.model.ImageConfig;
import dev.ocikit.model.Index;
import dev.ocikit.model.Manifest;
import dev.ocikit.model.MediaType;
import dev.ocikit.validation.DocumentType;
import dev.ocikit.validation.Problem;
import dev.ocikit.validation.Validator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerArchiveTest {
  @TempDir Path dir;

  byte[] plainLayer;
  byte[] gzipLayer;
  byte[] zstdLayer;
  byte[] amd64Config;
  byte[] arm64Config;

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] config(String architecture, byte[]... diffs) {
    List<String> ids = new ArrayList<>();
    for (byte[] d : diffs) {
      ids.add("\"" + Digest.sha256(d) + "\"");
    }
    return utf8(
        "{\"architecture\":\""
            + architecture
            + "\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"/bin/sh\"]},"
            + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":["
            + String.join(",", ids)
            + "]}}");
  }

  @BeforeEach
  void layers() throws IOException {
    plainLayer = Tars.tar(List.of(file("etc/hello.txt", "hello\n")));
    byte[] motd = Tars.tar(List.of(file("etc/motd", "welcome\n")));
    gzipLayer = Tars.gzip(motd);
    byte[] zz = Tars.tar(List.of(file("etc/zz", "zstd\n")));
    zstdLayer = Tars.zstd(zz);
    amd64Config = config("amd64", plainLayer, motd);
    arm64Config = config("arm64", plainLayer, zz);
  }

  static String hex(byte[] content) {
    return Digest.sha256(content).encoded();
  }

  /** A {@code docker save} tar as Docker before 25 writes it, a shared layer as a symlink. */
  Path legacyArchive() throws IOException {
    String manifest =
        "[{\"Config\":\""
            + hex(amd64Config)
            + ".json\",\"RepoTags\":[\"hello:latest\",\"docker.io/team/app:1\"],"
            + "\"Layers\":[\"aaa/layer.tar\",\"bbb/layer.tar\"]},"
            + "{\"Config\":\""
            + hex(arm64Config)
            + ".json\",\"RepoTags\":null,\"Layers\":[\"ccc/layer.tar\",\"ddd/layer.tar\"]}]";
    return Tars.tar(
        dir.resolve("legacy.tar"),
        List.of(
            file("aaa/VERSION", "1.0"),
            file("aaa/layer.tar", plainLayer),
            file("./bbb/layer.tar", gzipLayer),
            symlink("ccc/layer.tar", "../aaa/layer.tar"),
            file("ddd/layer.tar", zstdLayer),
            file(hex(amd64Config) + ".json", amd64Config),
            file(hex(arm64Config) + ".json", arm64Config),
            file("repositories", "{\"hello\":{\"latest\":\"aaa\"}}"),
            file("manifest.json", manifest)));
  }

  static byte[] read(ImageLayout layout, Descriptor d) throws IOException {
    try (InputStream in = layout.open(d)) {
      return in.readAllBytes();
    }
  }

  @Test
  void imagesAreSynthesizedDockerManifestsOfTheEntries() throws IOException {
    try (DockerArchive archive = DockerArchive.open(legacyArchive())) {
      ImageRef hello = archive.resolve("hello:latest", null);
      Manifest m = hello.manifest().value();
      assertThat(hello.descriptor().mediaType()).isEqualTo(MediaType.DOCKER_MANIFEST);
      assertThat(m.mediaType()).isEqualTo(MediaType.DOCKER_MANIFEST);
      assertThat(m.config()).isEqualTo(Descriptor.of(MediaType.DOCKER_CONFIG, amd64Config));
      assertThat(m.layers())
          .containsExactly(
              Descriptor.of(MediaType.DOCKER_LAYER_TAR, plainLayer),
              Descriptor.of(MediaType.DOCKER_LAYER_GZIP, gzipLayer));
      assertThat(hello.manifest().bytes()).as("canonical").isEqualTo(OciJson.toBytes(m));
      assertThat(hello.platform()).hasToString("linux/amd64");

      List<Problem> problems =
          Validator.get().validate(DocumentType.MANIFEST, read(archive, hello.descriptor()));
      assertThat(problems).filteredOn(Problem::isError).isEmpty();

      assertThat(read(archive, m.config())).isEqualTo(amd64Config);
      assertThat(read(archive, m.layers().get(0))).isEqualTo(plainLayer);
      assertThat(read(archive, m.layers().get(1))).isEqualTo(gzipLayer);
      ImageConfig config = archive.readConfig(m.config()).value();
      assertThat(config.rootfs().diffIds()).hasSize(2);
    }
  }

  @Test
  void refsAreTheRepoTagsInFamiliarFormAndEverySpellingResolves() throws IOException {
    try (DockerArchive archive = DockerArchive.open(legacyArchive())) {
      assertThat(archive.refs()).containsExactly("hello:latest", "team/app:1");
      List<Descriptor> entries = archive.index().value().manifests();
      assertThat(entries).hasSize(3);
      assertThat(entries.get(0).annotations())
          .containsEntry(Annotations.REF_NAME, "hello:latest")
          .containsEntry(DockerArchive.IMAGE_NAME, "docker.io/library/hello:latest");
      assertThat(entries.get(1).annotations())
          .containsEntry(Annotations.REF_NAME, "team/app:1")
          .containsEntry(DockerArchive.IMAGE_NAME, "docker.io/team/app:1");
      assertThat(entries.get(2).annotations()).as("no RepoTags").isEmpty();
      assertThat(entries.get(0).digest()).isEqualTo(entries.get(1).digest());

      Digest hello = entries.get(0).digest();
      for (String spelling :
          List.of(
              "hello:latest",
              "hello",
              "docker.io/library/hello:latest",
              "docker.io/library/hello",
              "team/app:1",
              "docker.io/team/app:1")) {
        assertThat(archive.resolve(spelling, null).descriptor().digest())
            .as(spelling)
            .isEqualTo(hello);
      }
      assertThat(archive.resolve("docker.io/library/hello", null).refName())
          .isEqualTo("hello:latest");
      assertThatThrownBy(() -> archive.resolve("hello:nope", null))
          .isInstanceOf(LayoutException.class)
          .hasMessageContaining("no ref \"hello:nope\"")
          .hasMessageContaining("hello:latest, team/app:1");
      assertThatThrownBy(() -> archive.resolveOnly(null)).hasMessageContaining("3 entries");
    }
  }

  @Test
  void anImageWithoutRepoTagsIsReachedByDigestAndSharedLayersFollowTheirLinks() throws IOException {
    try (DockerArchive archive = DockerArchive.open(legacyArchive())) {
      List<ImageRef> images = archive.images();
      assertThat(images)
          .extracting(ImageRef::refName)
          .containsExactly("hello:latest", "team/app:1", null);
      ImageRef untagged = archive.resolve(images.get(2).descriptor().digest().toString(), null);
      assertThat(untagged.platform()).hasToString("linux/arm64");
      Manifest m = untagged.manifest().value();
      assertThat(m.layers())
          .containsExactly(
              Descriptor.of(MediaType.DOCKER_LAYER_TAR, plainLayer),
              Descriptor.of(MediaType.IMAGE_LAYER_ZSTD, zstdLayer));
      assertThat(read(archive, m.layers().get(0))).isEqualTo(plainLayer);
      assertThat(read(archive, m.layers().get(1))).isEqualTo(zstdLayer);

      assertThat(archive.describe(Digest.sha256(gzipLayer)))
          .isEqualTo(Descriptor.of(MediaType.DOCKER_LAYER_GZIP, gzipLayer));
      assertThat(archive.describe(Digest.sha256(arm64Config)))
          .isEqualTo(Descriptor.of(MediaType.DOCKER_CONFIG, arm64Config));
      assertThat(archive.describe(untagged.descriptor().digest())).isEqualTo(untagged.descriptor());
      Digest absent = Digest.sha256(utf8("absent"));
      assertThat(archive.contains(absent)).isFalse();
      assertThat(archive.contains(Digest.sha256(zstdLayer))).isTrue();
      assertThatThrownBy(() -> archive.open(Descriptor.of(MediaType.DOCKER_LAYER_TAR, absent, 6)))
          .isInstanceOf(BlobNotFoundException.class);
      // A descriptor that lies about the size fails as it is read.
      Descriptor wrong = Descriptor.of(MediaType.DOCKER_LAYER_TAR, Digest.sha256(plainLayer), 10);
      assertThatThrownBy(() -> read(archive, wrong)).isInstanceOf(IOException.class);
    }
  }

  /** A {@code docker save} tar as Docker 25 writes it, with an OCI layout beside manifest.json. */
  Path docker25Archive(byte[] storedLayer) throws IOException {
    String manifest =
        "[{\"Config\":\"blobs/sha256/"
            + hex(amd64Config)
            + "\",\"RepoTags\":[\"hello:latest\"],\"Layers\":[\"blobs/sha256/"
            + hex(plainLayer)
            + "\",\"blobs/sha256/"
            + hex(gzipLayer)
            + "\"],\"LayerSources\":{}}]";
    return Tars.tar(
        dir.resolve("docker25.tar"),
        List.of(
            Tars.directory("blobs/"),
            Tars.directory("blobs/sha256/"),
            file("blobs/sha256/" + hex(amd64Config), amd64Config),
            file("blobs/sha256/" + hex(plainLayer), storedLayer),
            file("blobs/sha256/" + hex(gzipLayer), gzipLayer),
            file("index.json", OciJson.toBytes(Index.builder().build())),
            file("manifest.json", manifest),
            file("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}")));
  }

  @Test
  void aDocker25ArchiveIsReadFromItsManifestJson() throws IOException {
    try (DockerArchive archive = DockerArchive.open(docker25Archive(plainLayer))) {
      assertThat(archive.refs()).containsExactly("hello:latest");
      Manifest m = archive.resolve("hello:latest", null).manifest().value();
      assertThat(m.config().digest()).isEqualTo(Digest.sha256(amd64Config));
      assertThat(m.layers())
          .containsExactly(
              Descriptor.of(MediaType.DOCKER_LAYER_TAR, plainLayer),
              Descriptor.of(MediaType.DOCKER_LAYER_GZIP, gzipLayer));
      assertThat(read(archive, m.layers().get(0))).isEqualTo(plainLayer);
    }
  }

  @Test
  void aBlobEntryNamedByDigestIsCheckedWhenRead() throws IOException {
    byte[] tampered = plainLayer.clone();
    tampered[600] ^= 1;
    try (DockerArchive archive = DockerArchive.open(docker25Archive(tampered))) {
      Descriptor layer = archive.resolve("hello", null).manifest().value().layers().get(0);
      assertThat(layer.digest()).isEqualTo(Digest.sha256(plainLayer));
      assertThatThrownBy(() -> read(archive, layer))
          .isInstanceOf(DigestMismatchException.class)
          .hasMessageContaining("blobs/sha256/" + hex(plainLayer));
    }
  }

  @Test
  void aDockerArchivePacksIntoAnOciArchive() throws IOException {
    Path tar = dir.resolve("oci.tar");
    try (DockerArchive archive = DockerArchive.open(legacyArchive())) {
      OciArchive.write(archive, tar);
      try (OciArchive oci = OciArchive.open(tar)) {
        assertThat(oci.index().bytes()).isEqualTo(archive.index().bytes());
        assertThat(oci.refs()).containsExactly("hello:latest", "team/app:1");
        ImageRef hello = oci.resolve("hello:latest", null);
        assertThat(hello.descriptor().digest())
            .isEqualTo(archive.resolve("hello:latest", null).descriptor().digest());
        for (ImageRef image : oci.images()) {
          assertThat(OciArchiveTest.readImage(oci, image)).hasSize(4);
        }
      }
    }
  }

  @Test
  void brokenArchivesAreRefusedNamingTheFileAndTheEntry() throws IOException {
    Path none = Tars.tar(dir.resolve("none.tar"), List.of(file("hello.txt", "hi")));
    assertThatThrownBy(() -> DockerArchive.open(none))
        .isInstanceOf(LayoutException.class)
        .hasMessageContaining(none.toString())
        .hasMessageContaining("\"manifest.json\"")
        .hasMessageContaining("missing");

    Path object = Tars.tar(dir.resolve("object.tar"), List.of(file("manifest.json", "{}")));
    assertThatThrownBy(() -> DockerArchive.open(object))
        .isInstanceOf(LayoutException.class)
        .hasMessageContaining("expected a JSON array");

    Path notJson = Tars.tar(dir.resolve("not-json.tar"), List.of(file("manifest.json", "[{")));
    assertThatThrownBy(() -> DockerArchive.open(notJson))
        .isInstanceOf(LayoutException.class)
        .hasMessageContaining("\"manifest.json\"");

    Path noConfig =
        Tars.tar(dir.resolve("no-config.tar"), List.of(file("manifest.json", "[{\"Layers\":[]}]")));
    assertThatThrownBy(() -> DockerArchive.open(noConfig))
        .isInstanceOf(LayoutException.class)
        .hasMessageContaining("[0].Config: expected a string");

    Path absent =
        Tars.tar(
            dir.resolve("absent.tar"),
            List.of(
                file("c.json", amd64Config),
                file("manifest.json", "[{\"Config\":\"c.json\",\"Layers\":[\"zzz/layer.tar\"]}]")));
    assertThatThrownBy(() -> DockerArchive.open(absent))
        .isInstanceOf(LayoutException.class)
        .hasMessageContaining(absent.toString())
        .hasMessageContaining("\"zzz/layer.tar\"")
        .hasMessageContaining("[0].Layers[0]")
        .hasMessageContaining("not in the archive");

    Path escape =
        Tars.tar(
            dir.resolve("escape.tar"),
            List.of(
                file("c.json", amd64Config),
                symlink("a/layer.tar", "../../../etc/passwd"),
                file("manifest.json", "[{\"Config\":\"c.json\",\"Layers\":[\"a/layer.tar\"]}]")));
    assertThatThrownBy(() -> DockerArchive.open(escape))
        .isInstanceOf(LayoutException.class)
        .hasMessageContaining("outside the archive");

    Path loop =
        Tars.tar(
            dir.resolve("loop.tar"),
            List.of(
                file("c.json", amd64Config),
                symlink("a/layer.tar", "../b/layer.tar"),
                symlink("b/layer.tar", "../a/layer.tar"),
                file("manifest.json", "[{\"Config\":\"c.json\",\"Layers\":[\"a/layer.tar\"]}]")));
    assertThatThrownBy(() -> DockerArchive.open(loop))
        .isInstanceOf(LayoutException.class)
        .hasMessageContaining("links deep");

    Path gz =
        Files.write(dir.resolve("saved.tar.gz"), Tars.gzip(Files.readAllBytes(legacyArchive())));
    assertThatThrownBy(() -> DockerArchive.open(gz))
        .isInstanceOf(LayoutException.class)
        .hasMessageContaining("gzip-compressed tar; decompress it first");

    Path oci = dir.resolve("layout.tar");
    OciArchive.write(OciLayout.open(Tars.copySample(dir.resolve("hello"))), oci);
    assertThatThrownBy(() -> DockerArchive.open(oci)).hasMessageContaining("OciArchive");
  }

  @Test
  void aManifestJsonNameThatDiffersOnlyInCaseIsRefused() throws IOException {
    // docker load reads manifest.json with Go's encoding/json, which matches names
    // case-insensitively: "layers" beside "Layers" would be its layers, and not these.
    Path twice =
        Tars.tar(
            dir.resolve("twice.tar"),
            List.of(
                file("c.json", amd64Config),
                file(
                    "manifest.json",
                    "[{\"Config\":\"c.json\",\"Layers\":[],\"layers\":[\"x/layer.tar\"]}]")));
    assertThatThrownBy(() -> DockerArchive.open(twice))
        .isInstanceOf(LayoutException.class)
        .hasMessageContaining("[0].layers")
        .hasMessageContaining("only in letter case");
  }

  @Test
  void familiarAndQualifiedNamesFollowDockersNormalisation() {
    assertThat(DockerArchive.familiar("docker.io/library/hello:latest")).isEqualTo("hello:latest");
    assertThat(DockerArchive.familiar("index.docker.io/library/hello:1")).isEqualTo("hello:1");
    assertThat(DockerArchive.familiar("docker.io/team/app:1")).isEqualTo("team/app:1");
    assertThat(DockerArchive.familiar("quay.io/team/app:1")).isEqualTo("quay.io/team/app:1");
    assertThat(DockerArchive.familiar("localhost/app:1")).isEqualTo("localhost/app:1");
    assertThat(DockerArchive.qualified("hello:latest")).isEqualTo("docker.io/library/hello:latest");
    assertThat(DockerArchive.qualified("team/app:1")).isEqualTo("docker.io/team/app:1");
    assertThat(DockerArchive.qualified("registry:5000/app:1")).isEqualTo("registry:5000/app:1");
  }

  // --- interop -----------------------------------------------------------------------------------

  @Test
  void skopeoDockerArchivesAreReadWithTheSampleConfig() throws Exception {
    Tars.requireTool("skopeo");
    Path sampleDir = Tars.copySample(dir.resolve("hello"));
    Manifest original = OciLayout.open(sampleDir).resolve("latest", null).manifest().value();
    Path tar = dir.resolve("d.tar");
    Tars.Result copied =
        Tars.run(
            dir,
            "skopeo",
            "copy",
            "oci:" + sampleDir + ":latest",
            "docker-archive:" + tar + ":hello:latest");
    assertThat(copied.status()).as(copied.err()).isZero();

    try (DockerArchive archive = DockerArchive.open(tar)) {
      assertThat(archive.refs()).containsExactly("hello:latest");
      ImageRef hello = archive.resolve("hello:latest", null);
      Manifest m = hello.manifest().value();
      assertThat(m.config().digest()).isEqualTo(original.config().digest());
      assertThat(m.config().size()).isEqualTo(original.config().size());
      // skopeo stores the layers uncompressed: their digests are the config's DiffIDs.
      ImageConfig config = archive.readConfig(m.config()).value();
      assertThat(m.layers())
          .extracting(Descriptor::mediaType)
          .containsOnly(MediaType.DOCKER_LAYER_TAR);
      assertThat(m.layers()).extracting(Descriptor::digest).isEqualTo(config.rootfs().diffIds());
      assertThat(OciArchiveTest.readImage(archive, hello)).hasSize(2 + m.layers().size());
    }
  }
}
