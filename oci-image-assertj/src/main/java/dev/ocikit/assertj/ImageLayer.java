package dev.ocikit.assertj;

import java.util.Objects;

/**
 * One layer of an image, what {@link LayerAssert} asserts on: {@link ImageAssert#layer(int)} makes
 * it.
 *
 * @param image the image
 * @param index the layer's index in the manifest, 0 for the base layer
 */
public record ImageLayer(ImageUnderTest image, int index) {

  /** Checks for null. */
  public ImageLayer {
    Objects.requireNonNull(image, "image");
  }

  /** {@code layer 1 of image app@sha256:3f9a0c1d2e4b…}. */
  @Override
  public String toString() {
    return "layer " + index + " of image " + image;
  }
}
