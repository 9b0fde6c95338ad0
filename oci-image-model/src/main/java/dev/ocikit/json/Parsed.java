package dev.ocikit.json;

import dev.ocikit.digest.Digest;
import dev.ocikit.digest.DigestAlgorithm;
import dev.ocikit.model.Descriptor;
import dev.ocikit.model.OciDocument;
import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A document parsed from JSON together with the exact bytes it was parsed from. The digest of a
 * manifest, index or config is the digest of those bytes (<a
 * href="https://github.com/opencontainers/image-spec/blob/main/descriptor.md#digests">descriptor.md</a>),
 * never of a re-serialisation, so they are kept.
 *
 * @param <T> the model type
 */
public final class Parsed<T> {
  private final T value;
  private final byte[] bytes;
  private @Nullable Digest sha256;

  Parsed(T value, byte[] bytes) {
    this.value = Objects.requireNonNull(value, "value");
    this.bytes = bytes;
  }

  /** Wraps a value and the exact bytes it was read from (copied). */
  public static <T> Parsed<T> of(T value, byte[] bytes) {
    return new Parsed<>(value, bytes.clone());
  }

  /** The parsed value. */
  public T value() {
    return value;
  }

  /** A copy of the exact bytes the value was parsed from. */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** The number of bytes the value was parsed from. */
  public long size() {
    return bytes.length;
  }

  /** The SHA-256 digest of the bytes, computed once. */
  public Digest digest() {
    Digest d = sha256;
    if (d == null) {
      d = Digest.sha256(bytes);
      sha256 = d;
    }
    return d;
  }

  /** The digest of the bytes with {@code algorithm}. */
  public Digest digest(DigestAlgorithm algorithm) {
    return algorithm == DigestAlgorithm.SHA256 ? digest() : Digest.compute(algorithm, bytes);
  }

  /**
   * A descriptor of these bytes: the document's media type ({@link
   * OciDocument#documentMediaType()}), their SHA-256 digest and their size.
   *
   * @throws IllegalStateException if the value is not an {@link OciDocument}
   */
  public Descriptor descriptor() {
    if (!(value instanceof OciDocument document)) {
      throw new IllegalStateException(
          "a " + value.getClass().getSimpleName() + " has no media type of its own");
    }
    return Descriptor.of(document.documentMediaType(), digest(), bytes.length);
  }

  /** Whether {@code content} is byte for byte what this value was parsed from. */
  public boolean hasBytes(byte[] content) {
    return Arrays.equals(bytes, content);
  }

  @Override
  public String toString() {
    return "Parsed[" + value.getClass().getSimpleName() + ", " + bytes.length + " bytes]";
  }
}
