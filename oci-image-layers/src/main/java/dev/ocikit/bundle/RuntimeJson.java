package dev.ocikit.bundle;

import dev.ocikit.bundle.RuntimeConfig.Capabilities;
import dev.ocikit.bundle.RuntimeConfig.IdMapping;
import dev.ocikit.bundle.RuntimeConfig.Linux;
import dev.ocikit.bundle.RuntimeConfig.Mount;
import dev.ocikit.bundle.RuntimeConfig.Namespace;
import dev.ocikit.bundle.RuntimeConfig.Process;
import dev.ocikit.bundle.RuntimeConfig.Rlimit;
import dev.ocikit.bundle.RuntimeConfig.Root;
import dev.ocikit.bundle.RuntimeConfig.User;
import dev.ocikit.internal.JsonReading;
import dev.ocikit.internal.JsonReading.Failure;
import dev.ocikit.internal.Values;
import dev.ocikit.json.InvalidDocumentException;
import dev.ocikit.json.OciJson;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;

/**
 * Reads and writes runtime configurations ({@code config.json}, runtime-spec config.md).
 *
 * <p>Reading is as strict about JSON as {@link OciJson}'s (one UTF-8 value, no duplicate keys, no
 * trailing content) and keeps every property the model does not name. A known property set to
 * {@code null} is read as absent, as Go's {@code encoding/json} reads it into the reference types
 * (runtime-spec {@code specs-go}). A shape that does not fit is an {@link InvalidDocumentException}
 * naming the JSON Pointer at fault; to learn every problem, use {@link RuntimeSchema}.
 *
 * <p>Writing is canonical: compact, properties in the order of the reference Go types, then unknown
 * properties sorted by name, map keys sorted, and optional properties left out when empty as Go's
 * {@code omitempty} does (except {@code process.user}, which the Go type always writes). The same
 * value always gives the same bytes.
 */
public final class RuntimeJson {
  private RuntimeJson() {}

  private static final BigInteger UINT64_MAX =
      BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  /**
   * Parses a runtime configuration.
   *
   * @throws InvalidDocumentException if {@code bytes} is not strict JSON or does not fit the model,
   *     naming where
   */
  public static RuntimeConfig parse(byte[] bytes) throws InvalidDocumentException {
    return fromTree(OciJson.readTree(bytes));
  }

  /**
   * Reads a runtime configuration from a JSON tree.
   *
   * @throws InvalidDocumentException if the tree does not fit the model, naming where
   */
  public static RuntimeConfig fromTree(JsonNode tree) throws InvalidDocumentException {
    Objects.requireNonNull(tree, "tree");
    try {
      return config(tree, "");
    } catch (Failure f) {
      throw new InvalidDocumentException(f.pointer, f.getMessage());
    }
  }

  /** The canonical bytes of {@code config}. */
  public static byte[] toBytes(RuntimeConfig config) {
    Objects.requireNonNull(config, "config");
    ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
    try (JsonGenerator g = OciJson.mapper().createGenerator(out)) {
      new Writer(g).config(config);
    }
    return out.toByteArray();
  }

  /** The canonical JSON text of {@code config}. */
  public static String toJson(RuntimeConfig config) {
    return new String(toBytes(config), StandardCharsets.UTF_8);
  }

  /** A JSON tree of {@code config}, as {@link #toBytes(RuntimeConfig)} writes it. */
  public static JsonNode toTree(RuntimeConfig config) {
    try {
      return OciJson.readTree(toBytes(config));
    } catch (InvalidDocumentException e) {
      throw new IllegalStateException("ocikit wrote JSON it cannot read back", e);
    }
  }

  // ---- reading

