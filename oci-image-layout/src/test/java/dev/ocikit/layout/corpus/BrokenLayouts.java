package dev.ocikit.layout.corpus;

import dev.ocikit.digest.Digest;
import dev.ocikit.json.OciJson;
import dev.ocikit.layout.OciLayout;
import dev.ocikit.model.Descriptor;
import dev.ocikit.model.ImageConfig;
import dev.ocikit.model.Index;
import dev.ocikit.model.Manifest;
import dev.ocikit.model.MediaType;
import dev.ocikit.model.Platform;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;

/**
 * Builds {@code testdata/layouts/}: a good image layout and broken copies of it, one fault each,
 * reproducibly (fixed times; gzip at level 0, whose stored blocks do not depend on zlib).
 */
public final class BrokenLayouts {
  private BrokenLayouts() {}

  /** A fault, and the file the deep check must name for it. */
  public record Case(String name, String file, String expectedMessage, boolean deepOnly) {}

  static final OffsetDateTime CREATED = OffsetDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);

  /** The digests of the good image, for building the faults and the expectations. */
  public record Good(
      Descriptor manifest,
      Descriptor config,
      Descriptor gzipLayer,
      Descriptor tarLayer,
      Index index) {}

  /** Writes the good layout into {@code dir}. */
  public static Good good(Path dir) throws IOException {
    OciLayout layout = OciLayout.create(dir);
    byte[] tar1 = tar(Map.of("etc/hostname", "corpus\n", "hello.txt", "hello, corpus\n"));
    byte[] tar2 = tar(Map.of("etc/motd", "second layer\n"));
    Descriptor l1 = layout.writeBlob(MediaType.IMAGE_LAYER_GZIP, gzip(tar1));
    Descriptor l2 = layout.writeBlob(MediaType.IMAGE_LAYER, tar2);
    Descriptor config =
        layout.writeDocument(
            ImageConfig.builder()
                .created(CREATED)
                .platform(Platform.of("linux", "amd64"))
                .config(ImageConfig.Config.builder().cmd(List.of("/bin/sh")).build())
                .rootfs(ImageConfig.RootFs.of(List.of(Digest.sha256(tar1), Digest.sha256(tar2))))
                .build());
    Descriptor manifest =
        layout.writeDocument(Manifest.builder().config(config).addLayer(l1).addLayer(l2).build());
    Index index = layout.tag("latest", manifest.withPlatform(Platform.of("linux", "amd64")));
    Files.deleteIfExists(dir.resolve(OciLayout.INDEX_LOCK));
    deleteTree(dir.resolve(OciLayout.TEMP_DIR));
    return new Good(manifest, config, l1, l2, index);
  }

  /** Writes the whole corpus under {@code root}; returns the cases with what each must report. */
  public static List<Case> write(Path root) throws IOException {
    List<Case> cases = new ArrayList<>();
    Good g = good(root.resolve("good"));

    Path p = copyOfGood(root, "altered-blob");
    byte[] layer = Files.readAllBytes(blob(p, g.tarLayer()));
    layer[600] ^= 1;
    Files.write(blob(p, g.tarLayer()), layer);
    cases.add(new Case("altered-blob", rel(g.tarLayer()), "digest mismatch", false));

    p = copyOfGood(root, "wrong-size");
    Manifest m = OciJson.parseManifest(Files.readAllBytes(blob(p, g.manifest()))).value();
    Descriptor shorter = m.layers().get(1).toBuilder().size(m.layers().get(1).size() - 10).build();
    rewriteManifest(p, g, m.withLayers(List.of(m.layers().get(0), shorter)));
    cases.add(new Case("wrong-size", rel(g.tarLayer()), "size mismatch", false));

    p = copyOfGood(root, "missing-blob");
    Files.delete(blob(p, g.gzipLayer()));
    cases.add(new Case("missing-blob", rel(g.gzipLayer()), "missing", false));

    p = copyOfGood(root, "bad-header");
    Files.writeString(p.resolve("oci-layout"), "{\"imageLayoutVersion\":\"2.0.0\"}");
    cases.add(new Case("bad-header", "oci-layout", "1.0.0", false));

    p = copyOfGood(root, "non-json-index");
    Files.writeString(p.resolve("index.json"), "this is not JSON\n");
    cases.add(new Case("non-json-index", "index.json", "invalid JSON", false));

    p = copyOfGood(root, "schema-violation");
    String manifestJson = Files.readString(blob(p, g.manifest()));
    String broken =
        manifestJson.replace(
            "\"size\":" + g.gzipLayer().size(), "\"size\":\"" + g.gzipLayer().size() + "\"");
    Descriptor brokenManifest = replaceManifest(p, g, broken.getBytes(StandardCharsets.UTF_8));
    cases.add(new Case("schema-violation", rel(brokenManifest), "integer expected", false));

    p = copyOfGood(root, "diffid-mismatch");
    ImageConfig c = OciJson.parseConfig(Files.readAllBytes(blob(p, g.config()))).value();
    Digest wrongDiffId = Digest.sha256("not the layer".getBytes(StandardCharsets.UTF_8));
    ImageConfig wrong =
        c.withRootfs(c.rootfs().withDiffIds(List.of(wrongDiffId, c.rootfs().diffIds().get(1))));
    OciLayout l = OciLayout.open(p);
    Descriptor wrongConfig = l.writeDocument(wrong);
    rewriteManifest(p, g, m.withConfig(wrongConfig));
    Files.delete(blob(p, g.config()));
    cases.add(new Case("diffid-mismatch", rel(g.gzipLayer()), "diff_id mismatch", true));

    p = copyOfGood(root, "wrong-algorithm-folder");
    Path sha512 = p.resolve("blobs/sha512");
    Files.createDirectories(sha512);
    Files.move(blob(p, g.config()), sha512.resolve(g.config().digest().encoded()));
    cases.add(
        new Case(
            "wrong-algorithm-folder",
            "blobs/sha512/" + g.config().digest().encoded(),
            "wrong algorithm folder",
            false));

    p = copyOfGood(root, "truncated-gzip");
    byte[] gz = Files.readAllBytes(blob(p, g.gzipLayer()));
    byte[] truncated = java.util.Arrays.copyOf(gz, gz.length - 200);
    OciLayout t = OciLayout.open(p);
    Descriptor truncatedLayer = t.writeBlob(MediaType.IMAGE_LAYER_GZIP, truncated);
    Files.delete(blob(p, g.gzipLayer()));
    rewriteManifest(p, g, m.withLayers(List.of(truncatedLayer, m.layers().get(1))));
    cases.add(new Case("truncated-gzip", rel(truncatedLayer), "not a complete gzip stream", true));
    return cases;
  }

  private static void rewriteManifest(Path p, Good g, Manifest manifest) throws IOException {
    replaceManifest(p, g, OciJson.toBytes(manifest));
  }

  /** Stores new manifest bytes, points index.json at them, drops the old manifest. */
  private static Descriptor replaceManifest(Path p, Good g, byte[] bytes) throws IOException {
    OciLayout layout = OciLayout.open(p);
    Descriptor d =
        layout
            .writeBlob(MediaType.IMAGE_MANIFEST, bytes)
            .withPlatform(Platform.of("linux", "amd64"));
    layout.tag("latest", d);
    Files.delete(blob(p, g.manifest()));
    Files.deleteIfExists(p.resolve(OciLayout.INDEX_LOCK));
    deleteTree(p.resolve(OciLayout.TEMP_DIR));
    return d;
  }

  private static Path copyOfGood(Path root, String name) throws IOException {
    Path from = root.resolve("good");
    Path to = root.resolve(name);
    try (var walk = Files.walk(from)) {
      for (Path f : (Iterable<Path>) walk::iterator) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    }
    return to;
  }

  static Path blob(Path layout, Descriptor d) {
    return layout.resolve(rel(d));
  }

  static String rel(Descriptor d) {
    return "blobs/" + d.digest().algorithm() + "/" + d.digest().encoded();
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (Path f : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }

  static byte[] tar(Map<String, String> files) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Date mtime = Date.from(Instant.parse("2026-01-01T00:00:00Z"));
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
      for (Map.Entry<String, String> e : new java.util.TreeMap<>(files).entrySet()) {
        byte[] bytes = e.getValue().getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry t = new TarArchiveEntry(e.getKey());
        t.setSize(bytes.length);
        t.setMode(0100644);
        t.setModTime(mtime);
        t.setIds(0, 0);
        tar.putArchiveEntry(t);
        tar.write(bytes);
        tar.closeArchiveEntry();
      }
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
