package dev.ocikit.assertj;

import java.util.Objects;

/**
 * A path of an image's merged filesystem, what {@link ImageFileAssert} asserts on: {@link
 * ImageAssert#file(String)} makes it.
 *
 * @param image the image
 * @param path the path, absolute ({@code /etc/motd}) with no empty or {@code .} component; a
 *     relative one is taken from the root
 */
public record ImageFile(ImageUnderTest image, String path) {

  /** Checks for nulls and normalizes the path. */
  public ImageFile {
    Objects.requireNonNull(image, "image");
    path = Texts.normalize(Objects.requireNonNull(path, "path"));
  }

  /** {@code "/etc/motd" in image app@sha256:3f9a0c1d2e4b…}. */
  @Override
  public String toString() {
    return "\"" + path + "\" in image " + image;
  }
}
