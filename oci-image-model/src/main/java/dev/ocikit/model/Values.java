package dev.ocikit.model;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;

/** Defensive, immutable copies for the records' compact constructors. */
final class Values {
  private Values() {}

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

  static Set<String> stringSet(Set<String> set, String field) {
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

  static String requireNonBlank(String value, String field) {
    Objects.requireNonNull(value, field);
    if (value.isEmpty()) {
      throw new IllegalArgumentException(field + " must not be empty");
    }
    return value;
  }

  static void checkUnknownDoesNotShadow(Map<String, JsonNode> unknown, Set<String> known) {
    for (String key : unknown.keySet()) {
      if (known.contains(key)) {
        throw new IllegalArgumentException(
            "unknownProperties must not contain the known property \"" + key + "\"");
      }
    }
  }
}
