/**
 * Layers as filesystem changesets (<a
 * href="https://github.com/opencontainers/image-spec/blob/main/layer.md">layer.md</a>): {@link
 * dev.ocikit.layers.LayerApplier} applies one, streamed and verified, confined to its target
 * directory; {@link dev.ocikit.layers.ImageUnpacker} applies all the layers of an image.
 */
@NullMarked
package dev.ocikit.layers;

import org.jspecify.annotations.NullMarked;
