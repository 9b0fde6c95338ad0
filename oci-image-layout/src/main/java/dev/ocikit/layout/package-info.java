/**
 * Image layouts (<a href="https://github.com/opencontainers/image-spec/blob/main/image-layout.md">image-layout.md</a>). This module is a shell for now; it fills in with the layout reader and writer.
 */
@NullMarked
package dev.ocikit.layout;

import org.jspecify.annotations.NullMarked;
