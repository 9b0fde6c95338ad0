package dev.ocikit.digest;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class DigestTest {

  // FIPS 180-4 example vectors (also `printf '' | sha256sum`, `printf abc | sha512sum`).
  static final String SHA256_EMPTY =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  static final String SHA256_ABC =
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  static final String SHA512_EMPTY =
      "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
          + "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e";
  static final String SHA512_ABC =
      "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
          + "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f";

  // BLAKE3-256, cross-checked with b3sum 1.2.0 (the reference Rust implementation, Debian
  // package b3sum), which is independent of the BouncyCastle code under test.
  static final String BLAKE3_EMPTY =
      "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262";
  static final String BLAKE3_ABC =
      "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85";

  /** A sha256 digest that appears in the spec's examples and test vectors. */
  static final String EXAMPLE_SHA256 =
      "sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270";

  static Stream<Arguments> knownVectors() {
    return Stream.of(
        Arguments.of(DigestAlgorithm.SHA256, "", SHA256_EMPTY),
        Arguments.of(DigestAlgorithm.SHA256, "abc", SHA256_ABC),
        Arguments.of(DigestAlgorithm.SHA512, "", SHA512_EMPTY),
        Arguments.of(DigestAlgorithm.SHA512, "abc", SHA512_ABC),
        Arguments.of(DigestAlgorithm.BLAKE3, "", BLAKE3_EMPTY),
        Arguments.of(DigestAlgorithm.BLAKE3, "abc", BLAKE3_ABC));
  }

  @ParameterizedTest(name = "{0}(\"{1}\")")
  @MethodSource("knownVectors")
  void computesKnownVectors(DigestAlgorithm algorithm, String input, String hex) {
    byte[] content = input.getBytes(US_ASCII);

    Digest digest = Digest.compute(algorithm, content);

    assertThat(digest.algorithm()).isEqualTo(algorithm.identifier());
    assertThat(digest.encoded()).isEqualTo(hex);
    assertThat(digest).hasToString(algorithm.identifier() + ":" + hex);
    assertThat(digest.matches(content)).isTrue();
    assertThat(digest.matches((input + "x").getBytes(US_ASCII))).isFalse();
  }

  /**
   * BLAKE3 hashes inputs of more than one 1024-byte chunk as a tree; these lengths are those of the
   * official BLAKE3 test vectors (input byte i is i % 251), hashed with b3sum 1.2.0.
   */
  @ParameterizedTest(name = "{0} bytes")
  @MethodSource("blake3MultiChunkVectors")
  void blake3MatchesReferenceImplementationAcrossChunkBoundaries(int length, String hex) {
    byte[] content = new byte[length];
    for (int i = 0; i < length; i++) {
      content[i] = (byte) (i % 251);
    }

    assertThat(Digest.compute(DigestAlgorithm.BLAKE3, content).encoded()).isEqualTo(hex);
  }

  static Stream<Arguments> blake3MultiChunkVectors() {
    return Stream.of(
        Arguments.of(1023, "10108970eeda3eb932baac1428c7a2163b0e924c9a9e25b35bba72b28f70bd11"),
        Arguments.of(1024, "42214739f095a406f3fc83deb889744ac00df831c10daa55189b5d121c855af7"),
        Arguments.of(1025, "d00278ae47eb27b34faecf67b4fe263f82d5412916c1ffd97c8cb7fb814b8444"),
        Arguments.of(2048, "e776b6028c7cd22a4d0ba182a8bf62205d2ef576467e838ed6f2529b85fba24a"),
        Arguments.of(102400, "bc3e3d41a1146b069abffad3c0d44860cf664390afce4d9661f7902e7943e085"));
  }

  @Test
  void sha256ShortcutEqualsComputeWithSha256() {
    byte[] content = "abc".getBytes(US_ASCII);

    assertThat(Digest.sha256(content))
        .isEqualTo(Digest.compute(DigestAlgorithm.SHA256, content))
        .hasToString("sha256:" + SHA256_ABC);
  }

  @ParameterizedTest
  @EnumSource(
      value = DigestAlgorithm.class,
      names = {"SHA256", "SHA512"})
  void sha2AgreesWithJdkMessageDigestOnRandomContent(DigestAlgorithm algorithm) throws Exception {
    byte[] content = new byte[200_000];
    new Random(42).nextBytes(content);
    String jdkName = algorithm == DigestAlgorithm.SHA256 ? "SHA-256" : "SHA-512";
    String expected = HexFormat.of().formatHex(MessageDigest.getInstance(jdkName).digest(content));

    assertThat(Digest.compute(algorithm, content).encoded()).isEqualTo(expected);
  }

  @ParameterizedTest
  @EnumSource(DigestAlgorithm.class)
  void computeFromStreamEqualsComputeFromBytes(DigestAlgorithm algorithm) throws IOException {
    // Larger than the 64 KiB read buffer, delivered in uneven short reads.
    byte[] content = new byte[3 * 64 * 1024 + 17];
    new Random(7).nextBytes(content);
    CloseRecordingStream in = new CloseRecordingStream(content, 1000);

    Digest fromStream = Digest.compute(algorithm, in);

    assertThat(fromStream).isEqualTo(Digest.compute(algorithm, content));
    assertThat(in.closed).as("compute(alg, InputStream) must not close the stream").isFalse();
  }

  @ParameterizedTest
  @EnumSource(DigestAlgorithm.class)
  void computeFromEmptyStreamIsDigestOfNothing(DigestAlgorithm algorithm) throws IOException {
    assertThat(Digest.compute(algorithm, new ByteArrayInputStream(new byte[0])))
        .isEqualTo(Digest.compute(algorithm, new byte[0]));
  }

  @ParameterizedTest
  @EnumSource(DigestAlgorithm.class)
  void digesterIsResetAfterDigestAndCanBeReused(DigestAlgorithm algorithm) {
    Digester digester = algorithm.newDigester();
    digester.update("something else".getBytes(US_ASCII));
    digester.digest();

    digester.update((byte) 'a');
    digester.update("xbcx".getBytes(US_ASCII), 1, 2);

    assertThat(digester.algorithm()).isEqualTo(algorithm);
    assertThat(digester.digest()).isEqualTo(Digest.compute(algorithm, "abc".getBytes(US_ASCII)));
  }

  // --- grammar -------------------------------------------------------------------------------

  /**
   * Valid digests: the examples of descriptor.md's table (the sha512 row is truncated there, so a
   * full sha512 is used instead) and the valid digest strings of the conformance vectors
   * descriptor_test:TestDescriptor:0,1,21..25,27 and 28.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b",
        "sha512:" + SHA512_ABC,
        "multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8",
        "sha256+b64u:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564",
        "blake3:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b",
        EXAMPLE_SHA256,
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "sha256+b64:c86f7763873b6c0aae22d963bab59b4f5debbed6685761b5951584f6efb0633b",
        "sha256+foo-bar:c86f7763873b6c0aae22d963bab59b4f5debbed6685761b5951584f6efb0633b",
        "sha256.foo-bar:c86f7763873b6c0aae22d963bab59b4f5debbed6685761b5951584f6efb0633b",
        // The upstream test calls this one "expected success"; the vector file marks it invalid
        // only because its document also swallowed the next (invalid-data) case of the Go test.
        "sha256+b64u.unknownlength:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564=",
        "a_b.c-d+e:=_-",
      })
  @DisplayName("A digest string MUST match the grammar: valid strings parse and round trip")
  void validDigestParsesAndRoundTrips(String value) {
    Digest digest = Digest.parse(value);

    int colon = value.indexOf(':');
    assertThat(digest.algorithm()).isEqualTo(value.substring(0, colon));
    assertThat(digest.encoded()).isEqualTo(value.substring(colon + 1));
    assertThat(digest).hasToString(value);
    assertThat(Digest.parse(digest.toString())).isEqualTo(digest);
    assertThat(new Digest(digest.algorithm(), digest.encoded())).isEqualTo(digest);
    assertThat(Digest.isValid(value)).isTrue();
  }

  static Stream<Arguments> invalidDigests() {
    String hex64 = EXAMPLE_SHA256.substring("sha256:".length());
    return Stream.of(
        // descriptor_test:TestDescriptor:12, "digest does not match pattern (no algorithm)"
        Arguments.of(":" + hex64, ":" + hex64),
        // descriptor_test:TestDescriptor:13, "(no hash)"
        Arguments.of("sha256", "\"sha256\""),
        // descriptor_test:TestDescriptor:14, "(invalid aglorithm characters)"
        Arguments.of("SHA256:" + hex64, "\"SHA256\""),
        // descriptor_test:TestDescriptor:15, "(characters needs to be lower for sha256)"
        Arguments.of("sha256:" + hex64.toUpperCase(), hex64.toUpperCase()),
        // descriptor_test:TestDescriptor:26, "fail: repeated separators in algorithm"
        Arguments.of("sha256+foo+-b:" + hex64, "\"sha256+foo+-b\""),
        Arguments.of(":abc", "\":abc\""),
        Arguments.of("", "\"\""),
        Arguments.of("sha256:", "\"sha256:\""),
        Arguments.of("+sha256:abc", "\"+sha256\""),
        Arguments.of("sha256+:abc", "\"sha256+\""),
        Arguments.of("sha 256:abc", "\"sha 256\""),
        Arguments.of("foo:a b", "\"a b\""),
        Arguments.of("foo:abc:def", "\"abc:def\""),
        Arguments.of("foo:abc/def", "\"abc/def\""));
  }

  @ParameterizedTest
  @MethodSource("invalidDigests")
  @DisplayName("A digest string MUST match the grammar: others are rejected, naming what was found")
  void invalidDigestIsRejectedNamingTheValueFound(String value, String named) {
    assertThatThrownBy(() -> Digest.parse(value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(named);
    assertThat(Digest.isValid(value)).isFalse();
  }

  @Test
  @DisplayName(
      "When the algorithm identifier is sha256, the encoded portion MUST match /[a-f0-9]{64}/."
          + " Note that [A-F] MUST NOT be used here.")
  void uppercaseHexIsRejectedForSha256() {
    String upper = "sha256:" + SHA256_ABC.toUpperCase();

    assertThatThrownBy(() -> Digest.parse(upper))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(upper)
        .hasMessageContaining("lower-case hex")
        .hasMessageContaining("upper case");
    assertThatThrownBy(() -> new Digest("sha256", "A" + SHA256_ABC.substring(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("sha512 and blake3 encoded portions MUST be lower-case hex; [A-F] MUST NOT be used")
  void uppercaseHexIsRejectedForSha512AndBlake3() {
    assertThatThrownBy(() -> Digest.parse("sha512:" + SHA512_ABC.toUpperCase()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("upper case");
    assertThatThrownBy(() -> Digest.parse("blake3:" + BLAKE3_ABC.toUpperCase()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("upper case");
  }

  static Stream<Arguments> wrongLengths() {
    return Stream.of(
        Arguments.of("sha256", SHA256_ABC.substring(1), 63),
        Arguments.of("sha256", SHA256_ABC + "0", 65),
        Arguments.of("sha256", SHA512_ABC, 128),
        Arguments.of("sha512", SHA256_ABC, 64),
        Arguments.of("sha512", SHA512_ABC.substring(2), 126),
        Arguments.of("blake3", BLAKE3_ABC.substring(1), 63),
        Arguments.of("blake3", BLAKE3_ABC + "00", 66));
  }

  @ParameterizedTest(name = "{0} with {2} characters")
  @MethodSource("wrongLengths")
  void wrongLengthIsRejectedForRegisteredAlgorithms(String algorithm, String encoded, int length) {
    String value = algorithm + ":" + encoded;

    assertThatThrownBy(() -> Digest.parse(value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(value)
        .hasMessageContaining("found " + length + " characters");
  }

  @Test
  void nonHexCharactersAreRejectedForSha256EvenAtTheRightLength() {
    String value = "sha256:" + "g".repeat(64);

    assertThat(Digest.isValid(value)).isFalse();
    // The same encoded portion is fine for an unregistered algorithm.
    assertThat(Digest.isValid("sha256+custom:" + "g".repeat(64))).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8",
        "sha256+b64u:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564",
        "md5:d41d8cd98f00b204e9800998ecf8427e",
      })
  @DisplayName(
      "Implementations SHOULD allow digests with unrecognized algorithms to pass validation if"
          + " they comply with the above grammar")
  void unregisteredAlgorithmIsAcceptedButNotVerifiable(String value) {
    Digest digest = Digest.parse(value);

    assertThat(digest.isVerifiable()).isFalse();
    assertThat(digest.registeredAlgorithm()).isEmpty();
    assertThatThrownBy(() -> digest.matches(new byte[0]))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining(value)
        .hasMessageContaining("\"" + digest.algorithm() + "\" is not registered");
    assertThatThrownBy(digest::requireRegistered).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void registeredAlgorithmsAreVerifiable() {
    assertThat(Digest.parse("sha256:" + SHA256_ABC).registeredAlgorithm())
        .contains(DigestAlgorithm.SHA256);
    assertThat(Digest.parse("sha512:" + SHA512_ABC).requireRegistered())
        .isEqualTo(DigestAlgorithm.SHA512);
    assertThat(Digest.parse("blake3:" + BLAKE3_ABC).isVerifiable()).isTrue();
  }

  @Test
  void algorithmIdentifiersAreCaseSensitiveAndExact() {
    assertThat(DigestAlgorithm.fromIdentifier("sha256")).contains(DigestAlgorithm.SHA256);
    assertThat(DigestAlgorithm.fromIdentifier("SHA256")).isEmpty();
    assertThat(DigestAlgorithm.fromIdentifier("sha256+b64u")).isEmpty();
    assertThat(DigestAlgorithm.fromIdentifier("sha-256")).isEmpty();
  }

  @Test
  void algorithmLengthsFollowTheRegisteredEncodings() {
    assertThat(DigestAlgorithm.SHA256.encodedLength()).isEqualTo(64);
    assertThat(DigestAlgorithm.SHA256.hashLength()).isEqualTo(32);
    assertThat(DigestAlgorithm.SHA512.encodedLength()).isEqualTo(128);
    assertThat(DigestAlgorithm.SHA512.hashLength()).isEqualTo(64);
    // "The hash output length MUST be 256 bits." (BLAKE3)
    assertThat(DigestAlgorithm.BLAKE3.encodedLength()).isEqualTo(64);
    assertThat(DigestAlgorithm.BLAKE3.hashLength()).isEqualTo(32);
  }

  @Test
  void ofRawHashFormatsLowerCaseHexAndChecksTheLength() {
    byte[] hash = HexFormat.of().parseHex(SHA256_ABC);

    assertThat(Digest.of(DigestAlgorithm.SHA256, hash)).hasToString("sha256:" + SHA256_ABC);
    assertThatThrownBy(() -> Digest.of(DigestAlgorithm.SHA512, hash))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("64 bytes, found 32");
  }

  @Test
  void compareToOrdersByAlgorithmThenEncodedAndIsConsistentWithEquals() {
    Digest sha256a = Digest.parse("sha256:" + "a".repeat(64));
    Digest sha256b = Digest.parse("sha256:" + "b".repeat(64));
    Digest sha256b64u = Digest.parse("sha256+b64u:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564");
    Digest sha512 = Digest.parse("sha512:" + SHA512_EMPTY);
    Digest blake3 = Digest.parse("blake3:" + BLAKE3_EMPTY);
    List<Digest> digests = new ArrayList<>(List.of(sha512, sha256b, sha256b64u, blake3, sha256a));

    digests.sort(null);

    assertThat(digests).containsExactly(blake3, sha256a, sha256b, sha256b64u, sha512);
    assertThat(sha256a.compareTo(Digest.parse(sha256a.toString()))).isZero();
    assertThat(sha256a.compareTo(sha256b)).isNegative();
    assertThat(sha256b.compareTo(sha256a)).isPositive();
  }

  @Test
  void equalDigestsHaveEqualHashCodes() {
    Digest a = Digest.parse("sha256:" + SHA256_ABC);
    Digest b = Digest.compute(DigestAlgorithm.SHA256, "abc".getBytes(US_ASCII));

    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a).isNotEqualTo(Digest.parse("sha256:" + SHA256_EMPTY));
  }

  /** Yields {@code content} in reads of at most {@code chunk} bytes and records close(). */
  static final class CloseRecordingStream extends InputStream {
    private final byte[] content;
    private final int chunk;
    private int position;
    boolean closed;

    CloseRecordingStream(byte[] content, int chunk) {
      this.content = content;
      this.chunk = chunk;
    }

    @Override
    public int read() {
      return position < content.length ? content[position++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (len == 0) {
        return 0;
      }
      if (position >= content.length) {
        return -1;
      }
      int n = Math.min(Math.min(len, chunk), content.length - position);
      System.arraycopy(content, position, b, off, n);
      position += n;
      return n;
    }

    @Override
    public void close() {
      closed = true;
    }
  }
}
