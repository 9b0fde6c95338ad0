package dev.ocikit.internal;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;

/**
 * Defensive, immutable copies and range checks for the compact constructors of ocikit's records
 * (the image model here, the runtime-spec model of {@code dev.ocikit.bundle}). Not API: this
 * package is exported only to ocikit's own modules.
 */
public final class Values {
  private Values() {}

  /** An unmodifiable copy of {@code list}, which must hold no null. */
  public static <T> List<T> list(List<T> list, String field) {
    Objects.requireNonNull(list, field);
    for (T element : list) {
      if (element == null) {
        throw new IllegalArgumentException(field + " must not contain null");
      }
    }
    return List.copyOf(list);
  }

  /** A sorted unmodifiable copy of {@code map}, which must hold no null key or value. */
  public static Map<String, String> stringMap(Map<String, String> map, String field) {
    Objects.requireNonNull(map, field);
    TreeMap<String, String> copy = new TreeMap<>();
    for (Map.Entry<String, String> e : map.entrySet()) {
      if (e.getKey() == null || e.getValue() == null) {
        throw new IllegalArgumentException(
            field + " must map strings to strings, found null for key \"" + e.getKey() + "\"");
      }
      copy.put(e.getKey(), e.getValue());
    }
    return Collections.unmodifiableMap(copy);
  }

  /** A sorted unmodifiable copy of {@code set}, which must hold no null. */
  public static Set<String> stringSet(Set<String> set, String field) {
    Objects.requireNonNull(set, field);
    TreeSet<String> copy = new TreeSet<>();
    for (String s : set) {
      if (s == null) {
        throw new IllegalArgumentException(field + " must not contain null");
      }
      copy.add(s);
    }
    return Collections.unmodifiableSet(copy);
  }

  /** A sorted unmodifiable deep copy of unknown JSON properties. */
  public static Map<String, JsonNode> unknown(Map<String, JsonNode> map) {
    Objects.requireNonNull(map, "unknownProperties");
    if (map.isEmpty()) {
      return Map.of();
    }
    TreeMap<String, JsonNode> copy = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : map.entrySet()) {
      copy.put(
          Objects.requireNonNull(e.getKey(), "unknown property name"),
          Objects.requireNonNull(e.getValue(), "unknown property value").deepCopy());
    }
    return Collections.unmodifiableMap(copy);
  }

  /** Deep copies again on the way out, so that callers cannot change a record's nodes. */
  public static Map<String, JsonNode> unknownView(Map<String, JsonNode> map) {
    return map.isEmpty() ? map : unknown(map);
  }

  /** {@code value}, which must be neither null nor empty. */
  public static String requireNonBlank(String value, String field) {
    Objects.requireNonNull(value, field);
    if (value.isEmpty()) {
      throw new IllegalArgumentException(field + " must not be empty");
    }
    return value;
  }

  /** Refuses unknown properties that carry the name of a known one. */
  public static void checkUnknownDoesNotShadow(Map<String, JsonNode> unknown, Set<String> known) {
    for (String key : unknown.keySet()) {
      if (known.contains(key)) {
        throw new IllegalArgumentException(
            "unknownProperties must not contain the known property \"" + key + "\"");
      }
    }
  }

  /** The largest uint32, the range of uids, gids and id mappings (runtime-spec defs.json). */
  public static final long UINT32_MAX = 0xFFFF_FFFFL;

  /** {@code value}, which must be a uint32. */
  public static long uint32(long value, String field) {
    if (value < 0 || value > UINT32_MAX) {
      throw new IllegalArgumentException(field + " must be a uint32, not " + value);
    }
    return value;
  }

  /** An unmodifiable copy of {@code values}, each a uint32. */
  public static List<Long> uint32List(List<Long> values, String field) {
    List<Long> copy = list(values, field);
    for (long v : copy) {
      uint32(v, field);
    }
    return copy;
  }
}
