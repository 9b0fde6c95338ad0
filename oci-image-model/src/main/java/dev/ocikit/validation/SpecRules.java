package dev.ocikit.validation;

import dev.ocikit.digest.Digest;
import dev.ocikit.digest.DigestAlgorithm;
import dev.ocikit.json.Rfc3339;
import dev.ocikit.model.Annotations;
import dev.ocikit.model.MediaType;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * The spec's rules that its JSON schemas do not express, checked on the JSON tree so that a
 * document that does not fit the model still gets every problem reported. Each rule quotes the
 * sentence it implements.
 */
final class SpecRules {
  private static final Pattern PORT = Pattern.compile("[0-9]{1,5}(/(tcp|udp|sctp))?");

  private final List<Problem> problems = new ArrayList<>();

  static List<Problem> check(DocumentType type, JsonNode root) {
    SpecRules rules = new SpecRules();
    if (root.isObject()) {
      switch (type) {
        case MANIFEST -> rules.manifest(root);
        case INDEX -> rules.index(root);
        case CONFIG -> rules.config(root);
        case DESCRIPTOR -> rules.descriptor(root, "");
        case LAYOUT -> {}
      }
    }
    return rules.problems;
  }

  private void error(String pointer, String message) {
    problems.add(Problem.error(pointer, message));
  }

  private void warning(String pointer, String message) {
    problems.add(Problem.warning(pointer, message));
  }

  private void manifest(JsonNode m) {
    // manifest.md: "When used, this field MUST contain the media type
    // application/vnd.oci.image.manifest.v1+json" (or its Docker counterpart, which ocikit reads).
    documentMediaType(m, MediaType.IMAGE_MANIFEST, MediaType.DOCKER_MANIFEST);
    JsonNode config = m.get("config");
    if (config != null && config.isObject()) {
      descriptor(config, "/config");
      JsonNode mt = config.get("mediaType");
      // manifest.md, artifactType: "This MUST be set when config.mediaType is set to the empty
      // value."
      if (mt != null && MediaType.EMPTY_JSON.equals(mt.asString(null)) && !has(m, "artifactType")) {
        error(
            "/artifactType",
            "artifactType must be set when config.mediaType is " + MediaType.EMPTY_JSON);
      }
    }
    descriptors(m, "layers");
    subject(m);
    annotations(m.get("annotations"), "/annotations");
  }

  private void index(JsonNode i) {
    // image-index.md: "When used, this field MUST contain the media type
    // application/vnd.oci.image.index.v1+json" (or the Docker manifest list, which ocikit reads).
    documentMediaType(i, MediaType.IMAGE_INDEX, MediaType.DOCKER_MANIFEST_LIST);
    descriptors(i, "manifests");
    subject(i);
    annotations(i.get("annotations"), "/annotations");
  }

  private void config(JsonNode c) {
    time(c.get("created"), "/created");
    JsonNode exec = c.get("config");
    if (exec != null && exec.isObject()) {
      JsonNode env = exec.get("Env");
      if (env != null && env.isArray()) {
        for (int i = 0; i < env.size(); i++) {
          JsonNode e = env.get(i);
          // config.md, Env: "Entries are in the format of VARNAME=VARVALUE."
          if (e.isString() && e.stringValue().indexOf('=') <= 0) {
            error(
                "/config/Env/" + i,
                "environment entry must be VARNAME=VARVALUE, found \""
                    + shorten(e.stringValue())
                    + "\"");
          }
        }
      }
      JsonNode ports = exec.get("ExposedPorts");
      if (ports != null && ports.isObject()) {
        for (String port : ports.propertyNames()) {
          // config.md, ExposedPorts: "Its keys can be in the format of: port/tcp, port/udp, port"
          if (!PORT.matcher(port).matches()) {
            warning(
                "/config/ExposedPorts/" + escape(port),
                "exposed port should be port, port/tcp or port/udp, found \""
                    + shorten(port)
                    + "\"");
          }
        }
      }
      annotations(exec.get("Labels"), "/config/Labels");
    }
    JsonNode rootfs = c.get("rootfs");
    if (rootfs != null && rootfs.isObject()) {
      JsonNode ids = rootfs.get("diff_ids");
      if (ids != null && ids.isArray()) {
        for (int i = 0; i < ids.size(); i++) {
          if (ids.get(i).isString()) {
            digest(ids.get(i).stringValue(), "/rootfs/diff_ids/" + i);
          }
        }
      }
    }
    JsonNode history = c.get("history");
    if (history != null && history.isArray()) {
      for (int i = 0; i < history.size(); i++) {
        JsonNode h = history.get(i);
        if (h.isObject()) {
          time(h.get("created"), "/history/" + i + "/created");
        }
      }
    }
  }

