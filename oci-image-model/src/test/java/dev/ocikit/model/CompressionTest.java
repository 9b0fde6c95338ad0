package dev.ocikit.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CompressionTest {
  private static byte[] bytes(int... b) {
    byte[] out = new byte[b.length];
    for (int i = 0; i < b.length; i++) {
      out[i] = (byte) b[i];
    }
    return out;
  }

  @Test
  void gzipAndZstdFramesAreRecognisedByTheirMagicNumbers() {
    assertThat(Compression.detect(bytes(0x1f, 0x8b, 8, 0), 4)).isEqualTo(Compression.GZIP);
    assertThat(Compression.detect(bytes(0x28, 0xb5, 0x2f, 0xfd), 4)).isEqualTo(Compression.ZSTD);
  }

  @Test
  void aZstdStreamMayBeginWithASkippableFrame() {
    // RFC 8878 section 3.1.2: skippable frames have magic numbers 0x184D2A50 to 0x184D2A5F.
    assertThat(Compression.detect(bytes(0x50, 0x2a, 0x4d, 0x18), 4)).isEqualTo(Compression.ZSTD);
    assertThat(Compression.detect(bytes(0x5f, 0x2a, 0x4d, 0x18), 4)).isEqualTo(Compression.ZSTD);
    assertThat(Compression.detect(bytes(0x60, 0x2a, 0x4d, 0x18), 4)).isEqualTo(Compression.NONE);
  }

  @Test
  void shortOrOtherContentIsNotCompressed() {
    assertThat(Compression.detect(bytes(0x1f), 1)).isEqualTo(Compression.NONE);
    assertThat(Compression.detect(bytes(0x28, 0xb5, 0x2f), 3)).isEqualTo(Compression.NONE);
    assertThat(Compression.detect("a/b\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 4))
        .isEqualTo(Compression.NONE);
    assertThat(Compression.detect(bytes(0x1f, 0x8b), 0)).isEqualTo(Compression.NONE);
  }

  @Test
  void aLengthBeyondTheArrayIsRefused() {
    assertThatThrownBy(() -> Compression.detect(new byte[2], 3))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }
}
