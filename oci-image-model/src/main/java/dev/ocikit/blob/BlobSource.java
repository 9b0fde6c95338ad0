package dev.ocikit.blob;

import dev.ocikit.digest.VerifyingInputStream;
import dev.ocikit.json.InvalidDocumentException;
import dev.ocikit.json.OciJson;
import dev.ocikit.json.Parsed;
import dev.ocikit.model.Descriptor;
import dev.ocikit.model.ImageConfig;
import dev.ocikit.model.Index;
import dev.ocikit.model.Manifest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Where blobs come from: gives a stream of the content a descriptor refers to, checked against its
 * digest and size while it is read (a {@link VerifyingInputStream}: a size mismatch as soon as the
 * content passes the size, a digest mismatch at its end). Read a stream to its end before trusting
 * what it gave.
 *
 * <p>Content embedded in a descriptor's {@code data} is served from the descriptor after it is
 * checked, without touching the source.
 */
public interface BlobSource {

  /** The default limit for metadata documents: 4 MiB, what registries commonly accept. */
  long DEFAULT_DOCUMENT_LIMIT = 4L * 1024 * 1024;

  /**
   * A verified stream of the blob {@code descriptor} refers to.
   *
   * @throws BlobNotFoundException if the source does not hold it
   * @throws IOException if it cannot be read
   */
  InputStream open(Descriptor descriptor) throws IOException;

  /** A short name of this source for messages, e.g. its path. */
  String name();

  /** The limit {@link #readDocument(Descriptor)} applies; {@link #DEFAULT_DOCUMENT_LIMIT} here. */
  default long documentLimit() {
    return DEFAULT_DOCUMENT_LIMIT;
  }

  /**
   * Reads a whole metadata document, verified, refusing one larger than {@link #documentLimit()}
   * before reading it.
   */
  default byte[] readDocument(Descriptor descriptor) throws IOException {
    long limit = documentLimit();
    if (descriptor.size() > limit) {
      throw new DocumentTooLargeException(descriptor.digest(), descriptor.size(), limit);
    }
    try (InputStream in = open(descriptor)) {
      return in.readAllBytes();
    }
  }

  /** Reads and parses the manifest {@code descriptor} refers to. */
  default Parsed<Manifest> readManifest(Descriptor descriptor) throws IOException {
    return parse(descriptor, Manifest.class);
  }

  /** Reads and parses the index {@code descriptor} refers to. */
  default Parsed<Index> readIndex(Descriptor descriptor) throws IOException {
    return parse(descriptor, Index.class);
  }

  /** Reads and parses the image config {@code descriptor} refers to. */
  default Parsed<ImageConfig> readConfig(Descriptor descriptor) throws IOException {
    return parse(descriptor, ImageConfig.class);
  }

  private <T> Parsed<T> parse(Descriptor descriptor, Class<T> type) throws IOException {
    byte[] bytes = readDocument(descriptor);
    try {
      return OciJson.parse(bytes, type);
    } catch (InvalidDocumentException e) {
      throw new InvalidDocumentException(
          e.pointer(), "in blob " + descriptor.digest() + ": " + e.reason(), e);
    }
  }

  /**
   * A verified stream of the content embedded in {@code descriptor}'s {@code data}, if it has any.
   */
  static Optional<InputStream> embedded(Descriptor descriptor) {
    return descriptor
        .decodedData()
        .map(
            bytes ->
                new VerifyingInputStream(
                    new ByteArrayInputStream(bytes),
                    descriptor.digest(),
                    descriptor.size(),
                    "data of " + descriptor.digest()));
  }
}
