package dev.ocikit.json;

import dev.ocikit.model.Descriptor;
import dev.ocikit.model.ImageConfig;
import dev.ocikit.model.Index;
import dev.ocikit.model.LayoutHeader;
import dev.ocikit.model.Manifest;
import dev.ocikit.model.OciDocument;
import dev.ocikit.model.Platform;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.cfg.JsonNodeFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads and writes the image spec's JSON documents.
 *
 * <p>Reading is strict about JSON and lenient about content: the input must be exactly one JSON
 * value (trailing content is an error) in UTF-8, with no duplicate keys in any object (annotations
 * and labels: "Keys MUST be unique"); numbers keep their exact value; properties the model does not
 * know are kept; media types it does not know are fine ("MUST NOT error"). A shape that does not
 * fit the model (a missing REQUIRED property, a wrong type, a bad digest) is an {@link
 * InvalidDocumentException} naming the JSON Pointer at fault. To learn everything that is wrong
 * with a document rather than the first thing, use {@link dev.ocikit.validation.Validator}.
 *
 * <p>Writing is canonical: compact, properties in a fixed order, map keys sorted, the same value
 * always giving the same bytes. The bytes a document was read from are kept in {@link Parsed},
 * because a document's digest is over those bytes and a re-serialisation may differ.
 */
public final class OciJson {
  private OciJson() {}

