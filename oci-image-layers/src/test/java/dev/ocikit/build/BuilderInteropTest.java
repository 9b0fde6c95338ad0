package dev.ocikit.build;

import static dev.ocikit.build.TestLayers.assertEveryDocumentValid;
import static dev.ocikit.build.TestLayers.gzipLayer;
import static dev.ocikit.build.TestLayers.tarLayer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ocikit.build.TestLayers.Layer;
import dev.ocikit.layout.OciLayout;
import dev.ocikit.model.ImageConfig.History;
import dev.ocikit.model.Platform;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images built with {@link ImageBuilder} pass the real tools: {@code oci-image-tool validate} and
 * {@code umoci unpack}. A missing tool skips the test, except on CI ({@code CI=true}), where {@code
 * .ci/run} installs the tools and their absence fails it (as {@code Tools} in the layers tests
 * does).
 *
 * <p>The Debian {@code oci-image-tool} (1.0.0-rc1) has no {@code --type imageLayout} ("type
 * imageLayout unimplemented"): a layout is validated as {@code --type image}, whose {@code --ref}
 * takes {@code name=REF}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BuilderInteropTest {
  private static final Platform AMD64 = Platform.parse("linux/amd64");

  @TempDir Path dir;

  /** A layout with {@code base} (two layers) and {@code app} built on it, plus an SBOM of app. */
  private Path builtLayout() throws IOException {
    OciLayout base = OciLayout.create(dir.resolve("base"));
    Layer l1 = gzipLayer(base, "etc/", "", "etc/os-release", "ID=base\n", "bin/", "");
    Layer l2 = tarLayer(base, "etc/motd", "base motd\n", "motd", "->etc/motd");
    ImageBuilder.scratch(AMD64)
        .addLayer(l1.descriptor(), l1.diffId(), History.of(null, "base files"))
        .addLayer(l2.descriptor(), l2.diffId(), History.of(null, "motd"))
        .env("PATH", "/usr/bin:/bin")
        .cmd(List.of("/bin/sh"))
        .build(base, "base");

    Path dirTarget = dir.resolve("oci");
    OciLayout target = OciLayout.create(dirTarget);
    Layer app =
        gzipLayer(
            target, "app/", "", "app/hello.txt", "hello from the builder\n", "etc/.wh.motd", "");
    BuiltImage image =
        ImageBuilder.from(base, "base", AMD64)
            .addLayer(app.descriptor(), app.diffId(), History.of(null, "COPY app /app"))
            .entrypoint(List.of("/app/run"))
            .exposedPort("8080")
            .workingDir("/app")
            .user("1000")
            .label("org.opencontainers.image.title", "app")
            .build(target, "app");
    ArtifactBuilder.create("application/spdx+json")
        .subject(image.manifest())
        .addBlob("application/spdx+json", "{}".getBytes(StandardCharsets.UTF_8), Map.of())
        .build(target, "app-sbom");
    assertEveryDocumentValid(target);
    return dirTarget;
  }

  @Test
  void ociImageToolValidatesTheBuiltImage() throws IOException {
    require("oci-image-tool");
    Path layout = builtLayout();
    String out =
        run(
            List.of(
                "oci-image-tool",
                "validate",
                "--type",
                "image",
                "--ref",
                "name=app",
                layout.toString()));
    assertThat(out).contains("reference [name=app]: OK").contains("Validation succeeded");
  }

  @Test
  void umociUnpacksTheBuiltImage() throws IOException {
    require("umoci");
    Path layout = builtLayout();
    Path bundle = dir.resolve("bundle");
    List<String> command = new ArrayList<>(List.of("umoci", "unpack"));
    if (!root()) {
      command.add("--rootless");
    }
    command.addAll(List.of("--image", layout + ":app", bundle.toString()));
    run(command);

    Path rootfs = bundle.resolve("rootfs");
    assertThat(rootfs.resolve("etc/os-release")).hasContent("ID=base");
    assertThat(rootfs.resolve("app/hello.txt")).hasContent("hello from the builder");
    assertThat(rootfs.resolve("etc/motd")).doesNotExist();
    assertThat(Files.isSymbolicLink(rootfs.resolve("motd"))).isTrue();
    assertThat(rootfs.resolve("bin")).isDirectory();
    // umoci turns the image config into the runtime bundle's config.json.
    String runtimeConfig = Files.readString(bundle.resolve("config.json"));
    assertThat(runtimeConfig).contains("/app/run").contains("\"cwd\": \"/app\"");
  }

  // --- running tools ---------------------------------------------------------------------------

  /** Skips the test (fails it on CI) when {@code tool} is not on the PATH. */
  private static void require(String tool) {
    boolean present =
        Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
            .anyMatch(p -> !p.isEmpty() && Files.isExecutable(Path.of(p, tool)));
    if ("true".equals(System.getenv("CI"))) {
      assertThat(present).as("%s is installed (.ci/run installs it)", tool).isTrue();
    }
    assumeTrue(present, tool + " is not installed");
  }

  private static boolean root() {
    try {
      return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  /** Runs {@code command} in the test directory; it must succeed. Returns stdout and stderr. */
  private String run(List<String> command) throws IOException {
    Path out = Files.createTempFile(dir, "out", ".txt");
    Process p =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .start();
    try {
      if (!p.waitFor(100, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(command + " did not finish in 100 s");
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted running " + command, e);
    }
    String output = Files.readString(out, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as("%s failed: %s", command, output).isZero();
    return output;
  }
}
