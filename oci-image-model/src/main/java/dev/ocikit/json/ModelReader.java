package dev.ocikit.json;

import dev.ocikit.digest.Digest;
import dev.ocikit.model.Descriptor;
import dev.ocikit.model.ImageConfig;
import dev.ocikit.model.Index;
import dev.ocikit.model.LayoutHeader;
import dev.ocikit.model.Manifest;
import dev.ocikit.model.Platform;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Maps a JSON tree onto the model records, naming the JSON Pointer of whatever does not fit. A
 * known property whose value is {@code null} is read as absent (config.md: "Any OPTIONAL field MAY
 * also be set to null, which is equivalent to being absent"); properties it does not know are kept
 * as they are.
 */
final class ModelReader {
  private ModelReader() {}

  /** Thrown inside the reader; unwrapped into {@link InvalidDocumentException} at the edge. */
  static final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String pointer;

    Failure(String pointer, String message) {
      super(message, null, false, false);
      this.pointer = pointer;
    }
  }

  static Manifest manifest(JsonNode node, String at) {
    Obj o = new Obj(node, at, "a manifest");
    int schemaVersion = o.schemaVersion();
    String mediaType = o.optString("mediaType");
    String artifactType = o.optString("artifactType");
    Descriptor config = o.require("config", ModelReader::descriptor);
    List<Descriptor> layers = o.requireList("layers", ModelReader::descriptor);
    Descriptor subject = o.opt("subject", ModelReader::descriptor);
    Map<String, String> annotations = o.stringMap("annotations");
    return wrap(
        at,
        () ->
            new Manifest(
                schemaVersion,
                mediaType,
                artifactType,
                config,
                layers,
                subject,
                annotations,
                o.unknown()));
  }

  static Index index(JsonNode node, String at) {
    Obj o = new Obj(node, at, "an index");
    int schemaVersion = o.schemaVersion();
    String mediaType = o.optString("mediaType");
    String artifactType = o.optString("artifactType");
    List<Descriptor> manifests = o.requireList("manifests", ModelReader::descriptor);
    Descriptor subject = o.opt("subject", ModelReader::descriptor);
    Map<String, String> annotations = o.stringMap("annotations");
    return wrap(
        at,
        () ->
            new Index(
                schemaVersion,
                mediaType,
                artifactType,
                manifests,
                subject,
                annotations,
                o.unknown()));
  }

  static Descriptor descriptor(JsonNode node, String at) {
    Obj o = new Obj(node, at, "a descriptor");
    String mediaType = o.requireString("mediaType");
    if (mediaType.isEmpty()) {
      throw new Failure(at + "/mediaType", "must not be empty");
    }
    Digest digest = o.requireDigest("digest");
    long size = o.requireSize("size");
    List<String> urls = o.stringList("urls");
    Map<String, String> annotations = o.stringMap("annotations");
    String data = o.optString("data");
    String artifactType = o.optString("artifactType");
    Platform platform = o.opt("platform", ModelReader::platform);
    return wrap(
        at,
        () ->
            new Descriptor(
                mediaType,
                digest,
                size,
                urls,
                annotations,
                data,
                artifactType,
                platform,
                o.unknown()));
  }

  static Platform platform(JsonNode node, String at) {
    Obj o = new Obj(node, at, "a platform");
    String architecture = o.requireString("architecture");
    String os = o.requireString("os");
    String osVersion = o.optString("os.version");
    List<String> osFeatures = o.stringList("os.features");
    String variant = o.optString("variant");
    List<String> features = o.stringList("features");
    return wrap(
        at,
        () ->
            new Platform(architecture, os, osVersion, osFeatures, variant, features, o.unknown()));
  }

  static ImageConfig config(JsonNode node, String at) {
    Obj o = new Obj(node, at, "an image config");
    OffsetDateTime created = o.optTime("created");
    String author = o.optString("author");
    String architecture = o.requireString("architecture");
    String os = o.requireString("os");
    String osVersion = o.optString("os.version");
    List<String> osFeatures = o.stringList("os.features");
    String variant = o.optString("variant");
    ImageConfig.Config config = o.opt("config", ModelReader::execution);
    ImageConfig.RootFs rootfs = o.require("rootfs", ModelReader::rootfs);
    List<ImageConfig.History> history = o.list("history", ModelReader::history);
    return wrap(
        at,
        () ->
            new ImageConfig(
                created,
                author,
                architecture,
                os,
                osVersion,
                osFeatures,
                variant,
                config,
                rootfs,
                history,
                o.unknown()));
  }

  static ImageConfig.Config execution(JsonNode node, String at) {
    Obj o = new Obj(node, at, "the execution parameters");
    String user = o.optString("User");
    Set<String> exposedPorts = o.objectKeys("ExposedPorts");
    List<String> env = o.stringList("Env");
    List<String> entrypoint = o.stringList("Entrypoint");
    List<String> cmd = o.stringList("Cmd");
    Set<String> volumes = o.objectKeys("Volumes");
    String workingDir = o.optString("WorkingDir");
    Map<String, String> labels = o.stringMap("Labels");
    String stopSignal = o.optString("StopSignal");
    Boolean argsEscaped = o.optBoolean("ArgsEscaped");
    return wrap(
        at,
        () ->
            new ImageConfig.Config(
                user,
                exposedPorts,
                env,
                entrypoint,
                cmd,
                volumes,
                workingDir,
                labels,
                stopSignal,
                argsEscaped,
                o.unknown()));
  }

  static ImageConfig.RootFs rootfs(JsonNode node, String at) {
    Obj o = new Obj(node, at, "a rootfs");
    String type = o.requireString("type");
    List<Digest> diffIds = o.requireList("diff_ids", ModelReader::digest);
    return wrap(at, () -> new ImageConfig.RootFs(type, diffIds, o.unknown()));
  }

  static ImageConfig.History history(JsonNode node, String at) {
    Obj o = new Obj(node, at, "a history entry");
    OffsetDateTime created = o.optTime("created");
    String author = o.optString("author");
    String createdBy = o.optString("created_by");
    String comment = o.optString("comment");
    Boolean emptyLayer = o.optBoolean("empty_layer");
    return wrap(
        at,
        () ->
            new ImageConfig.History(created, author, createdBy, comment, emptyLayer, o.unknown()));
  }

  static LayoutHeader layoutHeader(JsonNode node, String at) {
    Obj o = new Obj(node, at, "an oci-layout header");
    String version = o.requireString("imageLayoutVersion");
    return wrap(at, () -> new LayoutHeader(version, o.unknown()));
  }

  static Digest digest(JsonNode node, String at) {
    if (!node.isString()) {
      throw new Failure(at, "expected a digest string, found " + kind(node));
    }
    try {
      return Digest.parse(node.stringValue());
    } catch (IllegalArgumentException e) {
      throw new Failure(at, e.getMessage());
    }
  }

  private static <T> T wrap(String at, java.util.function.Supplier<T> constructor) {
    try {
      return constructor.get();
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new Failure(at, String.valueOf(e.getMessage()));
    }
  }

  static String kind(JsonNode node) {
    if (node.isNull()) {
      return "null";
    }
    if (node.isString()) {
      return "a string";
    }
    if (node.isNumber()) {
      return "a number";
    }
    if (node.isBoolean()) {
      return "a boolean";
    }
    if (node.isArray()) {
      return "an array";
    }
    if (node.isObject()) {
      return "an object";
    }
    return node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
  }

  static String escape(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }

  /** One JSON object being read: which keys were used, and what is left as unknown. */
  private static final class Obj {
    private final JsonNode node;
    private final String at;
    private final Set<String> used = new LinkedHashSet<>();

    Obj(JsonNode node, String at, String what) {
      if (!node.isObject()) {
        throw new Failure(at, "expected " + what + " (a JSON object), found " + kind(node));
      }
      this.node = node;
      this.at = at;
    }

    private String ptr(String key) {
      return at + "/" + escape(key);
    }

    /** The value of {@code key}, or null when absent or JSON null. */
    private @Nullable JsonNode get(String key) {
      used.add(key);
      JsonNode value = node.get(key);
      return value == null || value.isNull() ? null : value;
    }

    int schemaVersion() {
      JsonNode v = get("schemaVersion");
      if (v == null) {
        throw new Failure(ptr("schemaVersion"), "required property is missing");
      }
      if (!v.isIntegralNumber() || !v.canConvertToInt()) {
        throw new Failure(ptr("schemaVersion"), "expected the integer 2, found " + v);
      }
      if (v.intValue() != 2) {
        throw new Failure(ptr("schemaVersion"), "must be 2, found " + v.intValue());
      }
      return 2;
    }

    String requireString(String key) {
      String s = optString(key);
      if (s == null) {
        throw new Failure(ptr(key), "required property is missing");
      }
      return s;
    }

    @Nullable String optString(String key) {
      JsonNode v = get(key);
      if (v == null) {
        return null;
      }
      if (!v.isString()) {
        throw new Failure(ptr(key), "expected a string, found " + kind(v));
      }
      return v.stringValue();
    }

    @Nullable Boolean optBoolean(String key) {
      JsonNode v = get(key);
      if (v == null) {
        return null;
      }
      if (!v.isBoolean()) {
        throw new Failure(ptr(key), "expected a boolean, found " + kind(v));
      }
      return v.booleanValue();
    }

    @Nullable OffsetDateTime optTime(String key) {
      String s = optString(key);
      if (s == null) {
        return null;
      }
      try {
        return Rfc3339.parse(s);
      } catch (IllegalArgumentException e) {
        throw new Failure(ptr(key), e.getMessage());
      }
    }

    Digest requireDigest(String key) {
      JsonNode v = get(key);
      if (v == null) {
        throw new Failure(ptr(key), "required property is missing");
      }
      return digest(v, ptr(key));
    }

    long requireSize(String key) {
      JsonNode v = get(key);
      if (v == null) {
        throw new Failure(ptr(key), "required property is missing");
      }
      if (!v.isIntegralNumber()) {
        throw new Failure(ptr(key), "expected an integer (int64), found " + kind(v) + " " + v);
      }
      if (!v.canConvertToLong()) {
        throw new Failure(ptr(key), "size " + v + " does not fit in an int64");
      }
      long size = v.longValue();
      if (size < 0) {
        throw new Failure(ptr(key), "size must not be negative, found " + size);
      }
      return size;
    }

    <T> T require(String key, BiFunction<JsonNode, String, T> reader) {
      T value = opt(key, reader);
      if (value == null) {
        throw new Failure(ptr(key), "required property is missing");
      }
      return value;
    }

    <T> @Nullable T opt(String key, BiFunction<JsonNode, String, T> reader) {
      JsonNode v = get(key);
      return v == null ? null : reader.apply(v, ptr(key));
    }

    <T> List<T> requireList(String key, BiFunction<JsonNode, String, T> reader) {
      if (get(key) == null) {
        throw new Failure(ptr(key), "required property is missing");
      }
      return list(key, reader);
    }

    <T> List<T> list(String key, BiFunction<JsonNode, String, T> reader) {
      JsonNode v = get(key);
      if (v == null) {
        return List.of();
      }
      if (!v.isArray()) {
        throw new Failure(ptr(key), "expected an array, found " + kind(v));
      }
      List<T> out = new ArrayList<>(v.size());
      for (int i = 0; i < v.size(); i++) {
        out.add(reader.apply(v.get(i), ptr(key) + "/" + i));
      }
      return out;
    }

    List<String> stringList(String key) {
      return list(
          key,
          (n, p) -> {
            if (!n.isString()) {
              throw new Failure(p, "expected a string, found " + kind(n));
            }
            return n.stringValue();
          });
    }

    Map<String, String> stringMap(String key) {
      JsonNode v = get(key);
      if (v == null) {
        return Map.of();
      }
      if (!v.isObject()) {
        throw new Failure(ptr(key), "expected an object of strings, found " + kind(v));
      }
      Map<String, String> out = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : v.properties()) {
        if (!e.getValue().isString()) {
          throw new Failure(
              ptr(key) + "/" + escape(e.getKey()),
              "expected a string value, found " + kind(e.getValue()));
        }
        out.put(e.getKey(), e.getValue().stringValue());
      }
      return out;
    }

    /** A Go {@code map[string]struct{}}: an object whose values are (empty) objects. */
    Set<String> objectKeys(String key) {
      JsonNode v = get(key);
      if (v == null) {
        return Set.of();
      }
      if (!v.isObject()) {
        throw new Failure(
            ptr(key), "expected an object mapping each entry to {}, found " + kind(v));
      }
      Set<String> out = new LinkedHashSet<>();
      for (Map.Entry<String, JsonNode> e : v.properties()) {
        if (!e.getValue().isObject() && !e.getValue().isNull()) {
          throw new Failure(
              ptr(key) + "/" + escape(e.getKey()),
              "expected an object ({}), found " + kind(e.getValue()));
        }
        out.add(e.getKey());
      }
      return out;
    }

    Map<String, JsonNode> unknown() {
      Map<String, JsonNode> out = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        if (!used.contains(e.getKey())) {
          out.put(e.getKey(), e.getValue());
        }
      }
      return out;
    }
  }
}