  private static final JsonMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(JsonNodeFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
          .enable(JsonNodeFeature.WRITE_PROPERTIES_SORTED)
          .build();

  /** The strictly configured Jackson mapper ocikit reads with (shared, thread-safe). */
  public static JsonMapper mapper() {
    return MAPPER;
  }

  /**
   * Parses {@code bytes} as one JSON value, strictly: well-formed UTF-8 JSON, no duplicate keys, no
   * trailing content.
   *
   * @throws InvalidDocumentException if it is not, naming where
   */
  public static JsonNode readTree(byte[] bytes) throws InvalidDocumentException {
    Objects.requireNonNull(bytes, "bytes");
    try {
      JsonNode node = MAPPER.readTree(bytes);
      if (node == null || node.isMissingNode()) {
        throw new InvalidDocumentException("", "invalid JSON: the document is empty");
      }
      return node;
    } catch (JacksonException e) {
      throw syntaxError(e);
    }
  }

  /** Parses an image manifest (OCI, or Docker V2 schema 2), keeping its exact bytes. */
  public static Parsed<Manifest> parseManifest(byte[] bytes) throws InvalidDocumentException {
    return parse(bytes, ModelReader::manifest);
  }

  /** Parses an image index (OCI, or a Docker manifest list), keeping its exact bytes. */
  public static Parsed<Index> parseIndex(byte[] bytes) throws InvalidDocumentException {
    return parse(bytes, ModelReader::index);
  }

  /** Parses an image config, keeping its exact bytes. */
  public static Parsed<ImageConfig> parseConfig(byte[] bytes) throws InvalidDocumentException {
    return parse(bytes, ModelReader::config);
  }

  /** Parses a content descriptor, keeping its exact bytes. */
  public static Parsed<Descriptor> parseDescriptor(byte[] bytes) throws InvalidDocumentException {
    return parse(bytes, ModelReader::descriptor);
  }

  /** Parses an {@code oci-layout} file, keeping its exact bytes. */
  public static Parsed<LayoutHeader> parseLayoutHeader(byte[] bytes)
      throws InvalidDocumentException {
    return parse(bytes, ModelReader::layoutHeader);
  }

  /** Parses a platform object. */
  public static Parsed<Platform> parsePlatform(byte[] bytes) throws InvalidDocumentException {
    return parse(bytes, ModelReader::platform);
  }

  /**
   * Parses a document of the given model type.
   *
   * @param type one of {@link Manifest}, {@link Index}, {@link ImageConfig}, {@link LayoutHeader},
   *     {@link Descriptor}, {@link Platform}
   */
  public static <T> Parsed<T> parse(byte[] bytes, Class<T> type) throws InvalidDocumentException {
    return parse(bytes, (n, at) -> type.cast(fromTree(n, type, at)));
  }

  /** Maps an already parsed tree onto a model type; see {@link #parse(byte[], Class)}. */
  public static <T> T fromTree(JsonNode node, Class<T> type) throws InvalidDocumentException {
    try {
      return type.cast(fromTree(node, type, ""));
    } catch (dev.ocikit.internal.JsonReading.Failure f) {
      throw new InvalidDocumentException(f.pointer, f.getMessage());
    }
  }

  private static Object fromTree(JsonNode node, Class<?> type, String at) {
    if (type == Manifest.class) {
      return ModelReader.manifest(node, at);
    } else if (type == Index.class) {
      return ModelReader.index(node, at);
    } else if (type == ImageConfig.class) {
      return ModelReader.config(node, at);
    } else if (type == Descriptor.class) {
      return ModelReader.descriptor(node, at);
    } else if (type == LayoutHeader.class) {
      return ModelReader.layoutHeader(node, at);
    } else if (type == Platform.class) {
      return ModelReader.platform(node, at);
    }
    throw new IllegalArgumentException("not a model type ocikit reads: " + type.getName());
  }

  private static <T> Parsed<T> parse(byte[] bytes, BiFunction<JsonNode, String, T> reader)
      throws InvalidDocumentException {
    byte[] copy = bytes.clone();
    JsonNode tree = readTree(copy);
    try {
      return new Parsed<>(reader.apply(tree, ""), copy);
    } catch (dev.ocikit.internal.JsonReading.Failure f) {
      throw new InvalidDocumentException(f.pointer, f.getMessage());
    }
  }

  /** The canonical bytes of a document. */
  public static byte[] toBytes(OciDocument document) {
    Objects.requireNonNull(document, "document");
    return write(w -> w.document(document));
  }

  /** The canonical bytes of a descriptor. */
  public static byte[] toBytes(Descriptor descriptor) {
    Objects.requireNonNull(descriptor, "descriptor");
    return write(w -> w.descriptor(descriptor));
  }

  /** The canonical bytes of a platform object. */
  public static byte[] toBytes(Platform platform) {
    Objects.requireNonNull(platform, "platform");
    return write(w -> w.platform(platform));
  }

  /** The canonical JSON text of a document. */
  public static String toJson(OciDocument document) {
    return new String(toBytes(document), StandardCharsets.UTF_8);
  }

  /** The canonical JSON text of a descriptor. */
  public static String toJson(Descriptor descriptor) {
    return new String(toBytes(descriptor), StandardCharsets.UTF_8);
  }

  /**
   * Serialises {@code document} canonically and wraps the result, so that its digest and a
   * descriptor of it are at hand: the usual first step before storing a new document as a blob.
   */
  public static <T extends OciDocument> Parsed<T> serialize(T document) {
    return new Parsed<>(document, toBytes(document));
  }

  /** A JSON tree of a document, as {@link #toBytes(OciDocument)} writes it. */
  public static JsonNode toTree(OciDocument document) {
    try {
      return readTree(toBytes(document));
    } catch (InvalidDocumentException e) {
      throw new IllegalStateException("ocikit wrote JSON it cannot read back", e);
    }
  }

  private static byte[] write(Consumer<ModelWriter> body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    try (JsonGenerator g = MAPPER.createGenerator(out)) {
      body.accept(new ModelWriter(g));
    }
    return out.toByteArray();
  }

  private static InvalidDocumentException syntaxError(JacksonException e) {
    String pointer = "";
    if (e.processor() instanceof JsonParser p) {
      try {
        pointer = p.streamReadContext().pathAsPointer().toString();
      } catch (RuntimeException ignored) {
        pointer = "";
      }
    }
    String message = e.getOriginalMessage();
    TokenStreamLocation location = e.getLocation();
    StringBuilder reason = new StringBuilder("invalid JSON: ").append(firstLine(message));
    if (location != null && location.getLineNr() > 0) {
      reason
          .append(" (line ")
          .append(location.getLineNr())
          .append(", column ")
          .append(location.getColumnNr())
          .append(')');
    }
    return new InvalidDocumentException(pointer, reason.toString(), e);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "malformed input";
    }
    int nl = message.indexOf('\n');
    String line = nl < 0 ? message : message.substring(0, nl);
    // Jackson names the start of an unclosed object with a redacted source; the pointer says it.
    int marker = line.indexOf(" (start marker at");
    return marker < 0 ? line : line.substring(0, marker);
  }
}
