package dev.ocikit.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Reading JSON trees into records, property by property, with a JSON Pointer for every mistake:
 * shared by the image model's reader and the runtime-spec model's.
 */
public final class JsonReading {
  private JsonReading() {}

  /** Thrown inside a reader; turned into the caller's own exception at the edge. */
  public static final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Where in the document: a JSON Pointer. */
    public final String pointer;

    /** A failure at {@code pointer}. */
    public Failure(String pointer, String message) {
      super(message, null, false, false);
      this.pointer = pointer;
    }
  }

  /** What kind of JSON value {@code node} is, for messages ("a string", "an array", ...). */
  public static String kind(JsonNode node) {
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

  /** A property name as a JSON Pointer reference token (RFC 6901). */
  public static String escape(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }

  /** Runs a record's constructor, its argument checks becoming failures at {@code at}. */
  public static <T> T wrap(String at, Supplier<T> constructor) {
    try {
      return constructor.get();
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new Failure(at, String.valueOf(e.getMessage()));
    }
  }

  /** What the failure for a name that differs from a known one only in letter case says. */
  public static final String CASE_VARIANT = " only in letter case";

  /** One JSON object being read: which keys were used, and what is left as unknown. */
  public static class Obj {
    private final JsonNode node;
    private final String at;
    private final Set<String> used = new LinkedHashSet<>();

    /** Reads {@code node}, which must be an object ({@code what}, for messages), at {@code at}. */
    public Obj(JsonNode node, String at, String what) {
      if (!node.isObject()) {
        throw new Failure(at, "expected " + what + " (a JSON object), found " + kind(node));
      }
      this.node = node;
      this.at = at;
    }

    /** The pointer of property {@code key}. */
    public String ptr(String key) {
      return at + "/" + escape(key);
    }

    /** The value of {@code key}, or null when absent or JSON null; the key counts as known. */
    public @Nullable JsonNode get(String key) {
      used.add(key);
      JsonNode value = node.get(key);
      return value == null || value.isNull() ? null : value;
    }

    /** A required string. */
    public String requireString(String key) {
      String s = optString(key);
      if (s == null) {
        throw new Failure(ptr(key), "required property is missing");
      }
      return s;
    }

    /** An optional string, or null. */
    public @Nullable String optString(String key) {
      JsonNode v = get(key);
      if (v == null) {
        return null;
      }
      if (!v.isString()) {
        throw new Failure(ptr(key), "expected a string, found " + kind(v));
      }
      return v.stringValue();
    }

    /** An optional boolean, or null. */
    public @Nullable Boolean optBoolean(String key) {
      JsonNode v = get(key);
      if (v == null) {
        return null;
      }
      if (!v.isBoolean()) {
        throw new Failure(ptr(key), "expected a boolean, found " + kind(v));
      }
      return v.booleanValue();
    }

    /** A required value read by {@code reader}. */
    public <T> T require(String key, BiFunction<JsonNode, String, T> reader) {
      T value = opt(key, reader);
      if (value == null) {
        throw new Failure(ptr(key), "required property is missing");
      }
      return value;
    }

    /** An optional value read by {@code reader}, or null. */
    public <T> @Nullable T opt(String key, BiFunction<JsonNode, String, T> reader) {
      JsonNode v = get(key);
      return v == null ? null : reader.apply(v, ptr(key));
    }

    /** A required array, each element read by {@code reader}. */
    public <T> List<T> requireList(String key, BiFunction<JsonNode, String, T> reader) {
      if (get(key) == null) {
        throw new Failure(ptr(key), "required property is missing");
      }
      return list(key, reader);
    }

    /** An optional array (empty when absent), each element read by {@code reader}. */
    public <T> List<T> list(String key, BiFunction<JsonNode, String, T> reader) {
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

    /** An optional array of strings. */
    public List<String> stringList(String key) {
      return list(
          key,
          (n, p) -> {
            if (!n.isString()) {
              throw new Failure(p, "expected a string, found " + kind(n));
            }
            return n.stringValue();
          });
    }

    /** An optional object of strings, in document order. */
    public Map<String, String> stringMap(String key) {
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
    public Set<String> objectKeys(String key) {
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

    /**
     * The properties not read so far, in document order: kept for round trips.
     *
     * @throws Failure for a property whose name differs from a known one's only in letter case
     *     ({@code "Digest"} beside or instead of {@code "digest"}): Go's {@code encoding/json},
     *     which containerd and Docker read these documents with, matches names case-insensitively
     *     (with Unicode folding), so it would read that property as the known one, and the document
     *     would say one thing here and another there
     */
    public Map<String, JsonNode> unknown() {
      Map<String, JsonNode> out = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        String key = e.getKey();
        if (!used.contains(key)) {
          for (String known : used) {
            if (known.equalsIgnoreCase(key)) {
              throw new Failure(
                  ptr(key),
                  "differs from the property \""
                      + known
                      + "\""
                      + CASE_VARIANT
                      + ": Go's encoding/json (containerd, Docker) would read it as that property,"
                      + " so it is refused");
            }
          }
          out.put(key, e.getValue());
        }
      }
      return out;
    }
  }
}
