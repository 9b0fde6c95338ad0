/**
 * Image layouts (<a
 * href="https://github.com/opencontainers/image-spec/blob/main/image-layout.md">image-layout.md</a>)
 * in every form: a directory ({@link dev.ocikit.layout.OciLayout}: verified reads, atomic writes,
 * {@code index.json} edited under a lock, garbage collection), a layout packed as a tar ({@link
 * dev.ocikit.layout.OciArchive}) and a {@code docker save} tar ({@link
 * dev.ocikit.layout.DockerArchive}), all read through {@link dev.ocikit.layout.ImageLayout}, which
 * resolves refs and digests to images by platform; and {@link dev.ocikit.layout.LayoutChecker}, the
 * deep check that reports every problem of a layout.
 */
@NullMarked
package dev.ocikit.layout;

import org.jspecify.annotations.NullMarked;
