package dev.ocikit.bundle;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;
import com.networknt.schema.regex.RegularExpression;
import dev.ocikit.internal.SchemaProblems;
import dev.ocikit.json.InvalidDocumentException;
import dev.ocikit.json.OciJson;
import dev.ocikit.validation.Problem;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
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

  private final Map<Kind, Schema> compiled = new EnumMap<>(Kind.class);

  private RuntimeSchema() {
    SchemaRegistryConfig config =
        SchemaRegistryConfig.builder()
            .pathType(PathType.JSON_POINTER)
            .formatAssertionsEnabled(true)
            .regularExpressionFactory(GuardedRegex::new)
            .build();
    SchemaRegistry registry =
        SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_4,
            builder ->
                builder
                    .schemaRegistryConfig(config)
                    .schemas(
                        iri ->
                            iri.startsWith(BASE)
                                ? load(iri.substring(iri.lastIndexOf('/') + 1))
                                : null));
    for (Kind kind : Kind.values()) {
      Schema schema = registry.getSchema(SchemaLocation.of(BASE + kind.schemaFile()));
      schema.initializeValidators();
      compiled.put(kind, schema);
    }
  }

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
    List<Error> errors;
    try {
      errors = compiled.get(kind).validate(document);
    } catch (RuntimeException | StackOverflowError e) {
      // The validator gives up on some hostile values (e.g. 1e999999999 where an integer is due).
      return List.of(SchemaProblems.unchecked(kind.schemaFile(), e));
    }
    List<Problem> problems = new ArrayList<>(SchemaProblems.of(errors, BASE));
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

  private static @Nullable String load(String file) {
    if (!file.endsWith(".json")) {
      return null;
    }
    try (InputStream in = RuntimeSchema.class.getResourceAsStream(RESOURCE_DIR + file)) {
      if (in == null) {
        return null;
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read bundled runtime-spec schema " + file, e);
    }
  }
}
