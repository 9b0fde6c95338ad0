package dev.ocikit.layers.corpus;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.zip.CRC32;

/**
 * Decompression bombs, written bit by bit so that their bytes depend on no compressor's version: a
 * tar holding one file of zeros, so large that only its header is not zero, compressed at the best
 * ratio the format allows.
 *
 * <ul>
 *   <li>gzip: the tar header in a stored deflate block, then one dynamic-Huffman block whose codes
 *       are 1 bit for "length 258" and 1 bit for "distance 1", so that each 2 bits give 258 zeros
 *       (deflate's ceiling, about 1032:1).
 *   <li>zstd: the tar header in a raw block, then RLE blocks, each 4 bytes for 128 KiB of zeros
 *       (about 32768:1).
 * </ul>
 */
public final class Bombs {
  private Bombs() {}

  /** A compressed bomb, and the digest of what it expands to (its true diff_id). */
  public record Bomb(byte[] compressed, long expandedSize, byte[] expandedSha256) {}

  private static final int BLOCK = 512;

  /**
   * The tar header for a file {@code bomb} filling {@code zeros} zero bytes, end marker included.
   */
  private static byte[] header(long zeros) {
    long size = (zeros - 1024) / BLOCK * BLOCK;
    return RawTar.headerBlock("bomb", '0', size, 0644);
  }

  /** A gzip bomb: {@code matches} × 258 zero bytes after the tar header. */
  public static Bomb gzip(int matches) {
    long zeros = 258L * matches;
    byte[] header = header(zeros);
    Bits bits = new Bits();
    // Stored block (BFINAL 0, BTYPE 00) with the tar header.
    bits.write(0, 1);
    bits.write(0, 2);
    bits.align();
    bits.bytes(
        new byte[] {
          (byte) BLOCK, (byte) (BLOCK >> 8), (byte) ~BLOCK, (byte) (~BLOCK >> 8),
        });
    bits.bytes(header);
    // Dynamic block (BFINAL 1, BTYPE 10).
    bits.write(1, 1);
    bits.write(2, 2);
    bits.write(286 - 257, 5); // HLIT: literal/length codes 0..285
    bits.write(0, 5); // HDIST: one distance code
    bits.write(18 - 4, 4); // HCLEN: code-length codes up to symbol 1 in the permuted order
    // Code lengths of the code-length alphabet, in the order 16 17 18 0 8 7 9 6 10 5 11 4 12 3 13
    // 2 14 1: 18 has 1 bit ("0"), 1 and 2 have 2 bits ("10", "11").
    int[] order = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1};
    for (int symbol : order) {
      bits.write(symbol == 18 ? 1 : symbol == 1 || symbol == 2 ? 2 : 0, 3);
    }
    // Literal/length code lengths: 0 → 2, 1..255 → 0, 256 → 2, 257..284 → 0, 285 → 1; distance
    // code 0 → 1. Canonically: 285 is "0", literal 0 is "10", end-of-block 256 is "11".
    bits.huffman(0b11, 2); // length 2 (symbol 0)
    bits.huffman(0b0, 1); // 18: 138 zeros (1..138)
    bits.write(138 - 11, 7);
    bits.huffman(0b0, 1); // 18: 117 zeros (139..255)
    bits.write(117 - 11, 7);
    bits.huffman(0b11, 2); // length 2 (256)
    bits.huffman(0b0, 1); // 18: 28 zeros (257..284)
    bits.write(28 - 11, 7);
    bits.huffman(0b10, 2); // length 1 (285)
    bits.huffman(0b10, 2); // distance code 0: length 1
    // Each "length 258, distance 1" is two 0 bits: four per byte, all zero.
    if (matches % 4 != 0) {
      throw new IllegalArgumentException("matches must be a multiple of 4");
    }
    bits.zeroBytes(matches / 4);
    bits.huffman(0b11, 2); // end of block
    bits.align();

    CRC32 crc = new CRC32();
    MessageDigest sha = sha256();
    crc.update(header);
    sha.update(header);
    byte[] zero = new byte[1 << 20];
    for (long left = zeros; left > 0; left -= zero.length) {
      int n = (int) Math.min(zero.length, left);
      crc.update(zero, 0, n);
      sha.update(zero, 0, n);
    }
    long expanded = BLOCK + zeros;
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    gz.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3});
    gz.writeBytes(bits.toByteArray());
    le32(gz, crc.getValue());
    le32(gz, expanded);
    return new Bomb(gz.toByteArray(), expanded, sha.digest());
  }

  /** A zstd bomb: {@code blocks} × 128 KiB zero bytes after the tar header. */
  public static Bomb zstd(int blocks) {
    return zstd(header((long) RLE * blocks), 0, blocks);
  }

  private static final int RLE = 128 * 1024;

  /**
   * A zstd stream of {@code prefix} (at most 128 KiB, in a raw block), then {@code blocks} × 128
   * KiB of the byte {@code fill} (RLE blocks): a tar header whose data a reader keeps in memory,
   * say, followed by more of it than any reader should keep.
   */
  public static Bomb zstd(byte[] prefix, int fill, int blocks) {
    int rle = RLE;
    byte[] header = prefix;
    ByteArrayOutputStream z = new ByteArrayOutputStream();
    z.writeBytes(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd});
    z.write(0x00); // frame header descriptor: no content size, no checksum, no dictionary
    z.write(7 << 3); // window descriptor: 2^(10+7) = 128 KiB
    blockHeader(z, false, 0, header.length); // raw block
    z.writeBytes(header);
    for (int i = 0; i < blocks; i++) {
      blockHeader(z, i == blocks - 1, 1, rle); // RLE block
      z.write(fill);
    }
    MessageDigest sha = sha256();
    sha.update(header);
    byte[] run = new byte[rle];
    java.util.Arrays.fill(run, (byte) fill);
    for (int i = 0; i < blocks; i++) {
      sha.update(run);
    }
    return new Bomb(z.toByteArray(), header.length + (long) rle * blocks, sha.digest());
  }

  private static void blockHeader(ByteArrayOutputStream z, boolean last, int type, int size) {
    int h = (last ? 1 : 0) | (type << 1) | (size << 3);
    z.write(h & 0xff);
    z.write((h >> 8) & 0xff);
    z.write((h >> 16) & 0xff);
  }

  private static void le32(ByteArrayOutputStream out, long v) {
    for (int i = 0; i < 4; i++) {
      out.write((int) (v >> (8 * i)) & 0xff);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A deflate bit stream: values least significant bit first, Huffman codes most first. */
  private static final class Bits {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private int current;
    private int count;

    void write(int value, int n) {
      for (int i = 0; i < n; i++) {
        bit((value >> i) & 1);
      }
    }

    void huffman(int code, int length) {
      for (int i = length - 1; i >= 0; i--) {
        bit((code >> i) & 1);
      }
    }

    void bit(int b) {
      current |= b << count;
      if (++count == 8) {
        out.write(current);
        current = 0;
        count = 0;
      }
    }

    void align() {
      if (count > 0) {
        out.write(current);
        current = 0;
        count = 0;
      }
    }

    void bytes(byte[] b) {
      if (count != 0) {
        throw new IllegalStateException("not aligned");
      }
      out.writeBytes(b);
    }

    void zeroBytes(int n) {
      if (count == 0) {
        out.writeBytes(new byte[n]);
        return;
      }
      for (int i = 0; i < n * 8; i++) {
        bit(0);
      }
    }

    byte[] toByteArray() {
      return out.toByteArray();
    }
  }
}
