package dev.ocikit.bundle;

import com.networknt.schema.regex.RegularExpression;
import dev.ocikit.internal.BundledSchemas;
import dev.ocikit.json.InvalidDocumentException;
import dev.ocikit.json.OciJson;
import dev.ocikit.validation.Problem;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * The runtime-spec JSON schemas (<a
 * href="https://github.com/opencontainers/runtime-spec/tree/main/schema">runtime-spec {@code
 * schema/}</a>: {@code config-schema.json} and the platform schemas it refers to, {@code
 * state-schema.json}, {@code features-schema.json}), bundled as resources (see {@code
 * schema/SOURCE}) and compiled once. The schemas are draft-04 and refer to each other by file name;
 * every reference is served from the bundled file of that name, and nothing is ever fetched.
 *
 * <p>Results are {@link Problem}s, each with the JSON Pointer of the value at fault; malformed JSON
 * (duplicate keys and trailing content included) is one problem. Instances are immutable and
 * thread-safe; {@link #get()} returns a shared one.
 */
public final class RuntimeSchema {
  private static final String BASE = "https://ocikit.dev/runtime-spec/schema/";
  private static final String RESOURCE_DIR = "schema/";

  /** The documents the runtime spec publishes a schema for. */
  public enum Kind {
    /** A bundle's {@code config.json} (config.md). */
    CONFIG("config-schema.json"),
    /** The state of a container (runtime.md, "State"). */
    STATE("state-schema.json"),
    /** The features a runtime reports (features.md). */
    FEATURES("features-schema.json");

    private final String schemaFile;

    Kind(String schemaFile) {
      this.schemaFile = schemaFile;
    }

    /** The file name of the schema in runtime-spec {@code schema/}. */
    public String schemaFile() {
      return schemaFile;
    }
  }

  private static final class Holder {
    static final RuntimeSchema INSTANCE = new RuntimeSchema();
  }

  private final BundledSchemas schemas =
      new BundledSchemas(
          BASE,
          file -> RuntimeSchema.class.getResourceAsStream(RESOURCE_DIR + file),
          java.util.Arrays.stream(Kind.values()).map(Kind::schemaFile).toList(),
          GuardedRegex::new);

  private RuntimeSchema() {}

  /** The shared instance; the schemas are compiled on first use. */
  public static RuntimeSchema get() {
    return Holder.INSTANCE;
  }

  /**
   * Validates {@code bytes} as a document of {@code kind}: strict JSON first (one value, no
   * duplicate keys, no trailing content), then the schema.
   */
  public List<Problem> validate(Kind kind, byte[] bytes) {
    Objects.requireNonNull(kind, "kind");
    JsonNode tree;
    try {
      tree = OciJson.readTree(bytes);
    } catch (InvalidDocumentException e) {
      return List.of(Problem.error(e.pointer(), e.reason()));
    }
    return validate(kind, tree);
  }

  /** Validates a parsed document of {@code kind} against its schema. */
  public List<Problem> validate(Kind kind, JsonNode document) {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(document, "document");
    List<Problem> problems = new ArrayList<>(schemas.validate(kind.schemaFile(), document));
    problems.sort(Comparator.comparing(Problem::pointer));
    return List.copyOf(problems);
  }

  /** Validates {@code config} as {@link RuntimeJson} writes it. */
  public List<Problem> validate(RuntimeConfig config) {
    return validate(Kind.CONFIG, RuntimeJson.toTree(config));
  }

  /**
   * The schemas' {@code pattern}s with java.util.regex, guarded: a pattern's repeated groups
   * recurse once per repetition, so a long hostile value could overflow the stack; such a value is
   * taken as not matching, which reports it. {@code find} gives JSON Schema's unanchored semantics;
   * the runtime-spec patterns carry their own anchors.
   */
  private static final class GuardedRegex implements RegularExpression {
    private final Pattern pattern;

    GuardedRegex(String regex) {
      this.pattern = Pattern.compile(regex);
    }

    @Override
    public boolean matches(String value) {
      try {
        return pattern.matcher(value).find();
      } catch (StackOverflowError e) {
        return false;
      }
    }
  }
}
