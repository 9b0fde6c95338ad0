package dev.ocikit.layout;

import dev.ocikit.digest.Digest;
import dev.ocikit.model.Descriptor;
import dev.ocikit.model.MediaType;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * A child process for {@link CrashSafetyTest}. Every line it prints is one {@code write(2)} to
 * stdout, made when the step it reports is complete, so the parent knows what happened before a
 * kill:
 *
 * <ul>
 *   <li>{@code ready}: the layout is open, work starts now;
 *   <li>{@code wrote <digest> <size>}: {@code writeBlob} returned;
 *   <li>{@code tagging <ref> <digest>}, {@code untagging <ref>}: an index change is about to start
 *       (it may or may not have happened if the process dies before the next line);
 *   <li>{@code tagged <ref> <digest>}, {@code untagged <ref>}: the index change returned.
 * </ul>
 *
 * <p>Modes:
 *
 * <ul>
 *   <li>{@code chaos <layout> <seed> <round-prefix> <child> <children>}: writes and tags forever
 *       (until it is killed). It tags fresh refs {@code <round-prefix>c<child>-<n>}; it untags and
 *       retags only its own refs and the refs from earlier rounds whose hash modulo {@code
 *       children} is {@code child}, so that two children of one round never touch the same ref.
 *   <li>{@code threads <layout> <prefix> <threads> <refs-per-thread>}: prints {@code ready}, waits
 *       for a line on stdin, then runs {@link #tagMany} in that many threads and exits.
 * </ul>
 *
 * <p>Either mode exits as soon as its stdin is closed, so that a child whose parent died does not
 * linger; any failure exits with status 1 and a stack trace on stderr.
 */
public final class CrashWorker {
  private static final OutputStream STDOUT = new FileOutputStream(FileDescriptor.out);

  private CrashWorker() {}

  /** See the class comment for the arguments. */
  public static void main(String[] args) {
    try {
      switch (args[0]) {
        case "chaos" -> {
          exitWhenStdinCloses(null);
          chaos(
              OciLayout.open(Path.of(args[1])),
              Long.parseLong(args[2]),
              args[3],
              Integer.parseInt(args[4]),
              Integer.parseInt(args[5]));
        }
        case "threads" ->
            threads(
                OciLayout.open(Path.of(args[1])),
                args[2],
                Integer.parseInt(args[3]),
                Integer.parseInt(args[4]));
        default -> throw new IllegalArgumentException("unknown mode " + args[0]);
      }
    } catch (Throwable e) {
      e.printStackTrace();
      System.err.flush();
      Runtime.getRuntime().halt(1);
    }
    System.exit(0);
  }

  /** Prints one line with a single write, so a kill never leaves half of it in the pipe. */
  static synchronized void emit(String line) {
    try {
      STDOUT.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      STDOUT.flush();
    } catch (IOException e) {
      Runtime.getRuntime().halt(2); // the parent is gone
    }
  }

  /** Exits when stdin reaches its end (the parent died or closed it). */
  private static void exitWhenStdinCloses(BufferedReader alreadyOpen) {
    Thread watcher =
        new Thread(
            () -> {
              try {
                if (alreadyOpen != null) {
                  while (alreadyOpen.readLine() != null) {
                    // discard
                  }
                } else {
                  System.in.transferTo(OutputStream.nullOutputStream());
                }
              } catch (IOException e) {
                // fall through: treat as closed
              }
              Runtime.getRuntime().halt(3);
            },
            "stdin-watcher");
    watcher.setDaemon(true);
    watcher.start();
  }

  // --- chaos ------------------------------------------------------------------------------------

  /** A blob this process generated: its content can be made again from the seed and size. */
  private record Generated(long seed, int size, Descriptor descriptor) {}

  private static void chaos(
      OciLayout layout, long seed, String roundPrefix, int child, int children) throws Exception {
    Random rng = new Random(seed);
    String prefix = roundPrefix + "c" + child + "-";
    List<Descriptor> known = new ArrayList<>(); // blobs that exist in the layout
    List<Generated> generated = new ArrayList<>();
    List<String> mine = new ArrayList<>(); // refs only this process may untag or retag
    for (Descriptor d : layout.index().value().manifests()) {
      known.add(Descriptor.of(MediaType.OCTET_STREAM, d.digest(), d.size()));
      String ref = d.refName().orElse("");
      if (!ref.isEmpty()
          && !ref.startsWith(roundPrefix)
          && Math.floorMod(ref.hashCode(), children) == child) {
        mine.add(ref);
      }
    }
    ExecutorService pair =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r);
              t.setDaemon(true);
              return t;
            });
    emit("ready");
    for (long n = 0; ; n++) {
      Descriptor d = writeSomething(layout, rng, known, generated, pair);

      String ref = prefix + n;
      emit("tagging " + ref + " " + d.digest());
      layout.tag(ref, d);
      emit("tagged " + ref + " " + d.digest());
      mine.add(ref);

      int p = rng.nextInt(10);
      if (p < 3 && !mine.isEmpty()) {
        String old = mine.remove(rng.nextInt(mine.size()));
        emit("untagging " + old);
        if (!layout.untag(old)) {
          throw new AssertionError("untag found no " + old + ": a tag was lost");
        }
        emit("untagged " + old);
      } else if (p < 5 && !mine.isEmpty()) {
        String old = mine.get(rng.nextInt(mine.size()));
        Descriptor other = known.get(rng.nextInt(known.size()));
        emit("tagging " + old + " " + other.digest());
        layout.tag(old, other);
        emit("tagged " + old + " " + other.digest());
      }
    }
  }

  /** Writes a new blob, an existing one, or a new one from two threads at once. */
  private static Descriptor writeSomething(
      OciLayout layout,
      Random rng,
      List<Descriptor> known,
      List<Generated> generated,
      ExecutorService pair)
      throws Exception {
    int kind = rng.nextInt(10);
    Descriptor written;
    if (kind < 2 && !known.isEmpty()) {
      // A blob that already exists, through each write path.
      if (!generated.isEmpty() && rng.nextBoolean()) {
        Generated g = generated.get(rng.nextInt(generated.size()));
        byte[] content = content(g.seed(), g.size());
        written =
            rng.nextBoolean()
                ? layout.writeBlob(MediaType.OCTET_STREAM, chunked(content))
                : layout.writeBlob(g.descriptor(), chunked(content));
        requireSame(g.descriptor(), written);
      } else {
        Descriptor old = known.get(rng.nextInt(known.size()));
        try (InputStream in = layout.open(old)) {
          written = layout.writeBlob(MediaType.OCTET_STREAM, in);
        }
        requireSame(old, written);
      }
      emit("wrote " + written.digest() + " " + written.size());
    } else {
      long contentSeed = rng.nextLong();
      int size = size(rng);
      byte[] content = content(contentSeed, size);
      Descriptor expected = Descriptor.of(MediaType.OCTET_STREAM, content);
      if (kind < 4) {
        // The same new blob from two threads at once, by either write path.
        List<Future<Descriptor>> both = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
          boolean byDescriptor = rng.nextBoolean();
          both.add(
              pair.submit(
                  () -> {
                    Descriptor d =
                        byDescriptor
                            ? layout.writeBlob(expected, chunked(content))
                            : layout.writeBlob(MediaType.OCTET_STREAM, chunked(content));
                    requireSame(expected, d);
                    emit("wrote " + d.digest() + " " + d.size());
                    return d;
                  }));
        }
        written = both.get(0).get();
        both.get(1).get();
      } else {
        written = layout.writeBlob(MediaType.OCTET_STREAM, chunked(content));
        requireSame(expected, written);
        emit("wrote " + written.digest() + " " + written.size());
      }
      generated.add(new Generated(contentSeed, size, written));
    }
    known.add(written);
    return written;
  }

  private static void requireSame(Descriptor expected, Descriptor written) {
    if (!expected.digest().equals(written.digest()) || expected.size() != written.size()) {
      throw new AssertionError("wrote " + written + " for " + expected);
    }
  }

  /** From 0 bytes to 4 MiB, mostly small. */
  private static int size(Random rng) {
    int p = rng.nextInt(100);
    if (p < 8) {
      return 0;
    } else if (p < 50) {
      return 1 + rng.nextInt(4096);
    } else if (p < 80) {
      return 4096 + rng.nextInt(256 * 1024);
    } else if (p < 95) {
      return 256 * 1024 + rng.nextInt(768 * 1024);
    }
    return 1024 * 1024 + rng.nextInt(3 * 1024 * 1024);
  }

  static byte[] content(long seed, int size) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** The content as a stream copied in 8 KiB steps, so a kill can land between two of them. */
  private static InputStream chunked(byte[] content) {
    return new FilterInputStream(new ByteArrayInputStream(content)) {};
  }

  // --- threads ----------------------------------------------------------------------------------

  /** The blob every tagging thread, in every process, writes. */
  static byte[] sharedContent() {
    return content(0x5eed, 256 * 1024);
  }

  /**
   * Writes the shared blob, then a blob whose content is the ref and tags it, {@code count} times;
   * the refs are {@code <prefix>-<i>}, each passed to {@code report} as a {@code tagged} line.
   */
  static void tagMany(
      OciLayout layout, String prefix, int count, byte[] shared, Consumer<String> report)
      throws IOException {
    Digest sharedDigest = Digest.sha256(shared);
    for (int i = 0; i < count; i++) {
      String ref = prefix + "-" + i;
      Descriptor s = layout.writeBlob(MediaType.OCTET_STREAM, chunked(shared));
      if (!s.digest().equals(sharedDigest)) {
        throw new AssertionError("shared blob written as " + s);
      }
      Descriptor d = layout.writeBlob(MediaType.OCTET_STREAM, ref.getBytes(StandardCharsets.UTF_8));
      layout.tag(ref, d);
      report.accept("tagged " + ref + " " + d.digest());
    }
  }

  private static void threads(OciLayout layout, String prefix, int threads, int each)
      throws Exception {
    byte[] shared = sharedContent();
    BufferedReader stdin =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    emit("ready");
    if (stdin.readLine() == null) {
      Runtime.getRuntime().halt(3);
    }
    exitWhenStdinCloses(stdin);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      String threadPrefix = prefix + "t" + t;
      futures.add(
          pool.submit(
              () -> {
                tagMany(layout, threadPrefix, each, shared, CrashWorker::emit);
                return null;
              }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
  }
}
