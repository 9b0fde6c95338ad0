package dev.ocikit.bundle;

import dev.ocikit.json.Parsed;
import dev.ocikit.layers.ApplyOptions;
import dev.ocikit.layers.ImageUnpacker;
import dev.ocikit.layers.ProgressListener;
import dev.ocikit.layers.internal.ImageConfigs;
import dev.ocikit.layout.ImageLayout;
import dev.ocikit.layout.ImageRef;
import dev.ocikit.layout.LayoutException;
import dev.ocikit.model.ImageConfig;
import dev.ocikit.model.Manifest;
import dev.ocikit.model.MediaType;
import dev.ocikit.validation.Problem;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Makes a runtime bundle of an image (runtime-spec <a
 * href="https://github.com/opencontainers/runtime-spec/blob/main/bundle.md">bundle.md</a>): the
 * image's layers unpacked into {@code BUNDLE/rootfs} by {@link ImageUnpacker}, and {@code
 * BUNDLE/config.json} converted from its configuration by {@link RuntimeConfigConverter}
 * (image-spec conversion.md), {@code Config.User} resolved in that {@code rootfs}, checked against
 * the runtime-spec schema before it is written.
 *
 * <p>{@code config.json} appears only complete (written to a temporary file, forced to disk,
 * renamed). When the configuration cannot be made (an unknown user, say), what the creator made is
 * removed again, so that a failed call leaves no half bundle.
 */
public final class BundleCreator {
  /** The name of the configuration in a bundle (bundle.md: "MUST be named config.json"). */
  public static final String CONFIG_JSON = "config.json";

  private final ApplyOptions apply;
  private final ConversionOptions conversion;
  private final ProgressListener listener;

  /**
   * A creator unpacking with {@code apply}, converting with {@code conversion}, reporting the
   * unpack's progress to {@code listener}.
   */
  public BundleCreator(
      ApplyOptions apply, ConversionOptions conversion, ProgressListener listener) {
    this.apply = Objects.requireNonNull(apply, "apply");
    this.conversion = Objects.requireNonNull(conversion, "conversion");
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /**
   * What was made.
   *
   * @param bundle the bundle directory
   * @param config the runtime configuration written to {@code config.json}
   * @param unpack the result of unpacking the layers into {@code rootfs}
   */
  public record Result(Path bundle, RuntimeConfig config, ImageUnpacker.Result unpack) {
    /** Checks. */
    public Result {
      Objects.requireNonNull(bundle, "bundle");
      Objects.requireNonNull(config, "config");
      Objects.requireNonNull(unpack, "unpack");
    }
  }

  /**
   * Makes a bundle of {@code image} of {@code layout} at {@code bundle}, which must be absent or an
   * empty directory.
   *
   * @throws java.nio.file.FileSystemException if {@code bundle} exists and is not an empty
   *     directory
   * @throws LayoutException if the config does not fit the manifest
   * @throws dev.ocikit.layers.LayerException if a layer is unsafe or invalid, naming it
   * @throws UnknownUserException if {@code Config.User} names a user or group the image lacks
   * @throws BundleException if the image cannot become a Linux bundle
   */
  public Result create(ImageLayout layout, ImageRef image, Path bundle) throws IOException {
    Manifest manifest = image.manifest().value();
    if (!MediaType.isImageConfig(manifest.config().mediaType())) {
      throw new BundleException(
          "manifest "
              + image.descriptor().digest()
              + " is not an image: its config is of type \""
              + manifest.config().mediaType()
              + "\"");
    }
    Parsed<ImageConfig> config = ImageConfigs.read(layout, manifest); // read once, for both
    RuntimeConfigConverter.check(config.value()); // before anything is unpacked

    boolean created =
        dev.ocikit.layers.internal.Rootfs.prepareTarget(
            bundle, "make a bundle in a new or empty directory");
    Path rootfs = bundle.resolve(RuntimeConfig.Root.ROOTFS);
    boolean done = false;
    try {
      ImageUnpacker.Result unpacked =
          new ImageUnpacker(apply, listener).unpack(layout, image, config.value(), rootfs);
      RuntimeConfig runtime = RuntimeConfigConverter.convert(config, rootfs, conversion);
      List<Problem> problems = RuntimeSchema.get().validate(runtime);
      if (!problems.isEmpty()) {
        throw new BundleException(
            "the runtime configuration made of the image is not valid: "
                + problems.stream().map(Problem::toString).collect(Collectors.joining("; ")));
      }
      write(bundle.resolve(CONFIG_JSON), RuntimeJson.toBytes(runtime));
      done = true;
      return new Result(bundle, runtime, unpacked);
    } finally {
      if (!done) {
        dev.ocikit.layers.internal.Rootfs.removeQuietly(created ? bundle : rootfs, false);
      }
    }
  }

  /** Writes {@code file} whole or not at all: a temporary file, forced, then renamed. */
  private static void write(Path file, byte[] bytes) throws IOException {
    Path temp = file.resolveSibling("." + file.getFileName() + ".ocikit-tmp");
    try {
      try (OutputStream out =
          Files.newOutputStream(
              temp,
              StandardOpenOption.CREATE_NEW,
              StandardOpenOption.WRITE,
              LinkOption.NOFOLLOW_LINKS)) {
        out.write(bytes);
      }
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
    try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException e) {
      // Not every file system syncs a directory; the file itself is on disk.
    }
  }
}
