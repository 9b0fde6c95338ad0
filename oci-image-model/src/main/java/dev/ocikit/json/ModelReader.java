package dev.ocikit.json;

import dev.ocikit.digest.Digest;
import dev.ocikit.internal.JsonReading;
import dev.ocikit.internal.JsonReading.Failure;
import dev.ocikit.model.Descriptor;
import dev.ocikit.model.ImageConfig;
import dev.ocikit.model.Index;
import dev.ocikit.model.LayoutHeader;
import dev.ocikit.model.Manifest;
import dev.ocikit.model.Platform;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

  static Manifest manifest(JsonNode node, String at) {
    Obj o = new Obj(node, at, "a manifest");
    int schemaVersion = o.schemaVersion();
    String mediaType = o.optString("mediaType");
    String artifactType = o.optString("artifactType");
    Descriptor config = o.require("config", ModelReader::descriptor);
    List<Descriptor> layers = o.requireList("layers", ModelReader::descriptor);
    Descriptor subject = o.opt("subject", ModelReader::descriptor);
    Map<String, String> annotations = o.stringMap("annotations");
    return JsonReading.wrap(
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
    return JsonReading.wrap(
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
    return JsonReading.wrap(
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
    return JsonReading.wrap(
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
    return JsonReading.wrap(
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
    return JsonReading.wrap(
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
    return JsonReading.wrap(at, () -> new ImageConfig.RootFs(type, diffIds, o.unknown()));
  }

  static ImageConfig.History history(JsonNode node, String at) {
    Obj o = new Obj(node, at, "a history entry");
    OffsetDateTime created = o.optTime("created");
    String author = o.optString("author");
    String createdBy = o.optString("created_by");
    String comment = o.optString("comment");
    Boolean emptyLayer = o.optBoolean("empty_layer");
    return JsonReading.wrap(
        at,
        () ->
            new ImageConfig.History(created, author, createdBy, comment, emptyLayer, o.unknown()));
  }

  static LayoutHeader layoutHeader(JsonNode node, String at) {
    Obj o = new Obj(node, at, "an oci-layout header");
    String version = o.requireString("imageLayoutVersion");
    return JsonReading.wrap(at, () -> new LayoutHeader(version, o.unknown()));
  }

  static Digest digest(JsonNode node, String at) {
    if (!node.isString()) {
      throw new Failure(at, "expected a digest string, found " + JsonReading.kind(node));
    }
    try {
      return Digest.parse(node.stringValue());
    } catch (IllegalArgumentException e) {
      throw new Failure(at, e.getMessage());
    }
  }

  /** One JSON object being read, with the image model's own kinds of values. */
  private static final class Obj extends JsonReading.Obj {
    Obj(JsonNode node, String at, String what) {
      super(node, at, what);
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
        throw new Failure(
            ptr(key), "expected an integer (int64), found " + JsonReading.kind(v) + " " + v);
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
  }
}
