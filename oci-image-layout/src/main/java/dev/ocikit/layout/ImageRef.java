package dev.ocikit.layout;

import dev.ocikit.json.Parsed;
import dev.ocikit.model.Descriptor;
import dev.ocikit.model.Manifest;
import dev.ocikit.model.Platform;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An image manifest found in a layout, and how it was reached: from an {@code index.json} entry
 * (with its ref name, if any) through zero or more nested indexes.
 *
 * @param refName the ref name of the {@code index.json} entry it was reached from, or null
 * @param descriptor the descriptor of the manifest (from the index that lists it)
 * @param manifest the manifest, with its exact bytes
 * @param platform the platform the listing index gives for it, or null
 * @param path the descriptors followed, from the {@code index.json} entry to {@code descriptor}
 */
public record ImageRef(
    @Nullable String refName,
    Descriptor descriptor,
    Parsed<Manifest> manifest,
    @Nullable Platform platform,
    List<Descriptor> path) {

  /** Checks and copies. */
  public ImageRef {
    Objects.requireNonNull(descriptor, "descriptor");
    Objects.requireNonNull(manifest, "manifest");
    path = List.copyOf(path);
  }
}
