package dev.ocikit.build;

import dev.ocikit.layout.OciLayout;
import dev.ocikit.model.Annotations;
import dev.ocikit.model.Descriptor;
import dev.ocikit.model.Index;
import dev.ocikit.model.MediaType;
import dev.ocikit.model.Platform;
import dev.ocikit.validation.DocumentType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Builds an image index (<a
 * href="https://github.com/opencontainers/image-spec/blob/main/image-index.md">image-index.md</a>):
 * several images, typically one per platform, as one multi-platform image that clients resolve by
 * platform, the first best match winning ("If multiple manifests match a client or runtime's
 * requirements, the first matching entry SHOULD be used").
 *
 * <pre>{@code
 * BuiltImage amd64 = ImageBuilder.scratch(Platform.parse("linux/amd64"))...build(target);
 * BuiltImage arm64 = ImageBuilder.scratch(Platform.parse("linux/arm64"))...build(target);
 * Descriptor index = IndexBuilder.create().add(amd64).add(arm64).build(target, "app");
 * }</pre>
 *
 * <p>The manifests must already be in the layout the index is written to (built there). Entries
 * keep the order they were added in. Instances are mutable and not thread-safe.
 */
public final class IndexBuilder {
  private final List<Descriptor> manifests = new ArrayList<>();
  private final Map<String, String> annotations = new LinkedHashMap<>();

  private IndexBuilder() {}

  /** A builder of an index with no manifests yet. */
  public static IndexBuilder create() {
    return new IndexBuilder();
  }

  /**
   * Adds a built image: its manifest descriptor, which carries its platform.
   *
   * @throws IllegalArgumentException if the index has that manifest, or an image for the same
   *     platform, already
   */
  public IndexBuilder add(BuiltImage image) {
    Objects.requireNonNull(image, "image");
    return add(image.manifest());
  }

  /**
   * Adds an image manifest or a nested index by its descriptor. A manifest's descriptor SHOULD
   * carry the {@code platform} of the image (image-index.md: "This property SHOULD be present if
   * its target is platform-specific"). An {@code org.opencontainers.image.ref.name} annotation is
   * dropped: ref names are only valid on {@code index.json} entries (annotations.md).
   *
   * @param manifest a descriptor of an image manifest or an image index
   * @throws IllegalArgumentException if it describes something else, or the index has that
   *     manifest, or one with an equal platform, already
   */
  public IndexBuilder add(Descriptor manifest) {
    Objects.requireNonNull(manifest, "manifest");
    if (!MediaType.isManifest(manifest.mediaType()) && !MediaType.isIndex(manifest.mediaType())) {
      throw new IllegalArgumentException(
          manifest.digest()
              + " has media type "
              + manifest.mediaType()
              + "; an index lists image manifests and indexes (image-index.md, manifests)");
    }
    Descriptor entry = manifest;
    if (entry.annotations().containsKey(Annotations.REF_NAME)) {
      Map<String, String> kept = new LinkedHashMap<>(entry.annotations());
      kept.remove(Annotations.REF_NAME);
      entry = entry.withAnnotations(kept);
    }
    Platform platform = entry.platform();
    for (Descriptor d : manifests) {
      if (d.digest().equals(entry.digest())) {
        throw new IllegalArgumentException("the index lists " + entry.digest() + " already");
      }
      if (platform != null && platform.equals(d.platform())) {
        throw new IllegalArgumentException(
            "the index has an image for "
                + platform
                + " already ("
                + d.digest()
                + "); clients would only ever take the first");
      }
    }
    manifests.add(entry);
    return this;
  }

  /**
   * Adds or replaces an annotation of the index (image-index.md, {@code annotations}; see
   * annotations.md, "Pre-Defined Annotation Keys").
   *
   * @param key the key, not empty; not {@code org.opencontainers.image.ref.name}, which {@link
   *     #build(OciLayout, String)} sets on the {@code index.json} entry
   * @param value the value, possibly empty
   */
  public IndexBuilder annotation(String key, String value) {
    Checks.documentAnnotation(key, value);
    annotations.put(key, value);
    return this;
  }

  /**
   * The index as {@link #build(OciLayout)} would write it.
   *
   * @throws IllegalStateException if no manifest was added
   */
  public Index index() {
    if (manifests.isEmpty()) {
      throw new IllegalStateException(
          "IndexBuilder: no manifests added; add the images the index is to list");
    }
    return Index.builder().manifests(manifests).annotations(annotations).build();
  }

  /**
   * Writes the index into {@code target}, without tagging it, once it validates and once {@code
   * target} holds every manifest it lists.
   *
   * @return the descriptor of the index
   * @throws IllegalStateException if no manifest was added
   * @throws IllegalArgumentException if the index would not pass {@link
   *     dev.ocikit.validation.Validator}
   * @throws dev.ocikit.blob.BlobNotFoundException if a listed manifest is not in {@code target}
   * @throws IOException if the layout cannot be written
   */
  public Descriptor build(OciLayout target) throws IOException {
    return write(target, null);
  }

  /**
   * Writes the index as {@link #build(OciLayout)} does, then tags it: {@code index.json} gets its
   * descriptor under the ref name {@code ref}, replacing the entry that had that name.
   *
   * @param target the layout to write into
   * @param ref the ref name (annotations.md, {@code org.opencontainers.image.ref.name})
   * @throws IllegalArgumentException if {@code ref} does not match the ref grammar, before anything
   *     is written; or as {@link #build(OciLayout)}
   * @throws IOException as {@link #build(OciLayout)}
   */
  public Descriptor build(OciLayout target, String ref) throws IOException {
    return write(target, Checks.ref(ref));
  }

  private Descriptor write(OciLayout target, @Nullable String ref) throws IOException {
    Objects.requireNonNull(target, "target");
    Index index = index();
    Checks.valid(index, DocumentType.INDEX);
    Checks.blobsPresent(target, null, manifests);
    Descriptor descriptor = target.writeDocument(index);
    if (ref != null) {
      target.tag(ref, descriptor);
    }
    return descriptor;
  }
}
