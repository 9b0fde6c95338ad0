package dev.ocikit.layout;

import com.github.luben.zstd.ZstdInputStream;
import dev.ocikit.blob.DocumentTooLargeException;
import dev.ocikit.digest.Digest;
import dev.ocikit.digest.DigestAlgorithm;
import dev.ocikit.digest.DigestMismatchException;
import dev.ocikit.digest.DigestingInputStream;
import dev.ocikit.digest.SizeMismatchException;
import dev.ocikit.json.InvalidDocumentException;
import dev.ocikit.json.OciJson;
import dev.ocikit.model.Compression;
import dev.ocikit.model.Descriptor;
import dev.ocikit.model.ImageConfig;
import dev.ocikit.model.Index;
import dev.ocikit.model.Manifest;
import dev.ocikit.model.MediaType;
import dev.ocikit.validation.DocumentType;
import dev.ocikit.validation.Problem;
import dev.ocikit.validation.Validator;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * The deep check of an image layout: every problem found, not just the first, each naming the file
 * (blob) and JSON Pointer at fault. It only reads.
 *
 * <ul>
 *   <li>the {@code oci-layout} header, {@code blobs/} and {@code index.json} (image-layout.md: they
 *       MUST exist), the header and index against the schemas and rules of the model's {@link
 *       Validator};
 *   <li>every manifest, index and config reachable from {@code index.json}, against the same;
 *   <li>every reachable blob present with the digest and size its descriptor states ("The content
 *       of blobs/&lt;alg&gt;/&lt;encoded&gt; MUST match the digest"), read once, as a stream;
 *   <li>a manifest or index whose own {@code mediaType} disagrees with the descriptor pointing at
 *       it;
 *   <li>the config's {@code rootfs.diff_ids} count equal to the layer count, and with {@code deep}
 *       each diff_id equal to the digest of its layer uncompressed (gzip and zstd, streamed);
 *   <li>blobs named for their algorithm's folder (a 64-hex name under {@code blobs/sha512} is not a
 *       sha512 digest), no symbolic links among blobs; with {@code deep}, unreferenced blobs'
 *       content matching their names too.
 * </ul>
 */
public final class LayoutChecker {
  private final ImageLayout layout;
  private final boolean deep;
  private final List<LayoutProblem> problems = new ArrayList<>();
  private final Set<Digest> visited = new HashSet<>();

  private LayoutChecker(ImageLayout layout, boolean deep) {
    this.layout = layout;
    this.deep = deep;
  }

  /**
   * Checks the layout directory {@code dir}. Problems with the header or index do not stop the
   * check of what can still be checked.
   */
  public static List<LayoutProblem> check(Path dir, boolean deep) throws IOException {
    Path root = dir.toAbsolutePath().normalize();
    if (!Files.isDirectory(root)) {
      throw LayoutException.notFound(
          root, Files.exists(root) ? "not a directory" : "no such directory");
    }
    OciLayout layout = OciLayout.unchecked(root);
    LayoutChecker checker = new LayoutChecker(layout, deep);
    checker.header(root.resolve(OciLayout.OCI_LAYOUT));
    if (!Files.isDirectory(root.resolve("blobs"), LinkOption.NOFOLLOW_LINKS)) {
      checker.problems.add(
          LayoutProblem.error(
              "blobs", "missing: the blobs directory MUST exist (image-layout.md)"));
    }
    Optional<Index> index = checker.indexFile(root.resolve(OciLayout.INDEX_JSON));
    index.ifPresent(checker::graph);
    checker.scanBlobs(root.resolve("blobs"));
    return checker.sorted();
  }

  /**
   * Checks a layout in any form whose header and {@code index.json} could be read (e.g. a tar): the
   * index and everything reachable from it.
   */
  public static List<LayoutProblem> check(ImageLayout layout, boolean deep) throws IOException {
    LayoutChecker checker = new LayoutChecker(layout, deep);
    byte[] bytes = layout.index().bytes();
    checker.document(OciLayout.INDEX_JSON, DocumentType.INDEX, bytes);
    try {
      checker.graph(OciJson.parseIndex(bytes).value());
    } catch (InvalidDocumentException e) {
      // already reported by the validation of the index
    }
    return checker.sorted();
  }

