package dev.ocikit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ocikit.bundle.RuntimeConfig;
import dev.ocikit.bundle.RuntimeJson;
import dev.ocikit.bundle.RuntimeSchema;
import dev.ocikit.layout.OciLayout;
import dev.ocikit.model.ImageConfig;
import dev.ocikit.model.Manifest;
import dev.ocikit.model.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleCommandTest {
  @TempDir Path dir;

  private static String sample() {
    return TestRoot.path("testdata/images/hello").toString();
  }

  /** A layout with one image of no layers and {@code config}, tagged {@code t}. */
  private Path imageWithoutLayers(ImageConfig config) throws IOException {
    Path layout = dir.resolve("layout");
    try (OciLayout l = OciLayout.openOrCreate(layout)) {
      l.tag("t", l.writeDocument(Manifest.builder().config(l.writeDocument(config)).build()));
    }
    return layout;
  }

  @Test
  void makesABundleOfTheSample() throws IOException {
    Path bundle = dir.resolve("bundle");
    CliRun r = CliRun.run("bundle", sample(), bundle.toString(), "--ref", "latest");
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("bundle of sha256:994360701fb9").contains("(2 layers)");
    assertThat(bundle.resolve("rootfs/hello.txt")).hasContent("Hello from ocikit!");
    byte[] json = Files.readAllBytes(bundle.resolve("config.json"));
    assertThat(RuntimeSchema.get().validate(RuntimeSchema.Kind.CONFIG, json)).isEmpty();
    RuntimeConfig config = RuntimeJson.parse(json);
    assertThat(config.process().args()).containsExactly("/bin/cat", "/hello.txt");
    assertThat(config.process().user()).isEqualTo(RuntimeConfig.User.of(0, 0));
    assertThat(config.annotations())
        .containsEntry("org.opencontainers.image.title", "hello")
        .containsEntry("org.opencontainers.image.stopSignal", "SIGTERM")
        .containsEntry("org.opencontainers.image.created", "2026-01-01T00:00:00Z");
  }

  @Test
  void rootlessMapsRootToTheCurrentUser() throws IOException {
    Path bundle = dir.resolve("bundle");
    CliRun r = CliRun.run("bundle", sample(), bundle.toString(), "--ref", "latest", "--rootless");
    assertThat(r.status()).as(r.err()).isZero();
    RuntimeConfig config = RuntimeJson.parse(Files.readAllBytes(bundle.resolve("config.json")));
    assertThat(config.linux().hasNamespace("user")).isTrue();
    assertThat(config.linux().hasNamespace("network")).isFalse();
    Object me = Files.getAttribute(dir, "unix:uid");
    assertThat(config.linux().uidMappings().get(0).hostId()).isEqualTo(((Integer) me).longValue());
    assertThat(Files.getAttribute(bundle.resolve("rootfs/hello.txt"), "unix:uid")).isEqualTo(me);
  }

  @Test
  void anUnknownUserFailsWithOneLineNamingItAndLeavesNothing() throws IOException {
    Path layout =
        imageWithoutLayers(
            ImageConfig.builder()
                .platform(Platform.of("linux", "amd64"))
                .config(ImageConfig.Config.builder().user("ghost").build())
                .build());
    Path bundle = dir.resolve("bundle");
    CliRun r = CliRun.run("bundle", layout.toString(), bundle.toString());
    assertThat(r.status()).as(r.err()).isEqualTo(1);
    assertThat(r.err().lines()).hasSize(1);
    assertThat(r.err()).contains("user \"ghost\"", "/etc/passwd").doesNotContain("Exception");
    assertThat(bundle).doesNotExist();
  }

  @Test
  void anImageOfAnotherOsOrAnArtifactIsInvalidContent() throws IOException {
    Path layout =
        imageWithoutLayers(ImageConfig.builder().platform(Platform.of("windows", "amd64")).build());
    CliRun windows = CliRun.run("bundle", layout.toString(), dir.resolve("w").toString());
    assertThat(windows.status()).as(windows.err()).isEqualTo(1);
    assertThat(windows.err()).contains("windows");

    CliRun sbom =
        CliRun.run("bundle", sample(), dir.resolve("s").toString(), "--ref", "latest-sbom");
    assertThat(sbom.status()).as(sbom.err()).isEqualTo(1);
    assertThat(sbom.err()).contains("is not an image");
  }

  @Test
  void badLayersAreInvalidContentAndANonEmptyBundleIsAUsageError() throws IOException {
    CliRun bad =
        CliRun.run(
            "bundle",
            TestRoot.path("testdata/layouts/truncated-gzip").toString(),
            dir.resolve("b").toString());
    assertThat(bad.status()).as(bad.err()).isEqualTo(1);
    assertThat(bad.err().lines()).hasSize(1);
    assertThat(bad.err()).contains("sha256:");

    Files.writeString(dir.resolve("keep.txt"), "mine");
    CliRun busy = CliRun.run("bundle", sample(), dir.toString(), "--ref", "latest");
    assertThat(busy.status()).isEqualTo(2);
    assertThat(busy.err()).contains("not empty");
    assertThat(dir.resolve("keep.txt")).hasContent("mine");

    CliRun usage = CliRun.run("bundle", sample());
    assertThat(usage.status()).isEqualTo(2);
  }

  @Test
  void helpListsTheCommand() {
    assertThat(CliRun.run("--help").out()).contains("bundle");
    assertThat(CliRun.run("bundle", "--help").out()).contains("--rootless", "config.json");
    assertThat(List.of(CliRun.run("bundle", "--help").status())).containsExactly(0);
  }
}
