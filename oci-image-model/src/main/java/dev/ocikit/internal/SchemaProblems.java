package dev.ocikit.internal;

import com.networknt.schema.Error;
import dev.ocikit.validation.Problem;
import java.util.ArrayList;
import java.util.List;

/**
 * networknt json-schema-validator errors as ocikit {@link Problem}s: the instance location as the
 * JSON Pointer, the message without networknt's own location prefix, and the schema location
 * relative to the bundled schemas' base URI. Shared by the image-spec and runtime-spec validators.
 */
public final class SchemaProblems {
  private SchemaProblems() {}

  /** The problems of {@code errors}, in their order; schema locations shortened by {@code base}. */
  public static List<Problem> of(List<Error> errors, String base) {
    List<Problem> problems = new ArrayList<>(errors.size());
    for (Error e : errors) {
      String pointer = e.getInstanceLocation() == null ? "" : e.getInstanceLocation().toString();
      problems.add(Problem.error(pointer, message(e, pointer, base)));
    }
    return problems;
  }

  /** The problem reported when a schema could not check a document at all (networknt failed). */
  public static Problem unchecked(String schemaFile, Throwable e) {
    return Problem.error(
        "",
        "the document could not be checked against "
            + schemaFile
            + ": "
            + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
  }

  private static String message(Error e, String pointer, String base) {
    String m = e.getMessage();
    // networknt prefixes the instance location; the pointer is reported on its own.
    if (!pointer.isEmpty() && m.startsWith(pointer + ": ")) {
      m = m.substring(pointer.length() + 2);
    } else if (m.startsWith(": ")) {
      m = m.substring(2);
    }
    String where = String.valueOf(e.getSchemaLocation());
    if (where.startsWith(base)) {
      where = where.substring(base.length());
    }
    return m + " (schema " + where + ")";
  }
}
