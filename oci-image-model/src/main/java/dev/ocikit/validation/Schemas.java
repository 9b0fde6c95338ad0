package dev.ocikit.validation;

import com.networknt.schema.regex.RegularExpression;
import dev.ocikit.digest.Digest;
import dev.ocikit.internal.BundledSchemas;
import java.util.List;
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

  private final BundledSchemas schemas =
      new BundledSchemas(
          BASE,
          file -> Schemas.class.getResourceAsStream(RESOURCE_DIR + file),
          java.util.Arrays.stream(DocumentType.values()).map(DocumentType::schemaFile).toList(),
          GuardedRegex::new);

  List<Problem> validate(DocumentType type, JsonNode document) {
    // networknt gives up on some hostile values (e.g. a number such as 1e999999999 where an
    // integer is expected): one problem says so; the spec rules still run and name the value.
    return schemas.validate(type.schemaFile(), document);
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
}
