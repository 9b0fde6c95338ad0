/**
 * AssertJ assertions on OCI images: {@link dev.ocikit.assertj.OciAssertions#assertThat(
 * dev.ocikit.assertj.ImageUnderTest)} for an image of a layout ({@link
 * dev.ocikit.assertj.ImageUnderTest}), with {@link dev.ocikit.assertj.ImageAssert} on the image,
 * {@link dev.ocikit.assertj.ImageFileAssert} on one path of its merged filesystem, {@link
 * dev.ocikit.assertj.ImageConfigAssert} on its execution parameters and {@link
 * dev.ocikit.assertj.LayerAssert} on one of its layers; {@link
 * dev.ocikit.assertj.OciSoftAssertions} collects the failures of all of them.
 */
@NullMarked
package dev.ocikit.assertj;

import org.jspecify.annotations.NullMarked;