  private static RuntimeConfig config(JsonNode node, String at) {
    Obj o = new Obj(node, at, "a runtime configuration");
    String ociVersion = o.requireString("ociVersion");
    Process process = o.opt("process", RuntimeJson::process);
    Root root = o.opt("root", RuntimeJson::root);
    String hostname = o.optString("hostname");
    List<Mount> mounts = o.list("mounts", RuntimeJson::mount);
    Map<String, String> annotations = o.stringMap("annotations");
    Linux linux = o.opt("linux", RuntimeJson::linux);
    return JsonReading.wrap(
        at,
        () ->
            new RuntimeConfig(
                ociVersion, process, root, hostname, mounts, annotations, linux, o.unknown()));
  }

  private static Process process(JsonNode node, String at) {
    Obj o = new Obj(node, at, "a process");
    boolean terminal = o.bool("terminal");
    User user = o.opt("user", RuntimeJson::user);
    List<String> args = o.stringList("args");
    List<String> env = o.stringList("env");
    String cwd = o.requireString("cwd");
    Capabilities capabilities = o.opt("capabilities", RuntimeJson::capabilities);
    List<Rlimit> rlimits = o.list("rlimits", RuntimeJson::rlimit);
    boolean noNewPrivileges = o.bool("noNewPrivileges");
    User u = user == null ? User.of(0, 0) : user;
    return JsonReading.wrap(
        at,
        () ->
            new Process(
                terminal, u, args, env, cwd, capabilities, rlimits, noNewPrivileges, o.unknown()));
  }

  private static User user(JsonNode node, String at) {
    Obj o = new Obj(node, at, "a user");
    long uid = o.uint32("uid", true);
    long gid = o.uint32("gid", true);
    List<Long> additionalGids = o.list("additionalGids", (n, p) -> uint32(n, p));
    return JsonReading.wrap(at, () -> new User(uid, gid, additionalGids, o.unknown()));
  }

  private static Capabilities capabilities(JsonNode node, String at) {
    Obj o = new Obj(node, at, "capabilities");
    List<String> bounding = o.stringList("bounding");
    List<String> effective = o.stringList("effective");
    List<String> inheritable = o.stringList("inheritable");
    List<String> permitted = o.stringList("permitted");
    List<String> ambient = o.stringList("ambient");
    return JsonReading.wrap(
        at,
        () -> new Capabilities(bounding, effective, inheritable, permitted, ambient, o.unknown()));
  }

  private static Rlimit rlimit(JsonNode node, String at) {
    Obj o = new Obj(node, at, "an rlimit");
    String type = o.requireString("type");
    long hard = o.uint64("hard");
    long soft = o.uint64("soft");
    return JsonReading.wrap(at, () -> new Rlimit(type, hard, soft, o.unknown()));
  }

  private static Root root(JsonNode node, String at) {
    Obj o = new Obj(node, at, "a root");
    String path = o.requireString("path");
    boolean readonly = o.bool("readonly");
    return JsonReading.wrap(at, () -> new Root(path, readonly, o.unknown()));
  }

  private static Mount mount(JsonNode node, String at) {
    Obj o = new Obj(node, at, "a mount");
    String destination = o.requireString("destination");
    String type = o.optString("type");
    String source = o.optString("source");
    List<String> options = o.stringList("options");
    return JsonReading.wrap(at, () -> new Mount(destination, type, source, options, o.unknown()));
  }

  private static Linux linux(JsonNode node, String at) {
    Obj o = new Obj(node, at, "a Linux configuration");
    List<IdMapping> uidMappings = o.list("uidMappings", RuntimeJson::idMapping);
    List<IdMapping> gidMappings = o.list("gidMappings", RuntimeJson::idMapping);
    List<Namespace> namespaces = o.list("namespaces", RuntimeJson::namespace);
    List<String> maskedPaths = o.stringList("maskedPaths");
    List<String> readonlyPaths = o.stringList("readonlyPaths");
    return JsonReading.wrap(
        at,
        () ->
            new Linux(
                uidMappings, gidMappings, namespaces, maskedPaths, readonlyPaths, o.unknown()));
  }

