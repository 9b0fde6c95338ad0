package dev.ocikit.layout;

import dev.ocikit.json.InvalidDocumentException;
import dev.ocikit.json.OciJson;
import dev.ocikit.model.LayoutHeader;
import dev.ocikit.model.MediaType;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** What every form of layout reads the same way: its header, and a document's declared type. */
final class LayoutDocuments {
  private LayoutDocuments() {}

  /**
   * What is wrong with the bytes of an {@code oci-layout} file, or null when it is a valid header
   * of version 1.0.0.
   */
  static @Nullable String headerProblem(byte[] bytes) {
    LayoutHeader h;
    try {
      h = OciJson.parseLayoutHeader(bytes).value();
    } catch (InvalidDocumentException e) {
      return e.getMessage();
    }
    if (!LayoutHeader.VERSION_1_0_0.equals(h.imageLayoutVersion())) {
      return "imageLayoutVersion is \""
          + h.imageLayoutVersion()
          + "\", but only "
          + LayoutHeader.VERSION_1_0_0
          + " is defined";
    }
    return null;
  }

  /**
   * The media type a document known only by its digest declares: its {@code mediaType}, else an
   * index when it lists {@code manifests}, else a manifest.
   */
  static String declaredMediaType(byte[] bytes) throws InvalidDocumentException {
    JsonNode tree = OciJson.readTree(bytes);
    JsonNode mt = tree.get("mediaType");
    if (mt != null && mt.isString()) {
      return mt.stringValue();
    }
    return tree.has("manifests") ? MediaType.IMAGE_INDEX : MediaType.IMAGE_MANIFEST;
  }
}
