package dev.ocikit.layers;

import static dev.ocikit.layers.ParallelGzipOutputStream.BLOCK_SIZE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.Inflater;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ParallelGzipOutputStreamTest {
  @TempDir Path dir;

  /** No test leaves a worker thread behind. */
  @AfterEach
  void noWorkerThreadIsLeft() {
    assertThat(workerThreads()).isEmpty();
  }

  // --- round trips ----------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(
      ints = {0, 1, BLOCK_SIZE - 1, BLOCK_SIZE, BLOCK_SIZE + 1, 3 * BLOCK_SIZE + 17, 5_000_000})
  void everyGzipReaderGetsBackTheBytesWritten(int size) throws Exception {
    byte[] data = halfCompressible(size, size);
    byte[] gz = gzip(data, 6, 2);

    assertThat(readAll(new GZIPInputStream(new ByteArrayInputStream(gz)))).isEqualTo(data);
    assertThat(readAll(new GzipCompressorInputStream(new ByteArrayInputStream(gz))))
        .isEqualTo(data);
    Tools.require("gzip");
    Path file = Files.write(dir.resolve("data.gz"), gz);
    assertThat(gunzip(file)).isEqualTo(data);
    gzipTest(file);
  }

  @Test
  void emptyInputIsAValidGzipOfNothing() throws Exception {
    byte[] gz = gzip(new byte[0], 6, 2);

    // header, an empty final fixed-Huffman block, CRC-32 0, ISIZE 0
    assertThat(HexFormat.of().formatHex(gz))
        .isEqualTo("1f8b08000000000000ff" + "0300" + "00000000" + "00000000");
    assertThat(readAll(new GZIPInputStream(new ByteArrayInputStream(gz)))).isEmpty();
  }

  @Test
  void everyLevelRoundTrips() throws Exception {
    byte[] data = halfCompressible(3 * BLOCK_SIZE + 5, 11);
    for (int level = -1; level <= 9; level++) {
      byte[] gz = gzip(data, level, 2);
      assertThat(readAll(new GZIPInputStream(new ByteArrayInputStream(gz))))
          .as("level %d", level)
          .isEqualTo(data);
      assertThat(singleMember(gz)).as("level %d", level).isEqualTo(data);
    }
    assertThat(gzip(data, -1, 2)).as("-1 is level 6").isEqualTo(gzip(data, 6, 2));
  }

  // --- reproducibility ------------------------------------------------------------------------

  @Test
  void outputIsTheSameForAnyThreadCountAndAnyWritePattern() throws Exception {
    byte[] data = halfCompressible(9 * BLOCK_SIZE + 12_345, 3);
    byte[] expected = gzip(data, 6, 1);

    assertThat(gzip(data, 6, 2)).as("2 threads").isEqualTo(expected);
    assertThat(gzip(data, 6, 4)).as("4 threads").isEqualTo(expected);
    assertThat(gzip(data, 6, 2)).as("a second run").isEqualTo(expected);
    for (int threads : new int[] {1, 2, 4}) {
      assertThat(gzipByteByByte(data, threads)).as("byte by byte, %d", threads).isEqualTo(expected);
      assertThat(gzipInRandomPieces(data, threads, 5))
          .as("random pieces, %d", threads)
          .isEqualTo(expected);
    }
    assertThat(gzipInPiecesOf(data, 2, 7919)).as("pieces of 7919").isEqualTo(expected);
    assertThat(gzipInPiecesOf(data, 2, BLOCK_SIZE)).as("block-size pieces").isEqualTo(expected);
    assertThat(gzipInPiecesOf(data, 2, BLOCK_SIZE + 1)).as("block+1 pieces").isEqualTo(expected);

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ParallelGzipOutputStream gz = new ParallelGzipOutputStream(bytes)) {
      gz.write(data);
    }
    assertThat(bytes.toByteArray()).as("default constructor: level 6").isEqualTo(expected);
  }

  @Test
  void flushingInTheMiddleDoesNotChangeTheOutput() throws Exception {
    byte[] data = halfCompressible(6 * BLOCK_SIZE + 999, 4);
    byte[] expected = gzip(data, 6, 2);
    int[] flushes = {0, 1, 1000, BLOCK_SIZE, BLOCK_SIZE + 1, 3 * BLOCK_SIZE + 1, data.length};

    for (int threads : new int[] {1, 2}) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ParallelGzipOutputStream gz = new ParallelGzipOutputStream(bytes, 6, threads)) {
        int done = 0;
        for (int at : flushes) {
          gz.write(data, done, at - done);
          done = at;
          gz.flush();
          gz.flush();
          if (at == 3 * BLOCK_SIZE + 1) {
            // three blocks are known not to be the last: all of them are out
            assertThat(bytes.size()).isGreaterThan(10);
            assertThat(expected).startsWith(bytes.toByteArray());
          }
        }
      }
      assertThat(bytes.toByteArray()).as("%d threads", threads).isEqualTo(expected);
    }
  }

  // --- format ---------------------------------------------------------------------------------

  @Test
  void outputIsOneGzipMemberWithAFixedHeaderAndOneDeflateStream() throws Exception {
    byte[] data = halfCompressible(7 * BLOCK_SIZE + 3, 5);
    byte[] gz = gzip(data, 6, 2);

    assertThat(HexFormat.of().formatHex(gz, 0, 10)).isEqualTo("1f8b08000000000000ff");
    assertThat(singleMember(gz)).isEqualTo(data);
  }

  @Test
  void gzipListsOneMemberOfTheRightSize() throws Exception {
    Tools.require("gzip");
    byte[] data = halfCompressible(3 * BLOCK_SIZE + 17, 6);
    byte[] gz = gzip(data, 6, 2);
    Path file = Files.write(dir.resolve("list.gz"), gz);

    String listing = Tools.run(dir, List.of("gzip", "-l", file.toString()));
    // header line, then: compressed uncompressed ratio name
    List<String> lines = listing.strip().lines().toList();
    assertThat(lines).hasSize(2);
    String[] fields = lines.get(1).strip().split("\\s+");
    assertThat(Long.parseLong(fields[0])).isEqualTo(gz.length);
    assertThat(Long.parseLong(fields[1])).isEqualTo(data.length);
  }

  @Test
  void sizeIsCloseToGzipOutputStreamAtTheSameLevel() throws Exception {
    byte[] data = halfCompressible(5_000_000, 8);
    byte[] text = text(5_000_000);
    for (int level : new int[] {1, 6, 9}) {
      for (byte[] d : List.of(data, text)) {
        long ours = gzip(d, level, 2).length;
        long jdk = jdkGzip(d, level).length;
        assertThat((double) ours / jdk)
            .as("level %d: %d bytes, GZIPOutputStream %d", level, ours, jdk)
            .isBetween(0.99, 1.01);
      }
    }
  }

  // --- arguments and state --------------------------------------------------------------------

  @Test
  void invalidArgumentsAreRejected() {
    OutputStream out = OutputStream.nullOutputStream();
    assertThatThrownBy(() -> new ParallelGzipOutputStream(out, 10, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ParallelGzipOutputStream(out, -2, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ParallelGzipOutputStream(out, 6, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ParallelGzipOutputStream(null, 6, 1))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void finishCompletesTheGzipWithoutClosingTheUnderlyingStream() throws Exception {
    byte[] data = halfCompressible(2 * BLOCK_SIZE + 1, 9);
    AtomicBoolean closed = new AtomicBoolean();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    OutputStream out =
        new FilterOutputStream(bytes) {
          @Override
          public void close() {
            closed.set(true);
          }
        };
    ParallelGzipOutputStream gz = new ParallelGzipOutputStream(out, 6, 2);
    gz.write(data);
    gz.finish();
    gz.finish();

    assertThat(closed).isFalse();
    assertThat(workerThreads()).as("finish stops the workers").isEmpty();
    assertThat(bytes.toByteArray()).isEqualTo(gzip(data, 6, 2));
    assertThatThrownBy(() -> gz.write(1)).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> gz.write(new byte[3])).isInstanceOf(IOException.class);
    gz.flush();
    gz.close();
    assertThat(closed).isTrue();
    gz.close();
    assertThatThrownBy(() -> gz.write(1)).isInstanceOf(IOException.class);
  }

  // --- failures -------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 4})
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void aFailingUnderlyingStreamGivesAnIOExceptionWithoutHanging(int threads) throws Exception {
    byte[] data = halfCompressible(4_000_000, 10);
    FailingStream out = new FailingStream(200_000);
    ParallelGzipOutputStream gz = new ParallelGzipOutputStream(out, 6, threads);

    Throwable thrown = catchThrowable(() -> gz.write(data));
    assertThat(thrown).isInstanceOf(IOException.class).hasMessage("disk full");
    assertThat(workerThreads()).as("a failure stops the workers").isEmpty();
    assertThatThrownBy(() -> gz.write(data))
        .isInstanceOf(IOException.class)
        .hasRootCauseMessage("disk full");
    assertThatThrownBy(() -> gz.write(7)).isInstanceOf(IOException.class);
    assertThatThrownBy(gz::flush).isInstanceOf(IOException.class);
    assertThatThrownBy(gz::finish).isInstanceOf(IOException.class);
    assertThatThrownBy(gz::close)
        .as("close reports that the output is incomplete")
        .isInstanceOf(IOException.class)
        .hasRootCauseMessage("disk full");
    assertThat(out.closed).isTrue();
    gz.close();
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void aStreamFailingAtTheEndFailsFinishAndClose() throws Exception {
    byte[] data = halfCompressible(BLOCK_SIZE / 2, 12);
    FailingStream out = new FailingStream(20);
    ParallelGzipOutputStream gz = new ParallelGzipOutputStream(out, 6, 2);
    gz.write(data);

    assertThatThrownBy(gz::close).isInstanceOf(IOException.class).hasMessage("disk full");
    assertThat(out.closed).isTrue();
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void tryWithResourcesAfterAFailureKeepsTheFirstException() {
    byte[] data = halfCompressible(2_000_000, 13);
    Throwable thrown =
        catchThrowable(
            () -> {
              try (ParallelGzipOutputStream gz =
                  new ParallelGzipOutputStream(new FailingStream(100_000), 6, 2)) {
                gz.write(data);
              }
            });
    assertThat(thrown).isInstanceOf(IOException.class).hasMessage("disk full");
    assertThat(thrown.getSuppressed()).hasSize(1);
    assertThat(thrown.getSuppressed()[0]).isInstanceOf(IOException.class);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 4})
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void aFailureCompressingABlockGivesAnIOExceptionWithoutHanging(int threads) throws Exception {
    byte[] data = halfCompressible(20 * BLOCK_SIZE, 14);
    RuntimeException boom = new IllegalStateException("boom");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ParallelGzipOutputStream gz =
        new ParallelGzipOutputStream(
            bytes,
            6,
            threads,
            index -> {
              if (index == 5) {
                throw boom;
              }
            });

    Throwable thrown = catchThrowable(() -> gz.write(data));
    if (thrown == null) {
      thrown = catchThrowable(gz::flush); // the block may still be in flight
    }
    assertThat(thrown).isInstanceOf(IOException.class).hasCause(boom);
    assertThat(workerThreads()).isEmpty();
    assertThatThrownBy(() -> gz.write(1)).isInstanceOf(IOException.class).hasRootCause(boom);
    assertThatThrownBy(gz::close).isInstanceOf(IOException.class).hasRootCause(boom);
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void aFailureCompressingTheLastBlockFailsFinish() throws Exception {
    RuntimeException boom = new IllegalStateException("boom");
    ParallelGzipOutputStream gz =
        new ParallelGzipOutputStream(
            OutputStream.nullOutputStream(),
            6,
            2,
            index -> {
              if (index == 2) {
                throw boom;
              }
            });
    gz.write(halfCompressible(2 * BLOCK_SIZE + 1, 15));

    assertThatThrownBy(gz::finish).isInstanceOf(IOException.class).hasCause(boom);
    assertThatThrownBy(gz::close).isInstanceOf(IOException.class).hasRootCause(boom);
  }

  // --- helpers --------------------------------------------------------------------------------

  /** An output stream that fails once {@code limit} bytes have been written to it. */
  private static final class FailingStream extends OutputStream {
    private final long limit;
    private long written;
    volatile boolean closed;

    FailingStream(long limit) {
      this.limit = limit;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (written + len > limit) {
        throw new IOException("disk full");
      }
      written += len;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  private static List<Thread> workerThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("ocikit-gzip-") && t.isAlive())
        .toList();
  }

  /**
   * {@code size} bytes alternating pieces of random bytes and of text, about half of each, as a tar
   * of binaries and text files would be.
   */
  static byte[] halfCompressible(int size, long seed) {
    Random random = new Random(seed);
    byte[] text = text(64 * 1024);
    byte[] data = new byte[size];
    int at = 0;
    boolean binary = false;
    while (at < size) {
      int n = Math.min(size - at, 1 + random.nextInt(8192));
      if (binary) {
        byte[] noise = new byte[n];
        random.nextBytes(noise);
        System.arraycopy(noise, 0, data, at, n);
      } else {
        int from = random.nextInt(text.length - 8192);
        System.arraycopy(text, from, data, at, n);
      }
      at += n;
      binary = !binary;
    }
    return data;
  }

  /** {@code size} bytes of varied English-like text with numbers. */
  static byte[] text(int size) {
    String[] words = {
      "layer", "image", "manifest", "config", "the", "of", "digest", "sha256", "blob", "index",
      "annotation", "platform", "linux", "amd64", "arm64", "tar", "gzip", "zstd", "whiteout", "a",
      "directory", "file", "symlink", "hardlink", "mode", "uid", "gid", "mtime", "and", "to"
    };
    Random random = new Random(size);
    StringBuilder s = new StringBuilder(size + 64);
    while (s.length() < size) {
      s.append(words[random.nextInt(words.length)]);
      int r = random.nextInt(12);
      s.append(r == 0 ? ".\n" : r == 1 ? " " + random.nextInt(100_000) + " " : " ");
    }
    return s.substring(0, size).getBytes(StandardCharsets.US_ASCII);
  }

  static byte[] gzip(byte[] data, int level, int threads) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ParallelGzipOutputStream gz = new ParallelGzipOutputStream(bytes, level, threads)) {
      gz.write(data);
    }
    return bytes.toByteArray();
  }

  private static byte[] gzipByteByByte(byte[] data, int threads) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ParallelGzipOutputStream gz = new ParallelGzipOutputStream(bytes, 6, threads)) {
      for (byte b : data) {
        gz.write(b);
      }
    }
    return bytes.toByteArray();
  }

  private static byte[] gzipInRandomPieces(byte[] data, int threads, long seed) throws IOException {
    Random random = new Random(seed);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ParallelGzipOutputStream gz = new ParallelGzipOutputStream(bytes, 6, threads)) {
      int at = 0;
      while (at < data.length) {
        int n = Math.min(data.length - at, random.nextInt(3) == 0 ? 0 : random.nextInt(300_000));
        gz.write(data, at, n);
        at += n;
        if (random.nextInt(10) == 0 && at < data.length) {
          gz.write(data[at++]);
        }
      }
    }
    return bytes.toByteArray();
  }

  private static byte[] gzipInPiecesOf(byte[] data, int threads, int piece) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ParallelGzipOutputStream gz = new ParallelGzipOutputStream(bytes, 6, threads)) {
      for (int at = 0; at < data.length; at += piece) {
        gz.write(data, at, Math.min(piece, data.length - at));
      }
    }
    return bytes.toByteArray();
  }

  private static byte[] jdkGzip(byte[] data, int level) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz =
        new GZIPOutputStream(bytes, 64 * 1024) {
          {
            def.setLevel(level);
          }
        }) {
      gz.write(data);
    }
    return bytes.toByteArray();
  }

  private static byte[] readAll(InputStream in) throws IOException {
    try (in) {
      return in.readAllBytes();
    }
  }

  /**
   * Parses {@code gz} as exactly one gzip member: the 10-byte header, one raw deflate stream that
   * ends exactly 8 bytes before the end, and a trailer that matches what it inflates to.
   */
  private static byte[] singleMember(byte[] gz) throws DataFormatException {
    assertThat(HexFormat.of().formatHex(gz, 0, 10)).isEqualTo("1f8b08000000000000ff");
    Inflater inflater = new Inflater(true);
    try {
      inflater.setInput(gz, 10, gz.length - 10);
      ByteArrayOutputStream data = new ByteArrayOutputStream();
      byte[] buffer = new byte[64 * 1024];
      while (!inflater.finished()) {
        int n = inflater.inflate(buffer);
        assertThat(n > 0 || !inflater.needsInput()).as("deflate stream is complete").isTrue();
        data.write(buffer, 0, n);
      }
      assertThat(inflater.getRemaining())
          .as("only the trailer follows the deflate stream")
          .isEqualTo(8);
      byte[] bytes = data.toByteArray();
      CRC32 crc = new CRC32();
      crc.update(bytes);
      int end = gz.length;
      assertThat(le32(gz, end - 8)).as("CRC-32").isEqualTo((int) crc.getValue());
      assertThat(le32(gz, end - 4)).as("ISIZE").isEqualTo(bytes.length);
      return bytes;
    } finally {
      inflater.end();
    }
  }

  private static int le32(byte[] b, int at) {
    return (b[at] & 0xff)
        | (b[at + 1] & 0xff) << 8
        | (b[at + 2] & 0xff) << 16
        | (b[at + 3] & 0xff) << 24;
  }

  private byte[] gunzip(Path file) throws IOException, InterruptedException {
    Path out = dir.resolve("gunzipped");
    Process p =
        new ProcessBuilder("gzip", "-dc", file.toString())
            .redirectOutput(out.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("gzip -dc finishes").isTrue();
    assertThat(p.exitValue()).as("gzip -dc exit code").isZero();
    return Files.readAllBytes(out);
  }

  private void gzipTest(Path file) throws IOException {
    Tools.run(dir, List.of("gzip", "-t", file.toString()));
  }
}
