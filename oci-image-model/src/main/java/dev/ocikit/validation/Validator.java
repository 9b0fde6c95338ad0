package dev.ocikit.validation;

import dev.ocikit.json.InvalidDocumentException;
import dev.ocikit.json.OciJson;
import dev.ocikit.model.Descriptor;
import dev.ocikit.model.ImageConfig;
import dev.ocikit.model.Index;
import dev.ocikit.model.LayoutHeader;
import dev.ocikit.model.Manifest;
import dev.ocikit.model.OciDocument;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Validates image-spec documents: against the published JSON schemas (image-spec {@code
 * schema/*.json}, bundled and compiled once) and against the spec's rules that the schemas do not
 * express:
 *
 * <ul>
 *   <li>the encoded portion of registered digest algorithms (sha256, sha512, blake3: lower-case hex
 *       of the right length), in every digest including {@code rootfs.diff_ids};
 *   <li>a document's {@code mediaType}, when present, is the one of its kind (OCI, or the Docker V2
 *       schema 2 counterpart);
 *   <li>{@code artifactType} is set when the config is the empty descriptor;
 *   <li>{@code Env} entries are {@code VARNAME=VARVALUE};
 *   <li>{@code data} is padded standard Base64 and decodes to content of the descriptor's size and
 *       digest;
 *   <li>{@code created} timestamps are RFC 3339; sizes fit in an int64;
 *   <li>a {@code platform} has string {@code architecture} and {@code os}.
 * </ul>
 *
 * Unknown media types and unknown properties are never problems ("MUST NOT generate an error").
 * Optional config fields set to {@code null} are taken as absent, as config.md allows. Warnings
 * report SHOULDs (a ref name outside the ref grammar, an {@code org.opencontainers.image.created}
 * annotation that is not RFC 3339, an exposed port of an unknown form).
 *
 * <p>Instances are immutable and thread-safe; {@link #get()} returns a shared one.
 */
public final class Validator {
  private static final class Holder {
    static final Validator INSTANCE = new Validator();
  }

  private final Schemas schemas = new Schemas();

  private Validator() {}

  /** The shared validator; its schemas are compiled on first use. */
  public static Validator get() {
    return Holder.INSTANCE;
  }

  /**
   * Validates the document in {@code bytes} as {@code type}. Malformed JSON (including trailing
   * content and duplicate keys) is one problem at the place it was found.
   */
  public List<Problem> validate(DocumentType type, byte[] bytes) {
    Objects.requireNonNull(type, "type");
    JsonNode tree;
    try {
      tree = OciJson.readTree(bytes);
    } catch (InvalidDocumentException e) {
      return List.of(Problem.error(e.pointer(), e.reason()));
    }
    return validate(type, tree);
  }

  /** Validates a parsed JSON document as {@code type}. */
  public List<Problem> validate(DocumentType type, JsonNode document) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(document, "document");
    JsonNode forSchema = type == DocumentType.CONFIG ? withoutOptionalNulls(document) : document;
    List<Problem> fromSchema = schemas.validate(type, forSchema);
    Set<String> pointers = new HashSet<>();
    for (Problem p : fromSchema) {
      pointers.add(p.pointer());
    }
    List<Problem> all = new ArrayList<>(fromSchema);
    for (Problem p : SpecRules.check(type, document)) {
      // One report per place: a rule adds nothing where the schema already found the value wrong.
      if (!p.isError() || !pointers.contains(p.pointer())) {
        all.add(p);
      }
    }
    caseVariant(type, document, pointers, all);
    all.sort(Comparator.comparing(Problem::pointer));
    return List.copyOf(all);
  }

  /**
   * Adds the problem of a property named like a known one but for letter case, which Go's
   * encoding/json (containerd, Docker) would read as the known one: found by reading the document
   * into the model, which refuses such names.
   */
  private static void caseVariant(
      DocumentType type, JsonNode document, Set<String> pointers, List<Problem> all) {
    Class<?> model = type.modelType();
    try {
      OciJson.fromTree(document, model);
    } catch (InvalidDocumentException e) {
      if (e.reason().contains(dev.ocikit.internal.JsonReading.CASE_VARIANT)
          && !pointers.contains(e.pointer())) {
        all.add(Problem.error(e.pointer(), e.reason()));
      }
    } catch (RuntimeException e) {
      // not readable as the model for another reason, which the schema or the rules report
    }
  }

  /** Validates a model value, as it would be written by {@link OciJson}. */
  public List<Problem> validate(OciDocument document) {
    DocumentType type;
    if (document instanceof Manifest) {
      type = DocumentType.MANIFEST;
    } else if (document instanceof Index) {
      type = DocumentType.INDEX;
    } else if (document instanceof ImageConfig) {
      type = DocumentType.CONFIG;
    } else if (document instanceof LayoutHeader) {
      type = DocumentType.LAYOUT;
    } else {
      throw new IllegalArgumentException("unknown document type " + document.getClass());
    }
    return validate(type, OciJson.toBytes(document));
  }

  /** Validates a descriptor, as it would be written by {@link OciJson}. */
  public List<Problem> validate(Descriptor descriptor) {
    return validate(DocumentType.DESCRIPTOR, OciJson.toBytes(descriptor));
  }

  /** Whether {@code problems} has no errors (warnings allowed). */
  public static boolean isValid(List<Problem> problems) {
    return problems.stream().noneMatch(Problem::isError);
  }

  // config.md: "Any OPTIONAL field MAY also be set to null, which is equivalent to being absent."
  private static JsonNode withoutOptionalNulls(JsonNode document) {
    if (!document.isObject()) {
      return document;
    }
    ObjectNode copy = (ObjectNode) document.deepCopy();
    for (String f :
        List.of("created", "author", "os.version", "os.features", "variant", "config", "history")) {
      removeNull(copy, f);
    }
    if (copy.get("config") instanceof ObjectNode exec) {
      for (String f :
          List.of(
              "User",
              "ExposedPorts",
              "Env",
              "Entrypoint",
              "Cmd",
              "Volumes",
              "WorkingDir",
              "Labels",
              "StopSignal",
              "ArgsEscaped")) {
        removeNull(exec, f);
      }
    }
    if (copy.get("history") != null && copy.get("history").isArray()) {
      for (JsonNode h : copy.get("history")) {
        if (h instanceof ObjectNode entry) {
          for (String f : List.of("created", "author", "created_by", "comment", "empty_layer")) {
            removeNull(entry, f);
          }
        }
      }
    }
    return copy;
  }

  private static void removeNull(ObjectNode node, String field) {
    JsonNode v = node.get(field);
    if (v != null && v.isNull()) {
      node.remove(field);
    }
  }
}
