/**
 * Layers as filesystem changesets (<a href="https://github.com/opencontainers/image-spec/blob/main/layer.md">layer.md</a>). This module is a shell for now; it fills in with the streaming layer applier.
 */
@NullMarked
package dev.ocikit.layers;

import org.jspecify.annotations.NullMarked;
