/**
 * Immutable values of the OCI image spec: {@link dev.ocikit.model.Descriptor} (<a
 * href="https://github.com/opencontainers/image-spec/blob/main/descriptor.md">descriptor.md</a>),
 * {@link dev.ocikit.model.Manifest} (manifest.md), {@link dev.ocikit.model.Index} (image-index.md),
 * {@link dev.ocikit.model.ImageConfig} (config.md), {@link dev.ocikit.model.LayoutHeader}
 * (image-layout.md), {@link dev.ocikit.model.Platform}, media types and annotation keys.
 *
 * <p>Every value keeps the JSON properties it does not know in {@code unknownProperties}, so that
 * they survive a parse and re-write. The model knows nothing of files; reading and writing JSON is
 * {@link dev.ocikit.json.OciJson}'s job.
 */
@NullMarked
package dev.ocikit.model;

import org.jspecify.annotations.NullMarked;
