package dev.ocikit.build;

import dev.ocikit.model.Descriptor;
import dev.ocikit.model.Platform;
import java.util.Objects;

/**
 * An image that {@link ImageBuilder} wrote into a layout.
 *
 * @param manifest the descriptor of the image manifest, carrying the image's {@code platform} as <a
 *     href="https://github.com/opencontainers/image-spec/blob/main/descriptor.md#properties">descriptor.md</a>
 *     says descriptors of manifests SHOULD, ready for an index ({@link
 *     IndexBuilder#add(BuiltImage)}) or for an artifact's {@code subject} ({@link
 *     ArtifactBuilder#subject(Descriptor)})
 * @param config the descriptor of the image config (<a
 *     href="https://github.com/opencontainers/image-spec/blob/main/config.md">config.md</a>); its
 *     digest is the image's ImageID
 * @param platform the platform of the image, as its config states it
 */
public record BuiltImage(Descriptor manifest, Descriptor config, Platform platform) {

  /** Checks that no component is null. */
  public BuiltImage {
    Objects.requireNonNull(manifest, "manifest");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(platform, "platform");
  }
}
