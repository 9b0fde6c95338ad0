package dev.ocikit.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ocikit.layers.LayerOptions;
import dev.ocikit.layers.LayerWriter;
import dev.ocikit.layers.WrittenLayer;
import dev.ocikit.layout.OciLayout;
import dev.ocikit.model.Descriptor;
import dev.ocikit.model.Platform;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The build example of README.md, kept compiling and passing. */
class ReadmeBuildExampleTest {
  @TempDir Path dir;

  @Test
  void readmeBuildExampleWorks() throws Exception {
    Path appDir = Files.createDirectories(dir.resolve("app/bin"));
    Files.writeString(appDir.resolve("run"), "#!/bin/sh\necho hi\n");
    Path app = dir.resolve("app");
    Path path = dir.resolve("oci");
    byte[] sbom = "{\"spdxVersion\":\"SPDX-2.3\"}".getBytes(StandardCharsets.UTF_8);

    // --- README build example: begin ---
    OciLayout layout = OciLayout.openOrCreate(path);
    LayerOptions options =
        LayerOptions.DEFAULT.toBuilder()
            .threads(Runtime.getRuntime().availableProcessors()) // same bytes for any count
            .timestamp(Instant.parse("2026-01-01T00:00:00Z")) // every file's mtime
            .build();
    WrittenLayer layer = new LayerWriter(options).addTree(app, "app").write(layout);
    BuiltImage image =
        ImageBuilder.scratch(Platform.parse("linux/amd64"))
            .addLayer(layer.descriptor(), layer.diffId())
            .entrypoint(List.of("/app/bin/run"))
            .env("LANG", "C.UTF-8")
            .exposedPort("8080/tcp")
            .label("org.opencontainers.image.source", "https://example.com/app")
            .build(layout, "app:1.0");
    // An SBOM attached to the image: found by layout.referrers(image.manifest().digest()).
    Descriptor attached =
        ArtifactBuilder.create("application/spdx+json")
            .subject(image.manifest())
            .addBlob("application/spdx+json", sbom, Map.of())
            .build(layout);
    // --- README build example: end ---

    assertThat(layout.referrers(image.manifest().digest()))
        .extracting(Descriptor::digest)
        .contains(attached.digest());
    assertThat(layout.resolve("app:1.0", null).descriptor().digest())
        .isEqualTo(image.manifest().digest());
    WrittenLayer again = new LayerWriter(options).addTree(app, "app").write(layout);
    assertThat(again.descriptor()).isEqualTo(layer.descriptor());
  }
}
