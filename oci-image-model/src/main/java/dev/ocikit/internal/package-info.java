/**
 * Helpers shared by ocikit's modules; not API (exported only to ocikit's own modules, and free to
 * change).
 */
@NullMarked
package dev.ocikit.internal;

import org.jspecify.annotations.NullMarked;
