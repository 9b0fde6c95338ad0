package dev.ocikit.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ocikit.digest.Digest;
import dev.ocikit.json.OciJson;
import dev.ocikit.layout.LayoutChecker;
import dev.ocikit.layout.LayoutProblem;
import dev.ocikit.layout.OciLayout;
import dev.ocikit.model.Descriptor;
import dev.ocikit.model.Index;
import dev.ocikit.model.Manifest;
import dev.ocikit.model.MediaType;
import dev.ocikit.validation.DocumentType;
import dev.ocikit.validation.Problem;
import dev.ocikit.validation.Validator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * Small gzip layers for the builder tests, made with commons-compress, and a check that every
 * document of a layout validates.
 */
final class TestLayers {
  private TestLayers() {}

  static final Instant MTIME = Instant.parse("2026-01-01T00:00:00Z");

  /** A layer blob written into a layout, with its DiffID and uncompressed tar. */
  record Layer(Descriptor descriptor, Digest diffId, byte[] tar) {}

  /**
   * A tar of {@code entries} in order: a name ending in {@code /} is a directory, a value starting
   * {@code ->} a symbolic link, anything else a regular file with that content; all owned by root
   * with a fixed mtime.
   */
  static byte[] tar(Map<String, String> entries) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Map.Entry<String, String> e : entries.entrySet()) {
        String name = e.getKey();
        byte[] content = new byte[0];
        TarArchiveEntry t;
        if (name.endsWith("/")) {
          t = new TarArchiveEntry(name, TarArchiveEntry.LF_DIR);
          t.setMode(040755);
        } else if (e.getValue().startsWith("->")) {
          t = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
          t.setLinkName(e.getValue().substring(2));
          t.setMode(0120777);
        } else {
          t = new TarArchiveEntry(name);
          content = e.getValue().getBytes(StandardCharsets.UTF_8);
          t.setSize(content.length);
          t.setMode(0100644);
        }
        t.setIds(0, 0);
        t.setLastModifiedTime(FileTime.from(MTIME));
        tar.putArchiveEntry(t);
        tar.write(content);
        tar.closeArchiveEntry();
      }
      tar.finish();
    }
    return out.toByteArray();
  }

  /** Pairs of name and content as an ordered map, for {@link #tar(Map)}. */
  static Map<String, String> entries(String... namesAndContents) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < namesAndContents.length; i += 2) {
      m.put(namesAndContents[i], namesAndContents[i + 1]);
    }
    return m;
  }

  static byte[] gzip(byte[] content) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GzipCompressorOutputStream gz = new GzipCompressorOutputStream(out)) {
      gz.write(content);
    }
    return out.toByteArray();
  }

  /**
   * Writes a gzip layer of {@code namesAndContents} (see {@link #tar(Map)}) into {@code layout};
   * its DiffID is the SHA-256 of the uncompressed tar.
   */
  static Layer gzipLayer(OciLayout layout, String... namesAndContents) throws IOException {
    byte[] tar = tar(entries(namesAndContents));
    Descriptor d = layout.writeBlob(MediaType.IMAGE_LAYER_GZIP, gzip(tar));
    return new Layer(d, Digest.sha256(tar), tar);
  }

  /** Writes an uncompressed layer: its DiffID is its digest. */
  static Layer tarLayer(OciLayout layout, String... namesAndContents) throws IOException {
    byte[] tar = tar(entries(namesAndContents));
    Descriptor d = layout.writeBlob(MediaType.IMAGE_LAYER, tar);
    return new Layer(d, Digest.sha256(tar), tar);
  }

  /**
   * Validates {@code index.json} and every manifest, index and config reachable from it with the
   * {@link Validator}, and checks the layout deeply with {@link LayoutChecker} (blobs, digests,
   * sizes, DiffIDs); fails on any error. Returns the number of documents validated.
   */
  static int assertEveryDocumentValid(OciLayout layout) throws IOException {
    List<String> errors = new ArrayList<>();
    byte[] indexJson = layout.index().bytes();
    collect(errors, "index.json", Validator.get().validate(DocumentType.INDEX, indexJson));
    Set<Digest> seen = new HashSet<>();
    List<Descriptor> todo = new ArrayList<>(layout.index().value().manifests());
    int documents = 1;
    while (!todo.isEmpty()) {
      Descriptor d = todo.remove(0);
      if (!seen.add(d.digest())) {
        continue;
      }
      byte[] bytes = layout.readDocument(d);
      if (MediaType.isManifest(d.mediaType())) {
        collect(
            errors, d.digest().toString(), Validator.get().validate(DocumentType.MANIFEST, bytes));
        Manifest m = OciJson.parseManifest(bytes).value();
        if (MediaType.isImageConfig(m.config().mediaType())) {
          byte[] config = layout.readDocument(m.config());
          collect(
              errors,
              m.config().digest().toString(),
              Validator.get().validate(DocumentType.CONFIG, config));
          documents++;
        }
        if (m.subject() != null) {
          assertThat(Validator.get().validate(m.subject())).noneMatch(Problem::isError);
        }
      } else if (MediaType.isIndex(d.mediaType())) {
        collect(errors, d.digest().toString(), Validator.get().validate(DocumentType.INDEX, bytes));
        Index i = OciJson.parseIndex(bytes).value();
        todo.addAll(i.manifests());
      }
      documents++;
    }
    List<LayoutProblem> problems = LayoutChecker.check(layout.root(), true);
    problems.stream().filter(LayoutProblem::isError).forEach(p -> errors.add(p.toString()));
    assertThat(errors).as("validation errors in %s", layout.root()).isEmpty();
    return documents;
  }

  private static void collect(List<String> errors, String where, List<Problem> problems) {
    problems.stream().filter(Problem::isError).forEach(p -> errors.add(where + ": " + p));
  }
}