  private void documentMediaType(JsonNode doc, String oci, String docker) {
    JsonNode mt = doc.get("mediaType");
    if (mt != null && mt.isString()) {
      String value = mt.stringValue();
      if (!value.equals(oci) && !value.equals(docker)) {
        error("/mediaType", "mediaType must be " + oci + " when used, found \"" + value + "\"");
      }
    }
  }

  private void descriptors(JsonNode doc, String field) {
    JsonNode list = doc.get(field);
    if (list != null && list.isArray()) {
      for (int i = 0; i < list.size(); i++) {
        if (list.get(i).isObject()) {
          descriptor(list.get(i), "/" + field + "/" + i);
        }
      }
    }
  }

  private void subject(JsonNode doc) {
    JsonNode subject = doc.get("subject");
    if (subject != null && subject.isObject()) {
      descriptor(subject, "/subject");
    }
  }

  private void descriptor(JsonNode d, String at) {
    JsonNode digestNode = d.get("digest");
    Optional<Digest> digest = Optional.empty();
    if (digestNode != null && digestNode.isString()) {
      digest = digest(digestNode.stringValue(), at + "/digest");
    }
    JsonNode size = d.get("size");
    if (size != null && size.isNumber()) {
      // descriptor.md: size is an int64; "The size MUST NOT be negative."
      if (!size.isIntegralNumber()) {
        error(at + "/size", "size must be an integer, found " + size);
      } else if (!size.canConvertToLong()) {
        error(at + "/size", "size " + size + " does not fit in an int64");
      } else if (size.longValue() < 0) {
        // The index schema types manifests[].size as a plain int64, so this is not caught there.
        error(at + "/size", "size must not be negative, found " + size.longValue());
      }
    }
    JsonNode data = d.get("data");
    if (data != null && data.isString()) {
      data(data.stringValue(), size, digest, at + "/data");
    }
    JsonNode platform = d.get("platform");
    if (platform != null && !platform.isNull()) {
      platform(platform, at + "/platform");
    }
    annotations(d.get("annotations"), at + "/annotations");
  }

  private Optional<Digest> digest(String value, String at) {
    try {
      return Optional.of(Digest.parse(value));
    } catch (IllegalArgumentException e) {
      // descriptor.md: "A digest string MUST match the following grammar", and for registered
      // algorithms the encoded portion MUST match /[a-f0-9]{64}/ (sha256, blake3) or
      // /[a-f0-9]{128}/ (sha512).
      error(at, e.getMessage());
      return Optional.empty();
    }
  }

  private void data(String value, JsonNode size, Optional<Digest> digest, String at) {
    // descriptor.md, data: "Values MUST conform to the Base 64 encoding, as defined in RFC 4648".
    if (!isPaddedBase64(value)) {
      error(
          at,
          "data must be standard Base64 with padding (RFC 4648 section 4), found "
              + (value.length() % 4 != 0
                  ? "a length of " + value.length() + " (not a multiple of 4)"
                  : "characters outside the alphabet"));
      return;
    }
    byte[] content = Base64.getDecoder().decode(value);
    // "The decoded data MUST be identical to the referenced content".
    if (size != null && size.isIntegralNumber() && size.canConvertToLong()) {
      if (size.longValue() != content.length) {
        error(
            at,
            "decoded data has "
                + content.length
                + " bytes, but size is "
                + size.longValue()
                + "; the data must be identical to the referenced content");
        return;
      }
    }
    if (digest.isPresent() && digest.get().isVerifiable()) {
      DigestAlgorithm alg = digest.get().requireRegistered();
      Digest actual = Digest.compute(alg, content);
      if (!actual.equals(digest.get())) {
        error(
            at,
            "decoded data has digest "
                + actual
                + ", but the descriptor's digest is "
                + digest.get()
                + "; the data must be identical to the referenced content");
      }
    }
  }

