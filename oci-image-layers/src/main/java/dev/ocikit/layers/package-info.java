/**
 * Layers as filesystem changesets (<a
 * href="https://github.com/opencontainers/image-spec/blob/main/layer.md">layer.md</a>): {@link
 * dev.ocikit.layers.LayerApplier} applies one, streamed and verified, confined to its target
 * directory; {@link dev.ocikit.layers.ImageUnpacker} applies all the layers of an image; {@link
 * dev.ocikit.layers.LayerWriter} creates one, reproducibly, from entries, a directory tree or the
 * changes between two trees, streamed into a layout's blob store.
 */
@NullMarked
package dev.ocikit.layers;

import org.jspecify.annotations.NullMarked;
