package dev.ocikit.cli.sample;

import dev.ocikit.digest.Digest;
import dev.ocikit.json.OciJson;
import dev.ocikit.json.Parsed;
import dev.ocikit.layout.BlobPaths;
import dev.ocikit.model.Annotations;
import dev.ocikit.model.Descriptor;
import dev.ocikit.model.ImageConfig;
import dev.ocikit.model.Index;
import dev.ocikit.model.LayoutHeader;
import dev.ocikit.model.Manifest;
import dev.ocikit.model.MediaType;
import dev.ocikit.model.OciDocument;
import dev.ocikit.model.Platform;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.zip.Deflater;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;

/**
 * Builds {@code testdata/images/hello}: a small, real OCI image layout, reproducibly (fixed times,
 * owners and entry order; gzip at level 0, whose stored blocks are the same bytes whatever zlib
 * builds them).
 *
 * <p>Tag {@code latest}: a linux/amd64 image of two layers, a gzip one with a directory, files and
 * a symlink, and an uncompressed one that adds a file and whites out the symlink. Tag {@code
 * latest-sbom}: an artifact (empty config, {@code artifactType}) whose {@code subject} is the
 * image.
 */
public final class SampleImage {
  private SampleImage() {}

  static final OffsetDateTime CREATED = OffsetDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
  static final Date MTIME = Date.from(Instant.parse("2026-01-01T00:00:00Z"));

  /** Writes the layout into {@code root} (which must be empty or absent). */
  public static void write(Path root) throws IOException {
    Files.createDirectories(root);
    byte[] layer1Tar =
        tar(
            new Entry("etc/", null, null, 0755),
            new Entry("etc/os-release", "NAME=\"ocikit sample\"\nID=ocikit\n", null, 0644),
            new Entry("hello.txt", "Hello from ocikit!\n", null, 0644),
            new Entry("greeting", null, "hello.txt", 0777));
    byte[] layer1 = gzip(layer1Tar);
    byte[] layer2Tar =
        tar(
            new Entry("etc/", null, null, 0755),
            new Entry("etc/motd", "Built by ocikit's sample generator.\n", null, 0644),
            new Entry(".wh.greeting", "", null, 0644));

    Descriptor l1 = blob(root, MediaType.IMAGE_LAYER_GZIP, layer1);
    Descriptor l2 = blob(root, MediaType.IMAGE_LAYER, layer2Tar);

    ImageConfig config =
        ImageConfig.builder()
            .created(CREATED)
            .author("ocikit")
            .platform(Platform.of("linux", "amd64"))
            .config(
                ImageConfig.Config.builder()
                    .env("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
                    .entrypoint(List.of("/bin/cat"))
                    .cmd(List.of("/hello.txt"))
                    .workingDir("/")
                    .label("org.opencontainers.image.title", "hello")
                    .stopSignal("SIGTERM")
                    .build())
            .rootfs(
                ImageConfig.RootFs.of(List.of(Digest.sha256(layer1Tar), Digest.sha256(layer2Tar))))
            .addHistory(ImageConfig.History.of(CREATED, "ocikit sample: base files"))
            .addHistory(ImageConfig.History.empty(CREATED, "ocikit sample: set the command"))
            .addHistory(ImageConfig.History.of(CREATED, "ocikit sample: motd, remove greeting"))
            .build();
    Descriptor configDescriptor = document(root, config);

    Manifest image =
        Manifest.builder()
            .config(configDescriptor)
            .addLayer(l1)
            .addLayer(l2)
            .annotation(Annotations.CREATED, "2026-01-01T00:00:00Z")
            .annotation(Annotations.TITLE, "hello")
            .annotation(Annotations.SOURCE, "https://github.com/ocikit/ocikit/tree/main/testdata")
            .build();
    Descriptor imageDescriptor = document(root, image);

    byte[] sbom =
        ("{\"spdxVersion\":\"SPDX-2.3\",\"dataLicense\":\"CC0-1.0\",\"SPDXID\":\"SPDXRef-DOCUMENT\","
                + "\"name\":\"hello\",\"documentNamespace\":\"https://ocikit.dev/spdx/hello\","
                + "\"creationInfo\":{\"created\":\"2026-01-01T00:00:00Z\","
                + "\"creators\":[\"Tool: ocikit\"]},\"packages\":[]}\n")
            .getBytes(StandardCharsets.UTF_8);
    Descriptor sbomLayer = blob(root, "application/spdx+json", sbom);
    Manifest artifact =
        Manifest.builder()
            .artifactType("application/spdx+json")
            .config(Descriptor.EMPTY_JSON)
            .addLayer(sbomLayer)
            .subject(imageDescriptor)
            .annotation(Annotations.CREATED, "2026-01-01T00:00:00Z")
            .build();
    blob(root, MediaType.EMPTY_JSON, Descriptor.emptyJsonContent());
    Descriptor artifactDescriptor = document(root, artifact);

    Index index =
        Index.builder()
            .addManifest(
                imageDescriptor
                    .withPlatform(Platform.of("linux", "amd64"))
                    .withAnnotation(Annotations.REF_NAME, "latest"))
            .addManifest(
                artifactDescriptor
                    .withArtifactType("application/spdx+json")
                    .withAnnotation(Annotations.REF_NAME, "latest-sbom"))
            .build();
    Files.write(root.resolve("index.json"), OciJson.toBytes(index));
    Files.write(root.resolve("oci-layout"), OciJson.toBytes(LayoutHeader.V1));
  }

  private static Descriptor document(Path root, OciDocument document) throws IOException {
    Parsed<OciDocument> p = OciJson.serialize(document);
    Files.write(target(root, p.digest()), p.bytes());
    return p.descriptor();
  }

  private static Descriptor blob(Path root, String mediaType, byte[] content) throws IOException {
    Descriptor d = Descriptor.of(mediaType, content);
    Files.write(target(root, d.digest()), content);
    return d;
  }

  private static Path target(Path root, Digest digest) throws IOException {
    Path path = BlobPaths.resolve(root, digest);
    Files.createDirectories(path.getParent());
    return path;
  }

  record Entry(String name, String content, String linkTarget, int mode) {}

  static byte[] tar(Entry... entries) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Entry e : entries) {
        TarArchiveEntry t;
        byte[] bytes = new byte[0];
        if (e.linkTarget() != null) {
          t = new TarArchiveEntry(e.name(), TarArchiveEntry.LF_SYMLINK);
          t.setLinkName(e.linkTarget());
        } else if (e.name().endsWith("/")) {
          t = new TarArchiveEntry(e.name());
        } else {
          t = new TarArchiveEntry(e.name());
          bytes = e.content().getBytes(StandardCharsets.UTF_8);
          t.setSize(bytes.length);
        }
        t.setMode((t.isDirectory() ? 040000 : t.isSymbolicLink() ? 0120000 : 0100000) | e.mode());
        t.setModTime(MTIME);
        t.setIds(0, 0);
        t.setUserName("root");
        t.setGroupName("root");
        tar.putArchiveEntry(t);
        tar.write(bytes);
        tar.closeArchiveEntry();
      }
      tar.finish();
    }
    return out.toByteArray();
  }

  static byte[] gzip(byte[] content) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    GzipParameters parameters = new GzipParameters();
    parameters.setCompressionLevel(Deflater.NO_COMPRESSION);
    parameters.setModificationTime(0);
    try (GzipCompressorOutputStream gz = new GzipCompressorOutputStream(out, parameters)) {
      gz.write(content);
    }
    return out.toByteArray();
  }
}
