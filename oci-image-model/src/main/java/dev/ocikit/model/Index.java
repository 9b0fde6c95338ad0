package dev.ocikit.model;

import dev.ocikit.internal.Values;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * An image index (<a
 * href="https://github.com/opencontainers/image-spec/blob/main/image-index.md">image-index.md</a>):
 * a list of manifests, typically one per platform; also the shape of an image layout's {@code
 * index.json}. Docker manifest lists read into the same type.
 *
 * @param schemaVersion MUST be {@code 2}
 * @param mediaType SHOULD be used; when used, {@code application/vnd.oci.image.index.v1+json}
 * @param artifactType the artifact's type, or null
 * @param manifests the manifests (REQUIRED, possibly empty)
 * @param subject a descriptor of another manifest this one refers to, or null
 * @param annotations arbitrary metadata, following the annotation rules
 * @param unknownProperties properties this version of ocikit does not know, kept for round trips
 */
public record Index(
    int schemaVersion,
    @Nullable String mediaType,
    @Nullable String artifactType,
    List<Descriptor> manifests,
    @Nullable Descriptor subject,
    Map<String, String> annotations,
    Map<String, JsonNode> unknownProperties)
    implements OciDocument {

  static final Set<String> KNOWN =
      Set.of("schemaVersion", "mediaType", "artifactType", "manifests", "subject", "annotations");

  /** Validates the required fields and copies collections. */
  public Index {
    if (schemaVersion != 2) {
      throw new IllegalArgumentException("schemaVersion must be 2, found " + schemaVersion);
    }
    manifests = Values.list(manifests, "manifests");
    annotations = Values.stringMap(annotations, "annotations");
    unknownProperties = Values.unknown(unknownProperties);
    Values.checkUnknownDoesNotShadow(unknownProperties, KNOWN);
  }

  /** An OCI index of {@code manifests}. */
  public static Index of(List<Descriptor> manifests) {
    return builder().manifests(manifests).build();
  }

  /** A builder, with {@code schemaVersion} 2, the OCI index media type and no manifests. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this index's values. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  @Override
  public String documentMediaType() {
    return mediaType != null ? mediaType : MediaType.IMAGE_INDEX;
  }

  /** This index with other manifests. */
  public Index withManifests(List<Descriptor> manifests) {
    return toBuilder().manifests(manifests).build();
  }

  /** This index with one more manifest at the end. */
  public Index withManifest(Descriptor manifest) {
    List<Descriptor> copy = new ArrayList<>(manifests);
    copy.add(manifest);
    return withManifests(copy);
  }

  /** This index with other annotations. */
  public Index withAnnotations(Map<String, String> annotations) {
    return toBuilder().annotations(annotations).build();
  }

  /** This index with another subject (null for none). */
  public Index withSubject(@Nullable Descriptor subject) {
    return toBuilder().subject(subject).build();
  }

  @Override
  public Map<String, JsonNode> unknownProperties() {
    return Values.unknownView(unknownProperties);
  }

  /** Builds an {@link Index}; nothing is required (an index may have no manifests). */
  public static final class Builder {
    private @Nullable String mediaType = MediaType.IMAGE_INDEX;
    private @Nullable String artifactType;
    private List<Descriptor> manifests = new ArrayList<>();
    private @Nullable Descriptor subject;
    private Map<String, String> annotations = new LinkedHashMap<>();
    private Map<String, JsonNode> unknownProperties = new LinkedHashMap<>();

    Builder() {}

    Builder(Index i) {
      mediaType = i.mediaType;
      artifactType = i.artifactType;
      manifests = new ArrayList<>(i.manifests);
      subject = i.subject;
      annotations = new LinkedHashMap<>(i.annotations);
      unknownProperties = new LinkedHashMap<>(i.unknownProperties);
    }

    /** Sets the media type (null to leave the property out). */
    public Builder mediaType(@Nullable String mediaType) {
      this.mediaType = mediaType;
      return this;
    }

    /** Sets the artifact type (null for none). */
    public Builder artifactType(@Nullable String artifactType) {
      this.artifactType = artifactType;
      return this;
    }

    /** Sets the manifests. */
    public Builder manifests(List<Descriptor> manifests) {
      this.manifests = new ArrayList<>(manifests);
      return this;
    }

    /** Adds a manifest at the end. */
    public Builder addManifest(Descriptor manifest) {
      this.manifests.add(Objects.requireNonNull(manifest, "manifest"));
      return this;
    }

    /** Sets the subject (null for none). */
    public Builder subject(@Nullable Descriptor subject) {
      this.subject = subject;
      return this;
    }

    /** Sets the annotations. */
    public Builder annotations(Map<String, String> annotations) {
      this.annotations = new LinkedHashMap<>(annotations);
      return this;
    }

    /** Adds or replaces one annotation. */
    public Builder annotation(String key, String value) {
      this.annotations.put(key, value);
      return this;
    }

    /** Sets the properties ocikit does not model. */
    public Builder unknownProperties(Map<String, JsonNode> unknownProperties) {
      this.unknownProperties = new LinkedHashMap<>(unknownProperties);
      return this;
    }

    /** Builds the index. */
    public Index build() {
      return new Index(
          2, mediaType, artifactType, manifests, subject, annotations, unknownProperties);
    }
  }
}
