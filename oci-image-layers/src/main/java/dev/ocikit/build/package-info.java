/**
 * Building images, image indexes and artifacts into an image layout directory, for JVM image
 * builders (in the manner of jib, buildpacks or ko): layers are made elsewhere and handed over as
 * finished blobs, with their DiffIDs; this package writes the documents that tie them together.
 *
 * <ul>
 *   <li>{@link dev.ocikit.build.ImageBuilder}: one image for one platform, from scratch or from a
 *       base image of another layout, as an image config (<a
 *       href="https://github.com/opencontainers/image-spec/blob/main/config.md">config.md</a>) and
 *       an image manifest (<a
 *       href="https://github.com/opencontainers/image-spec/blob/main/manifest.md">manifest.md</a>);
 *   <li>{@link dev.ocikit.build.IndexBuilder}: several platform images as one image index (<a
 *       href="https://github.com/opencontainers/image-spec/blob/main/image-index.md">image-index.md</a>);
 *   <li>{@link dev.ocikit.build.ArtifactBuilder}: artifacts such as SBOMs and signatures, attached
 *       to an image by their {@code subject} (<a
 *       href="https://github.com/opencontainers/image-spec/blob/main/manifest.md#guidelines-for-artifact-usage">manifest.md,
 *       "Guidelines for Artifact Usage"</a>).
 * </ul>
 *
 * <p>Every document is written canonically ({@link dev.ocikit.json.OciJson}) after the blobs it
 * refers to, and only once it passes {@link dev.ocikit.validation.Validator} without errors.
 * Builders are mutable and not thread-safe; what they return is immutable. Bad arguments are {@link
 * java.lang.IllegalArgumentException}s, a build missing what it needs an {@link
 * java.lang.IllegalStateException}, and reading or writing layouts fails with the layout's {@link
 * java.io.IOException}s.
 */
@NullMarked
package dev.ocikit.build;

import org.jspecify.annotations.NullMarked;
