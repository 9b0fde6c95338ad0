package dev.ocikit.bench;

import dev.ocikit.layers.ParallelGzipOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Measures gzip compression of a layer-sized input, 64 MiB of half-compressible data (alternating
 * pieces of random bytes and of text, as a tar of binaries and text files is), at level 6:
 *
 * <ul>
 *   <li>{@code gzipOutputStream}: {@link GZIPOutputStream}, the JDK's, on one thread;
 *   <li>{@code parallel1Thread}: {@link ParallelGzipOutputStream} with one thread (compressing on
 *       the calling thread);
 *   <li>{@code parallel2Threads}: {@link ParallelGzipOutputStream} with two worker threads.
 * </ul>
 *
 * <p>The data is written in 64 KiB pieces, as a tar writer would, to a stream that discards it.
 * Each invocation counts as 64 operations, so the score, in operations per second, is the
 * throughput in MiB of uncompressed data per second.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar ParallelGzip}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(ParallelGzipBenchmark.MIB)
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 2, time = 5, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 5, timeUnit = TimeUnit.SECONDS)
public class ParallelGzipBenchmark {
  /** The size of the input in MiB, hence the operations per invocation. */
  static final int MIB = 64;

  private static final int PIECE = 64 * 1024;

  /** The uncompressed input. */
  byte[] data;

  /** Generates the input (the same for every run). */
  @Setup(Level.Trial)
  public void setUp() {
    data = halfCompressible(MIB << 20, 42);
  }

  /** The JDK's single-threaded gzip at level 6 (its default). */
  @Benchmark
  public long gzipOutputStream() throws IOException {
    Counting sink = new Counting();
    try (GZIPOutputStream gz = new GZIPOutputStream(sink, PIECE)) {
      writeAll(gz);
    }
    return sink.count;
  }

  /** The parallel gzip at level 6 on one thread. */
  @Benchmark
  public long parallel1Thread() throws IOException {
    return parallel(1);
  }

  /** The parallel gzip at level 6 on two threads. */
  @Benchmark
  public long parallel2Threads() throws IOException {
    return parallel(2);
  }

  private long parallel(int threads) throws IOException {
    Counting sink = new Counting();
    try (ParallelGzipOutputStream gz = new ParallelGzipOutputStream(sink, 6, threads)) {
      writeAll(gz);
    }
    return sink.count;
  }

  private void writeAll(OutputStream out) throws IOException {
    for (int at = 0; at < data.length; at += PIECE) {
      out.write(data, at, Math.min(PIECE, data.length - at));
    }
  }

  /** Discards what it is given, counting it. */
  private static final class Counting extends OutputStream {
    long count;

    @Override
    public void write(int b) {
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      count += len;
    }
  }

  /** {@code size} bytes alternating pieces (up to 8 KiB) of random bytes and of text. */
  static byte[] halfCompressible(int size, long seed) {
    Random random = new Random(seed);
    byte[] text = text(64 * 1024, random);
    byte[] data = new byte[size];
    byte[] noise = new byte[8192];
    int at = 0;
    boolean binary = false;
    while (at < size) {
      int n = Math.min(size - at, 1 + random.nextInt(8192));
      if (binary) {
        random.nextBytes(noise);
        System.arraycopy(noise, 0, data, at, n);
      } else {
        System.arraycopy(text, random.nextInt(text.length - 8192), data, at, n);
      }
      at += n;
      binary = !binary;
    }
    return data;
  }

  /** {@code size} bytes of English-like text with numbers. */
  private static byte[] text(int size, Random random) {
    String[] words = {
      "layer", "image", "manifest", "config", "the", "of", "digest", "sha256", "blob", "index",
      "annotation", "platform", "linux", "amd64", "arm64", "tar", "gzip", "zstd", "whiteout", "a",
      "directory", "file", "symlink", "hardlink", "mode", "uid", "gid", "mtime", "and", "to"
    };
    StringBuilder s = new StringBuilder(size + 64);
    while (s.length() < size) {
      s.append(words[random.nextInt(words.length)]);
      int r = random.nextInt(12);
      s.append(r == 0 ? ".\n" : r == 1 ? " " + random.nextInt(100_000) + " " : " ");
    }
    return s.substring(0, size).getBytes(StandardCharsets.US_ASCII);
  }
}