  /** Standard alphabet, length a multiple of 4, '=' only as the last one or two characters. */
  static boolean isPaddedBase64(String s) {
    if (s.length() % 4 != 0) {
      return false;
    }
    int padding = s.endsWith("==") ? 2 : s.endsWith("=") ? 1 : 0;
    for (int i = 0; i < s.length() - padding; i++) {
      char c = s.charAt(i);
      boolean ok =
          (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == '+'
              || c == '/';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private void platform(JsonNode p, String at) {
    if (!p.isObject()) {
      error(at, "platform must be an object, found " + kind(p));
      return;
    }
    // image-index.md, platform: architecture and os are REQUIRED strings.
    for (String required : List.of("architecture", "os")) {
      JsonNode v = p.get(required);
      if (v == null) {
        error(at, "platform." + required + " is required");
      } else if (!v.isString()) {
        error(at + "/" + required, "expected a string, found " + kind(v));
      }
    }
    for (String optional : List.of("os.version", "variant")) {
      JsonNode v = p.get(optional);
      if (v != null && !v.isString()) {
        error(at + "/" + escape(optional), "expected a string, found " + kind(v));
      }
    }
    for (String list : List.of("os.features", "features")) {
      JsonNode v = p.get(list);
      if (v != null && !(v.isArray() && allStrings(v))) {
        error(at + "/" + escape(list), "expected an array of strings, found " + kind(v));
      }
    }
  }

  private void annotations(JsonNode annotations, String at) {
    if (annotations == null || !annotations.isObject()) {
      return;
    }
    for (Map.Entry<String, JsonNode> e : annotations.properties()) {
      String key = e.getKey();
      JsonNode value = e.getValue();
      String p = at + "/" + escape(key);
      // annotations.md: "both the key and value MUST be strings" (the schema checks only keys of
      // one character or more).
      if (!value.isString()) {
        if (key.isEmpty()) {
          error(p, "annotation values must be strings, found " + kind(value));
        }
        continue;
      }
      String v = value.stringValue();
      switch (key) {
        case Annotations.CREATED -> {
          if (!Rfc3339.isValid(v)) {
            warning(p, "should be an RFC 3339 date-time, found \"" + shorten(v) + "\"");
          }
        }
        case Annotations.BASE_DIGEST -> {
          if (!Digest.isValid(v)) {
            warning(p, "should be a digest, found \"" + shorten(v) + "\"");
          }
        }
        case Annotations.REF_NAME -> {
          if (!Annotations.isValidRefName(v)) {
            warning(
                p,
                "should match the ref grammar of annotations.md (components of [A-Za-z0-9]"
                    + " separated by -._:@+ or --, joined by /), found \""
                    + shorten(v)
                    + "\"");
          }
        }
        default -> {}
      }
    }
  }

  private void time(JsonNode node, String at) {
    if (node != null && node.isString() && !Rfc3339.isValid(node.stringValue())) {
      // config.md, created: "formatted as defined by RFC 3339, section 5.6".
      error(at, "must be an RFC 3339 date-time, found \"" + shorten(node.stringValue()) + "\"");
    }
  }

  private static boolean has(JsonNode o, String key) {
    JsonNode v = o.get(key);
    return v != null && !v.isNull();
  }

  private static boolean allStrings(JsonNode array) {
    for (JsonNode n : array) {
      if (!n.isString()) {
        return false;
      }
    }
    return true;
  }

  static String kind(JsonNode node) {
    if (node.isNull()) {
      return "null";
    } else if (node.isString()) {
      return "a string";
    } else if (node.isNumber()) {
      return "a number";
    } else if (node.isBoolean()) {
      return "a boolean";
    } else if (node.isArray()) {
      return "an array";
    }
    return "an object";
  }

  static String escape(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }

  private static String shorten(String s) {
    return s.length() > 80 ? s.substring(0, 77) + "..." : s;
  }
}
