package dev.ocikit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ocikit.json.OciJson;
import dev.ocikit.model.Descriptor;
import dev.ocikit.model.Index;
import dev.ocikit.model.Manifest;
import dev.ocikit.validation.DocumentType;
import dev.ocikit.validation.Problem;
import dev.ocikit.validation.Validator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ocikit's documents against the real tools (umoci, skopeo, oci-image-tool from Debian's packages,
 * installed by {@code .ci/run}), and the real tools' documents against ocikit's validator. Off CI,
 * a missing tool skips its test; on CI ({@code CI=true}) it fails it.
 */
class InteropIT {
  @TempDir Path dir;

  static final Path SAMPLE = TestRoot.path("testdata/images/hello");

  record Result(int status, String out, String err) {}

  static void requireTool(String tool) {
    boolean present =
        Stream.of(System.getenv("PATH").split(":"))
            .anyMatch(p -> Files.isExecutable(Path.of(p, tool)));
    if ("true".equals(System.getenv("CI"))) {
      assertThat(present).as("%s is installed (.ci/run installs it)", tool).isTrue();
    }
    assumeTrue(present, tool + " is not installed");
  }

  Result run(String... command) throws IOException, InterruptedException {
    return run(dir, command);
  }

  /** Runs a command to its end (2 minutes at most), its output kept in files under {@code dir}. */
  static Result run(Path dir, String... command) throws IOException, InterruptedException {
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process p =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s finished", List.of(command)).isTrue();
    return new Result(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  static Index sampleIndex() throws IOException {
    return OciJson.parseIndex(Files.readAllBytes(SAMPLE.resolve("index.json"))).value();
  }

  static Path blob(Path layout, Descriptor d) {
    return layout.resolve("blobs").resolve(d.digest().algorithm()).resolve(d.digest().encoded());
  }

  static Descriptor byRef(Index index, String ref) {
    return index.manifests().stream()
        .filter(d -> d.refName().orElse("").equals(ref))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void ociImageToolAcceptsTheSampleDocuments() throws Exception {
    requireTool("oci-image-tool");
    Index index = sampleIndex();
    Descriptor image = byRef(index, "latest");
    Manifest manifest = OciJson.parseManifest(Files.readAllBytes(blob(SAMPLE, image))).value();
    List<String[]> checks = new ArrayList<>();
    checks.add(new String[] {"imageIndex", SAMPLE.resolve("index.json").toString()});
    checks.add(new String[] {"manifest", blob(SAMPLE, image).toString()});
    checks.add(new String[] {"manifest", blob(SAMPLE, byRef(index, "latest-sbom")).toString()});
    checks.add(new String[] {"config", blob(SAMPLE, manifest.config()).toString()});
    for (String[] c : checks) {
      Result r = run("oci-image-tool", "validate", "--type", c[0], c[1]);
      assertThat(r.status()).as("oci-image-tool validate --type %s: %s", c[0], r.err()).isZero();
    }
    Result whole =
        run(
            "oci-image-tool",
            "validate",
            "--type",
            "image",
            "--ref",
            "name=latest",
            SAMPLE.toString());
    assertThat(whole.status()).as(whole.err()).isZero();
  }

  @Test
  void skopeoReadsTheSampleAndItsCopyValidatesWithOcikit() throws Exception {
    requireTool("skopeo");
    Descriptor image = byRef(sampleIndex(), "latest");
    Result raw = run("skopeo", "inspect", "--raw", "oci:" + SAMPLE + ":latest");
    assertThat(raw.status()).as(raw.err()).isZero();
    assertThat(raw.out().getBytes(StandardCharsets.UTF_8))
        .as("skopeo serves the manifest bytes as stored")
        .isEqualTo(Files.readAllBytes(blob(SAMPLE, image)));

    Path copy = dir.resolve("copy");
    Result copied = run("skopeo", "copy", "oci:" + SAMPLE + ":latest", "oci:" + copy + ":copied");
    assertThat(copied.status()).as(copied.err()).isZero();
    assertEveryDocumentIsValid(copy);
    // skopeo compresses the uncompressed layer on the way, so the manifest changes; the config
    // (and so the image's DiffIDs) does not.
    Index copiedIndex = OciJson.parseIndex(Files.readAllBytes(copy.resolve("index.json"))).value();
    Manifest original = OciJson.parseManifest(Files.readAllBytes(blob(SAMPLE, image))).value();
    Manifest copiedManifest =
        OciJson.parseManifest(Files.readAllBytes(blob(copy, byRef(copiedIndex, "copied")))).value();
    assertThat(copiedManifest.config()).isEqualTo(original.config());
    assertThat(copiedManifest.layers()).hasSameSizeAs(original.layers());
  }

  @Test
  void umociUnpacksTheSampleWithItsWhiteout() throws Exception {
    requireTool("umoci");
    Path bundle = dir.resolve("bundle");
    Result r =
        run("umoci", "unpack", "--rootless", "--image", SAMPLE + ":latest", bundle.toString());
    assertThat(r.status()).as(r.err()).isZero();
    Path rootfs = bundle.resolve("rootfs");
    assertThat(rootfs.resolve("hello.txt")).hasContent("Hello from ocikit!");
    assertThat(rootfs.resolve("etc/motd")).exists();
    assertThat(rootfs.resolve("greeting")).as("whited out by the second layer").doesNotExist();
  }

  @Test
  void documentsUmociWritesAreValidForOcikit() throws Exception {
    requireTool("umoci");
    Path layout = dir.resolve("umoci-layout");
    String image = layout + ":test";
    Path file = Files.writeString(dir.resolve("file.txt"), "inserted by umoci\n");
    for (String[] step :
        new String[][] {
          {"umoci", "init", "--layout", layout.toString()},
          {"umoci", "new", "--image", image}
        }) {
      Result r = run(step);
      assertThat(r.status()).as("%s: %s", String.join(" ", step), r.err()).isZero();
    }
    // A fresh `umoci new` image has "layers": []. manifest.md says layers SHOULD have at least one
    // entry, but the published schema has minItems 1 and the spec's own test (manifest_test.go,
    // "empty layer, expected at least one") expects a failure, so ocikit reports it.
    Index fresh = OciJson.parseIndex(Files.readAllBytes(layout.resolve("index.json"))).value();
    List<Problem> emptyImage =
        Validator.get()
            .validate(
                DocumentType.MANIFEST, Files.readAllBytes(blob(layout, byRef(fresh, "test"))));
    assertThat(emptyImage)
        .singleElement()
        .satisfies(p -> assertThat(p.pointer()).isEqualTo("/layers"));
    for (String[] step :
        new String[][] {
          {"umoci", "insert", "--rootless", "--image", image, file.toString(), "/file.txt"},
          {
            "umoci",
            "config",
            "--image",
            image,
            "--config.cmd",
            "/bin/true",
            "--config.env",
            "FOO=bar",
            "--config.user",
            "1000:1000",
            "--config.exposedports",
            "8080/tcp",
            "--config.label",
            "a=b",
            "--author",
            "ocikit interop"
          },
          {"umoci", "tag", "--image", image, "other"}
        }) {
      Result r = run(step);
      assertThat(r.status()).as("%s: %s", String.join(" ", step), r.err()).isZero();
    }
    assertEveryDocumentIsValid(layout);
  }

  /** Every JSON document of a layout (oci-layout, index.json, manifests, configs) is valid. */
  static void assertEveryDocumentIsValid(Path layout) throws IOException {
    Validator v = Validator.get();
    assertThat(v.validate(DocumentType.LAYOUT, Files.readAllBytes(layout.resolve("oci-layout"))))
        .noneMatch(Problem::isError);
    byte[] indexBytes = Files.readAllBytes(layout.resolve("index.json"));
    assertThat(v.validate(DocumentType.INDEX, indexBytes)).noneMatch(Problem::isError);
    int manifests = 0;
    for (Descriptor d : OciJson.parseIndex(indexBytes).value().manifests()) {
      byte[] bytes = Files.readAllBytes(blob(layout, d));
      assertThat(d.digest().matches(bytes)).isTrue();
      assertThat(v.validate(DocumentType.MANIFEST, bytes))
          .as("%s", d.digest())
          .noneMatch(Problem::isError);
      Manifest m = OciJson.parseManifest(bytes).value();
      if (m.config().mediaType().equals(dev.ocikit.model.MediaType.IMAGE_CONFIG)) {
        byte[] config = Files.readAllBytes(blob(layout, m.config()));
        assertThat(v.validate(DocumentType.CONFIG, config))
            .as("config %s", m.config().digest())
            .noneMatch(Problem::isError);
        OciJson.parseConfig(config);
      }
      manifests++;
    }
    assertThat(manifests).isPositive();
  }

  @Test
  void layoutsSkopeoWritesWithZstdPassTheDeepCheck() throws Exception {
    requireTool("skopeo");
    Path zstd = dir.resolve("zstd");
    Result r =
        run(
            "skopeo",
            "copy",
            "--dest-compress-format",
            "zstd",
            "oci:" + SAMPLE + ":latest",
            "oci:" + zstd + ":z");
    assertThat(r.status()).as(r.err()).isZero();
    dev.ocikit.layout.OciLayout layout = dev.ocikit.layout.OciLayout.open(zstd);
    Manifest m = layout.resolve("z", null).manifest().value();
    assertThat(m.layers())
        .extracting(Descriptor::mediaType)
        .containsOnly(dev.ocikit.model.MediaType.IMAGE_LAYER_ZSTD);
    assertThat(dev.ocikit.layout.LayoutChecker.check(zstd, true)).isEmpty();
    CliRun cli = CliRun.run("validate", "--deep", zstd.toString());
    assertThat(cli.status()).as(cli.err()).isZero();
  }

  @Test
  void layoutsUmociWritesPassTheDeepCheck() throws Exception {
    requireTool("umoci");
    Path layout = dir.resolve("u");
    String image = layout + ":t";
    Path file = Files.writeString(dir.resolve("f.txt"), "umoci content\n");
    for (String[] step :
        new String[][] {
          {"umoci", "init", "--layout", layout.toString()},
          {"umoci", "new", "--image", image},
          {"umoci", "insert", "--rootless", "--image", image, file.toString(), "/f.txt"}
        }) {
      Result r = run(step);
      assertThat(r.status()).as("%s: %s", String.join(" ", step), r.err()).isZero();
    }
    assertThat(dev.ocikit.layout.LayoutChecker.check(layout, true)).isEmpty();
    assertThat(
            dev.ocikit.layout.OciLayout.open(layout).resolve("t", null).manifest().value().layers())
        .hasSize(1);
  }

  @Test
  void layoutsOcikitWritesPassTheOtherTools() throws Exception {
    requireTool("oci-image-tool");
    requireTool("umoci");
    requireTool("skopeo");
    Path ours = dir.resolve("ours");
    CliRun copy = CliRun.run("copy", SAMPLE.toString(), ours.toString(), "--ref", "latest");
    assertThat(copy.status()).as(copy.err()).isZero();
    // oci-image-tool predates image-spec 1.1: use it on a plain image layout.
    Result validate =
        run(
            "oci-image-tool",
            "validate",
            "--type",
            "image",
            "--ref",
            "name=latest",
            ours.toString());
    assertThat(validate.status()).as(validate.err()).isZero();
    Path bundle = dir.resolve("bundle");
    Result unpack =
        run("umoci", "unpack", "--rootless", "--image", ours + ":latest", bundle.toString());
    assertThat(unpack.status()).as(unpack.err()).isZero();
    assertThat(bundle.resolve("rootfs/hello.txt")).exists();
    Result skopeo =
        run("skopeo", "copy", "oci:" + ours + ":latest", "oci:" + dir.resolve("again") + ":x");
    assertThat(skopeo.status()).as(skopeo.err()).isZero();
    assertThat(dev.ocikit.layout.LayoutChecker.check(dir.resolve("again"), true)).isEmpty();
  }

  @Test
  void archivesSkopeoWritesWorkThroughTheCommandLine() throws Exception {
    requireTool("skopeo");
    Path oci = dir.resolve("o.tar");
    Path docker = dir.resolve("d.tar");
    assertThat(
            run("skopeo", "copy", "oci:" + SAMPLE + ":latest", "oci-archive:" + oci + ":latest")
                .status())
        .isZero();
    assertThat(
            run(
                    "skopeo",
                    "copy",
                    "oci:" + SAMPLE + ":latest",
                    "docker-archive:" + docker + ":hello:latest")
                .status())
        .isZero();
    for (Path archive : List.of(oci, docker)) {
      CliRun v = CliRun.run("validate", "--deep", archive.toString());
      assertThat(v.status()).as("%s: %s", archive, v.err()).isZero();
      CliRun inspect = CliRun.run("inspect", archive.toString());
      assertThat(inspect.status()).as(inspect.err()).isZero();
      assertThat(inspect.out())
          .contains("03af5e002823fefaf75f8143962d8e8a29ffe1ec51bee6adb9545c13df46aa0e");
      Path out = dir.resolve("from-" + archive.getFileName().toString().replace(".tar", ""));
      CliRun copy = CliRun.run("copy", archive.toString(), out.toString());
      assertThat(copy.status()).as(copy.err()).isZero();
      assertThat(dev.ocikit.layout.LayoutChecker.check(out, true)).isEmpty();
    }
    // And an oci-archive ocikit writes is one skopeo reads.
    Path ours = dir.resolve("ours.tar");
    assertThat(CliRun.run("copy", SAMPLE.toString(), ours.toString(), "--ref", "latest").status())
        .isZero();
    Result back =
        run(
            "skopeo",
            "copy",
            "oci-archive:" + ours + ":latest",
            "oci:" + dir.resolve("back") + ":b");
    assertThat(back.status()).as(back.err()).isZero();
  }
}
