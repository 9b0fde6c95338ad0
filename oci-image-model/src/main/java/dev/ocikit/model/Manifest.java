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
 * An image manifest (<a
 * href="https://github.com/opencontainers/image-spec/blob/main/manifest.md">manifest.md</a>): a
 * config and an ordered list of layers for one platform, or an artifact. Docker Image Manifest V2
 * Schema 2 documents, "similar/related" by the compatibility matrix, read into the same type.
 *
 * @param schemaVersion MUST be {@code 2}
 * @param mediaType SHOULD be used; when used, {@code application/vnd.oci.image.manifest.v1+json}
 * @param artifactType the artifact's type; MUST be set when the config is the empty descriptor
 * @param config the configuration object (REQUIRED)
 * @param layers the layers, base first (REQUIRED; SHOULD have at least one entry)
 * @param subject a descriptor of another manifest this one refers to, or null
 * @param annotations arbitrary metadata, following the annotation rules
 * @param unknownProperties properties this version of ocikit does not know, kept for round trips
 */
public record Manifest(
    int schemaVersion,
    @Nullable String mediaType,
    @Nullable String artifactType,
    Descriptor config,
    List<Descriptor> layers,
    @Nullable Descriptor subject,
    Map<String, String> annotations,
    Map<String, JsonNode> unknownProperties)
    implements OciDocument {

  static final Set<String> KNOWN =
      Set.of(
          "schemaVersion",
          "mediaType",
          "artifactType",
          "config",
          "layers",
          "subject",
          "annotations");

  /** Validates the required fields and copies collections. */
  public Manifest {
    if (schemaVersion != 2) {
      throw new IllegalArgumentException("schemaVersion must be 2, found " + schemaVersion);
    }
    Objects.requireNonNull(config, "config");
    layers = Values.list(layers, "layers");
    annotations = Values.stringMap(annotations, "annotations");
    unknownProperties = Values.unknown(unknownProperties);
    Values.checkUnknownDoesNotShadow(unknownProperties, KNOWN);
  }

  /** A builder, with {@code schemaVersion} 2 and the OCI manifest media type. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this manifest's values. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  @Override
  public String documentMediaType() {
    return mediaType != null ? mediaType : MediaType.IMAGE_MANIFEST;
  }

  /** Whether this manifest is an artifact: it has an {@code artifactType} or a non-image config. */
  public boolean isArtifact() {
    return artifactType != null || !MediaType.isImageConfig(config.mediaType());
  }

  /**
   * The artifact type as the spec defines it for descriptors pointing here: {@code artifactType},
   * or else the config's media type.
   */
  public String effectiveArtifactType() {
    return artifactType != null ? artifactType : config.mediaType();
  }

  /** This manifest with other layers. */
  public Manifest withLayers(List<Descriptor> layers) {
    return toBuilder().layers(layers).build();
  }

  /** This manifest with one more layer on top. */
  public Manifest withLayer(Descriptor layer) {
    List<Descriptor> copy = new ArrayList<>(layers);
    copy.add(layer);
    return withLayers(copy);
  }

  /** This manifest with another config. */
  public Manifest withConfig(Descriptor config) {
    return toBuilder().config(config).build();
  }

  /** This manifest with another subject (null for none). */
  public Manifest withSubject(@Nullable Descriptor subject) {
    return toBuilder().subject(subject).build();
  }

  /** This manifest with other annotations. */
  public Manifest withAnnotations(Map<String, String> annotations) {
    return toBuilder().annotations(annotations).build();
  }

  /** This manifest with another artifact type (null for none). */
  public Manifest withArtifactType(@Nullable String artifactType) {
    return toBuilder().artifactType(artifactType).build();
  }

  @Override
  public Map<String, JsonNode> unknownProperties() {
    return Values.unknownView(unknownProperties);
  }

  /** Builds a {@link Manifest}; {@code config} is required. */
  public static final class Builder {
    private @Nullable String mediaType = MediaType.IMAGE_MANIFEST;
    private @Nullable String artifactType;
    private @Nullable Descriptor config;
    private List<Descriptor> layers = new ArrayList<>();
    private @Nullable Descriptor subject;
    private Map<String, String> annotations = new LinkedHashMap<>();
    private Map<String, JsonNode> unknownProperties = new LinkedHashMap<>();
    private @Nullable Manifest source;

    Builder() {}

    Builder(Manifest m) {
      source = m;
      mediaType = m.mediaType;
      artifactType = m.artifactType;
      config = m.config;
      layers = new ArrayList<>(m.layers);
      subject = m.subject;
      annotations = new LinkedHashMap<>(m.annotations);
      unknownProperties = new LinkedHashMap<>(m.unknownProperties);
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

    /** Sets the config descriptor (required). */
    public Builder config(Descriptor config) {
      this.config = config;
      return this;
    }

    /** Sets the layers, base first. */
    public Builder layers(List<Descriptor> layers) {
      this.layers = new ArrayList<>(layers);
      return this;
    }

    /** Adds a layer on top of those set so far. */
    public Builder addLayer(Descriptor layer) {
      this.layers.add(Objects.requireNonNull(layer, "layer"));
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

    /**
     * Builds the manifest.
     *
     * @throws IllegalStateException if {@code config} is not set, or the config is the empty
     *     descriptor and no {@code artifactType} is set (manifest.md: "This MUST be set when
     *     config.mediaType is set to the empty value"); a builder from {@link Manifest#toBuilder()}
     *     lets a manifest that was read that way keep its config, so that {@code with...} changes
     *     to other fields still work on it
     */
    public Manifest build() {
      if (config == null) {
        throw new IllegalStateException("Manifest: required field 'config' is not set");
      }
      boolean unchanged =
          source != null && source.artifactType() == null && source.config().equals(config);
      if (artifactType == null && MediaType.EMPTY_JSON.equals(config.mediaType()) && !unchanged) {
        throw new IllegalStateException(
            "Manifest: 'artifactType' must be set when the config is the empty descriptor ("
                + MediaType.EMPTY_JSON
                + ")");
      }
      return new Manifest(
          2, mediaType, artifactType, config, layers, subject, annotations, unknownProperties);
    }
  }
}
