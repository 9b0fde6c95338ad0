package dev.ocikit.digest;

import java.io.IOException;
import java.io.InputStream;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * A content digest {@code algorithm:encoded} (<a
 * href="https://github.com/opencontainers/image-spec/blob/main/descriptor.md#digests">descriptor.md,
 * "Digests"</a>).
 *
 * <p>A digest string MUST match the grammar
 *
 * <pre>
 * digest                ::= algorithm ":" encoded
 * algorithm             ::= algorithm-component (algorithm-separator algorithm-component)*
 * algorithm-component   ::= [a-z0-9]+
 * algorithm-separator   ::= [+._-]
 * encoded               ::= [a-zA-Z0-9=_-]+
 * </pre>
 *
 * and, for a {@link DigestAlgorithm registered algorithm}, the encoded portion MUST be lower-case
 * hex of that algorithm's length. Digests with unregistered algorithms that fit the grammar are
 * accepted ("Implementations SHOULD allow digests with unrecognized algorithms to pass
 * validation"), but cannot be computed.
 *
 * @param algorithm the algorithm portion, e.g. {@code sha256} or {@code multihash+base58}
 * @param encoded the encoded portion
 */
public record Digest(String algorithm, String encoded) implements Comparable<Digest> {

  private static final HexFormat HEX = HexFormat.of();

  /**
   * Checks the grammar and, for registered algorithms, the encoded-portion rule.
   *
   * @throws IllegalArgumentException naming what is wrong and the value found
   */
  public Digest {
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(encoded, "encoded");
    if (!isAlgorithm(algorithm)) {
      throw new IllegalArgumentException(
          "invalid digest algorithm \""
              + shorten(algorithm)
              + "\": expected components of [a-z0-9]+ separated by one of + . _ -");
    }
    if (!isEncoded(encoded)) {
      throw new IllegalArgumentException(
          "invalid encoded portion \""
              + shorten(encoded)
              + "\" of digest: expected [a-zA-Z0-9=_-]+");
    }
    Optional<DigestAlgorithm> registered = DigestAlgorithm.fromIdentifier(algorithm);
    if (registered.isPresent() && !registered.get().isValidEncoded(encoded)) {
      throw new IllegalArgumentException(
          "invalid "
              + algorithm
              + " digest \""
              + algorithm
              + ":"
              + shorten(encoded)
              + "\": the encoded portion must be "
              + registered.get().encodedLength()
              + " lower-case hex characters, found "
              + encoded.length()
              + " characters"
              + (encoded.chars().anyMatch(c -> c >= 'A' && c <= 'F') ? " with upper case" : ""));
    }
  }

  /**
   * Parses {@code algorithm:encoded}.
   *
   * @throws IllegalArgumentException if {@code value} is not a valid digest, with the reason
   */
  public static Digest parse(String value) {
    Objects.requireNonNull(value, "value");
    int colon = value.indexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(
          "invalid digest \"" + shorten(value) + "\": expected algorithm:encoded, found no ':'");
    }
    if (colon == 0) {
      throw new IllegalArgumentException(
          "invalid digest \"" + shorten(value) + "\": the algorithm before ':' is empty");
    }
    if (colon == value.length() - 1) {
      throw new IllegalArgumentException(
          "invalid digest \"" + shorten(value) + "\": the encoded portion after ':' is empty");
    }
    return new Digest(value.substring(0, colon), value.substring(colon + 1));
  }

  /** Whether {@code value} is a valid digest string. */
  public static boolean isValid(String value) {
    try {
      parse(value);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * Whether {@code value} matches the digest grammar of descriptor.md alone, without the
   * algorithm-specific rules of registered algorithms (what the spec's JSON schema checks).
   */
  public static boolean matchesGrammar(String value) {
    int colon = value.indexOf(':');
    return colon > 0
        && isAlgorithm(value.substring(0, colon))
        && isEncoded(value.substring(colon + 1));
  }

  /** The digest of a raw hash computed with {@code algorithm}. */
  public static Digest of(DigestAlgorithm algorithm, byte[] hash) {
    if (hash.length != algorithm.hashLength()) {
      throw new IllegalArgumentException(
          "a "
              + algorithm
              + " hash has "
              + algorithm.hashLength()
              + " bytes, found "
              + hash.length);
    }
    return new Digest(algorithm.identifier(), HEX.formatHex(hash));
  }

  /** Computes the digest of {@code content} with {@code algorithm}. */
  public static Digest compute(DigestAlgorithm algorithm, byte[] content) {
    Digester digester = algorithm.newDigester();
    digester.update(content);
    return digester.digest();
  }

  /** Computes the SHA-256 digest of {@code content}, the algorithm implementations SHOULD use. */
  public static Digest sha256(byte[] content) {
    return compute(DigestAlgorithm.SHA256, content);
  }

  /** Computes the digest of everything {@code in} yields, reading it once, without closing it. */
  public static Digest compute(DigestAlgorithm algorithm, InputStream in) throws IOException {
    Digester digester = algorithm.newDigester();
    byte[] buffer = new byte[64 * 1024];
    for (int n; (n = in.read(buffer)) != -1; ) {
      digester.update(buffer, 0, n);
    }
    return digester.digest();
  }

  /** The registered algorithm of this digest, empty when the algorithm is not registered. */
  public Optional<DigestAlgorithm> registeredAlgorithm() {
    return DigestAlgorithm.fromIdentifier(algorithm);
  }

  /** Whether this digest's algorithm is registered, so that content can be verified against it. */
  public boolean isVerifiable() {
    return registeredAlgorithm().isPresent();
  }

  /**
   * Whether {@code content} has this digest.
   *
   * @throws UnsupportedOperationException if the algorithm is not registered
   */
  public boolean matches(byte[] content) {
    return compute(requireRegistered(), content).equals(this);
  }

  /** The registered algorithm, or an exception saying that this digest cannot be computed. */
  public DigestAlgorithm requireRegistered() {
    return registeredAlgorithm()
        .orElseThrow(
            () ->
                new UnsupportedOperationException(
                    "cannot compute digest "
                        + this
                        + ": algorithm \""
                        + algorithm
                        + "\" is not registered"));
  }

  // The grammar is scanned by hand: a regular expression with a repeated group recurses once per
  // repetition in java.util.regex, and a hostile digest of many components would overflow the
  // stack.

  /** algorithm ::= [a-z0-9]+ ([+._-] [a-z0-9]+)* */
  private static boolean isAlgorithm(String s) {
    if (s.isEmpty()) {
      return false;
    }
    boolean afterSeparator = true;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
        afterSeparator = false;
      } else if (c == '+' || c == '.' || c == '_' || c == '-') {
        if (afterSeparator) {
          return false;
        }
        afterSeparator = true;
      } else {
        return false;
      }
    }
    return !afterSeparator;
  }

  /** encoded ::= [a-zA-Z0-9=_-]+ */
  private static boolean isEncoded(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '='
              || c == '_'
              || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static String shorten(String s) {
    return s.length() > 256 ? s.substring(0, 253) + "..." : s;
  }

  /** {@code algorithm:encoded}. */
  @Override
  public String toString() {
    return algorithm + ":" + encoded;
  }

  @Override
  public int compareTo(Digest other) {
    int c = algorithm.compareTo(other.algorithm);
    return c != 0 ? c : encoded.compareTo(other.encoded);
  }
}
