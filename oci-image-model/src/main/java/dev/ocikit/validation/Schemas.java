package dev.ocikit.validation;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
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
    } catch (RuntimeException e) {
      // The schema validator gives up on some hostile values (e.g. a number such as 1e999999999
      // where an integer is expected). The spec rules still run and name the value at fault.
      return List.of(
          Problem.error(
              "",
              "the document could not be checked against "
                  + type.schemaFile()
                  + ": "
                  + String.valueOf(e.getMessage()).lines().findFirst().orElse("")));
    }
    List<Problem> problems = new ArrayList<>(errors.size());
    for (Error e : errors) {
      String pointer = e.getInstanceLocation() == null ? "" : e.getInstanceLocation().toString();
      problems.add(Problem.error(pointer, message(e, pointer)));
    }
    return problems;
  }

  private static String message(Error e, String pointer) {
    String m = e.getMessage();
    // networknt prefixes the instance location; the pointer is reported on its own.
    if (!pointer.isEmpty() && m.startsWith(pointer + ": ")) {
      m = m.substring(pointer.length() + 2);
    } else if (m.startsWith(": ")) {
      m = m.substring(2);
    }
    String where = String.valueOf(e.getSchemaLocation());
    if (where.startsWith(BASE)) {
      where = where.substring(BASE.length());
    }
    return m + " (schema " + where + ")";
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
