package dev.ocikit.digest;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.digests.Blake3Digest;

/**
 * The digest algorithms registered by the image spec (<a
 * href="https://github.com/opencontainers/image-spec/blob/main/descriptor.md#registered-algorithms">descriptor.md,
 * "Registered algorithms"</a>), each with the rule its encoded portion MUST follow.
 *
 * <p>Digests with other algorithms that fit the grammar are valid {@link Digest}s, but cannot be
 * computed or verified: {@link Digest#registeredAlgorithm()} is empty for them.
 */
public enum DigestAlgorithm {
  /** SHA-256: encoded portion MUST match {@code [a-f0-9]{64}}. */
  SHA256("sha256", 64),
  /** SHA-512: encoded portion MUST match {@code [a-f0-9]{128}}. */
  SHA512("sha512", 128),
  /** BLAKE3 with a 256-bit output: encoded portion MUST match {@code [a-f0-9]{64}}. */
  BLAKE3("blake3", 64);

  private final String identifier;
  private final int encodedLength;
  private final Pattern encodedPattern;

  DigestAlgorithm(String identifier, int encodedLength) {
    this.identifier = identifier;
    this.encodedLength = encodedLength;
    this.encodedPattern = Pattern.compile("[a-f0-9]{" + encodedLength + "}");
  }

  /** The algorithm identifier as it appears before the colon, e.g. {@code sha256}. */
  public String identifier() {
    return identifier;
  }

  /** The number of characters of the (lower-case hex) encoded portion. */
  public int encodedLength() {
    return encodedLength;
  }

  /** The length of the raw hash in bytes. */
  public int hashLength() {
    return encodedLength / 2;
  }

  /**
   * Whether {@code encoded} is a valid encoded portion for this algorithm (lower-case hex of the
   * right length; {@code [A-F]} MUST NOT be used).
   */
  public boolean isValidEncoded(String encoded) {
    return encodedPattern.matcher(encoded).matches();
  }

  /** The registered algorithm with this identifier, if it is one. */
  public static Optional<DigestAlgorithm> fromIdentifier(String identifier) {
    for (DigestAlgorithm algorithm : values()) {
      if (algorithm.identifier.equals(identifier)) {
        return Optional.of(algorithm);
      }
    }
    return Optional.empty();
  }

  /** A new, independent digester for this algorithm. */
  public Digester newDigester() {
    return switch (this) {
      case SHA256 -> new Digester.Jdk(this, jdk("SHA-256"));
      case SHA512 -> new Digester.Jdk(this, jdk("SHA-512"));
      case BLAKE3 -> new Digester.Bouncy(this, new Blake3Digest(256));
    };
  }

  private static MessageDigest jdk(String name) {
    try {
      return MessageDigest.getInstance(name);
    } catch (NoSuchAlgorithmException e) {
      // Every Java SE platform is required to support SHA-256 and SHA-512.
      throw new IllegalStateException("The JDK lacks " + name, e);
    }
  }

  @Override
  public String toString() {
    return identifier;
  }
}
