/**
 * A merged, read-only view of an image's final filesystem (<a
 * href="https://github.com/opencontainers/image-spec/blob/main/layer.md">layer.md</a>): all layers
 * applied, whiteouts honoured, built by streaming each layer once without extracting anything to a
 * directory. {@link dev.ocikit.view.ImageView} lists, stats and reads entries, follows symbolic
 * links inside the image, tells which layer last wrote a path, and offers the whole as a read-only
 * {@link java.nio.file.FileSystem}.
 */
@NullMarked
package dev.ocikit.view;

import org.jspecify.annotations.NullMarked;
