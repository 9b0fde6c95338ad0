package dev.ocikit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ocikit.digest.Digest;
import dev.ocikit.json.OciJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Hostile documents through the whole command line: the sample image's index, manifest or config,
 * changed at random (a value of another type, a huge number, a missing or unknown property, deep
 * nesting, cut or flipped bytes), with the digests of the documents above it made to fit again, so
 * that each reaches the parsers and checks behind the digest checks. Whatever the change, {@code
 * inspect}, {@code unpack}, {@code bundle} and {@code validate --deep} end with a status of the
 * command line's (0, 1 or 2) and one line naming the problem, never an exception's name, a bare
 * {@code null} or a trace, and a failed unpack or bundle leaves nothing behind. The same for the
 * sample's uncompressed layer with bytes of its tar changed (its digest and diff_id refitted).
 * Deterministic: the seeds are fixed; {@code -Docikit.mutations=N} runs more (3,000 each pass).
 */
class MutatedDocumentsTest {
  private static final int RUNS = Integer.getInteger("ocikit.mutations", 100);
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** The layout whose copies are changed: testdata's hello image. */
  private static final String SAMPLE = "testdata/images/hello";

  @TempDir Path dir;

  @Test
  void mutatedIndexManifestOrConfigGivesOneLineErrorsAndNoHalfTrees() throws IOException {
    Random random = new Random(20261126L);
    Map<String, Integer> outcomes = new TreeMap<>();
    for (int run = 0; run < RUNS; run++) {
      Path layout = sampleCopy("l" + run);
      String target = List.of("index", "manifest", "config").get(run % 3);
      String change = mutate(layout, target, random);
      for (List<String> command :
          List.of(
              List.of("inspect", layout.toString(), "--ref", "latest"),
              List.of(
                  "unpack",
                  layout.toString(),
                  dir.resolve("u" + run).toString(),
                  "--ref",
                  "latest"),
              List.of(
                  "bundle",
                  layout.toString(),
                  dir.resolve("b" + run).toString(),
                  "--ref",
                  "latest"),
              List.of("validate", layout.toString(), "--deep"))) {
        runChecked(command, "after " + target + " " + change, 2, outcomes);
      }
    }
    // The changes reach the checks: some are refused, some are harmless.
    assertThat(outcomes.getOrDefault("unpack 1", 0)).as(outcomes.toString()).isPositive();
    assertThat(outcomes.getOrDefault("validate 1", 0)).as(outcomes.toString()).isPositive();
  }

