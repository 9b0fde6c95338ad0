package dev.ocikit.layers;

import dev.ocikit.digest.Digest;
import dev.ocikit.layers.internal.ImageConfigs;
import dev.ocikit.layers.internal.LayerReader;
import dev.ocikit.layers.internal.Rootfs;
import dev.ocikit.layout.ImageLayout;
import dev.ocikit.layout.ImageRef;
import dev.ocikit.layout.LayoutException;
import dev.ocikit.model.Descriptor;
import dev.ocikit.model.ImageConfig;
import dev.ocikit.model.Manifest;
import dev.ocikit.model.MediaType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Unpacks an image into an empty directory (<a
 * href="https://github.com/opencontainers/image-spec/blob/main/image-layout.md">image-layout.md</a>:
 * "Applying the filesystem layers in the specified order"): every layer of the manifest, base
 * first, each verified against its descriptor and its diff_id in the image config.
 */
public final class ImageUnpacker {
  private final ApplyOptions options;
  private final ProgressListener listener;

  /** An unpacker with these options, reporting progress to {@code listener}. */
  public ImageUnpacker(ApplyOptions options, ProgressListener listener) {
    this.options = options;
    this.listener = listener;
  }

  /** The result of an unpack: one result per layer, base first. */
  public record Result(List<ApplyResult> layers) {
    /** Copies. */
    public Result {
      layers = List.copyOf(layers);
    }
  }

  /**
   * Unpacks {@code image} of {@code layout} into {@code target}, which must be absent or an empty
   * directory.
   *
   * @throws java.nio.file.FileSystemException if the target exists and is not an empty directory
   * @throws LayoutException if the config does not fit the manifest
   * @throws LayerException if a layer is unsafe or invalid, naming it
   */
  public Result unpack(ImageLayout layout, ImageRef image, Path target) throws IOException {
    Manifest manifest = image.manifest().value();
    requireLayers(manifest);
    List<Digest> diffIds =
        MediaType.isImageConfig(manifest.config().mediaType())
            ? ImageConfigs.read(layout, manifest).value().rootfs().diffIds()
            : null;
    return apply(layout, manifest, diffIds, target, prepare(target));
  }

  /**
   * Unpacks {@code image} with {@code config}, its image config as the caller has already read it
   * (verified against the manifest's descriptor), checking each layer against its DiffID; see
   * {@link #unpack(ImageLayout, ImageRef, Path)}.
   *
   * @throws java.nio.file.FileSystemException if the target exists and is not an empty directory
   * @throws LayoutException if {@code config} does not fit the manifest
   * @throws LayerException if a layer is unsafe or invalid, naming it
   */
  public Result unpack(ImageLayout layout, ImageRef image, ImageConfig config, Path target)
      throws IOException {
    Manifest manifest = image.manifest().value();
    requireLayers(manifest);
    ImageConfigs.check(layout, manifest, config);
    return apply(layout, manifest, config.rootfs().diffIds(), target, prepare(target));
  }

  /**
   * Applies the layers; on failure, what was unpacked is removed again ({@code target} too when
   * {@code created}), so that a failed unpack leaves no half tree that could pass for the image.
   */
  private Result apply(
      ImageLayout layout,
      Manifest manifest,
      @Nullable List<Digest> diffIds,
      Path target,
      boolean created)
      throws IOException {
    LayerApplier applier = new LayerApplier(options, listener).deferRestrictiveModes();
    List<ApplyResult> results = new ArrayList<>();
    List<Descriptor> layers = manifest.layers();
    boolean done = false;
    try {
      for (int i = 0; i < layers.size(); i++) {
        Descriptor layer = layers.get(i);
        listener.layer(i, layers.size(), layer);
        results.add(applier.apply(layout, layer, diffIds == null ? null : diffIds.get(i), target));
      }
      applier.applyRestrictiveModes(target);
      done = true;
      return new Result(results);
    } finally {
      if (!done) {
        Rootfs.removeQuietly(target, !created);
      }
    }
  }

  /** Refuses, before anything is written, a manifest with a blob that is not a layer. */
  private static void requireLayers(Manifest manifest) throws LayerException {
    for (Descriptor layer : manifest.layers()) {
      LayerReader.requireLayerType(layer);
    }
  }

  /** An absent target is made (true); an existing one must be an empty directory (false). */
  private static boolean prepare(Path target) throws IOException {
    return Rootfs.prepareTarget(target, "unpack into a new or empty directory");
  }
}
