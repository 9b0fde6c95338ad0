package dev.ocikit.bundle;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/** Defensive, immutable copies and range checks for the records' compact constructors. */
final class Values {
  private Values() {}

  /** The largest uint32, the range of uids, gids and id mappings (runtime-spec defs.json). */
  static final long UINT32_MAX = 0xFFFF_FFFFL;

  static <T> List<T> list(List<T> list, String field) {
    Objects.requireNonNull(list, field);
    for (T element : list) {
      if (element == null) {
        throw new IllegalArgumentException(field + " must not contain null");
      }
    }
    return List.copyOf(list);
  }

  static Map<String, String> stringMap(Map<String, String> map, String field) {
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

  static Map<String, JsonNode> unknown(Map<String, JsonNode> map) {
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
  static Map<String, JsonNode> unknownView(Map<String, JsonNode> map) {
    return map.isEmpty() ? map : unknown(map);
  }

  static void checkUnknownDoesNotShadow(Map<String, JsonNode> unknown, Set<String> known) {
    for (String key : unknown.keySet()) {
      if (known.contains(key)) {
        throw new IllegalArgumentException(
            "unknownProperties must not contain the known property \"" + key + "\"");
      }
    }
  }

  static long uint32(long value, String field) {
    if (value < 0 || value > UINT32_MAX) {
      throw new IllegalArgumentException(field + " must be a uint32, not " + value);
    }
    return value;
  }

  static List<Long> uint32List(List<Long> values, String field) {
    List<Long> copy = list(values, field);
    for (long v : copy) {
      uint32(v, field);
    }
    return copy;
  }
}
