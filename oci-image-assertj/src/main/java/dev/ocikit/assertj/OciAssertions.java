package dev.ocikit.assertj;

import dev.ocikit.model.Platform;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Entry points of the image assertions, to import statically beside AssertJ's {@code
 * Assertions.assertThat}:
 *
 * <pre>{@code
 * import static dev.ocikit.assertj.OciAssertions.assertThat;
 *
 * try (ImageUnderTest image = ImageUnderTest.of(layoutDir, "app")) {
 *   assertThat(image).hasFile("/app/app.jar").config().hasEntrypoint("java", "-jar", "/app/app.jar");
 * }
 * }</pre>
 */
public final class OciAssertions {
  private OciAssertions() {}

  /** Assertions on {@code image}. */
  public static ImageAssert assertThat(ImageUnderTest image) {
    return new ImageAssert(image);
  }

  /**
   * Assertions on the image {@code ref} of the layout at {@code layout} ({@link
   * ImageUnderTest#of(Path, String)}). Nothing closes that image: its view is released when it is
   * no longer reachable (see {@link ImageUnderTest}); prefer {@link #assertThat(ImageUnderTest)}
   * with try-with-resources when the test makes many images.
   *
   * @throws IOException if the layout cannot be opened or has no such image
   */
  public static ImageAssert assertThatImage(Path layout, String ref) throws IOException {
    return new ImageAssert(ImageUnderTest.of(layout, ref));
  }

  /**
   * Assertions on the image {@code ref} of the layout at {@code layout} for {@code platform}
   * ({@code os/arch[/variant]}, e.g. {@code linux/arm64}), as {@link #assertThatImage(Path,
   * String)}.
   *
   * @throws IOException if the layout cannot be opened or has no such image for that platform
   * @throws IllegalArgumentException if {@code platform} is not in that form
   */
  public static ImageAssert assertThatImage(Path layout, String ref, String platform)
      throws IOException {
    return new ImageAssert(ImageUnderTest.of(layout, ref, Platform.parse(platform)));
  }
}
