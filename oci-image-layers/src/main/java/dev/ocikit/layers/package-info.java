/**
 * Layers as filesystem changesets (<a
 * href="https://github.com/opencontainers/image-spec/blob/main/layer.md">layer.md</a>). For now it
 * recognises compression by magic bytes; the streaming layer applier comes next.
 */
@NullMarked
package dev.ocikit.layers;

import org.jspecify.annotations.NullMarked;
