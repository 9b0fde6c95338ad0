/**
 * The seam where ocikit meets stored content: a {@link dev.ocikit.blob.BlobSource} gives a verified
 * stream for a descriptor (<a
 * href="https://github.com/opencontainers/image-spec/blob/main/descriptor.md#verification">descriptor.md,
 * "Verification"</a>), whatever holds the bytes: an image layout, its tar form, later a registry.
 */
@NullMarked
package dev.ocikit.blob;

import org.jspecify.annotations.NullMarked;