  private static Namespace namespace(JsonNode node, String at) {
    Obj o = new Obj(node, at, "a namespace");
    String type = o.requireString("type");
    String path = o.optString("path");
    return JsonReading.wrap(at, () -> new Namespace(type, path, o.unknown()));
  }

  private static IdMapping idMapping(JsonNode node, String at) {
    Obj o = new Obj(node, at, "an id mapping");
    long containerId = o.uint32("containerID", true);
    long hostId = o.uint32("hostID", true);
    long size = o.uint32("size", true);
    return JsonReading.wrap(at, () -> new IdMapping(containerId, hostId, size, o.unknown()));
  }

  private static long uint32(JsonNode v, String at) {
    if (!v.isIntegralNumber()) {
      throw new Failure(at, "expected an integer (uint32), found " + JsonReading.kind(v));
    }
    if (!v.canConvertToLong() || v.longValue() < 0 || v.longValue() > Values.UINT32_MAX) {
      throw new Failure(at, v + " is not a uint32");
    }
    return v.longValue();
  }

  /** One JSON object being read, with the runtime spec's own kinds of values. */
  private static final class Obj extends JsonReading.Obj {
    Obj(JsonNode node, String at, String what) {
      super(node, at, what);
    }

    boolean bool(String key) {
      JsonNode v = get(key);
      if (v == null) {
        return false;
      }
      if (!v.isBoolean()) {
        throw new Failure(ptr(key), "expected a boolean, found " + JsonReading.kind(v));
      }
      return v.booleanValue();
    }

    long uint32(String key, boolean required) {
      JsonNode v = get(key);
      if (v == null) {
        if (required) {
          throw new Failure(ptr(key), "required property is missing");
        }
        return 0;
      }
      return RuntimeJson.uint32(v, ptr(key));
    }

    long uint64(String key) {
      JsonNode v = get(key);
      if (v == null) {
        throw new Failure(ptr(key), "required property is missing");
      }
      if (!v.isIntegralNumber()) {
        throw new Failure(ptr(key), "expected an integer (uint64), found " + JsonReading.kind(v));
      }
      BigInteger b = v.bigIntegerValue();
      if (b.signum() < 0 || b.compareTo(UINT64_MAX) > 0) {
        throw new Failure(ptr(key), b + " is not a uint64");
      }
      return b.longValue(); // the low 64 bits: unsigned
    }
  }

  // ---- writing

  /** Writes the model in the reference Go types' property order (runtime-spec specs-go). */
  private static final class Writer {
    private final JsonGenerator g;

    Writer(JsonGenerator g) {
      this.g = g;
    }

    void config(RuntimeConfig c) {
      g.writeStartObject();
      g.writeStringProperty("ociVersion", c.ociVersion());
      if (c.process() != null) {
        g.writeName("process");
        process(c.process());
      }
      if (c.root() != null) {
        g.writeName("root");
        root(c.root());
      }
      optString("hostname", c.hostname());
      if (!c.mounts().isEmpty()) {
        g.writeName("mounts");
        g.writeStartArray();
        for (Mount m : c.mounts()) {
          mount(m);
        }
        g.writeEndArray();
      }
      if (!c.annotations().isEmpty()) {
        g.writeName("annotations");
        g.writeStartObject();
        for (Map.Entry<String, String> e : new TreeMap<>(c.annotations()).entrySet()) {
          g.writeStringProperty(e.getKey(), e.getValue());
        }
        g.writeEndObject();
      }
      if (c.linux() != null) {
        g.writeName("linux");
        linux(c.linux());
      }
      unknown(c.unknownProperties());
      g.writeEndObject();
    }

