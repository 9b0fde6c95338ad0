package dev.ocikit.build;

import dev.ocikit.layout.OciLayout;
import dev.ocikit.model.Descriptor;
import dev.ocikit.model.Manifest;
import dev.ocikit.model.MediaType;
import dev.ocikit.validation.DocumentType;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Builds an artifact: content other than a container image packaged in an image manifest, as <a
 * href="https://github.com/opencontainers/image-spec/blob/main/manifest.md#guidelines-for-artifact-usage">manifest.md,
 * "Guidelines for Artifact Usage"</a> describes it, typically an SBOM or a signature attached to an
 * image by its {@code subject}, which {@link dev.ocikit.layout.ImageLayout#referrers} then finds.
 *
 * <pre>{@code
 * Descriptor sbom =
 *     ArtifactBuilder.create("application/spdx+json")
 *         .subject(image.manifest())
 *         .addBlob("application/spdx+json", spdxJson, Map.of())
 *         .build(target);
 * assert target.referrers(image.manifest().digest()).size() == 1;
 * }</pre>
 *
 * <p>The manifest follows the decision tree's second case: an {@code artifactType}, the blobs as
 * {@code layers}, and the empty descriptor ({@link Descriptor#EMPTY_JSON}, with its blob {@code {}}
 * written too) as {@code config}. Without blobs it is the first case: a single empty descriptor as
 * the layer ("If the artifact does not need layers, a single layer SHOULD be included with a
 * non-zero size. The suggested content for an unused layers array is the empty descriptor").
 *
 * <p>Content given as bytes or a stream is held in memory until {@link #build(OciLayout)}; for
 * large content write the blob first ({@link OciLayout#writeBlob(String, InputStream)}) and add its
 * descriptor ({@link #addBlob(Descriptor)}). Instances are mutable and not thread-safe; {@link
 * #build(OciLayout)} does not change them.
 */
public final class ArtifactBuilder {
  private String artifactType;
  private @Nullable Descriptor subject;
  private final List<Blob> blobs = new ArrayList<>();
  private final Map<String, String> annotations = new LinkedHashMap<>();

  /** A blob of the artifact: written at build when it has content, else already in the target. */
  private record Blob(Descriptor descriptor, byte @Nullable [] content) {}

  private ArtifactBuilder(String artifactType) {
    this.artifactType = artifactType;
  }

  /**
   * A builder of an artifact of type {@code artifactType}, with no blobs, subject or annotations
   * yet.
   *
   * @param artifactType the manifest's {@code artifactType}, e.g. {@code application/spdx+json}:
   *     REQUIRED with the empty config, and an RFC 6838 media type (manifest.md)
   * @throws IllegalArgumentException if it is not an RFC 6838 media type
   */
  public static ArtifactBuilder create(String artifactType) {
    return new ArtifactBuilder(Checks.mediaType(artifactType, "artifactType"));
  }

  /**
   * Sets the artifact type, replacing the one given to {@link #create(String)}.
   *
   * @param artifactType an RFC 6838 media type
   * @throws IllegalArgumentException if it is not one
   */
  public ArtifactBuilder artifactType(String artifactType) {
    this.artifactType = Checks.mediaType(artifactType, "artifactType");
    return this;
  }

  /**
   * Sets the manifest the artifact refers to (manifest.md, {@code subject}: "a weak association to
   * a separate Merkle Directed Acyclic Graph", what the referrers API lists it under). Only the
   * media type, digest and size of {@code subject} are kept: its platform, annotations (a ref name,
   * say) and embedded data belong to where it was listed, not to the reference.
   *
   * @param subject a descriptor of an image manifest or index, e.g. {@link BuiltImage#manifest()}
   * @throws IllegalArgumentException if it describes something else
   */
  public ArtifactBuilder subject(Descriptor subject) {
    Objects.requireNonNull(subject, "subject");
    if (!MediaType.isManifest(subject.mediaType()) && !MediaType.isIndex(subject.mediaType())) {
      throw new IllegalArgumentException(
          "the subject must be a manifest or an index (manifest.md, subject), but "
              + subject.digest()
              + " has media type "
              + subject.mediaType());
    }
    this.subject = Descriptor.of(subject.mediaType(), subject.digest(), subject.size());
    return this;
  }

  /**
   * Adds a blob of the artifact (a {@code layers} entry), to be written at build.
   *
   * @param mediaType the blob's media type, e.g. {@code application/spdx+json}
   * @param content the content (copied)
   * @param annotations annotations of the blob's descriptor, e.g. {@code
   *     org.opencontainers.image.title} for a file name
   * @throws IllegalArgumentException if the media type is not an RFC 6838 one or an annotation has
   *     an empty key
   */
  public ArtifactBuilder addBlob(
      String mediaType, byte[] content, Map<String, String> annotations) {
    Objects.requireNonNull(content, "content");
    Descriptor d = Descriptor.of(Checks.mediaType(mediaType, "blob media type"), content);
    blobs.add(new Blob(withAnnotations(d, annotations), content.clone()));
    return this;
  }

  /**
   * Adds a blob of the artifact (a {@code layers} entry), reading {@code content} to its end now
   * (it is not closed) and holding it until build; see the class description for large content.
   *
   * @param mediaType the blob's media type
   * @param content the content
   * @param annotations annotations of the blob's descriptor
   * @throws IllegalArgumentException as {@link #addBlob(String, byte[], Map)}
   * @throws IOException if {@code content} cannot be read
   */
  public ArtifactBuilder addBlob(
      String mediaType, InputStream content, Map<String, String> annotations) throws IOException {
    Objects.requireNonNull(content, "content");
    Checks.mediaType(mediaType, "blob media type");
    return addBlob(mediaType, content.readAllBytes(), annotations);
  }

  /**
   * Adds a blob that is written already (with {@link OciLayout#writeBlob}) to the layout the
   * artifact will be built into, as a {@code layers} entry.
   *
   * @param blob the blob's descriptor, with the annotations it is to have
   * @throws IllegalArgumentException if its media type is not an RFC 6838 one
   */
  public ArtifactBuilder addBlob(Descriptor blob) {
    Objects.requireNonNull(blob, "blob");
    Checks.mediaType(blob.mediaType(), "blob media type");
    blobs.add(new Blob(blob, null));
    return this;
  }

  /**
   * Adds or replaces an annotation of the artifact manifest (manifest.md, {@code annotations}),
   * e.g. {@code org.opencontainers.image.created}.
   *
   * @param key the key, not empty; not {@code org.opencontainers.image.ref.name}
   * @param value the value, possibly empty
   */
  public ArtifactBuilder annotation(String key, String value) {
    Checks.documentAnnotation(key, value);
    annotations.put(key, value);
    return this;
  }

  private static Descriptor withAnnotations(Descriptor d, Map<String, String> annotations) {
    Objects.requireNonNull(annotations, "annotations");
    annotations.forEach((k, v) -> Checks.annotation(k, v, "blob annotation"));
    return annotations.isEmpty() ? d : d.withAnnotations(annotations);
  }

  /** The artifact manifest as {@link #build(OciLayout)} would write it. */
  public Manifest manifest() {
    List<Descriptor> layers = new ArrayList<>();
    for (Blob b : blobs) {
      layers.add(b.descriptor());
    }
    if (layers.isEmpty()) {
      layers.add(Descriptor.EMPTY_JSON);
    }
    return Manifest.builder()
        .artifactType(artifactType)
        .config(Descriptor.EMPTY_JSON)
        .layers(layers)
        .subject(subject)
        .annotations(annotations)
        .build();
  }

  /**
   * Writes the artifact into {@code target}: its blobs, the empty config blob {@code {}}, then the
   * manifest once it validates; and lists the manifest in {@code index.json}, without a ref name,
   * so that {@link dev.ocikit.layout.ImageLayout#referrers} finds it and garbage collection keeps
   * it. The subject need not be in {@code target}.
   *
   * @return the manifest's descriptor, carrying the {@code artifactType}
   * @throws IllegalArgumentException if the manifest would not pass {@link
   *     dev.ocikit.validation.Validator}
   * @throws dev.ocikit.blob.BlobNotFoundException if a blob added by descriptor is not in {@code
   *     target}
   * @throws IOException if the layout cannot be written
   */
  public Descriptor build(OciLayout target) throws IOException {
    return write(target, null);
  }

  /**
   * Writes the artifact as {@link #build(OciLayout)} does, but tags it instead: {@code index.json}
   * gets its descriptor under the ref name {@code ref}, replacing the entry that had that name.
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
    Manifest manifest = manifest();
    Checks.valid(manifest, DocumentType.MANIFEST);
    List<Descriptor> existing = new ArrayList<>();
    for (Blob b : blobs) {
      if (b.content() != null) {
        target.writeBlob(b.descriptor(), new java.io.ByteArrayInputStream(b.content()));
      } else {
        existing.add(b.descriptor());
      }
    }
    Checks.blobsPresent(target, null, existing);
    // Written even though the descriptor embeds it: not every reader honours "data".
    target.writeBlob(
        Descriptor.EMPTY_JSON, new java.io.ByteArrayInputStream(Descriptor.emptyJsonContent()));
    Descriptor descriptor = target.writeDocument(manifest).withArtifactType(artifactType);
    if (ref != null) {
      target.tag(ref, descriptor);
    } else {
      target.add(descriptor);
    }
    return descriptor;
  }
}
