package dev.ocikit.model;

import dev.ocikit.internal.Values;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The {@code oci-layout} file of an image layout (<a
 * href="https://github.com/opencontainers/image-spec/blob/main/image-layout.md#oci-layout-file">image-layout.md,
 * "oci-layout file"</a>), media type {@code application/vnd.oci.layout.header.v1+json}.
 *
 * @param imageLayoutVersion the version of the image layout, {@code 1.0.0}
 * @param unknownProperties properties this version of ocikit does not know, kept for round trips
 */
public record LayoutHeader(String imageLayoutVersion, Map<String, JsonNode> unknownProperties)
    implements OciDocument {

  /** The only image layout version the spec defines. */
  public static final String VERSION_1_0_0 = "1.0.0";

  /** The header of a version 1.0.0 layout. */
  public static final LayoutHeader V1 = new LayoutHeader(VERSION_1_0_0, Map.of());

  static final Set<String> KNOWN = Set.of("imageLayoutVersion");

  /** Validates and copies. */
  public LayoutHeader {
    Values.requireNonBlank(imageLayoutVersion, "imageLayoutVersion");
    Objects.requireNonNull(unknownProperties, "unknownProperties");
    unknownProperties = Values.unknown(unknownProperties);
    Values.checkUnknownDoesNotShadow(unknownProperties, KNOWN);
  }

  @Override
  public String documentMediaType() {
    return MediaType.LAYOUT_HEADER;
  }

  @Override
  public Map<String, JsonNode> unknownProperties() {
    return Values.unknownView(unknownProperties);
  }
}
