package dev.ocikit.internal;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;
import com.networknt.schema.regex.RegularExpression;
import dev.ocikit.validation.Problem;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Draft-04 JSON schemas bundled as resources and compiled once with networknt: each schema's {@code
 * $ref}s to other files under {@code base} are served from the bundled file of that name, and
 * nothing is ever fetched from the network. Shared by the image-spec and runtime-spec validators,
 * each giving its own resources and guarded regular expressions.
 */
public final class BundledSchemas {
  /** Opens a bundled resource by file name; null when there is none. */
  public interface Resources {
    /** The resource {@code file}, or null. */
    @Nullable InputStream open(String file) throws IOException;
  }

  private final String base;
  private final Map<String, Schema> compiled = new HashMap<>();

  /**
   * Compiles {@code files}, IRIs under {@code base} read from {@code resources}, with {@code regex}
   * for the schemas' patterns.
   */
  public BundledSchemas(
      String base,
      Resources resources,
      Collection<String> files,
      Function<String, RegularExpression> regex) {
    this.base = base;
    SchemaRegistryConfig config =
        SchemaRegistryConfig.builder()
            .pathType(PathType.JSON_POINTER)
            .formatAssertionsEnabled(true)
            .regularExpressionFactory(regex::apply)
            .build();
    SchemaRegistry registry =
        SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_4,
            builder ->
                builder
                    .schemaRegistryConfig(config)
                    .schemas(
                        iri ->
                            iri.startsWith(base)
                                ? load(resources, iri.substring(iri.lastIndexOf('/') + 1))
                                : null));
    for (String file : files) {
      Schema schema = registry.getSchema(SchemaLocation.of(base + file));
      schema.initializeValidators();
      compiled.put(file, schema);
    }
  }

  /**
   * The problems of {@code document} against the schema {@code file}. When networknt gives up on a
   * hostile value (e.g. 1e999999999 where an integer is due, or a stack overflow), one problem says
   * so; the callers' own rules still run.
   */
  public List<Problem> validate(String file, JsonNode document) {
    List<Error> errors;
    try {
      errors = compiled.get(file).validate(document);
    } catch (RuntimeException | StackOverflowError e) {
      return List.of(SchemaProblems.unchecked(file, e));
    }
    return SchemaProblems.of(errors, base);
  }

  private static @Nullable String load(Resources resources, String file) {
    if (!file.endsWith(".json")) {
      return null;
    }
    try (InputStream in = resources.open(file)) {
      return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read bundled schema " + file, e);
    }
  }
}
