package dev.ocikit.model;

import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The media types of the image spec (<a
 * href="https://github.com/opencontainers/image-spec/blob/main/media-types.md">media-types.md</a>)
 * and the Docker Image Manifest V2 Schema 2 types that the compatibility matrix relates to them,
 * which ocikit reads.
 *
 * <p>Media types stay plain strings in the model: "Implementations storing or copying image
 * manifests MUST NOT error on encountering a {@code mediaType} that is unknown to the
 * implementation." The helpers here classify the known ones.
 */
public final class MediaType {
  private MediaType() {}

  /** {@code application/vnd.oci.descriptor.v1+json}: a content descriptor. */
  public static final String DESCRIPTOR = "application/vnd.oci.descriptor.v1+json";

  /** {@code application/vnd.oci.layout.header.v1+json}: the {@code oci-layout} file. */
  public static final String LAYOUT_HEADER = "application/vnd.oci.layout.header.v1+json";

  /** {@code application/vnd.oci.image.index.v1+json}: an image index. */
  public static final String IMAGE_INDEX = "application/vnd.oci.image.index.v1+json";

  /** {@code application/vnd.oci.image.manifest.v1+json}: an image manifest. */
  public static final String IMAGE_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

  /** {@code application/vnd.oci.image.config.v1+json}: an image config. */
  public static final String IMAGE_CONFIG = "application/vnd.oci.image.config.v1+json";

  /** {@code application/vnd.oci.image.layer.v1.tar}: an uncompressed layer. */
  public static final String IMAGE_LAYER = "application/vnd.oci.image.layer.v1.tar";

  /** {@code application/vnd.oci.image.layer.v1.tar+gzip}: a gzip-compressed layer. */
  public static final String IMAGE_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

  /** {@code application/vnd.oci.image.layer.v1.tar+zstd}: a zstd-compressed layer. */
  public static final String IMAGE_LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";

  /** {@code application/vnd.oci.empty.v1+json}: the empty JSON object {@code {}}. */
  public static final String EMPTY_JSON = "application/vnd.oci.empty.v1+json";

  /** Deprecated: an uncompressed layer with distribution restrictions. */
  public static final String IMAGE_LAYER_NONDISTRIBUTABLE =
      "application/vnd.oci.image.layer.nondistributable.v1.tar";

  /** Deprecated: a gzip-compressed layer with distribution restrictions. */
  public static final String IMAGE_LAYER_NONDISTRIBUTABLE_GZIP =
      "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";

  /** Deprecated: a zstd-compressed layer with distribution restrictions. */
  public static final String IMAGE_LAYER_NONDISTRIBUTABLE_ZSTD =
      "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd";

  /** Docker Image Manifest V2, Schema 2: the manifest. */
  public static final String DOCKER_MANIFEST =
      "application/vnd.docker.distribution.manifest.v2+json";

  /** Docker Image Manifest V2, Schema 2: the manifest list (the index's counterpart). */
  public static final String DOCKER_MANIFEST_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";

  /** Docker Image Manifest V2, Schema 2: the container config. */
  public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";

  /** Docker's gzip layer, "interchangeable and fully compatible" with {@link #IMAGE_LAYER_GZIP}. */
  public static final String DOCKER_LAYER_GZIP =
      "application/vnd.docker.image.rootfs.diff.tar.gzip";

  /** Docker's foreign (non-distributable) gzip layer. */
  public static final String DOCKER_FOREIGN_LAYER_GZIP =
      "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";

  /** Docker's uncompressed layer type, written by some tools though never specified. */
  public static final String DOCKER_LAYER_TAR = "application/vnd.docker.image.rootfs.diff.tar";

  /** The generic binary type, used for configs and layers by some older tools. */
  public static final String OCTET_STREAM = "application/octet-stream";

  // RFC 6838 section 4.2 restricted-name, as the image-spec schema writes it.
  private static final Pattern RFC6838 =
      Pattern.compile(
          "[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}");

  private static final Set<String> MANIFESTS = Set.of(IMAGE_MANIFEST, DOCKER_MANIFEST);
  private static final Set<String> INDEXES = Set.of(IMAGE_INDEX, DOCKER_MANIFEST_LIST);
  private static final Set<String> CONFIGS = Set.of(IMAGE_CONFIG, DOCKER_CONFIG);
  private static final Set<String> NON_DISTRIBUTABLE =
      Set.of(
          IMAGE_LAYER_NONDISTRIBUTABLE,
          IMAGE_LAYER_NONDISTRIBUTABLE_GZIP,
          IMAGE_LAYER_NONDISTRIBUTABLE_ZSTD,
          DOCKER_FOREIGN_LAYER_GZIP);

  /**
   * Whether {@code mediaType} complies with RFC 6838 and the naming requirements of its section
   * 4.2, as descriptors' {@code mediaType} and {@code artifactType} MUST.
   */
  public static boolean isValid(String mediaType) {
    return RFC6838.matcher(mediaType).matches();
  }

  /** Whether {@code mediaType} is an image manifest: OCI, or Docker V2 schema 2. */
  public static boolean isManifest(String mediaType) {
    return MANIFESTS.contains(mediaType);
  }

  /** Whether {@code mediaType} is an image index: OCI, or a Docker manifest list. */
  public static boolean isIndex(String mediaType) {
    return INDEXES.contains(mediaType);
  }

  /** Whether {@code mediaType} is an image config: OCI, or Docker's container config. */
  public static boolean isImageConfig(String mediaType) {
    return CONFIGS.contains(mediaType);
  }

  /**
   * Whether {@code mediaType} is a known layer type (OCI, non-distributable, or Docker); such a
   * layer is a tar archive, compressed as {@link #layerCompression(String)} says.
   */
  public static boolean isLayer(String mediaType) {
    return layerCompression(mediaType).isPresent();
  }

  /**
   * Whether {@code mediaType} is one of Docker's ({@code application/vnd.docker.*}, image manifest
   * V2 schema 2), which this library reads as their tools do.
   */
  public static boolean isDocker(String mediaType) {
    return mediaType.startsWith("application/vnd.docker.");
  }

  /** Whether {@code mediaType} is one of the layer types with distribution restrictions. */
  public static boolean isNonDistributable(String mediaType) {
    return NON_DISTRIBUTABLE.contains(mediaType);
  }

  /** The compression of a known layer media type; empty when it is not a known layer type. */
  public static Optional<Compression> layerCompression(String mediaType) {
    return switch (mediaType) {
      case IMAGE_LAYER, IMAGE_LAYER_NONDISTRIBUTABLE, DOCKER_LAYER_TAR ->
          Optional.of(Compression.NONE);
      case IMAGE_LAYER_GZIP,
          IMAGE_LAYER_NONDISTRIBUTABLE_GZIP,
          DOCKER_LAYER_GZIP,
          DOCKER_FOREIGN_LAYER_GZIP ->
          Optional.of(Compression.GZIP);
      case IMAGE_LAYER_ZSTD, IMAGE_LAYER_NONDISTRIBUTABLE_ZSTD -> Optional.of(Compression.ZSTD);
      default -> Optional.empty();
    };
  }

  /**
   * The OCI layer media type for a compression (the distributable ones), e.g. {@link
   * #IMAGE_LAYER_GZIP} for {@link Compression#GZIP}.
   */
  public static String layerMediaType(Compression compression) {
    return switch (compression) {
      case NONE -> IMAGE_LAYER;
      case GZIP -> IMAGE_LAYER_GZIP;
      case ZSTD -> IMAGE_LAYER_ZSTD;
    };
  }
}
