/**
 * Image to runtime bundle (<a
 * href="https://github.com/opencontainers/image-spec/blob/main/conversion.md">image-spec
 * conversion.md</a>, <a
 * href="https://github.com/opencontainers/runtime-spec/blob/main/bundle.md">runtime-spec
 * bundle.md</a>): {@link dev.ocikit.bundle.RuntimeConfig} models the runtime configuration ({@code
 * config.json}) a Linux runtime needs, {@link dev.ocikit.bundle.RuntimeJson} reads and writes it,
 * {@link dev.ocikit.bundle.RuntimeSchema} checks it against the runtime-spec JSON schemas (bundled,
 * see {@code schema/SOURCE}), {@link dev.ocikit.bundle.UserResolver} resolves {@code Config.User}
 * inside an unpacked root filesystem, {@link dev.ocikit.bundle.RuntimeConfigConverter} converts an
 * image configuration, and {@link dev.ocikit.bundle.BundleCreator} makes a whole bundle: {@code
 * rootfs/} and {@code config.json}.
 */
@NullMarked
package dev.ocikit.bundle;

import org.jspecify.annotations.NullMarked;
