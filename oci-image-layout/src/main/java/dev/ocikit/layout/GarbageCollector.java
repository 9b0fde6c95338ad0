package dev.ocikit.layout;

import dev.ocikit.digest.Digest;
import dev.ocikit.json.InvalidDocumentException;
import dev.ocikit.json.OciJson;
import dev.ocikit.model.Descriptor;
import dev.ocikit.model.Index;
import dev.ocikit.model.Manifest;
import dev.ocikit.model.MediaType;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/** Mark and sweep over a layout directory; runs under the index lock (see {@link OciLayout#gc}). */
final class GarbageCollector {
  private final OciLayout layout;
  private final Set<Digest> reachable = new HashSet<>();

  GarbageCollector(OciLayout layout) {
    this.layout = layout;
  }

  GcResult run() throws IOException {
    for (Descriptor d : layout.index().value().manifests()) {
      mark(d, 0);
    }
    Map<Digest, Path> files = blobFiles();
    // Referrers: artifacts whose subject is reachable are kept, and so is what they refer to; a
    // referrer can itself have referrers, so repeat until nothing changes.
    boolean changed = true;
    while (changed) {
      changed = false;
      for (Map.Entry<Digest, Path> e : files.entrySet()) {
        if (reachable.contains(e.getKey())) {
          continue;
        }
        Descriptor referrer = asReferrer(e.getKey(), e.getValue());
        if (referrer != null) {
          mark(referrer, 0);
          changed = true;
        }
      }
    }
    List<Digest> removed = new ArrayList<>();
    long bytes = 0;
    for (Map.Entry<Digest, Path> e : files.entrySet()) {
      if (!reachable.contains(e.getKey())) {
        long size = Files.size(e.getValue());
        if (Files.deleteIfExists(e.getValue())) {
          removed.add(e.getKey());
          bytes += size;
        }
      }
    }
    int temps = 0;
    Path tempDir = layout.root().resolve(OciLayout.TEMP_DIR);
    if (Files.isDirectory(tempDir, LinkOption.NOFOLLOW_LINKS)) {
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(tempDir)) {
        for (Path temp : entries) {
          if (Files.isRegularFile(temp, LinkOption.NOFOLLOW_LINKS)
              && OciLayout.isAbandoned(temp)
              && Files.deleteIfExists(temp)) {
            temps++;
          }
        }
      }
    }
    return new GcResult(removed, bytes, temps, files.size() - removed.size());
  }

  private void mark(Descriptor d, int depth) throws IOException {
    if (depth > Resolver.MAX_NESTING || !reachable.add(d.digest())) {
      return;
    }
    if (!layout.contains(d.digest())) {
      return; // missing or embedded: nothing to keep, nothing to follow
    }
    try {
      if (MediaType.isManifest(d.mediaType())) {
        Manifest m = layout.readManifest(d).value();
        reachable.add(m.config().digest());
        for (Descriptor layer : m.layers()) {
          reachable.add(layer.digest());
        }
      } else if (MediaType.isIndex(d.mediaType())) {
        Index i = layout.readIndex(d).value();
        for (Descriptor child : i.manifests()) {
          mark(child, depth + 1);
        }
      }
    } catch (IOException e) {
      throw new LayoutException(
          layout.blobPath(d.digest()),
          "cannot be read, so garbage collection stops without removing anything: "
              + e.getMessage());
    }
  }

  /** The blob as a descriptor if it is a manifest or index whose subject is reachable. */
  private Descriptor asReferrer(Digest digest, Path file) throws IOException {
    long size = Files.size(file);
    if (size > layout.documentLimit() || size < 2) {
      return null;
    }
    byte[] bytes = Files.readAllBytes(file);
    if (bytes[0] != '{' || !digest.isVerifiable() || !digest.matches(bytes)) {
      return null;
    }
    JsonNode tree;
    try {
      tree = OciJson.readTree(bytes);
    } catch (InvalidDocumentException e) {
      return null;
    }
    JsonNode subject = tree.get("subject");
    if (subject == null || !subject.isObject() || subject.get("digest") == null) {
      return null;
    }
    JsonNode subjectDigest = subject.get("digest");
    if (!subjectDigest.isString()
        || !Digest.isValid(subjectDigest.stringValue())
        || !reachable.contains(Digest.parse(subjectDigest.stringValue()))) {
      return null;
    }
    String mediaType =
        tree.has("manifests") && !tree.has("layers")
            ? MediaType.IMAGE_INDEX
            : MediaType.IMAGE_MANIFEST;
    return Descriptor.of(mediaType, digest, size);
  }

  /** Every file under blobs/ named {@code <alg>/<encoded>} for a registered algorithm. */
  private Map<Digest, Path> blobFiles() throws IOException {
    Map<Digest, Path> files = new TreeMap<>();
    Path blobs = layout.root().resolve("blobs");
    if (!Files.isDirectory(blobs, LinkOption.NOFOLLOW_LINKS)) {
      return files;
    }
    try (DirectoryStream<Path> algorithms = Files.newDirectoryStream(blobs)) {
      for (Path algDir : algorithms) {
        if (!Files.isDirectory(algDir, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        String alg = algDir.getFileName().toString();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(algDir)) {
          for (Path f : entries) {
            String name = alg + ":" + f.getFileName();
            // Only blobs of registered algorithms: anything else is a file ocikit does not know.
            if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)
                && Digest.isValid(name)
                && Digest.parse(name).isVerifiable()) {
              files.put(Digest.parse(name), f);
            }
          }
        }
      }
    }
    return files;
  }
}
