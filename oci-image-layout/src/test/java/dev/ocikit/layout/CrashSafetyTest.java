package dev.ocikit.layout;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.ocikit.digest.Digest;
import dev.ocikit.digest.DigestAlgorithm;
import dev.ocikit.model.Descriptor;
import dev.ocikit.model.Index;
import dev.ocikit.model.MediaType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety and concurrency of {@link OciLayout}, with real processes: children are killed with
 * SIGKILL (see {@code Child.kill}) in the middle of blob writes and index changes, and the layout
 * is checked after every kill.
 *
 * <p>A SIGKILL stops a process but not the kernel: what it wrote is in the page cache and is seen
 * by the next reader. These tests therefore prove atomicity against process death and races, not
 * durability against power loss (the fsyncs), which needs a machine or a VM to be cut off.
 *
 * <p>The seed of the kill test is printed in its messages; {@code -Docikit.crash.seed=<seed>}
 * replays the same contents, sizes and kill delays (the timing of the children, and so the exact
 * point each kill lands, cannot be replayed). {@code -Docikit.crash.rounds=<n>} changes the number
 * of rounds (30), and {@code -Docikit.crash.log=<dir>} keeps what each child printed there.
 */
class CrashSafetyTest {
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

  @TempDir Path dir;

  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void noChildOutlivesItsTest() throws InterruptedException {
    for (Process p : started) {
      if (p.isAlive()) {
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  // --- 1. SIGKILL during writes and tags ------------------------------------------------------

  @Test
  void sigkilledWritersAndTaggersNeverLeaveAPartialBlobALostTagOrATornIndex() throws Exception {
    long seed = Long.getLong("ocikit.crash.seed", new SecureRandom().nextLong());
    Random rng = new Random(seed);
    int rounds = Integer.getInteger("ocikit.crash.rounds", 30);
    String logDir = System.getProperty("ocikit.crash.log");
    Path log = logDir == null ? null : Path.of(logDir);
    OciLayout layout = OciLayout.create(dir.resolve("layout"));
    Model model = new Model();
    Stats stats = new Stats();
    long startedAt = System.nanoTime();

    for (int round = 0; round < rounds; round++) {
      String about =
          "seed " + seed + " (replay with -Docikit.crash.seed=" + seed + "), round " + round;
      int children = rng.nextInt(3) == 0 ? 2 : 1;
      List<Child> kids = new ArrayList<>();
      IndexWatcher watcher = new IndexWatcher(layout.root());
      watcher.start();
      try {
        for (int c = 0; c < children; c++) {
          kids.add(
              Child.start(
                  this,
                  dir.resolve("child-" + round + "-" + c + ".err"),
                  "chaos",
                  layout.root().toString(),
                  Long.toString(rng.nextLong()),
                  String.format("r%02d", round),
                  Integer.toString(c),
                  Integer.toString(children)));
        }
        long[] delays = new long[children];
        for (int c = 0; c < children; c++) {
          delays[c] = 50 + rng.nextInt(451);
        }
        for (Child kid : kids) {
          kid.awaitReady(about);
        }
        // Kill each child its delay after it started working, the earliest first.
        List<Integer> order = new ArrayList<>(List.of(0, 1).subList(0, children));
        order.sort(
            (a, b) ->
                Long.compare(
                    kids.get(a).readyAt + delays[a] * 1_000_000L,
                    kids.get(b).readyAt + delays[b] * 1_000_000L));
        for (int c : order) {
          Child kid = kids.get(c);
          long sleep = kid.readyAt + delays[c] * 1_000_000L - System.nanoTime();
          if (sleep > 0) {
            TimeUnit.NANOSECONDS.sleep(sleep);
          }
          kid.kill(about + ", child " + c + " killed after " + delays[c] + " ms");
        }
      } finally {
        watcher.stop();
      }
      if (watcher.failure.get() != null) {
        throw new AssertionError(
            about + ": a reader of index.json while children ran: " + watcher.failure.get(),
            watcher.failure.get());
      }
      stats.indexReads += watcher.reads.get();

      for (Child kid : kids) {
        if (log != null) {
          String name = "round-" + round + "-child-" + kids.indexOf(kid);
          Files.createDirectories(log);
          Files.write(log.resolve(name + ".out"), kid.lines());
          Files.copy(kid.stderr, log.resolve(name + ".err"), StandardCopyOption.REPLACE_EXISTING);
        }
        stats.lines += kid.lines().size();
        if (model.apply(kid.lines(), about)) {
          stats.killedMidIndexChange++;
        }
      }
      stats.rounds++;
      stats.children += children;
      try {
        checkLayout(layout.root(), model, stats, about);
      } catch (IOException | RuntimeException e) {
        throw new AssertionError(about + ": after the kill, " + e, e);
      }
    }

    double seconds = (System.nanoTime() - startedAt) / 1e9;
    System.out.printf(
        "CrashSafetyTest: seed %d, %d rounds, %d children killed, %.1f s; %d lines reported,"
            + " %d blobs written (%d distinct, %d MiB on disk), %d refs live, %d kills during an"
            + " index change, %d temp files left, %d index reads while children ran%n",
        seed,
        stats.rounds,
        stats.children,
        seconds,
        stats.lines,
        model.writes,
        model.blobs.size(),
        stats.blobBytes >> 20,
        model.liveRefs(),
        stats.killedMidIndexChange,
        stats.tempFiles,
        stats.indexReads);
    String about = "seed " + seed;
    assertThat(model.tags).as("%s: the children tagged something", about).isGreaterThan(rounds);
    assertThat(model.writes).as("%s: the children wrote blobs", about).isGreaterThan(rounds);
  }

  /** What the children reported; {@code apply} folds one child's lines in. */
  private static final class Model {
    final Map<Digest, Long> blobs = new LinkedHashMap<>();
    final Set<Digest> verified = new HashSet<>();

    /** Each ref ever tagged: the digest it must point at, or empty when it must be absent. */
    final Map<String, Optional<Digest>> refs = new HashMap<>();

    /** Index changes begun but not reported done: the state each would lead to. */
    final Map<String, Optional<Digest>> pending = new HashMap<>();

    long writes;
    long tags;

    /** True when the child was killed in the middle of an index change. */
    boolean apply(List<String> lines, String about) {
      Map<String, Optional<Digest>> begun = new HashMap<>();
      for (String line : lines) {
        String[] f = line.split(" ");
        switch (f[0]) {
          case "ready" -> {}
          case "wrote" -> {
            Digest d = Digest.parse(f[1]);
            long size = Long.parseLong(f[2]);
            Long before = blobs.putIfAbsent(d, size);
            assertThat(before == null || before == size)
                .as("%s: %s reported with sizes %s and %s", about, d, before, size)
                .isTrue();
            writes++;
          }
          case "tagging" -> begun.put(f[1], Optional.of(Digest.parse(f[2])));
          case "untagging" -> begun.put(f[1], Optional.empty());
          case "tagged", "untagged" -> {
            Optional<Digest> now =
                f[0].equals("tagged") ? Optional.of(Digest.parse(f[2])) : Optional.empty();
            assertThat(begun.remove(f[1])).as("%s: %s", about, line).isEqualTo(now);
            refs.put(f[1], now);
            tags += now.isPresent() ? 1 : 0;
          }
          default -> fail("%s: unexpected line from a child: %s", about, line);
        }
      }
      // A child runs its index changes one after the other: only its last one can be unfinished.
      assertThat(begun).as("%s: unfinished index changes of one child", about).hasSizeLessThan(2);
      pending.putAll(begun);
      return !begun.isEmpty();
    }

    long liveRefs() {
      return refs.values().stream().filter(Optional::isPresent).count();
    }
  }

  private static final class Stats {
    int rounds;
    int children;
    long lines;
    int killedMidIndexChange;
    long indexReads;
    long tempFiles;
    long blobBytes;
  }

  /** Everything a kill must not break, checked on a freshly opened layout. */
  private static void checkLayout(Path root, Model model, Stats stats, String about)
      throws IOException {
    OciLayout layout = OciLayout.open(root);

    // index.json: present, not empty, parses; a ref is held by one descriptor at most.
    assertThat(Files.size(root.resolve(OciLayout.INDEX_JSON)))
        .as("%s: size of index.json", about)
        .isPositive();
    Index index = layout.index().value();
    Map<String, Digest> inIndex = new HashMap<>();
    for (Descriptor d : index.manifests()) {
      String ref = d.refName().orElse(null);
      assertThat(ref).as("%s: every index entry comes from tag(): %s", about, d).isNotNull();
      assertThat(inIndex.put(ref, d.digest()))
          .as("%s: ref %s is held by more than one descriptor", about, ref)
          .isNull();
      assertThat(model.blobs)
          .as("%s: %s is tagged to a blob nobody reported writing", about, ref)
          .containsKey(d.digest());
      assertThat(d.size()).as("%s: size of %s", about, ref).isEqualTo(model.blobs.get(d.digest()));
    }

    // Every ref reported tagged, and not later untagged or retagged, is there; an index change cut
    // short by the kill may have happened or not, but nothing in between.
    for (Map.Entry<String, Optional<Digest>> p : model.pending.entrySet()) {
      String ref = p.getKey();
      Optional<Digest> before = model.refs.getOrDefault(ref, Optional.empty());
      Optional<Digest> actual = Optional.ofNullable(inIndex.get(ref));
      assertThat(actual)
          .as(
              "%s: ref %s after a kill during its change %s -> %s",
              about, ref, before, p.getValue())
          .isIn(before, p.getValue());
      model.refs.put(ref, actual);
    }
    model.pending.clear();
    for (Map.Entry<String, Optional<Digest>> e : model.refs.entrySet()) {
      assertThat(Optional.ofNullable(inIndex.get(e.getKey())))
          .as(
              "%s: ref %s was reported %s",
              about, e.getKey(), e.getValue().map(d -> "tagged to " + d).orElse("untagged"))
          .isEqualTo(e.getValue());
    }
    for (String ref : inIndex.keySet()) {
      assertThat(model.refs).as("%s: ref %s appeared from nowhere", about, ref).containsKey(ref);
    }

    // The layout as a whole still validates: header, index.json, every tagged blob's digest and
    // size (the children tag plain blobs, so the check verifies them as leaves).
    assertThat(LayoutChecker.check(root, false))
        .as("%s: the deep check after the kill", about)
        .noneMatch(LayoutProblem::isError);

    // Every blob reported written exists and reads back verified, to its end.
    for (Map.Entry<Digest, Long> b : model.blobs.entrySet()) {
      if (model.verified.contains(b.getKey())) {
        assertThat(layout.contains(b.getKey())).as("%s: %s vanished", about, b.getKey()).isTrue();
        continue;
      }
      try (InputStream in =
          layout.open(Descriptor.of(MediaType.OCTET_STREAM, b.getKey(), b.getValue()))) {
        in.transferTo(OutputStream.nullOutputStream());
      } catch (IOException e) {
        throw new AssertionError(
            about + ": reported blob " + b.getKey() + " (" + b.getValue() + " bytes): " + e, e);
      }
      model.verified.add(b.getKey());
    }

    // Nothing but layout files and final blobs outside the temp directory, and every blob under a
    // final name is complete: its sha256 is its name.
    stats.tempFiles = 0;
    stats.blobBytes = 0;
    Path sha256 = root.resolve("blobs").resolve("sha256");
    Set<Path> layoutFiles =
        Set.of(
            root.resolve(OciLayout.OCI_LAYOUT),
            root.resolve(OciLayout.INDEX_JSON),
            root.resolve(OciLayout.INDEX_LOCK),
            root.resolve("blobs"),
            sha256,
            root.resolve(OciLayout.TEMP_DIR));
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        if (p.equals(root) || layoutFiles.contains(p)) {
          continue;
        }
        if (p.getParent().equals(root.resolve(OciLayout.TEMP_DIR))) {
          stats.tempFiles++;
          continue;
        }
        String name = p.getFileName().toString();
        assertThat(p.getParent().equals(sha256) && SHA256_HEX.matcher(name).matches())
            .as("%s: stray file %s", about, root.relativize(p))
            .isTrue();
        assertThat(Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
            .as("%s: %s is a regular file", about, root.relativize(p))
            .isTrue();
        Digest actual;
        try (InputStream in = Files.newInputStream(p)) {
          actual = Digest.compute(DigestAlgorithm.SHA256, in);
        }
        assertThat(actual.encoded())
            .as(
                "%s: blob %s (%d bytes) holds other bytes: a partial blob under a final name",
                about, name, Files.size(p))
            .isEqualTo(name);
        stats.blobBytes += Files.size(p);
      }
    }
  }

  /** Reads index.json over and over while children change it; records the first failure. */
  private static final class IndexWatcher {
    final Path root;
    final AtomicBoolean running = new AtomicBoolean(true);
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    final AtomicLong reads = new AtomicLong();
    final Thread thread;

    IndexWatcher(Path root) {
      this.root = root;
      this.thread = new Thread(this::run, "index-watcher");
      thread.setDaemon(true);
    }

    void start() {
      thread.start();
    }

    private void run() {
      try {
        OciLayout layout = OciLayout.open(root);
        while (running.get()) {
          byte[] bytes = Files.readAllBytes(root.resolve(OciLayout.INDEX_JSON));
          if (bytes.length == 0) {
            throw new AssertionError("index.json was empty");
          }
          layout.index();
          reads.incrementAndGet();
          Thread.sleep(5);
        }
      } catch (Throwable e) {
        failure.set(e);
      }
    }

    void stop() throws InterruptedException {
      running.set(false);
      thread.join(TimeUnit.SECONDS.toMillis(30));
    }
  }

  // --- 2. threads and processes at once ------------------------------------------------------

  @Test
  void threadsInSeveralProcessesTaggingAtOnceLoseNoTagAndDuplicateNone() throws Exception {
    OciLayout layout = OciLayout.create(dir.resolve("layout"));
    int threads = 4;
    int each = 30;
    byte[] shared = CrashWorker.sharedContent();

    List<Child> kids = new ArrayList<>();
    for (String prefix : List.of("p1", "p2")) {
      kids.add(
          Child.start(
              this,
              dir.resolve(prefix + ".err"),
              "threads",
              layout.root().toString(),
              prefix,
              Integer.toString(threads),
              Integer.toString(each)));
    }
    for (Child kid : kids) {
      kid.awaitReady("threads test");
    }
    // Everyone starts at once: the children on a line on stdin, the parent's threads on a latch.
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      String prefix = "p0t" + t;
      futures.add(
          pool.submit(
              () -> {
                go.await();
                CrashWorker.tagMany(layout, prefix, each, shared, line -> {});
                return null;
              }));
    }
    for (Child kid : kids) {
      kid.process.getOutputStream().write("go\n".getBytes(UTF_8));
      kid.process.getOutputStream().flush();
    }
    go.countDown();
    try {
      for (Future<?> f : futures) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    for (Child kid : kids) {
      kid.awaitExit();
    }

    // The children reported their tags; the parent's are known.
    Map<String, Digest> expected = new HashMap<>();
    for (Child kid : kids) {
      for (String line : kid.lines()) {
        String[] f = line.split(" ");
        if (f[0].equals("tagged")) {
          expected.put(f[1], Digest.parse(f[2]));
        }
      }
    }
    for (int p = 0; p < 3; p++) {
      for (int t = 0; t < threads; t++) {
        for (int i = 0; i < each; i++) {
          String ref = "p" + p + "t" + t + "-" + i;
          Digest d = Digest.sha256(ref.getBytes(UTF_8));
          if (p > 0) {
            assertThat(expected).as("child p%d reported %s", p, ref).containsEntry(ref, d);
          }
          expected.put(ref, d);
        }
      }
    }
    assertThat(expected).hasSize(3 * threads * each);

    OciLayout reopened = OciLayout.open(layout.root());
    List<Descriptor> manifests = reopened.index().value().manifests();
    Map<String, Digest> actual = new HashMap<>();
    for (Descriptor d : manifests) {
      String ref = d.refName().orElseThrow();
      assertThat(actual.put(ref, d.digest())).as("ref %s is in index.json once", ref).isNull();
    }
    Set<String> lost = new TreeSet<>(expected.keySet());
    lost.removeAll(actual.keySet());
    assertThat(lost).as("refs lost from index.json, of %d", expected.size()).isEmpty();
    assertThat(manifests).hasSize(3 * threads * each);
    assertThat(actual).isEqualTo(expected);
    for (Descriptor d : manifests) {
      try (InputStream in = reopened.open(d)) {
        assertThat(in.readAllBytes()).isEqualTo(d.refName().orElseThrow().getBytes(UTF_8));
      }
    }
    try (InputStream in = reopened.open(Descriptor.of(MediaType.OCTET_STREAM, shared))) {
      assertThat(in.readAllBytes()).isEqualTo(shared);
    }
    try (Stream<Path> blobs = Files.list(reopened.root().resolve("blobs").resolve("sha256"))) {
      assertThat(blobs).hasSize(3 * threads * each + 1);
    }
    try (Stream<Path> temps = Files.list(reopened.root().resolve(OciLayout.TEMP_DIR))) {
      assertThat(temps).as("no temporary file is left when nobody was killed").isEmpty();
    }
  }

  @Test
  void threadsReachingOneLayoutByTwoPathsTakeTurnsOnIndexJson() throws Exception {
    // A JVM holds file locks for all its threads: without a shared in-JVM lock, a second instance
    // of the same layout failed with OverlappingFileLockException instead of waiting its turn.
    OciLayout direct = OciLayout.create(dir.resolve("layout"));
    OciLayout viaLink =
        OciLayout.open(Files.createSymbolicLink(dir.resolve("link"), direct.root()));
    assertThat(viaLink.root()).isNotEqualTo(direct.root());
    int each = 40;
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      OciLayout layout = t % 2 == 0 ? direct : viaLink;
      String prefix = "t" + t;
      futures.add(
          pool.submit(
              () -> {
                for (int i = 0; i < each; i++) {
                  String ref = prefix + "-" + i;
                  layout.tag(ref, layout.writeBlob(MediaType.IMAGE_MANIFEST, ref.getBytes(UTF_8)));
                }
                return null;
              }));
    }
    try {
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(direct.refs()).hasSize(4 * each).doesNotHaveDuplicates();
  }

  // --- child processes --------------------------------------------------------------------------

  /** A {@link CrashWorker} process and the complete lines it printed. */
  private static final class Child {
    final Process process;
    final Path stderr;
    final List<String> lines = new ArrayList<>();
    final CountDownLatch ready = new CountDownLatch(1);
    final Thread reader;
    volatile long readyAt;
    volatile IOException readFailure;

    private Child(Process process, Path stderr) {
      this.process = process;
      this.stderr = stderr;
      this.reader = new Thread(this::read, "child-reader-" + process.pid());
      reader.setDaemon(true);
      reader.start();
    }

    static Child start(CrashSafetyTest test, Path stderr, String... args) throws IOException {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(
          List.of(
              "-XX:+UseSerialGC",
              "-XX:TieredStopAtLevel=1",
              "-Xmx256m",
              "-cp",
              System.getProperty("java.class.path")
                  + java.io.File.pathSeparator
                  + System.getProperty("jdk.module.path", ""),
              CrashWorker.class.getName()));
      command.addAll(List.of(args));
      Process p =
          new ProcessBuilder(command)
              .redirectError(ProcessBuilder.Redirect.to(stderr.toFile()))
              .start();
      test.started.add(p);
      return new Child(p, stderr);
    }

    /** Keeps only lines ended by a newline: a kill may cut the last one short. */
    private void read() {
      try (InputStream in = process.getInputStream()) {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
          if (b != '\n') {
            line.write(b);
            continue;
          }
          String s = line.toString(UTF_8);
          line.reset();
          synchronized (lines) {
            lines.add(s);
          }
          if (s.equals("ready")) {
            readyAt = System.nanoTime();
            ready.countDown();
          }
        }
      } catch (IOException e) {
        readFailure = e;
      }
    }

    void awaitReady(String about) throws Exception {
      if (!ready.await(60, TimeUnit.SECONDS)) {
        fail(
            "%s: child %d not ready after 60 s (alive: %s); stderr: %s",
            about, process.pid(), process.isAlive(), stderr());
      }
    }

    /**
     * SIGKILLs the child, which must still be running: one that stopped by itself failed.
     *
     * <p>The signal is sent through {@link ProcessHandle#destroyForcibly()}, which is what {@link
     * Process#destroyForcibly()} does too (SIGKILL on Linux), but without what that method does
     * next: close the child's stdout on the parent's side, discarding the lines still in the pipe,
     * which would make the parent forget operations the child completed.
     */
    void kill(String about) throws Exception {
      if (!process.isAlive()) {
        reader.join(10_000);
        fail(
            "%s: the child stopped by itself with status %d before the kill; last lines %s;"
                + " stderr: %s",
            about, process.exitValue(), tail(), stderr());
      }
      process.toHandle().destroyForcibly();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("%s: child died", about).isTrue();
      awaitOutput(about);
    }

    /** Waits until the child's stdout is read to its end. */
    private void awaitOutput(String about) throws InterruptedException {
      reader.join(30_000);
      assertThat(reader.isAlive()).as("%s: still reading the child's output", about).isFalse();
      if (readFailure != null) {
        throw new AssertionError(
            about + ": reading the child's output: " + readFailure, readFailure);
      }
    }

    void awaitExit() throws Exception {
      assertThat(process.waitFor(120, TimeUnit.SECONDS))
          .as("child %d ended", process.pid())
          .isTrue();
      awaitOutput("child " + process.pid());
      assertThat(process.exitValue()).as("exit status; stderr: %s", stderr()).isZero();
    }

    List<String> lines() {
      synchronized (lines) {
        return List.copyOf(lines);
      }
    }

    private List<String> tail() {
      List<String> all = lines();
      return all.subList(Math.max(0, all.size() - 5), all.size());
    }

    private String stderr() throws IOException {
      return Files.exists(stderr) ? Files.readString(stderr) : "";
    }
  }
}
