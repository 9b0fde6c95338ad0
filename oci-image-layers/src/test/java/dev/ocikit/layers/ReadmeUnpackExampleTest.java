package dev.ocikit.layers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ocikit.layout.ImageLayout;
import dev.ocikit.layout.ImageLayouts;
import dev.ocikit.model.Platform;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The unpack example of README.md, kept compiling and passing. */
class ReadmeUnpackExampleTest {
  @TempDir Path dir;

  @Test
  void readmeUnpackExampleWorks() throws Exception {
    String root = System.getProperty("ocikit.repo.root");
    Path path =
        (root != null ? Path.of(root) : Path.of("").toAbsolutePath().getParent())
            .resolve("testdata/images/hello");
    Path target = dir.resolve("rootfs");

    // --- README unpack example: begin ---
    ImageUnpacker unpacker =
        new ImageUnpacker(ApplyOptions.DEFAULT.withRootless(true), ProgressListener.NONE);
    try (ImageLayout layout = ImageLayouts.open(path)) {
      unpacker.unpack(layout, layout.resolve("latest", Platform.parse("linux/amd64")), target);
    }
    // --- README unpack example: end ---

    assertThat(target.resolve("hello.txt")).hasContent("Hello from ocikit!");
    assertThat(target.resolve("greeting")).doesNotExist();
  }
}
