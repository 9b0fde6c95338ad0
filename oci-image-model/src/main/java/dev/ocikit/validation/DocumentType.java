package dev.ocikit.validation;

import dev.ocikit.model.MediaType;
import java.util.Locale;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * The kinds of document the image spec publishes a JSON schema for, with that schema and the media
 * type of the kind.
 */
public enum DocumentType {
  /** An image manifest (manifest.md); {@code image-manifest-schema.json}. */
  MANIFEST("manifest", MediaType.IMAGE_MANIFEST, "image-manifest-schema.json"),
  /** An image index (image-index.md); {@code image-index-schema.json}. */
  INDEX("index", MediaType.IMAGE_INDEX, "image-index-schema.json"),
  /** An image config (config.md); {@code config-schema.json}. */
  CONFIG("config", MediaType.IMAGE_CONFIG, "config-schema.json"),
  /** A content descriptor (descriptor.md); {@code content-descriptor.json}. */
  DESCRIPTOR("descriptor", MediaType.DESCRIPTOR, "content-descriptor.json"),
  /** The {@code oci-layout} file (image-layout.md); {@code image-layout-schema.json}. */
  LAYOUT("layout", MediaType.LAYOUT_HEADER, "image-layout-schema.json");

  /** The model record a document of this type reads into (e.g. {@code Manifest} for a manifest). */
  public Class<?> modelType() {
    return switch (this) {
      case MANIFEST -> dev.ocikit.model.Manifest.class;
      case INDEX -> dev.ocikit.model.Index.class;
      case CONFIG -> dev.ocikit.model.ImageConfig.class;
      case DESCRIPTOR -> dev.ocikit.model.Descriptor.class;
      case LAYOUT -> dev.ocikit.model.LayoutHeader.class;
    };
  }

  private final String cliName;
  private final String mediaType;
  private final String schemaFile;

  DocumentType(String cliName, String mediaType, String schemaFile) {
    this.cliName = cliName;
    this.mediaType = mediaType;
    this.schemaFile = schemaFile;
  }

  /** The short name used on the command line: manifest, index, config, descriptor, layout. */
  public String cliName() {
    return cliName;
  }

  /** The OCI media type of this kind of document. */
  public String mediaType() {
    return mediaType;
  }

  /** The file name of the image-spec schema for this kind. */
  public String schemaFile() {
    return schemaFile;
  }

  /**
   * The type of a short name ({@code manifest}, {@code index}, {@code config}, {@code descriptor},
   * {@code layout}) or of a media type, including the Docker V2 schema 2 manifest and manifest
   * list.
   */
  public static Optional<DocumentType> fromName(String nameOrMediaType) {
    String n = nameOrMediaType.trim().toLowerCase(Locale.ROOT);
    for (DocumentType t : values()) {
      if (t.cliName.equals(n) || t.mediaType.equals(n)) {
        return Optional.of(t);
      }
    }
    return switch (n) {
      case MediaType.DOCKER_MANIFEST -> Optional.of(MANIFEST);
      case MediaType.DOCKER_MANIFEST_LIST -> Optional.of(INDEX);
      case MediaType.DOCKER_CONFIG -> Optional.of(CONFIG);
      case "oci-layout", "layout-header" -> Optional.of(LAYOUT);
      default -> Optional.empty();
    };
  }

  /**
   * Guesses the type of a parsed document from its content: its {@code mediaType} when it names a
   * manifest or index, otherwise the properties that only one kind REQUIRES ({@code
   * imageLayoutVersion}, {@code manifests}, {@code layers}, {@code rootfs}, {@code digest}).
   */
  public static Optional<DocumentType> detect(JsonNode document) {
    if (!document.isObject()) {
      return Optional.empty();
    }
    JsonNode mt = document.get("mediaType");
    if (mt != null && mt.isString() && document.has("schemaVersion")) {
      if (MediaType.isManifest(mt.stringValue())) {
        return Optional.of(MANIFEST);
      }
      if (MediaType.isIndex(mt.stringValue())) {
        return Optional.of(INDEX);
      }
    }
    if (document.has("imageLayoutVersion")) {
      return Optional.of(LAYOUT);
    }
    if (document.has("manifests")) {
      return Optional.of(INDEX);
    }
    if (document.has("layers") || document.has("config") && document.has("schemaVersion")) {
      return Optional.of(MANIFEST);
    }
    if (document.has("rootfs")) {
      return Optional.of(CONFIG);
    }
    if (document.has("digest") && document.has("size")) {
      return Optional.of(DESCRIPTOR);
    }
    return Optional.empty();
  }
}
