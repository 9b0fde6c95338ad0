package dev.ocikit.assertj;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The images of {@link TestImages}, built once per test class, and the {@code app} image opened for
 * each test as {@link #image} (named {@link #name} in failure messages).
 */
abstract class AppImageTestBase {
  @TempDir static Path dir;
  static Path layout;

  ImageUnderTest image;
  String name;

  @BeforeAll
  static void buildImages() throws IOException {
    layout = TestImages.build(dir.resolve("layout"));
  }

  @BeforeEach
  void open() throws IOException {
    image = ImageUnderTest.of(layout, "app");
    name = image.name();
  }

  @AfterEach
  void close() throws IOException {
    image.close();
  }
}
