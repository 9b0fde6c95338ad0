package dev.ocikit.assertj;

import dev.ocikit.model.Descriptor;
import dev.ocikit.view.LayerInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.assertj.core.api.AbstractAssert;
import org.jspecify.annotations.Nullable;

/**
 * Assertions on one layer of an image, as a changeset (layer.md): the paths it adds (or changes)
 * and the paths it deletes with whiteouts, and its size. {@link ImageAssert#layer(int)}.
 *
 * <p>Paths are compared normalized ({@code "etc/motd"}, {@code "/etc/motd"} and {@code
 * "/etc/motd/"} are one path). The changeset assertions read the layer (through the image's view);
 * {@link #hasCompressedSizeAtMost(long)} reads only the manifest.
 */
public class LayerAssert extends AbstractAssert<LayerAssert, ImageLayer> {

  /**
   * Assertions on {@code actual}; {@link ImageAssert#layer(int)} is the usual way in (this
   * constructor is public for AssertJ's soft assertion proxies).
   */
  public LayerAssert(@Nullable ImageLayer actual) {
    super(actual, LayerAssert.class);
  }

  /**
   * Verifies that the layer has an entry for each of {@code paths}: it adds each, or replaces what
   * a lower layer had there (a tar entry, not a whiteout).
   */
  public LayerAssert adds(String... paths) {
    LayerInfo layer = layerInfo();
    List<String> added = normalized(layer.added());
    List<String> missing = notIn(paths, Set.copyOf(added));
    if (!missing.isEmpty()) {
      fail(
          expecting()
              + " to add "
              + showPaths(paths)
              + (missing.size() == paths.length
                  ? " but it does not"
                  : " but it does not add " + showPaths(missing.toArray(String[]::new)))
              + "; it adds "
              + Texts.showList(info.representation(), added));
    }
    return myself;
  }

  /** Verifies that the layer deletes each of {@code paths} with a whiteout. */
  public LayerAssert deletes(String... paths) {
    LayerInfo layer = layerInfo();
    List<String> deleted = normalized(layer.deleted());
    List<String> missing = notIn(paths, Set.copyOf(deleted));
    if (!missing.isEmpty()) {
      fail(
          expecting()
              + " to delete "
              + showPaths(paths)
              + (missing.size() == paths.length
                  ? " but it does not"
                  : " but it does not delete " + showPaths(missing.toArray(String[]::new)))
              + "; it deletes "
              + Texts.showList(info.representation(), deleted));
    }
    return myself;
  }

  /**
   * Verifies that the layer neither adds (nor changes) {@code path} nor deletes it, or a directory
   * above it.
   */
  public LayerAssert doesNotTouch(String path) {
    LayerInfo layer = layerInfo();
    String p = Texts.normalize(path);
    if (normalized(layer.added()).contains(p)) {
      fail(expecting() + " not to touch " + show(p) + " but it adds it");
    }
    for (String deleted : normalized(layer.deleted())) {
      if (Texts.isAtOrBelow(p, deleted)) {
        fail(
            expecting()
                + " not to touch "
                + show(p)
                + " but it deletes "
                + (deleted.equals(p) ? "it" : show(deleted)));
      }
    }
    return myself;
  }

  /** Verifies that the layer's blob, as stored (compressed), has at most {@code bytes}. */
  public LayerAssert hasCompressedSizeAtMost(long bytes) {
    Descriptor descriptor = descriptor();
    if (descriptor.size() > bytes) {
      fail(
          expecting()
              + " to have at most "
              + Texts.count(bytes, "byte")
              + " compressed but it has "
              + Texts.count(descriptor.size(), "byte"));
    }
    return myself;
  }

  /** Verifies that the layer's tar, uncompressed, has at most {@code bytes}. */
  public LayerAssert hasUncompressedSizeAtMost(long bytes) {
    LayerInfo layer = layerInfo();
    if (layer.uncompressedSize() > bytes) {
      fail(
          expecting()
              + " to have at most "
              + Texts.count(bytes, "byte")
              + " uncompressed but it has "
              + Texts.count(layer.uncompressedSize(), "byte"));
    }
    return myself;
  }

  private Descriptor descriptor() {
    isNotNull();
    List<Descriptor> layers = actual.image().image().manifest().value().layers();
    if (actual.index() < 0 || actual.index() >= layers.size()) {
      failNoSuchLayer(layers.size());
    }
    return layers.get(actual.index());
  }

  private LayerInfo layerInfo() {
    isNotNull();
    Optional<LayerInfo> layer = Lookups.layer(actual.image(), actual.index());
    if (layer.isEmpty()) {
      failNoSuchLayer(actual.image().view().layers().size());
    }
    return layer.orElseThrow();
  }

  private void failNoSuchLayer(int count) {
    fail(
        "Expecting image "
            + actual.image()
            + " to have a layer "
            + actual.index()
            + " but it has "
            + Texts.count(count, "layer")
            + (count == 0 ? "" : " (0 to " + (count - 1) + ")"));
  }

  private static List<String> normalized(List<String> paths) {
    return paths.stream().map(Texts::normalize).distinct().sorted().collect(Collectors.toList());
  }

  private static List<String> notIn(String[] paths, Set<String> in) {
    Objects.requireNonNull(paths, "paths");
    List<String> missing = new ArrayList<>();
    for (String path : paths) {
      String p = Texts.normalize(path);
      if (!in.contains(p)) {
        missing.add(p);
      }
    }
    return missing;
  }

  /** One path in quotes, or several as a list. */
  private String showPaths(String[] paths) {
    List<String> normalized = new ArrayList<>();
    for (String p : paths) {
      normalized.add(Texts.normalize(p));
    }
    return normalized.size() == 1 ? show(normalized.get(0)) : show(normalized);
  }

  private String expecting() {
    return "Expecting " + actual;
  }

  private String show(Object value) {
    return Texts.show(info.representation(), value);
  }

  private void fail(String message) {
    failWithMessage(Texts.literal(message));
  }
}
