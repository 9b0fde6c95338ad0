/**
 * Image layouts (<a
 * href="https://github.com/opencontainers/image-spec/blob/main/image-layout.md">image-layout.md</a>).
 * For now it knows where blobs live; the layout reader and writer come next.
 */
@NullMarked
package dev.ocikit.layout;

import org.jspecify.annotations.NullMarked;
