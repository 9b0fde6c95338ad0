package dev.ocikit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ocikit.digest.Digest;
import dev.ocikit.json.OciJson;
import dev.ocikit.json.Parsed;
import dev.ocikit.model.Descriptor;
import dev.ocikit.model.ImageConfig;
import dev.ocikit.model.Index;
import dev.ocikit.model.Manifest;
import dev.ocikit.model.MediaType;
import dev.ocikit.model.Platform;
import dev.ocikit.model.PlatformMatcher;
import dev.ocikit.testing.TestData;
import dev.ocikit.validation.DocumentType;
import dev.ocikit.validation.Problem;
import dev.ocikit.validation.Validator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Java example of README.md, kept compiling and passing. */
class ReadmeExampleTest {

  @Test
  void readmeExampleWorks() throws Exception {
    Path layout = TestData.path("images/hello");

    // --- README example: begin ---
    // Read index.json, pick the manifest for linux/amd64 as containerd would.
    Parsed<Index> index = OciJson.parseIndex(Files.readAllBytes(layout.resolve("index.json")));
    Descriptor chosen =
        PlatformMatcher.only(Platform.parse("linux/amd64"))
            .best(index.value().manifests())
            .orElseThrow();

    // Blobs live at blobs/<alg>/<encoded>; a document's digest is over its exact bytes.
    Digest digest = chosen.digest();
    byte[] bytes =
        Files.readAllBytes(layout.resolve("blobs/" + digest.algorithm() + "/" + digest.encoded()));
    Parsed<Manifest> manifest = OciJson.parseManifest(bytes);
    assert manifest.digest().equals(digest);

    // Validate against the spec's JSON schemas and its rules beyond them.
    List<Problem> problems = Validator.get().validate(DocumentType.MANIFEST, bytes);
    problems.forEach(p -> System.out.println(p)); // e.g. "/layers/0/digest: invalid sha256 ..."

    // Build new documents: immutable records, builders, with... methods, canonical JSON.
    ImageConfig config =
        ImageConfig.builder()
            .platform(Platform.parse("linux/arm64"))
            .config(ImageConfig.Config.builder().entrypoint(List.of("/app")).env("A", "1").build())
            .build();
    Parsed<ImageConfig> configBlob = OciJson.serialize(config); // canonical bytes + digest
    Manifest updated =
        manifest
            .value()
            .withConfig(configBlob.descriptor())
            .withAnnotations(java.util.Map.of("org.opencontainers.image.version", "1.2.3"));
    byte[] json = OciJson.toBytes(updated); // same value -> same bytes
    // --- README example: end ---

    assertThat(problems).isEmpty();
    assertThat(chosen.refName()).contains("latest");
    assertThat(configBlob.descriptor().mediaType()).isEqualTo(MediaType.IMAGE_CONFIG);
    assertThat(Validator.get().validate(DocumentType.MANIFEST, json)).isEmpty();
  }
}