  /** Whether {@code problems} has no errors (warnings allowed). */
  public static boolean isValid(List<LayoutProblem> problems) {
    return problems.stream().noneMatch(LayoutProblem::isError);
  }

  private List<LayoutProblem> sorted() {
    List<LayoutProblem> out = new ArrayList<>(problems);
    out.sort(Comparator.comparing(LayoutProblem::file).thenComparing(LayoutProblem::pointer));
    return List.copyOf(out);
  }

  private void header(Path header) throws IOException {
    String name = OciLayout.OCI_LAYOUT;
    if (Files.isSymbolicLink(header)) {
      problems.add(LayoutProblem.error(name, "is a symbolic link; refused"));
    } else if (!Files.isRegularFile(header)) {
      problems.add(LayoutProblem.error(name, "missing: the oci-layout file MUST exist"));
    } else if (Files.size(header) > 64 * 1024) {
      problems.add(LayoutProblem.error(name, "too large for an oci-layout file"));
    } else {
      document(name, DocumentType.LAYOUT, Files.readAllBytes(header));
    }
  }

  private Optional<Index> indexFile(Path file) throws IOException {
    String name = OciLayout.INDEX_JSON;
    if (Files.isSymbolicLink(file)) {
      problems.add(LayoutProblem.error(name, "is a symbolic link; refused"));
      return Optional.empty();
    }
    if (!Files.isRegularFile(file)) {
      problems.add(LayoutProblem.error(name, "missing: the index.json file MUST exist"));
      return Optional.empty();
    }
    long limit = layout.documentLimit();
    if (Files.size(file) > limit) {
      problems.add(
          LayoutProblem.error(name, "larger than the limit of " + limit + " bytes for a document"));
      return Optional.empty();
    }
    byte[] bytes = Files.readAllBytes(file);
    document(name, DocumentType.INDEX, bytes);
    try {
      return Optional.of(OciJson.parseIndex(bytes).value());
    } catch (InvalidDocumentException e) {
      return Optional.empty(); // reported by the validation above
    }
  }

  /**
   * Validates a document and, when it has no errors, maps it onto the model: the bytes are parsed
   * once, and the same tree serves both.
   */
  private <T> Optional<T> validated(String file, DocumentType type, byte[] bytes, Class<T> model) {
    tools.jackson.databind.JsonNode tree;
    try {
      tree = OciJson.readTree(bytes);
    } catch (InvalidDocumentException e) {
      problems.add(LayoutProblem.of(file, Problem.error(e.pointer(), e.reason())));
      return Optional.empty();
    }
    boolean valid = true;
    for (Problem p : Validator.get().validate(type, tree)) {
      problems.add(LayoutProblem.of(file, p));
      valid &= !p.isError();
    }
    if (!valid) {
      return Optional.empty();
    }
    try {
      return Optional.of(OciJson.fromTree(tree, model));
    } catch (InvalidDocumentException e) {
      problems.add(LayoutProblem.error(file, e.getMessage()));
      return Optional.empty();
    }
  }

  /** Validates a document; true when it has no errors. */
  private boolean document(String file, DocumentType type, byte[] bytes) {
    boolean valid = true;
    for (Problem p : Validator.get().validate(type, bytes)) {
      problems.add(LayoutProblem.of(file, p));
      valid &= !p.isError();
    }
    return valid;
  }

  private void graph(Index index) {
    for (int i = 0; i < index.manifests().size(); i++) {
      reachable(index.manifests().get(i), "index.json /manifests/" + i, 0);
    }
  }

  private static String file(Digest digest) {
    return BlobPaths.relative(digest);
  }

