package dev.ocikit.model;

import dev.ocikit.digest.Digest;
import dev.ocikit.internal.Values;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A content descriptor (<a
 * href="https://github.com/opencontainers/image-spec/blob/main/descriptor.md">descriptor.md</a>):
 * the media type, digest and size of the content it targets, with OPTIONAL {@code urls}, {@code
 * annotations}, embedded {@code data}, {@code artifactType}, and the {@code platform} that index
 * entries carry.
 *
 * @param mediaType the media type of the referenced content (REQUIRED)
 * @param digest the digest of the referenced content (REQUIRED)
 * @param size the size in bytes of the raw content; it MUST NOT be negative (REQUIRED)
 * @param urls URIs from which the content MAY be downloaded
 * @param annotations arbitrary metadata, following the annotation rules
 * @param data the content embedded as standard Base64 (RFC 4648 section 4), or null
 * @param artifactType the type of the artifact the descriptor points to, or null
 * @param platform the platform of the referenced manifest (index entries), or null
 * @param unknownProperties properties this version of ocikit does not know, kept for round trips
 */
public record Descriptor(
    String mediaType,
    Digest digest,
    long size,
    List<String> urls,
    Map<String, String> annotations,
    @Nullable String data,
    @Nullable String artifactType,
    @Nullable Platform platform,
    Map<String, JsonNode> unknownProperties) {

  static final Set<String> KNOWN =
      Set.of(
          "mediaType", "digest", "size", "urls", "annotations", "data", "artifactType", "platform");

  /** The bytes of the empty JSON object, {@code {}}. */
  private static final byte[] EMPTY_JSON_CONTENT = "{}".getBytes(StandardCharsets.US_ASCII);

  /**
   * The empty descriptor of <a
   * href="https://github.com/opencontainers/image-spec/blob/main/manifest.md#guidance-for-an-empty-descriptor">manifest.md,
   * "Guidance for an Empty Descriptor"</a>: {@code application/vnd.oci.empty.v1+json}, the two
   * bytes {@code {}}, embedded as {@code data} like the reference code's {@code
   * DescriptorEmptyJSON}.
   */
  public static final Descriptor EMPTY_JSON =
      new Descriptor(
          MediaType.EMPTY_JSON,
          Digest.parse("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"),
          2,
          List.of(),
          Map.of(),
          "e30=",
          null,
          null,
          Map.of());

  /** Validates the required fields and copies collections. */
  public Descriptor {
    Values.requireNonBlank(mediaType, "mediaType");
    Objects.requireNonNull(digest, "digest");
    if (size < 0) {
      throw new IllegalArgumentException("size must not be negative, found " + size);
    }
    urls = Values.list(urls, "urls");
    annotations = Values.stringMap(annotations, "annotations");
    if (data != null) {
      // The JDK decoder accepts missing padding; RFC 4648 section 4 text is padded to 4n chars.
      if (data.length() % 4 != 0) {
        throw new IllegalArgumentException(
            "data must be standard Base64 (RFC 4648 section 4): length "
                + data.length()
                + " is not a multiple of 4 (missing padding?)");
      }
      try {
        Base64.getDecoder().decode(data);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "data must be standard Base64 (RFC 4648 section 4): " + e.getMessage(), e);
      }
    }
    unknownProperties = Values.unknown(unknownProperties);
    Values.checkUnknownDoesNotShadow(unknownProperties, KNOWN);
  }

  /** A descriptor of the three required fields. */
  public static Descriptor of(String mediaType, Digest digest, long size) {
    return new Descriptor(mediaType, digest, size, List.of(), Map.of(), null, null, null, Map.of());
  }

  /** A descriptor of {@code content}: its SHA-256 digest and size. */
  public static Descriptor of(String mediaType, byte[] content) {
    return of(mediaType, Digest.sha256(content), content.length);
  }

  /** A descriptor of {@code content} that also embeds it in {@code data}. */
  public static Descriptor embedding(String mediaType, byte[] content) {
    return of(mediaType, content).withData(content);
  }

  /** The content of {@link #EMPTY_JSON}: the two bytes {@code {}}. */
  public static byte[] emptyJsonContent() {
    return EMPTY_JSON_CONTENT.clone();
  }

  /** A builder, starting empty. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this descriptor's values. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** The embedded content, decoded; empty when there is no {@code data}. */
  public Optional<byte[]> decodedData() {
    return data == null ? Optional.empty() : Optional.of(Base64.getDecoder().decode(data));
  }

  /** The value of the annotation {@code key}, if present. */
  public Optional<String> annotation(String key) {
    return Optional.ofNullable(annotations.get(key));
  }

  /** The {@code org.opencontainers.image.ref.name} annotation, if present. */
  public Optional<String> refName() {
    return annotation(Annotations.REF_NAME);
  }

  /** This descriptor with other annotations. */
  public Descriptor withAnnotations(Map<String, String> annotations) {
    return toBuilder().annotations(annotations).build();
  }

  /** This descriptor with one annotation added or replaced. */
  public Descriptor withAnnotation(String key, String value) {
    Map<String, String> copy = new LinkedHashMap<>(annotations);
    copy.put(key, value);
    return withAnnotations(copy);
  }

  /** This descriptor with another platform (null for none). */
  public Descriptor withPlatform(@Nullable Platform platform) {
    return toBuilder().platform(platform).build();
  }

  /** This descriptor with another media type. */
  public Descriptor withMediaType(String mediaType) {
    return toBuilder().mediaType(mediaType).build();
  }

  /** This descriptor with another artifact type (null for none). */
  public Descriptor withArtifactType(@Nullable String artifactType) {
    return toBuilder().artifactType(artifactType).build();
  }

  /**
   * This descriptor embedding {@code content} in {@code data}.
   *
   * @throws IllegalArgumentException if {@code content} does not have this descriptor's size and
   *     digest ("The decoded data MUST be identical to the referenced content")
   */
  public Descriptor withData(byte[] content) {
    if (content.length != size) {
      throw new IllegalArgumentException(
          "data of " + content.length + " bytes does not match size " + size);
    }
    if (digest.isVerifiable() && !digest.matches(content)) {
      throw new IllegalArgumentException("data does not match digest " + digest);
    }
    return toBuilder().data(Base64.getEncoder().encodeToString(content)).build();
  }

  /** This descriptor without embedded data. */
  public Descriptor withoutData() {
    return toBuilder().data(null).build();
  }

  @Override
  public Map<String, JsonNode> unknownProperties() {
    return Values.unknownView(unknownProperties);
  }

  /**
   * Builds a {@link Descriptor}; {@code mediaType}, {@code digest} and {@code size} are required.
   */
  public static final class Builder {
    private @Nullable String mediaType;
    private @Nullable Digest digest;
    private long size;
    private boolean sizeSet;
    private List<String> urls = new ArrayList<>();
    private Map<String, String> annotations = new LinkedHashMap<>();
    private @Nullable String data;
    private @Nullable String artifactType;
    private @Nullable Platform platform;
    private Map<String, JsonNode> unknownProperties = new LinkedHashMap<>();

    Builder() {}

    Builder(Descriptor d) {
      mediaType = d.mediaType;
      digest = d.digest;
      size = d.size;
      sizeSet = true;
      urls = new ArrayList<>(d.urls);
      annotations = new LinkedHashMap<>(d.annotations);
      data = d.data;
      artifactType = d.artifactType;
      platform = d.platform;
      unknownProperties = new LinkedHashMap<>(d.unknownProperties);
    }

    /** Sets the media type (required). */
    public Builder mediaType(String mediaType) {
      this.mediaType = mediaType;
      return this;
    }

    /** Sets the digest (required). */
    public Builder digest(Digest digest) {
      this.digest = digest;
      return this;
    }

    /** Sets the size in bytes (required). */
    public Builder size(long size) {
      this.size = size;
      this.sizeSet = true;
      return this;
    }

    /** Sets the URLs. */
    public Builder urls(List<String> urls) {
      this.urls = new ArrayList<>(urls);
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

    /** Sets the embedded data, as standard Base64 text (null for none). */
    public Builder data(@Nullable String base64) {
      this.data = base64;
      return this;
    }

    /** Sets the artifact type (null for none). */
    public Builder artifactType(@Nullable String artifactType) {
      this.artifactType = artifactType;
      return this;
    }

    /** Sets the platform (null for none). */
    public Builder platform(@Nullable Platform platform) {
      this.platform = platform;
      return this;
    }

    /** Sets the properties ocikit does not model. */
    public Builder unknownProperties(Map<String, JsonNode> unknownProperties) {
      this.unknownProperties = new LinkedHashMap<>(unknownProperties);
      return this;
    }

    /**
     * Builds the descriptor.
     *
     * @throws IllegalStateException if a required field is not set
     */
    public Descriptor build() {
      if (mediaType == null) {
        throw new IllegalStateException("Descriptor: required field 'mediaType' is not set");
      }
      if (digest == null) {
        throw new IllegalStateException("Descriptor: required field 'digest' is not set");
      }
      if (!sizeSet) {
        throw new IllegalStateException("Descriptor: required field 'size' is not set");
      }
      return new Descriptor(
          mediaType,
          digest,
          size,
          urls,
          annotations,
          data,
          artifactType,
          platform,
          unknownProperties);
    }
  }
}
