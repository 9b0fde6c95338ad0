package dev.ocikit.validation;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;
import com.networknt.schema.regex.RegularExpression;
import dev.ocikit.digest.Digest;
import dev.ocikit.internal.SchemaProblems;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * The image-spec JSON schemas, bundled as resources and compiled once. The schemas are draft-04 and
 * refer to each other by file name relative to their {@code id}s under {@code
 * https://opencontainers.org/schema/}; every such IRI is served from the bundled file of that name,
 * and nothing is ever fetched from the network.
 */
final class Schemas {
  private static final String BASE = "https://opencontainers.org/schema/";
  private static final String RESOURCE_DIR = "schema/";

  private final Map<DocumentType, Schema> compiled = new EnumMap<>(DocumentType.class);

  Schemas() {
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
    for (DocumentType type : DocumentType.values()) {
      Schema schema = registry.getSchema(SchemaLocation.of(BASE + type.schemaFile()));
      schema.initializeValidators();
      compiled.put(type, schema);
    }
  }

  List<Problem> validate(DocumentType type, JsonNode document) {
    List<Error> errors;
    try {
      errors = compiled.get(type).validate(document);
    } catch (RuntimeException | StackOverflowError e) {
      // The schema validator gives up on some hostile values (e.g. a number such as 1e999999999
      // where an integer is expected). The spec rules still run and name the value at fault.
      return List.of(SchemaProblems.unchecked(type.schemaFile(), e));
    }
    return SchemaProblems.of(errors, BASE);
  }

  /**
   * The schemas' {@code pattern}s with java.util.regex, guarded: its repeated groups recurse once
   * per repetition, so a long hostile value could overflow the stack. Such a value is taken as not
   * matching, which reports it; the patterns' own anchors ({@code ^...$}) make {@code find} a full
   * match, as JSON Schema's unanchored semantics require.
   */
  private static final class GuardedRegex implements RegularExpression {
    /** The digest grammar as defs-descriptor.json writes it; checked by hand, exactly. */
    private static final String DIGEST_PATTERN = "^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$";

    private final Pattern pattern;
    private final boolean digest;

    GuardedRegex(String regex) {
      this.pattern = Pattern.compile(regex);
      this.digest = regex.equals(DIGEST_PATTERN);
    }

    @Override
    public boolean matches(String value) {
      if (digest) {
        return Digest.matchesGrammar(value);
      }
      try {
        return pattern.matcher(value).find();
      } catch (StackOverflowError e) {
        return false;
      }
    }
  }

  private static String load(String file) {
    if (!file.endsWith(".json")) {
      return null;
    }
    try (InputStream in = Schemas.class.getResourceAsStream(RESOURCE_DIR + file)) {
      if (in == null) {
        return null;
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read bundled schema " + file, e);
    }
  }
}
