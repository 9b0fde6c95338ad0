package dev.ocikit.layout;

import dev.ocikit.blob.BlobNotFoundException;
import dev.ocikit.json.Parsed;
import dev.ocikit.model.Descriptor;
import dev.ocikit.model.Index;
import dev.ocikit.model.Manifest;
import dev.ocikit.model.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.Set;

/** Copies a graph of blobs into a layout directory, children first, missing blobs only. */
final class Copier {
  private final ImageLayout source;
  private final OciLayout target;
  private final Set<dev.ocikit.digest.Digest> done = new HashSet<>();

  Copier(ImageLayout source, OciLayout target) {
    this.source = source;
    this.target = target;
  }

  void copy(Descriptor d, int depth) throws IOException {
    if (depth > Resolver.MAX_NESTING) {
      throw new LayoutException(
          source.location(), "indexes nested more than " + Resolver.MAX_NESTING);
    }
    if (!done.add(d.digest())) {
      return;
    }
    // A document is read once: parsed for its children, then stored from the same verified bytes.
    if (MediaType.isManifest(d.mediaType())) {
      Parsed<Manifest> m = source.readManifest(d);
      copy(m.value().config(), depth + 1);
      for (Descriptor layer : m.value().layers()) {
        copy(layer, depth + 1);
      }
      document(d, m.bytes());
    } else if (MediaType.isIndex(d.mediaType())) {
      Parsed<Index> i = source.readIndex(d);
      for (Descriptor child : i.value().manifests()) {
        copy(child, depth + 1);
      }
      document(d, i.bytes());
    } else {
      blob(d);
    }
  }

  private void document(Descriptor d, byte[] verified) throws IOException {
    // Also when the descriptor embeds it: readers that ignore "data" look for the blob.
    target.storeVerified(d, verified);
  }

  private void blob(Descriptor d) throws IOException {
    if (target.contains(d.digest())) {
      return;
    }
    try (InputStream in = source.open(d)) {
      target.writeBlob(d, in);
    } catch (BlobNotFoundException e) {
      String data = d.data();
      if (data != null) {
        // Only embedded in the source: stored from the descriptor's data (descriptor.md: it
        // "MUST match the referenced content"), which writeBlob checks against the digest.
        target.writeBlob(
            d, new java.io.ByteArrayInputStream(java.util.Base64.getDecoder().decode(data)));
        return;
      }
      if (!d.urls().isEmpty() || MediaType.isNonDistributable(d.mediaType())) {
        return; // a foreign layer: fetched from its URLs, never stored in layouts
      }
      throw e;
    }
  }
}