    private void process(Process p) {
      g.writeStartObject();
      if (p.terminal()) {
        g.writeBooleanProperty("terminal", true);
      }
      g.writeName("user");
      user(p.user());
      strings("args", p.args());
      strings("env", p.env());
      g.writeStringProperty("cwd", p.cwd());
      if (p.capabilities() != null) {
        Capabilities c = p.capabilities();
        g.writeName("capabilities");
        g.writeStartObject();
        strings("bounding", c.bounding());
        strings("effective", c.effective());
        strings("inheritable", c.inheritable());
        strings("permitted", c.permitted());
        strings("ambient", c.ambient());
        unknown(c.unknownProperties());
        g.writeEndObject();
      }
      if (!p.rlimits().isEmpty()) {
        g.writeName("rlimits");
        g.writeStartArray();
        for (Rlimit r : p.rlimits()) {
          g.writeStartObject();
          g.writeStringProperty("type", r.type());
          g.writeName("hard");
          unsigned(r.hard());
          g.writeName("soft");
          unsigned(r.soft());
          unknown(r.unknownProperties());
          g.writeEndObject();
        }
        g.writeEndArray();
      }
      if (p.noNewPrivileges()) {
        g.writeBooleanProperty("noNewPrivileges", true);
      }
      unknown(p.unknownProperties());
      g.writeEndObject();
    }

    private void user(User u) {
      g.writeStartObject();
      g.writeNumberProperty("uid", u.uid());
      g.writeNumberProperty("gid", u.gid());
      if (!u.additionalGids().isEmpty()) {
        g.writeName("additionalGids");
        g.writeStartArray();
        for (long gid : u.additionalGids()) {
          g.writeNumber(gid);
        }
        g.writeEndArray();
      }
      unknown(u.unknownProperties());
      g.writeEndObject();
    }

    private void root(Root r) {
      g.writeStartObject();
      g.writeStringProperty("path", r.path());
      if (r.readonly()) {
        g.writeBooleanProperty("readonly", true);
      }
      unknown(r.unknownProperties());
      g.writeEndObject();
    }

    private void mount(Mount m) {
      g.writeStartObject();
      g.writeStringProperty("destination", m.destination());
      optString("type", m.type());
      optString("source", m.source());
      strings("options", m.options());
      unknown(m.unknownProperties());
      g.writeEndObject();
    }

    private void linux(Linux l) {
      g.writeStartObject();
      mappings("uidMappings", l.uidMappings());
      mappings("gidMappings", l.gidMappings());
      if (!l.namespaces().isEmpty()) {
        g.writeName("namespaces");
        g.writeStartArray();
        for (Namespace n : l.namespaces()) {
          g.writeStartObject();
          g.writeStringProperty("type", n.type());
          optString("path", n.path());
          unknown(n.unknownProperties());
          g.writeEndObject();
        }
        g.writeEndArray();
      }
      strings("maskedPaths", l.maskedPaths());
      strings("readonlyPaths", l.readonlyPaths());
      unknown(l.unknownProperties());
      g.writeEndObject();
    }

    private void mappings(String name, List<IdMapping> mappings) {
      if (mappings.isEmpty()) {
        return;
      }
      g.writeName(name);
      g.writeStartArray();
      for (IdMapping m : mappings) {
        g.writeStartObject();
        g.writeNumberProperty("containerID", m.containerId());
        g.writeNumberProperty("hostID", m.hostId());
        g.writeNumberProperty("size", m.size());
        unknown(m.unknownProperties());
        g.writeEndObject();
      }
      g.writeEndArray();
    }

    private void unsigned(long value) {
      if (value >= 0) {
        g.writeNumber(value);
      } else {
        g.writeNumber(new BigInteger(Long.toUnsignedString(value)));
      }
    }

    private void optString(String name, @Nullable String value) {
      if (value != null && !value.isEmpty()) {
        g.writeStringProperty(name, value);
      }
    }

    private void strings(String name, List<String> values) {
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

    private void unknown(Map<String, JsonNode> unknown) {
      for (Map.Entry<String, JsonNode> e : new TreeMap<>(unknown).entrySet()) {
        g.writeName(e.getKey());
        g.writeTree(e.getValue());
      }
    }
  }
}