  @Test
  void mutatedLayerTarGivesOneLineErrorOrAConfinedTree() throws IOException {
    // The sample's second layer is an uncompressed tar: bytes of its headers and data changed at
    // random, its digest and diff_id refitted, so that the tar reader itself meets them. Every
    // third run, bytes of the first layer's gzip stream instead, its digest refitted: the
    // decompressor meets them, and the diff_id check after it.
    Random random = new Random(7L);
    Map<String, Integer> outcomes = new TreeMap<>();
    for (int run = 0; run < RUNS; run++) {
      Path layout = sampleCopy("t" + run);
      Path indexFile = layout.resolve("index.json");
      ObjectNode index = (ObjectNode) OciJson.readTree(Files.readAllBytes(indexFile));
      ObjectNode entry = latest(index);
      ObjectNode manifest =
          (ObjectNode) OciJson.readTree(Files.readAllBytes(blob(layout, text(entry, "digest"))));
      boolean gzip = run % 3 == 2;
      ObjectNode layer = (ObjectNode) manifest.get("layers").get(gzip ? 0 : 1);
      byte[] tar = Files.readAllBytes(blob(layout, text(layer, "digest")));
      int changes = 1 + random.nextInt(6);
      StringBuilder change = new StringBuilder();
      for (int i = 0; i < changes; i++) {
        // mostly in the headers (the first records), where the reader's decisions are
        int at = gzip || random.nextInt(4) == 0 ? random.nextInt(tar.length) : random.nextInt(1536);
        tar[at] =
            (byte)
                (random.nextBoolean()
                    ? random.nextInt(256)
                    : HEADER_BYTES.charAt(random.nextInt(HEADER_BYTES.length())));
        change.append(at).append('=').append(tar[at] & 0xff).append(' ');
      }
      Object[] stored = put(layout, tar);
      refit(layer, stored);
      ObjectNode configDescriptor = (ObjectNode) manifest.get("config");
      ObjectNode config =
          (ObjectNode)
              OciJson.readTree(Files.readAllBytes(blob(layout, text(configDescriptor, "digest"))));
      if (!gzip) {
        ((ArrayNode) config.get("rootfs").get("diff_ids"))
            .set(1, NODES.stringNode((String) stored[0]));
      }
      refit(configDescriptor, put(layout, OciJson.mapper().writeValueAsBytes(config)));
      refit(entry, put(layout, OciJson.mapper().writeValueAsBytes(manifest)));
      Files.write(indexFile, OciJson.mapper().writeValueAsBytes(index));
      Path out = dir.resolve("tu" + run);
      runChecked(
          List.of("unpack", layout.toString(), out.toString(), "--ref", "latest"),
          "after " + (gzip ? "gzip" : "tar") + " bytes " + change,
          1,
          outcomes);
    }
    assertThat(outcomes.getOrDefault("unpack 1", 0)).as(outcomes.toString()).isPositive();
    // Nothing escaped: the only things in the work directory are the test's own.
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString())).allMatch(n -> n.matches("(t|tu)[0-9]+"));
    }
  }

  @Test
  void mutatedOciArchiveGivesOneLineErrorsAndNoHalfTrees() throws IOException {
    // The layout's tar form (oci-archive), read in place: bytes of its tar headers and content
    // changed at random. Nothing is refitted: what the archive's reader makes of it is the point.
    Random random = new Random(11L);
    Path archive = dir.resolve("sample.tar");
    CliRun made =
        CliRun.run("copy", TestRoot.path(SAMPLE).toString(), archive.toString(), "--ref", "latest");
    assertThat(made.status()).as(made.err()).isZero();
    byte[] original = Files.readAllBytes(archive);
    Map<String, Integer> outcomes = new TreeMap<>();
    for (int run = 0; run < RUNS; run++) {
      byte[] tar = original.clone();
      StringBuilder change = new StringBuilder();
      for (int i = 1 + random.nextInt(4); i > 0; i--) {
        int at =
            random.nextInt(3) == 0
                ? random.nextInt(tar.length)
                : random.nextInt(tar.length / 512) * 512 + random.nextInt(512);
        tar[at] =
            (byte)
                (random.nextBoolean()
                    ? random.nextInt(256)
                    : HEADER_BYTES.charAt(random.nextInt(HEADER_BYTES.length())));
        change.append(at).append('=').append(tar[at] & 0xff).append(' ');
      }
      Path mutated = dir.resolve("a" + run + ".tar");
      Files.write(mutated, tar);
      for (List<String> command :
          List.of(
              List.of("inspect", mutated.toString()),
              List.of("unpack", mutated.toString(), dir.resolve("au" + run).toString()),
              List.of("validate", mutated.toString(), "--deep"))) {
        runChecked(command, "after archive bytes " + change, 2, outcomes);
      }
    }
    assertThat(outcomes.getOrDefault("unpack 1", 0)).as(outcomes.toString()).isPositive();
  }

  /**
   * Runs {@code command} and checks what the command line promises whatever its input: a status of
   * its own (0 to {@code maxStatus}); one line naming the problem (validate: one per problem),
   * never an exception's name, a bare {@code null} or a trace; after a failed unpack or bundle,
   * nothing at its DEST. Counts the status in {@code outcomes}.
   */
  private static void runChecked(
      List<String> command, String change, int maxStatus, Map<String, Integer> outcomes) {
    String name = command.get(0);
    CliRun r = CliRun.run(command.toArray(String[]::new));
    String what = name + " " + change + ": " + r.err();
    assertThat(r.status()).as(what).isBetween(0, maxStatus);
    List<String> lines = r.err().lines().filter(l -> !l.startsWith("ocikit: note: ")).toList();
    if (!name.equals("validate")) {
      assertThat(lines).as(what).hasSizeLessThanOrEqualTo(1);
    }
    for (String line : lines) {
      assertThat(line)
          .as(what)
          .doesNotContain("Exception")
          .doesNotContainPattern("\\b[A-Z][a-z]+Error\\b")
          .doesNotContain("internal error")
          .doesNotContain("\tat ")
          .doesNotEndWith(": null");
    }
    if (r.status() != 0 && List.of("unpack", "bundle").contains(name)) {
      assertThat(Path.of(command.get(2))).as(what + " leaves nothing").doesNotExist();
    }
    outcomes.merge(name + " " + r.status(), 1, Integer::sum);
  }

  /** Bytes that mean something in a tar header: octal digits, separators, NUL, type flags. */
  private static final String HEADER_BYTES = "0123456777 /.\0xgLK5";

  private static String text(JsonNode node, String field) {
    return node.get(field).asString();
  }

  /** Changes {@code target} of the layout's "latest" image and refits the digests above it. */
  private static String mutate(Path layout, String target, Random random) throws IOException {
    Path indexFile = layout.resolve("index.json");
    ObjectNode index = (ObjectNode) OciJson.readTree(Files.readAllBytes(indexFile));
    ObjectNode entry = latest(index);
    Path manifestFile = blob(layout, entry.get("digest").asString());
    ObjectNode manifest = (ObjectNode) OciJson.readTree(Files.readAllBytes(manifestFile));
    byte[] changed;
    String change;
    if (target.equals("config")) {
      Path configFile = blob(layout, manifest.get("config").get("digest").asString());
      Object[] m = change(Files.readAllBytes(configFile), random);
      changed = (byte[]) m[0];
      change = (String) m[1];
      refit((ObjectNode) manifest.get("config"), put(layout, changed));
      changed = OciJson.mapper().writeValueAsBytes(manifest);
      refit(entry, put(layout, changed));
    } else if (target.equals("manifest")) {
      Object[] m = change(Files.readAllBytes(manifestFile), random);
      change = (String) m[1];
      refit(entry, put(layout, (byte[]) m[0]));
    } else {
      Object[] m = change(OciJson.mapper().writeValueAsBytes(index), random);
      Files.write(indexFile, (byte[]) m[0]);
      return (String) m[1];
    }
    Files.write(indexFile, OciJson.mapper().writeValueAsBytes(index));
    return change;
  }

  private static ObjectNode latest(ObjectNode index) {
    for (JsonNode d : index.get("manifests")) {
      JsonNode a = d.get("annotations");
      if (a != null && "latest".equals(a.path("org.opencontainers.image.ref.name").asString(""))) {
        return (ObjectNode) d;
      }
    }
    throw new IllegalStateException("no latest");
  }

  private static Path blob(Path layout, String digest) {
    return layout.resolve("blobs/sha256/" + digest.substring("sha256:".length()));
  }

  /** Stores {@code bytes} as a blob; its digest and size. */
  private static Object[] put(Path layout, byte[] bytes) throws IOException {
    String digest = Digest.sha256(bytes).toString();
    Files.write(blob(layout, digest), bytes);
    return new Object[] {digest, (long) bytes.length};
  }

  private static void refit(ObjectNode descriptor, Object[] blob) {
    descriptor.put("digest", (String) blob[0]);
    descriptor.put("size", (Long) blob[1]);
  }

  /** One random change of a JSON document: its bytes and what it was. */
  private static Object[] change(byte[] json, Random random) throws IOException {
    int kind = random.nextInt(10);
    if (kind == 0) {
      int cut = random.nextInt(json.length);
      return new Object[] {java.util.Arrays.copyOf(json, cut), "cut at " + cut};
    }
    if (kind == 1) {
      byte[] b = json.clone();
      int at = random.nextInt(b.length);
      b[at] = (byte) random.nextInt(256);
      return new Object[] {b, "byte " + at + " set to " + (b[at] & 0xff)};
    }
    JsonNode root = OciJson.readTree(json);
    List<JsonNode> containers = new ArrayList<>();
    collect(root, containers);
    JsonNode c = containers.get(random.nextInt(containers.size()));
    JsonNode value = value(random);
    String change;
    if (c instanceof ObjectNode o && o.size() > 0) {
      List<String> names = new ArrayList<>(o.propertyNames());
      String name = names.get(random.nextInt(names.size()));
      if (kind == 2) {
        o.remove(name);
        change = "removed " + name;
      } else if (kind == 3) {
        o.set("x-unknown", value);
        change = "added x-unknown=" + brief(value);
      } else {
        o.set(name, value);
        change = name + "=" + brief(value);
      }
    } else if (c instanceof ArrayNode a && a.size() > 0) {
      int i = random.nextInt(a.size());
      if (kind == 2) {
        a.remove(i);
        change = "removed [" + i + "]";
      } else if (kind == 3) {
        a.add(a.get(i).deepCopy());
        change = "repeated [" + i + "]";
      } else {
        a.set(i, value);
        change = "[" + i + "]=" + brief(value);
      }
    } else {
      change = "nothing";
    }
    return new Object[] {deep(OciJson.mapper().writeValueAsBytes(root)), change};
  }

  /** Stands for arrays nested 3,000 deep, which the JSON writer refuses to write. */
  private static final String DEEP = "@@deep@@";

  private static byte[] deep(byte[] json) {
    String s = new String(json, java.nio.charset.StandardCharsets.UTF_8);
    String nested = "[".repeat(3000) + "]".repeat(3000);
    return s.replace("\"" + DEEP + "\"", nested).getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static String brief(JsonNode value) {
    String s = value.toString();
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }

  private static void collect(JsonNode node, List<JsonNode> out) {
    if (node.isContainer()) {
      out.add(node);
      for (JsonNode child : node) {
        collect(child, out);
      }
    }
  }

  /** A value that documents do not expect where it lands. */
  private static JsonNode value(Random random) {
    return switch (random.nextInt(16)) {
      case 0 -> NODES.nullNode();
      case 1 -> NODES.stringNode("");
      case 2 -> NODES.numberNode(-1);
      case 3 -> NODES.numberNode(new java.math.BigInteger("99999999999999999999999"));
      case 4 -> NODES.numberNode(1.5e300);
      case 5 -> NODES.booleanNode(true);
      case 6 -> NODES.objectNode();
      case 7 -> NODES.arrayNode();
      case 8 -> NODES.stringNode("sha256:" + "0".repeat(63));
      case 9 -> NODES.stringNode("x".repeat(100_000));
      case 10 -> NODES.stringNode("../../etc/passwd");
      case 11 -> NODES.stringNode("\u0000\uD800\uFFFF é");
      case 12 -> NODES.stringNode(DEEP); // nested arrays, put in as text: see deep()
      case 13 -> NODES.stringNode("application/vnd.oci.image.layer.v1.tar+gzip");
      case 14 -> NODES.numberNode(Long.MAX_VALUE);
      default -> NODES.stringNode("sha512:" + "ab".repeat(10));
    };
  }

  /** A copy of the sample layout, at {@code name} in the work directory. */
  private Path sampleCopy(String name) throws IOException {
    Path layout = dir.resolve(name);
    copy(TestRoot.path(SAMPLE), layout);
    return layout;
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
  }
}
