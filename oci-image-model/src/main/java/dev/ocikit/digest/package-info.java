/**
 * Content digests as defined in <a
 * href="https://github.com/opencontainers/image-spec/blob/main/descriptor.md#digests">descriptor.md,
 * "Digests"</a>: parsing and formatting {@code algorithm:encoded}, the registered algorithms
 * (sha256, sha512, blake3), and streams that count and digest bytes as they flow.
 */
@NullMarked
package dev.ocikit.digest;

import org.jspecify.annotations.NullMarked;
