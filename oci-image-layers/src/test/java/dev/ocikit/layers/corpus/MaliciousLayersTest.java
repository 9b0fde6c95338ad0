package dev.ocikit.layers.corpus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.ocikit.layers.ApplyOptions;
import dev.ocikit.layers.ImageUnpacker;
import dev.ocikit.layers.LayerException;
import dev.ocikit.layout.OciLayout;
import dev.ocikit.model.Descriptor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unpacks every image of {@code testdata/malicious} (built by {@link MaliciousLayers}) into a
 * target inside a sandbox of sentinels, and checks that each is refused with the right typed
 * exception, naming the layer and the entry, or confined to the target; and that nothing outside
 * the target changed: no path, content, mode, owner, time, link count or link target of the
 * sandbox, and no host path the case aims at.
 */
class MaliciousLayersTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final List<Path> HOST_ABSENT =
      List.of(Path.of("/tmp", MaliciousLayers.EVIL), Path.of("/etc", MaliciousLayers.EVIL));
  private static final Path HOST_PASSWD = Path.of("/etc/passwd");

  @TempDir static Path generated;
  private static List<MaliciousLayers.Case> cases;

  @TempDir Path dir;

  static Path committed() {
    String root = System.getProperty("ocikit.repo.root");
    Path base = root != null ? Path.of(root) : Path.of("").toAbsolutePath().getParent();
    return base.resolve("testdata/malicious");
  }

  @BeforeAll
  static void generate() throws IOException {
    if (Boolean.getBoolean("ocikit.testdata.update")) {
      MaliciousLayers.deleteTree(committed());
      MaliciousLayers.write(committed());
    }
    cases = MaliciousLayers.write(generated.resolve("corpus"));
  }

  @Test
  void committedCorpusIsWhatTheGeneratorBuilds() throws IOException {
    assertThat(files(committed())).isEqualTo(files(generated.resolve("corpus")));
  }

  @Test
  void everyCommittedImageHasACaseAndTheCorpusIsSmall() throws IOException {
    Set<String> dirs = new TreeSet<>();
    try (Stream<Path> list = Files.list(committed())) {
      list.filter(Files::isDirectory).forEach(p -> dirs.add(p.getFileName().toString()));
    }
    assertThat(dirs)
        .containsExactlyInAnyOrderElementsOf(
            cases.stream().map(MaliciousLayers.Case::name).toList());
    long total = 0;
    try (Stream<Path> walk = Files.walk(committed())) {
      for (Path f : walk.filter(Files::isRegularFile).toList()) {
        total += Files.size(f);
      }
    }
    assertThat(total).as("corpus bytes").isLessThan(400 * 1024);
  }

  @TestFactory
  Stream<DynamicTest> eachCaseIsRefusedOrConfinedAndChangesNothingOutsideTheTarget() {
    return cases.stream()
        .map(c -> DynamicTest.dynamicTest(c.name() + ": " + c.outcome(), () -> check(c)));
  }

  @Test
  void aDeepTreeBeyondTheSystemPathLimitIsRefusedWithATypedError() throws IOException {
    // The 4001-character name passes the path limit, but below a long target path the absolute
    // path passes PATH_MAX (4096): the file system refuses it, and the unpacker must say which
    // layer and entry.
    Path layout = committed().resolve("deep-tree");
    Path target = dir.resolve("x".repeat(200)).resolve("y".repeat(200)).resolve("target");
    Files.createDirectories(target);
    Descriptor layer = MaliciousLayers.layers(layout).get(0);
    IOException thrown;
    try {
      thrown = unpack(layout, target);
    } finally {
      // JUnit's own clean-up takes minutes on a tree this deep (a realpath per directory).
      MaliciousLayers.deleteTree(target);
    }
    assertThat(thrown).isExactlyInstanceOf(LayerException.class);
    LayerException e = (LayerException) thrown;
    assertThat(e.layer()).isEqualTo(layer.digest());
    assertThat(e.entry()).startsWith("d/d/d/").endsWith("/f");
  }

  private void check(MaliciousLayers.Case c) throws IOException {
    try {
      unpackAndCompare(c);
    } finally {
      // JUnit's own clean-up takes minutes on the deep tree (a realpath per directory).
      MaliciousLayers.deleteTree(dir.resolve(c.name()));
    }
  }

  private void unpackAndCompare(MaliciousLayers.Case c) throws IOException {
    Path layout = committed().resolve(c.name());
    List<Descriptor> layers = MaliciousLayers.layers(layout);
    Path sandbox = dir.resolve(c.name());
    Path target = sandbox.resolve("images/target");
    sentinels(sandbox);
    Files.createDirectories(target);
    for (Path p : HOST_ABSENT) {
      assertThat(p).as("left over from an earlier run").doesNotExist();
    }
    Map<String, String> before = snapshot(sandbox, target);
    String passwd = describe(HOST_PASSWD);

    IOException thrown = assertTimeoutPreemptively(TIMEOUT, () -> unpack(layout, target));

    // First what matters most: nothing outside the target changed.
    assertThat(differences(before, snapshot(sandbox, target)))
        .as("%s: changes outside the target (outcome: %s)", c.name(), thrown)
        .isEmpty();
    assertThat(describe(HOST_PASSWD)).as("%s: /etc/passwd", c.name()).isEqualTo(passwd);
    for (Path p : HOST_ABSENT) {
      assertThat(Files.exists(p, LinkOption.NOFOLLOW_LINKS)).as("%s: %s", c.name(), p).isFalse();
    }
    assertThat(Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS))
        .as("%s: the target is still a directory", c.name())
        .isTrue();

    if (c.refusal() == null) {
      assertThat(thrown).as("%s: %s", c.name(), thrown).isNull();
      for (String p : c.present()) {
        assertThat(Files.exists(target.resolve(p), LinkOption.NOFOLLOW_LINKS))
            .as("%s: %s inside the target", c.name(), p)
            .isTrue();
      }
      for (String p : c.absent()) {
        assertThat(Files.exists(target.resolve(p), LinkOption.NOFOLLOW_LINKS))
            .as("%s: %s inside the target", c.name(), p)
            .isFalse();
      }
    } else {
      assertThat(thrown).as(c.name()).isExactlyInstanceOf(c.refusal());
      Descriptor layer = layers.get(c.layer());
      assertThat(thrown.getMessage()).contains(layer.digest().encoded());
      if (thrown instanceof LayerException e) {
        assertThat(e.layer()).as("%s: the layer", c.name()).isEqualTo(layer.digest());
        assertThat(e.entry()).as("%s: the entry", c.name()).isEqualTo(c.entry());
      }
    }
    extraChecks(c, target);
  }

  /** Each path whose description differs, with both descriptions. */
  static List<String> differences(Map<String, String> before, Map<String, String> after) {
    List<String> out = new ArrayList<>();
    Set<String> paths = new TreeSet<>(before.keySet());
    paths.addAll(after.keySet());
    for (String p : paths) {
      String b = before.getOrDefault(p, "(absent)");
      String a = after.getOrDefault(p, "(absent)");
      if (!a.equals(b)) {
        out.add(p + ": " + b + " -> " + a);
      }
    }
    return out;
  }

  private static void extraChecks(MaliciousLayers.Case c, Path target) throws IOException {
    switch (c.name()) {
      case "absolute-path" ->
          assertThat(text(target.resolve("tmp/" + MaliciousLayers.EVIL + "/passwd")))
              .isEqualTo("root::0:0::/:/bin/sh\n");
      case "symlink-escape-relative", "symlink-escape-lower-layer" -> {
        assertThat(text(target.resolve("outside/victim"))).isEqualTo("pwned\n");
        assertThat(Files.readSymbolicLink(target.resolve("link"))).hasToString("../../outside");
      }
      case "metadata-through-symlink" -> {
        assertThat(Files.isSymbolicLink(target.resolve("h"))).as("h links the symlink").isTrue();
        assertThat(Files.isDirectory(target.resolve("d"), LinkOption.NOFOLLOW_LINKS)).isTrue();
        assertThat(Files.isSameFile(target.resolve("h2"), target.resolve("h3"))).isTrue();
        if (!rootless()) {
          assertThat(Files.getAttribute(target.resolve("d"), "unix:uid", LinkOption.NOFOLLOW_LINKS))
              .isEqualTo(4242);
        }
      }
      case "metadata-through-replaced-parent" ->
          assertThat(Files.readSymbolicLink(target.resolve("a"))).hasToString("../../outside");
      case "fifo" -> {
        Path pipe = target.resolve("pipe");
        Map<String, Object> a = Files.readAttributes(pipe, "unix:*", LinkOption.NOFOLLOW_LINKS);
        assertThat(
                Files.readAttributes(pipe, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .isOther())
            .as("a FIFO")
            .isTrue();
        assertThat((int) a.get("mode") & 07777).isEqualTo(0600);
        assertThat(a.get("lastModifiedTime"))
            .isEqualTo(FileTime.from(java.time.Instant.ofEpochSecond(MaliciousLayers.OLD)));
        if (!rootless()) {
          assertThat(a.get("uid")).isEqualTo(4242);
        }
      }
      default -> {}
    }
  }

  private static IOException unpack(Path layout, Path target) throws IOException {
    OciLayout l = OciLayout.open(layout);
    ApplyOptions options =
        ApplyOptions.DEFAULT
            .withRootless(rootless())
            .withLimits(MaliciousLayers.TEST_MAX_BYTES, 100_000, 4096);
    try {
      new ImageUnpacker(options, dev.ocikit.layers.ProgressListener.NONE)
          .unpack(l, l.resolve("latest", null), target);
      return null;
    } catch (IOException e) {
      return e;
    }
  }

  static boolean rootless() {
    return !"root".equals(System.getProperty("user.name"));
  }

  /** The sentinels: files, directories and a link, each with its own mode and an old mtime. */
  private static void sentinels(Path sandbox) throws IOException {
    Path outside = Files.createDirectories(sandbox.resolve("outside"));
    Files.writeString(outside.resolve("victim"), "victim\n");
    Path victimdir = Files.createDirectories(outside.resolve("victimdir"));
    Files.writeString(victimdir.resolve("inner"), "inner\n");
    Files.createSymbolicLink(outside.resolve("link"), Path.of("victim"));
    Path sibling = Files.createDirectories(sandbox.resolve("images/sibling"));
    Files.writeString(sibling.resolve("victim"), "sibling\n");
    Files.writeString(sandbox.resolve("secret"), "secret\n");
    Files.setPosixFilePermissions(
        outside.resolve("victim"), PosixFilePermissions.fromString("rw-r-----"));
    Files.setPosixFilePermissions(victimdir, PosixFilePermissions.fromString("rwxr-x---"));
    FileTime old = FileTime.from(java.time.Instant.parse("2000-01-01T00:00:00Z"));
    for (Path p :
        List.of(
            outside.resolve("victim"),
            victimdir.resolve("inner"),
            victimdir,
            sibling.resolve("victim"),
            sandbox.resolve("secret"))) {
      Files.setLastModifiedTime(p, old);
    }
  }

  /**
   * Every path of {@code root} but the subtree {@code except}: its type, mode, owner, link count,
   * inode, size, mtime, ctime, and content digest or link target.
   */
  static Map<String, String> snapshot(Path root, Path except) throws IOException {
    Map<String, String> out = new TreeMap<>();
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return out;
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs)
              throws IOException {
            if (d.equals(except)) {
              return FileVisitResult.SKIP_SUBTREE;
            }
            out.put(root.relativize(d) + "/", describe(d));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
            out.put(root.relativize(f).toString(), describe(f));
            return FileVisitResult.CONTINUE;
          }
        });
    return out;
  }

  static String describe(Path p) throws IOException {
    Map<String, Object> a = Files.readAttributes(p, "unix:*", LinkOption.NOFOLLOW_LINKS);
    List<String> parts = new ArrayList<>();
    for (String k :
        List.of("mode", "uid", "gid", "nlink", "ino", "size", "lastModifiedTime", "ctime")) {
      parts.add(k + "=" + a.get(k));
    }
    if (Files.isSymbolicLink(p)) {
      parts.add("-> " + Files.readSymbolicLink(p));
    } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
      parts.add("sha256=" + sha256(Files.readAllBytes(p)));
    }
    return String.join(" ", parts);
  }

  /** Relative path to sha256 of every file. */
  static Map<String, String> files(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path f : (Iterable<Path>) walk::iterator) {
        if (Files.isRegularFile(f)) {
          out.put(root.relativize(f).toString(), sha256(Files.readAllBytes(f)));
        }
      }
    }
    return out;
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String text(Path p) throws IOException {
    return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
  }
}
