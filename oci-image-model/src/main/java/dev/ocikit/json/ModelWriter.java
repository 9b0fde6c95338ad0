package dev.ocikit.json;

import dev.ocikit.digest.Digest;
import dev.ocikit.model.Descriptor;
import dev.ocikit.model.ImageConfig;
import dev.ocikit.model.Index;
import dev.ocikit.model.LayoutHeader;
import dev.ocikit.model.Manifest;
import dev.ocikit.model.OciDocument;
import dev.ocikit.model.Platform;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;

/**
 * Writes the model canonically: properties in a fixed order (that of the reference Go types), then
 * unknown properties sorted by name; map keys sorted; optional properties left out when absent or
 * empty; timestamps in RFC 3339 with nanoseconds.
 */
final class ModelWriter {
  private final JsonGenerator g;

  ModelWriter(JsonGenerator g) {
    this.g = g;
  }

  void document(OciDocument document) {
    if (document instanceof Manifest m) {
      manifest(m);
    } else if (document instanceof Index i) {
      index(i);
    } else if (document instanceof ImageConfig c) {
      config(c);
    } else if (document instanceof LayoutHeader h) {
      layoutHeader(h);
    } else {
      throw new IllegalArgumentException("unknown document type " + document.getClass());
    }
  }

  void manifest(Manifest m) {
    g.writeStartObject();
    g.writeNumberProperty("schemaVersion", m.schemaVersion());
    optString("mediaType", m.mediaType());
    optString("artifactType", m.artifactType());
    g.writeName("config");
    descriptor(m.config());
    g.writeName("layers");
    g.writeStartArray();
    for (Descriptor d : m.layers()) {
      descriptor(d);
    }
    g.writeEndArray();
    if (m.subject() != null) {
      g.writeName("subject");
      descriptor(m.subject());
    }
    stringMap("annotations", m.annotations());
    unknown(m.unknownProperties());
    g.writeEndObject();
  }

  void index(Index i) {
    g.writeStartObject();
    g.writeNumberProperty("schemaVersion", i.schemaVersion());
    optString("mediaType", i.mediaType());
    optString("artifactType", i.artifactType());
    g.writeName("manifests");
    g.writeStartArray();
    for (Descriptor d : i.manifests()) {
      descriptor(d);
    }
    g.writeEndArray();
    if (i.subject() != null) {
      g.writeName("subject");
      descriptor(i.subject());
    }
    stringMap("annotations", i.annotations());
    unknown(i.unknownProperties());
    g.writeEndObject();
  }

  void descriptor(Descriptor d) {
    g.writeStartObject();
    g.writeStringProperty("mediaType", d.mediaType());
    g.writeStringProperty("digest", d.digest().toString());
    g.writeNumberProperty("size", d.size());
    stringList("urls", d.urls());
    stringMap("annotations", d.annotations());
    optString("data", d.data());
    if (d.platform() != null) {
      g.writeName("platform");
      platform(d.platform());
    }
    optString("artifactType", d.artifactType());
    unknown(d.unknownProperties());
    g.writeEndObject();
  }

  void platform(Platform p) {
    g.writeStartObject();
    g.writeStringProperty("architecture", p.architecture());
    g.writeStringProperty("os", p.os());
    optString("os.version", p.osVersion());
    stringList("os.features", p.osFeatures());
    optString("variant", p.variant());
    stringList("features", p.features());
    unknown(p.unknownProperties());
    g.writeEndObject();
  }

  void config(ImageConfig c) {
    g.writeStartObject();
    optTime("created", c.created());
    optString("author", c.author());
    g.writeStringProperty("architecture", c.architecture());
    g.writeStringProperty("os", c.os());
    optString("os.version", c.osVersion());
    stringList("os.features", c.osFeatures());
    optString("variant", c.variant());
    if (c.config() != null) {
      g.writeName("config");
      execution(c.config());
    }
    g.writeName("rootfs");
    rootfs(c.rootfs());
    if (!c.history().isEmpty()) {
      g.writeName("history");
      g.writeStartArray();
      for (ImageConfig.History h : c.history()) {
        history(h);
      }
      g.writeEndArray();
    }
    unknown(c.unknownProperties());
    g.writeEndObject();
  }

  private void execution(ImageConfig.Config c) {
    g.writeStartObject();
    optString("User", c.user());
    objectKeys("ExposedPorts", c.exposedPorts());
    stringList("Env", c.env());
    stringList("Entrypoint", c.entrypoint());
    stringList("Cmd", c.cmd());
    objectKeys("Volumes", c.volumes());
    optString("WorkingDir", c.workingDir());
    stringMap("Labels", c.labels());
    optString("StopSignal", c.stopSignal());
    if (c.argsEscaped() != null) {
      g.writeBooleanProperty("ArgsEscaped", c.argsEscaped());
    }
    unknown(c.unknownProperties());
    g.writeEndObject();
  }

  private void rootfs(ImageConfig.RootFs r) {
    g.writeStartObject();
    g.writeStringProperty("type", r.type());
    g.writeName("diff_ids");
    g.writeStartArray();
    for (Digest d : r.diffIds()) {
      g.writeString(d.toString());
    }
    g.writeEndArray();
    unknown(r.unknownProperties());
    g.writeEndObject();
  }

  private void history(ImageConfig.History h) {
    g.writeStartObject();
    optTime("created", h.created());
    optString("created_by", h.createdBy());
    optString("author", h.author());
    optString("comment", h.comment());
    if (h.emptyLayer() != null) {
      g.writeBooleanProperty("empty_layer", h.emptyLayer());
    }
    unknown(h.unknownProperties());
    g.writeEndObject();
  }

  void layoutHeader(LayoutHeader h) {
    g.writeStartObject();
    g.writeStringProperty("imageLayoutVersion", h.imageLayoutVersion());
    unknown(h.unknownProperties());
    g.writeEndObject();
  }

  private void optString(String name, @Nullable String value) {
    if (value != null) {
      g.writeStringProperty(name, value);
    }
  }

  private void optTime(String name, @Nullable OffsetDateTime value) {
    if (value != null) {
      g.writeStringProperty(name, Rfc3339.format(value));
    }
  }

  private void stringList(String name, List<String> values) {
    if (values.isEmpty()) {
      return;
    }
    g.writeName(name);
    g.writeStartArray();
    for (String v : values) {
      g.writeString(v);
    }
    g.writeEndArray();
  }

  private void stringMap(String name, Map<String, String> values) {
    if (values.isEmpty()) {
      return;
    }
    g.writeName(name);
    g.writeStartObject();
    for (Map.Entry<String, String> e : new TreeMap<>(values).entrySet()) {
      g.writeStringProperty(e.getKey(), e.getValue());
    }
    g.writeEndObject();
  }

  private void objectKeys(String name, Collection<String> keys) {
    if (keys.isEmpty()) {
      return;
    }
    g.writeName(name);
    g.writeStartObject();
    for (String key : new java.util.TreeSet<>(keys)) {
      g.writeName(key);
      g.writeStartObject();
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  private void unknown(Map<String, JsonNode> unknown) {
    for (Map.Entry<String, JsonNode> e : new TreeMap<>(unknown).entrySet()) {
      g.writeName(e.getKey());
      g.writeTree(e.getValue());
    }
  }
}
