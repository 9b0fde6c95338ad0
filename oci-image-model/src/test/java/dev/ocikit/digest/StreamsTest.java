package dev.ocikit.digest;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class StreamsTest {

  private static final String SUBJECT = "blobs/sha256/test-subject";

  private static byte[] content(int length) {
    byte[] bytes = new byte[length];
    new Random(length).nextBytes(bytes);
    return bytes;
  }

  // --- DigestingInputStream ------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(DigestAlgorithm.class)
  void digestingInputStreamCountsAndDigestsSingleByteReads(DigestAlgorithm algorithm)
      throws IOException {
    byte[] content = content(1000);
    ByteArrayOutputStream seen = new ByteArrayOutputStream();

    try (DigestingInputStream in =
        new DigestingInputStream(new ByteArrayInputStream(content), algorithm)) {
      for (int b; (b = in.read()) != -1; ) {
        seen.write(b);
      }

      assertThat(seen.toByteArray()).isEqualTo(content);
      assertThat(in.count()).isEqualTo(1000);
      assertThat(in.digest()).isEqualTo(Digest.compute(algorithm, content));
    }
  }

  @ParameterizedTest
  @EnumSource(DigestAlgorithm.class)
  void digestingInputStreamCountsAndDigestsArrayReadsAtAnOffset(DigestAlgorithm algorithm)
      throws IOException {
    byte[] content = content(100_000);
    byte[] buffer = new byte[4096];
    ByteArrayOutputStream seen = new ByteArrayOutputStream();

    try (DigestingInputStream in =
        new DigestingInputStream(new ByteArrayInputStream(content), algorithm)) {
      // Read into the middle of the buffer, so that only buffer[off, off + n) may be digested.
      Arrays.fill(buffer, (byte) 0x55);
      for (int n; (n = in.read(buffer, 100, 1000)) != -1; ) {
        seen.write(buffer, 100, n);
      }

      assertThat(seen.toByteArray()).isEqualTo(content);
      assertThat(in.count()).isEqualTo(content.length);
      assertThat(in.digest()).isEqualTo(Digest.compute(algorithm, content));
    }
  }

  @Test
  void digestingInputStreamDigestsWhatReadAllBytesReturns() throws IOException {
    byte[] content = content(50_000);
    DigestingInputStream in =
        new DigestingInputStream(new ByteArrayInputStream(content), DigestAlgorithm.SHA256);

    assertThat(in.readAllBytes()).isEqualTo(content);
    assertThat(in.count()).isEqualTo(50_000);
    assertThat(in.digest()).isEqualTo(Digest.sha256(content));
  }

  @Test
  void skipReadsAndDigestsTheSkippedBytes() throws IOException {
    byte[] content = content(30_000);
    DigestingInputStream in =
        new DigestingInputStream(new ByteArrayInputStream(content), DigestAlgorithm.SHA256);

    assertThat(in.read()).isEqualTo(content[0] & 0xff);
    assertThat(in.skip(20_000)).isEqualTo(20_000);
    assertThat(in.count()).isEqualTo(20_001);
    byte[] rest = in.readAllBytes();

    assertThat(rest).isEqualTo(Arrays.copyOfRange(content, 20_001, content.length));
    assertThat(in.count()).isEqualTo(content.length);
    assertThat(in.digest())
        .as("the digest covers the skipped bytes too")
        .isEqualTo(Digest.sha256(content));
  }

  @Test
  void skipPastTheEndSkipsWhatIsLeftAndDigestsIt() throws IOException {
    byte[] content = content(100);
    DigestingInputStream in =
        new DigestingInputStream(new ByteArrayInputStream(content), DigestAlgorithm.BLAKE3);

    assertThat(in.skip(0)).isZero();
    assertThat(in.skip(1_000_000)).isEqualTo(100);
    assertThat(in.read()).isEqualTo(-1);
    assertThat(in.count()).isEqualTo(100);
    assertThat(in.digest()).isEqualTo(Digest.compute(DigestAlgorithm.BLAKE3, content));
  }

  @Test
  void drainReadsTheRestAndDigestIsStable() throws IOException {
    byte[] content = content(200_000);
    DigestingInputStream in =
        new DigestingInputStream(new ByteArrayInputStream(content), DigestAlgorithm.SHA512);
    in.readNBytes(10);

    in.drain();

    Digest digest = in.digest();
    assertThat(digest).isEqualTo(Digest.compute(DigestAlgorithm.SHA512, content));
    assertThat(in.digest()).as("later calls return the same value").isEqualTo(digest);
    assertThat(in.count()).isEqualTo(200_000);
  }

  @Test
  void digestingInputStreamDoesNotSupportMarks() {
    DigestingInputStream in =
        new DigestingInputStream(new ByteArrayInputStream(new byte[10]), DigestAlgorithm.SHA256);

    in.mark(100);

    assertThat(in.markSupported()).isFalse();
    assertThatThrownBy(in::reset).isInstanceOf(IOException.class);
  }

  // --- DigestingOutputStream -----------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(DigestAlgorithm.class)
  void digestingOutputStreamCountsDigestsAndPassesBytesOn(DigestAlgorithm algorithm)
      throws IOException {
    byte[] content = content(70_000);
    ByteArrayOutputStream sink = new ByteArrayOutputStream();

    try (DigestingOutputStream out = new DigestingOutputStream(sink, algorithm)) {
      out.write(content[0]); // single byte
      out.write(content, 1, 999); // array slice
      byte[] padded = new byte[content.length + 20];
      System.arraycopy(content, 1000, padded, 10, content.length - 1000);
      out.write(padded, 10, content.length - 1000); // slice at an offset

      assertThat(out.count()).isEqualTo(content.length);
      assertThat(out.digest()).isEqualTo(Digest.compute(algorithm, content));
      assertThat(out.digest()).isSameAs(out.digest());
    }
    assertThat(sink.toByteArray()).isEqualTo(content);
  }

  @Test
  void digestingOutputStreamDigestsWholeArrayWrites() throws IOException {
    byte[] content = "abc".getBytes(US_ASCII);
    DigestingOutputStream out =
        new DigestingOutputStream(new ByteArrayOutputStream(), DigestAlgorithm.BLAKE3);

    out.write(content);

    assertThat(out.count()).isEqualTo(3);
    assertThat(out.digest()).hasToString("blake3:" + DigestTest.BLAKE3_ABC);
  }

  @Test
  void digestingOutputStreamOfNothingHasTheEmptyDigest() {
    DigestingOutputStream out =
        new DigestingOutputStream(new ByteArrayOutputStream(), DigestAlgorithm.SHA256);

    assertThat(out.count()).isZero();
    assertThat(out.digest()).hasToString("sha256:" + DigestTest.SHA256_EMPTY);
  }

  // --- VerifyingInputStream ------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(DigestAlgorithm.class)
  void verifyingInputStreamPassesCorrectContent(DigestAlgorithm algorithm) throws IOException {
    byte[] content = content(100_000);
    Digest digest = Digest.compute(algorithm, content);

    try (VerifyingInputStream in =
        new VerifyingInputStream(
            new ByteArrayInputStream(content), digest, content.length, SUBJECT)) {
      assertThat(in.readAllBytes()).isEqualTo(content);

      assertThat(in.isVerified()).isTrue();
      assertThat(in.count()).isEqualTo(content.length);
      assertThat(in.digest()).isEqualTo(digest);
    }
  }

  @Test
  void verifyingInputStreamIsNotVerifiedUntilTheEndIsReached() throws IOException {
    byte[] content = content(64);
    VerifyingInputStream in =
        new VerifyingInputStream(
            new ByteArrayInputStream(content), Digest.sha256(content), 64, SUBJECT);

    byte[] buffer = new byte[64];
    // ByteArrayInputStream returns all 64 bytes at once; readNBytes would go on to see the end.
    assertThat(in.read(buffer, 0, 64)).isEqualTo(64);
    assertThat(buffer).isEqualTo(content);
    assertThat(in.isVerified()).as("all bytes read, but the end not yet seen").isFalse();

    assertThat(in.read()).isEqualTo(-1);
    assertThat(in.isVerified()).isTrue();
    assertThat(in.read()).as("reading again at the end stays quiet").isEqualTo(-1);
  }

  @Test
  void verifyingInputStreamVerifiesEmptyContent() throws IOException {
    VerifyingInputStream in =
        new VerifyingInputStream(
            new ByteArrayInputStream(new byte[0]),
            Digest.parse("sha256:" + DigestTest.SHA256_EMPTY),
            0,
            SUBJECT);

    in.drain();

    assertThat(in.isVerified()).isTrue();
  }

  @Test
  @DisplayName(
      "If the length of the retrieved content does not match the specified length, the content"
          + " SHOULD NOT be trusted: too long is caught as soon as the size is passed")
  void contentLongerThanTheSizeFailsBeforeTheWholeStreamIsRead() {
    long huge = 10L * 1024 * 1024;
    CountingStream source = new CountingStream(huge);
    byte[] prefix = new byte[10];
    for (int i = 0; i < prefix.length; i++) {
      prefix[i] = CountingStream.byteAt(i);
    }
    // The digest is that of the first 10 bytes: only the size can tell that something is wrong.
    VerifyingInputStream in = new VerifyingInputStream(source, Digest.sha256(prefix), 10, SUBJECT);

    SizeMismatchException e = catchThrowableOfType(SizeMismatchException.class, in::readAllBytes);

    assertThat(e).isNotNull();
    assertThat(source.pulled)
        .as("bytes pulled from a %d-byte source before failing", huge)
        .isGreaterThan(10)
        .isLessThanOrEqualTo(64 * 1024);
    assertThat(e.expected()).isEqualTo(10);
    assertThat(e.actual()).isGreaterThan(10);
    assertThat(e.stoppedEarly()).isTrue();
    assertThat(e.subject()).isEqualTo(SUBJECT);
    assertThat(e).hasMessageContaining(SUBJECT).hasMessageContaining("more than 10");
    assertThat(in.isVerified()).isFalse();
  }

  @Test
  void singleByteReadsFailOnTheFirstByteBeyondTheSize() throws IOException {
    CountingStream source = new CountingStream(1_000_000);
    VerifyingInputStream in =
        new VerifyingInputStream(source, Digest.sha256(new byte[0]), 10, SUBJECT);
    for (int i = 0; i < 10; i++) {
      assertThat(in.read()).isNotNegative();
    }

    SizeMismatchException e = catchThrowableOfType(SizeMismatchException.class, in::read);

    assertThat(e).isNotNull();
    assertThat(source.pulled).isEqualTo(11);
    assertThat(e.actual()).isEqualTo(11);
    assertThat(e.stoppedEarly()).isTrue();
  }

  @Test
  void contentShorterThanTheSizeFailsAtTheEnd() {
    byte[] content = content(5);
    VerifyingInputStream in =
        new VerifyingInputStream(
            new ByteArrayInputStream(content), Digest.sha256(content), 10, SUBJECT);

    SizeMismatchException e = catchThrowableOfType(SizeMismatchException.class, in::readAllBytes);

    assertThat(e).isNotNull();
    assertThat(e.expected()).isEqualTo(10);
    assertThat(e.actual()).isEqualTo(5);
    assertThat(e.stoppedEarly()).isFalse();
    assertThat(e.subject()).isEqualTo(SUBJECT);
    assertThat(e).hasMessageContaining(SUBJECT).hasMessageContaining("expected 10 bytes, found 5");
    assertThat(in.isVerified()).isFalse();
  }

  @Test
  @DisplayName(
      "Before calculating the digest, the size of the content SHOULD be verified: a wrong size"
          + " is reported as such even when the digest is wrong too")
  void sizeIsCheckedBeforeTheDigest() {
    VerifyingInputStream in =
        new VerifyingInputStream(
            new ByteArrayInputStream(content(5)), Digest.sha256(content(6)), 6, SUBJECT);

    assertThatThrownBy(in::drain).isInstanceOf(SizeMismatchException.class);
  }

  @ParameterizedTest
  @EnumSource(DigestAlgorithm.class)
  @DisplayName(
      "Retrieved content SHOULD be verified against this digest: a differing digest is an error")
  void differentDigestFailsWithExpectedAndActual(DigestAlgorithm algorithm) {
    byte[] content = "abc".getBytes(US_ASCII);
    Digest expected = Digest.compute(algorithm, "abd".getBytes(US_ASCII));
    Digest actual = Digest.compute(algorithm, content);
    VerifyingInputStream in =
        new VerifyingInputStream(new ByteArrayInputStream(content), expected, 3, SUBJECT);

    DigestMismatchException e =
        catchThrowableOfType(DigestMismatchException.class, in::readAllBytes);

    assertThat(e).isNotNull();
    assertThat(e.expected()).isEqualTo(expected);
    assertThat(e.actual()).isEqualTo(actual);
    assertThat(e.subject()).isEqualTo(SUBJECT);
    assertThat(e)
        .hasMessageContaining(SUBJECT)
        .hasMessageContaining(expected.toString())
        .hasMessageContaining(actual.toString());
    assertThat(in.isVerified()).isFalse();
  }

  @Test
  void mismatchExceptionsAreIoExceptions() {
    VerifyingInputStream wrongDigest =
        new VerifyingInputStream(
            new ByteArrayInputStream(new byte[1]), Digest.sha256(new byte[] {1}), 1, SUBJECT);
    VerifyingInputStream wrongSize =
        new VerifyingInputStream(
            new ByteArrayInputStream(new byte[1]), Digest.sha256(new byte[0]), 0, SUBJECT);

    // Callers that handle only IOException (transferTo, try-with-resources code) see both.
    assertThatThrownBy(() -> wrongDigest.transferTo(new ByteArrayOutputStream()))
        .isInstanceOf(IOException.class)
        .isExactlyInstanceOf(DigestMismatchException.class);
    assertThatThrownBy(() -> wrongSize.transferTo(new ByteArrayOutputStream()))
        .isInstanceOf(IOException.class)
        .isExactlyInstanceOf(SizeMismatchException.class);
    assertThat(IOException.class)
        .isAssignableFrom(DigestMismatchException.class)
        .isAssignableFrom(SizeMismatchException.class);
  }

  @Test
  void verifyingInputStreamRejectsUnregisteredAlgorithmsAndNegativeSizes() {
    Digest unregistered =
        Digest.parse("multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8");
    ByteArrayInputStream empty = new ByteArrayInputStream(new byte[0]);

    assertThatThrownBy(() -> new VerifyingInputStream(empty, unregistered, 0, SUBJECT))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("multihash+base58");
    assertThatThrownBy(
            () -> new VerifyingInputStream(empty, Digest.sha256(new byte[0]), -1, SUBJECT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");
  }

  /**
   * A generated stream of {@code length} bytes that counts how many bytes were pulled from it,
   * returning as many as each read asks for.
   */
  static final class CountingStream extends InputStream {
    private final long length;
    long pulled;

    CountingStream(long length) {
      this.length = length;
    }

    static byte byteAt(long position) {
      return (byte) (position * 31 + 7);
    }

    @Override
    public int read() {
      if (pulled >= length) {
        return -1;
      }
      return byteAt(pulled++) & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (len == 0) {
        return 0;
      }
      if (pulled >= length) {
        return -1;
      }
      int n = (int) Math.min(len, length - pulled);
      for (int i = 0; i < n; i++) {
        b[off + i] = byteAt(pulled++);
      }
      return n;
    }
  }
}