  private void reachable(Descriptor d, String from, int depth) {
    if (depth > Resolver.MAX_NESTING) {
      problems.add(
          LayoutProblem.error(
              file(d.digest()), "indexes nested more than " + Resolver.MAX_NESTING + " deep"));
      return;
    }
    if (!visited.add(d.digest())) {
      return;
    }
    if (!present(d, from)) {
      return;
    }
    String mediaType = d.mediaType();
    if (MediaType.isManifest(mediaType)) {
      manifest(d, depth);
    } else if (MediaType.isIndex(mediaType)) {
      index(d, depth);
    } else {
      leaf(d, Optional.empty());
    }
  }

  /** Whether the blob can be read; reports a missing or unverifiable one. */
  private boolean present(Descriptor d, String from) {
    Digest digest = d.digest();
    if (!digest.isVerifiable()) {
      problems.add(
          LayoutProblem.warning(
              file(digest),
              "cannot be verified: the digest algorithm \""
                  + digest.algorithm()
                  + "\" is not registered"));
      return false;
    }
    if (d.data() == null && !layout.contains(digest)) {
      // image-layout.md: "The blobs directory MAY be missing referenced blobs, in which case the
      // missing blobs SHOULD be fulfilled by an external blob store" -- fine for foreign layers.
      boolean external = !d.urls().isEmpty() || MediaType.isNonDistributable(d.mediaType());
      String message = "missing (referenced from " + from + ")";
      problems.add(
          external
              ? LayoutProblem.warning(file(digest), message + "; it has URLs to fetch it from")
              : LayoutProblem.error(file(digest), message));
      return false;
    }
    return true;
  }

  private Optional<byte[]> read(Descriptor d) {
    try {
      return Optional.of(layout.readDocument(d));
    } catch (DigestMismatchException | SizeMismatchException | DocumentTooLargeException e) {
      problems.add(LayoutProblem.error(file(d.digest()), strip(e.getMessage(), d.digest())));
    } catch (IOException e) {
      problems.add(LayoutProblem.error(file(d.digest()), "cannot be read: " + describe(e)));
    }
    return Optional.empty();
  }

  private void manifest(Descriptor d, int depth) {
    Optional<Manifest> parsed =
        read(d).flatMap(b -> validated(file(d.digest()), DocumentType.MANIFEST, b, Manifest.class));
    if (parsed.isEmpty()) {
      return;
    }
    Manifest m = parsed.get();
    mediaTypeAgrees(d, m.mediaType());
    String here = file(d.digest());
    Descriptor config = m.config();
    Optional<ImageConfig> imageConfig = Optional.empty();
    if (visited.add(config.digest()) && present(config, here + " /config")) {
      if (MediaType.isImageConfig(config.mediaType())) {
        imageConfig = config(config);
      } else {
        leaf(config, Optional.empty());
      }
    }
    List<Digest> diffIds = imageConfig.map(c -> c.rootfs().diffIds()).orElse(null);
    if (diffIds != null && diffIds.size() != m.layers().size()) {
      problems.add(
          LayoutProblem.error(
              file(config.digest()),
              "rootfs.diff_ids has "
                  + diffIds.size()
                  + " entries, but manifest "
                  + d.digest()
                  + " has "
                  + m.layers().size()
                  + " layers"));
    }
    for (int i = 0; i < m.layers().size(); i++) {
      Descriptor layer = m.layers().get(i);
      Optional<Digest> diffId =
          diffIds != null && i < diffIds.size() ? Optional.of(diffIds.get(i)) : Optional.empty();
      if (visited.add(layer.digest()) && present(layer, here + " /layers/" + i)) {
        leaf(layer, deep ? diffId : Optional.empty());
      } else if (deep && diffId.isPresent() && layout.contains(layer.digest())) {
        leaf(layer, diffId); // the same layer blob under another config: check its diff_id here
      }
    }
  }

  private Optional<ImageConfig> config(Descriptor d) {
    return read(d)
        .flatMap(b -> validated(file(d.digest()), DocumentType.CONFIG, b, ImageConfig.class));
  }

