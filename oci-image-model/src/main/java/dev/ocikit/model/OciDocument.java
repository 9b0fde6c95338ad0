package dev.ocikit.model;

import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * A JSON document of the image spec that is stored as a blob or file: a {@link Manifest}, an {@link
 * Index}, an {@link ImageConfig}, or the {@link LayoutHeader} of an image layout.
 */
public sealed interface OciDocument permits Manifest, Index, ImageConfig, LayoutHeader {

  /**
   * The media type this document is stored under: its {@code mediaType} property when it has one,
   * otherwise the OCI media type of its kind.
   */
  String documentMediaType();

  /** Properties this version of ocikit does not know, kept for round trips. */
  Map<String, JsonNode> unknownProperties();
}
