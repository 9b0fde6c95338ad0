package dev.ocikit.layers.internal;

import dev.ocikit.json.Parsed;
import dev.ocikit.layout.ImageLayout;
import dev.ocikit.layout.LayoutException;
import dev.ocikit.model.ImageConfig;
import dev.ocikit.model.Manifest;
import java.io.IOException;

/**
 * The image config of a manifest, read once and checked against it the way every user of an image's
 * layers needs it (the unpacker, the view, the image builder, the bundle maker).
 */
public final class ImageConfigs {
  private ImageConfigs() {}

  /**
   * Reads the config of {@code manifest} (which must be an image config) from {@code layout},
   * verified against its descriptor, and checks that it fits the manifest.
   *
   * @throws LayoutException if {@code rootfs.type} is not {@code layers} (config.md:
   *     "Implementations MUST generate an error if they encounter a unknown value while verifying
   *     or unpacking an image"), or if it has another number of DiffIDs than the manifest has
   *     layers
   */
  public static Parsed<ImageConfig> read(ImageLayout layout, Manifest manifest) throws IOException {
    Parsed<ImageConfig> parsed = layout.readConfig(manifest.config());
    check(layout, manifest, parsed.value());
    return parsed;
  }

  /**
   * Checks that {@code config}, the image config of {@code manifest}, fits it; see {@link
   * #read(ImageLayout, Manifest)}.
   */
  public static void check(ImageLayout layout, Manifest manifest, ImageConfig config)
      throws LayoutException {
    if (!ImageConfig.RootFs.LAYERS.equals(config.rootfs().type())) {
      throw new LayoutException(
          layout.location(),
          "config "
              + manifest.config().digest()
              + ": rootfs.type is \""
              + config.rootfs().type()
              + "\", not \"layers\"");
    }
    int diffIds = config.rootfs().diffIds().size();
    if (diffIds != manifest.layers().size()) {
      throw new LayoutException(
          layout.location(),
          "config "
              + manifest.config().digest()
              + " has "
              + diffIds
              + " diff_ids for "
              + manifest.layers().size()
              + " layers");
    }
  }
}