  private void index(Descriptor d, int depth) {
    Optional<Index> parsed =
        read(d).flatMap(b -> validated(file(d.digest()), DocumentType.INDEX, b, Index.class));
    if (parsed.isEmpty()) {
      return;
    }
    Index index = parsed.get();
    mediaTypeAgrees(d, index.mediaType());
    for (int i = 0; i < index.manifests().size(); i++) {
      reachable(index.manifests().get(i), file(d.digest()) + " /manifests/" + i, depth + 1);
    }
  }

  /** A document's own mediaType, when it has one, must be the one its descriptor gives. */
  private void mediaTypeAgrees(Descriptor d, String own) {
    if (own != null && !own.equals(d.mediaType())) {
      problems.add(
          new LayoutProblem(
              file(d.digest()),
              "/mediaType",
              "the document's mediaType is " + own + ", but its descriptor says " + d.mediaType(),
              Problem.Severity.ERROR));
    }
  }

  /**
   * Reads a blob once, verifying digest and size; for a layer with an expected diff_id, also
   * decompresses it on the way and compares the digest of the uncompressed tar.
   */
  private void leaf(Descriptor d, Optional<Digest> diffId) {
    String file = file(d.digest());
    Optional<Compression> compression = MediaType.layerCompression(d.mediaType());
    try (InputStream raw = layout.open(d)) {
      if (diffId.isPresent() && compression.isPresent()) {
        BufferedInputStream buffered = new BufferedInputStream(raw, 64 * 1024);
        Compression expected = compression.get();
        Compression found = detected(buffered);
        if (found == expected) {
          uncompressedDigest(buffered, expected, diffId.get(), file);
        } else if (MediaType.isDocker(d.mediaType())) {
          // Docker and containerd read a Docker layer by its magic bytes, not its media type.
          problems.add(
              LayoutProblem.warning(
                  file, mismatch(expected, found) + " (Docker reads it by its magic bytes)"));
          uncompressedDigest(buffered, found, diffId.get(), file);
        } else {
          problems.add(LayoutProblem.error(file, mismatch(expected, found)));
        }
        drain(buffered);
      } else {
        drain(raw);
      }
    } catch (DigestMismatchException | SizeMismatchException e) {
      problems.add(LayoutProblem.error(file, strip(e.getMessage(), d.digest())));
    } catch (IOException e) {
      problems.add(LayoutProblem.error(file, "cannot be read: " + describe(e)));
    }
  }

  @SuppressWarnings("deprecation") // the builder needs commons-io on the module path
  private void uncompressedDigest(
      InputStream compressed, Compression compression, Digest expected, String file)
      throws IOException {
    DigestAlgorithm algorithm;
    try {
      algorithm = expected.requireRegistered();
    } catch (UnsupportedOperationException e) {
      problems.add(LayoutProblem.warning(file, "diff_id " + expected + " cannot be verified"));
      return;
    }
    InputStream uncompressed;
    String format = compression.name().toLowerCase(java.util.Locale.ROOT);
    try {
      uncompressed =
          switch (compression) {
            case NONE -> new NonClosing(compressed);
            case GZIP -> new GzipCompressorInputStream(new NonClosing(compressed), true);
            case ZSTD -> new ZstdInputStream(new NonClosing(compressed));
          };
    } catch (IOException e) {
      problems.add(
          LayoutProblem.error(file, "is not a valid " + format + " stream: " + describe(e)));
      return;
    }
    try (DigestingInputStream digesting = new DigestingInputStream(uncompressed, algorithm)) {
      digesting.drain();
      if (!digesting.digest().equals(expected)) {
        problems.add(
            LayoutProblem.error(
                file,
                "diff_id mismatch: the config says "
                    + expected
                    + ", the uncompressed layer is "
                    + digesting.digest()));
      }
    } catch (DigestMismatchException | SizeMismatchException e) {
      throw e;
    } catch (IOException e) {
      problems.add(
          LayoutProblem.error(file, "is not a complete " + format + " stream: " + describe(e)));
    }
  }

