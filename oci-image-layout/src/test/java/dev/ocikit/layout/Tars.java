package dev.ocikit.layout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Test helpers: tars built entry by entry, the sample layout, and the external tools. */
final class Tars {
  private Tars() {}

  /** An entry to write: a file with content, or a link to {@code target}. */
  record Entry(String name, byte[] content, byte type, String target) {}

  static Entry file(String name, byte[] content) {
    return new Entry(name, content, TarConstants.LF_NORMAL, "");
  }

  static Entry file(String name, String content) {
    return file(name, content.getBytes(StandardCharsets.UTF_8));
  }

  static Entry symlink(String name, String target) {
    return new Entry(name, new byte[0], TarConstants.LF_SYMLINK, target);
  }

  static Entry hardlink(String name, String target) {
    return new Entry(name, new byte[0], TarConstants.LF_LINK, target);
  }

  static Entry directory(String name) {
    return new Entry(name, new byte[0], TarConstants.LF_DIR, "");
  }

  /** The bytes of a tar of {@code entries}. */
  static byte[] tar(List<Entry> entries) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    write(bytes, entries);
    return bytes.toByteArray();
  }

  /** Writes a tar of {@code entries} to {@code path}. */
  static Path tar(Path path, List<Entry> entries) throws IOException {
    Files.write(path, tar(entries));
    return path;
  }

  private static void write(OutputStream target, List<Entry> entries) throws IOException {
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(target)) {
      out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Entry e : entries) {
        TarArchiveEntry entry = new TarArchiveEntry(e.name(), e.type());
        if (e.type() == TarConstants.LF_SYMLINK || e.type() == TarConstants.LF_LINK) {
          entry.setLinkName(e.target());
        } else {
          entry.setSize(e.content().length);
        }
        out.putArchiveEntry(entry);
        out.write(e.content());
        out.closeArchiveEntry();
      }
    }
  }

  /** {@code content} gzip-compressed. */
  static byte[] gzip(byte[] content) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GzipCompressorOutputStream out = new GzipCompressorOutputStream(bytes)) {
      out.write(content);
    }
    return bytes.toByteArray();
  }

  /** {@code content} zstd-compressed. */
  static byte[] zstd(byte[] content) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (com.github.luben.zstd.ZstdOutputStream out =
        new com.github.luben.zstd.ZstdOutputStream(bytes)) {
      out.write(content);
    }
    return bytes.toByteArray();
  }

  /** The entries of the tar {@code path}, in order, read as a stream. */
  static List<TarArchiveEntry> entries(Path path) throws IOException {
    List<TarArchiveEntry> out = new ArrayList<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(path))) {
      for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        out.add(e);
      }
    }
    return out;
  }

  // --- the sample --------------------------------------------------------------------------------

  /** The sample layout in the repository, {@code testdata/images/hello}. */
  static Path sampleSource() {
    return ResolveTest.sampleSource();
  }

  /** A copy of the sample layout in {@code target}. */
  static Path copySample(Path target) throws IOException {
    Path source = sampleSource();
    try (Stream<Path> walk = Files.walk(source)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        Path to = target.resolve(source.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(to);
        } else {
          Files.copy(p, to);
        }
      }
    }
    return target;
  }

  // --- external tools ----------------------------------------------------------------------------

  /** What a command did. */
  record Result(int status, String out, String err) {}

  /**
   * Skips the calling test when {@code tool} is not on the PATH, except on CI ({@code CI=true}),
   * where {@code .ci/run} installs it and its absence fails the test.
   */
  static void requireTool(String tool) {
    boolean present =
        Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
            .anyMatch(p -> !p.isEmpty() && Files.isExecutable(Path.of(p, tool)));
    if ("true".equals(System.getenv("CI"))) {
      assertThat(present).as("%s is installed (.ci/run installs it)", tool).isTrue();
    }
    assumeTrue(present, tool + " is not installed");
  }

  /** Runs a command with no input, its output kept in files of {@code dir}. */
  static Result run(Path dir, String... command) throws IOException, InterruptedException {
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process p =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(List.of(command) + " did not finish in 120 s");
    }
    return new Result(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}