  /** The compression the content's magic bytes say (none for empty content). */
  private static Compression detected(BufferedInputStream in) throws IOException {
    in.mark(8);
    byte[] head = in.readNBytes(4);
    in.reset();
    return Compression.detect(head, head.length);
  }

  /** What is wrong when the content's magic bytes are not those of the media type. */
  private static String mismatch(Compression expected, Compression found) {
    return "the media type says "
        + expected.name().toLowerCase(java.util.Locale.ROOT)
        + ", but the content is "
        + (found == Compression.NONE
            ? "not compressed"
            : found.name().toLowerCase(java.util.Locale.ROOT));
  }

  private static String describe(IOException e) {
    if (e instanceof java.io.EOFException) {
      return "unexpected end of data" + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")");
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static void drain(InputStream in) throws IOException {
    byte[] buffer = new byte[64 * 1024];
    while (in.read(buffer) >= 0) {
      // reading to the end is what verifies digest and size
    }
  }

  /** The mismatch exceptions name the blob path first; the problem already says it. */
  private static String strip(String message, Digest digest) {
    String prefix = BlobPaths.relative(digest) + ": ";
    return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
  }

  /** The blobs directory: names that fit their algorithm folder, no links; deep: content too. */
  private void scanBlobs(Path blobs) throws IOException {
    if (!Files.isDirectory(blobs, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (DirectoryStream<Path> algorithms = Files.newDirectoryStream(blobs)) {
      for (Path algDir : algorithms) {
        String alg = algDir.getFileName().toString();
        if (alg.startsWith(".")) {
          continue;
        }
        if (Files.isSymbolicLink(algDir)) {
          problems.add(LayoutProblem.error("blobs/" + alg, "is a symbolic link; refused"));
          continue;
        }
        if (!Files.isDirectory(algDir)) {
          continue; // unknown files are not errors
        }
        Optional<DigestAlgorithm> registered = DigestAlgorithm.fromIdentifier(alg);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(algDir)) {
          for (Path f : files) {
            String name = f.getFileName().toString();
            String rel = "blobs/" + alg + "/" + name;
            if (Files.isSymbolicLink(f)) {
              problems.add(LayoutProblem.error(rel, "is a symbolic link; blobs must be files"));
              continue;
            }
            if (registered.isEmpty() || !Files.isRegularFile(f)) {
              continue;
            }
            if (!Digest.matchesGrammar(alg + ":" + name)) {
              continue; // not a blob name at all: an unknown file
            }
            if (!registered.get().isValidEncoded(name)) {
              boolean misplaced =
                  java.util.Arrays.stream(DigestAlgorithm.values())
                      .anyMatch(other -> other != registered.get() && other.isValidEncoded(name));
              String message =
                  "is not a "
                      + alg
                      + " digest: the name must be "
                      + registered.get().encodedLength()
                      + " lower-case hex characters";
              problems.add(
                  misplaced
                      ? LayoutProblem.error(
                          rel, message + " (a blob under the wrong algorithm folder?)")
                      : LayoutProblem.warning(rel, message + " (an unknown file)"));
              continue;
            }
            Digest digest = new Digest(alg, name);
            if (deep && !visited.contains(digest)) {
              unreferenced(f, digest, rel);
            }
          }
        }
      }
    }
  }

  private void unreferenced(Path f, Digest digest, String rel) throws IOException {
    Digest actual;
    try (InputStream in = Files.newInputStream(f, LinkOption.NOFOLLOW_LINKS)) {
      actual = Digest.compute(digest.requireRegistered(), in);
    }
    if (!actual.equals(digest)) {
      problems.add(
          LayoutProblem.error(
              rel, "content does not match its name: computed " + actual + " (unreferenced blob)"));
    }
  }

  /** Keeps the decompressor from closing the verifying stream before it is drained. */
  private static final class NonClosing extends java.io.FilterInputStream {
    NonClosing(InputStream in) {
      super(in);
    }

    @Override
    public void close() {}
  }
}
