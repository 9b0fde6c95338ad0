package dev.ocikit.model;

/**
 * The pre-defined annotation keys of <a
 * href="https://github.com/opencontainers/image-spec/blob/main/annotations.md">annotations.md</a>,
 * and the grammar of {@link #REF_NAME}.
 *
 * <p>Rules: annotations are a map of string keys to string values; keys MUST be unique; "If there
 * are no annotations then this property MUST either be absent or be an empty map"; consumers MUST
 * NOT generate an error on an unknown key.
 */
public final class Annotations {
  private Annotations() {}

  /** Date and time on which the image was built, conforming to RFC 3339. */
  public static final String CREATED = "org.opencontainers.image.created";

  /** Contact details of the people or organization responsible for the image. */
  public static final String AUTHORS = "org.opencontainers.image.authors";

  /** URL to find more information on the image. */
  public static final String URL = "org.opencontainers.image.url";

  /** URL to get documentation on the image. */
  public static final String DOCUMENTATION = "org.opencontainers.image.documentation";

  /** URL to get source code for building the image. */
  public static final String SOURCE = "org.opencontainers.image.source";

  /** Version of the packaged software. */
  public static final String VERSION = "org.opencontainers.image.version";

  /** Source control revision identifier for the packaged software. */
  public static final String REVISION = "org.opencontainers.image.revision";

  /** Name of the distributing entity, organization or individual. */
  public static final String VENDOR = "org.opencontainers.image.vendor";

  /** License(s) of the contained software, as an SPDX License Expression. */
  public static final String LICENSES = "org.opencontainers.image.licenses";

  /**
   * Name of the reference for a target; SHOULD only be considered valid on descriptors in {@code
   * index.json} of an image layout.
   */
  public static final String REF_NAME = "org.opencontainers.image.ref.name";

  /** Human-readable title of the image. */
  public static final String TITLE = "org.opencontainers.image.title";

  /** Human-readable description of the software packaged in the image. */
  public static final String DESCRIPTION = "org.opencontainers.image.description";

  /** Digest of the image this image is based on. */
  public static final String BASE_DIGEST = "org.opencontainers.image.base.digest";

  /** Image reference of the image this image is based on. */
  public static final String BASE_NAME = "org.opencontainers.image.base.name";

  /** The prefix reserved for keys defined in OCI specifications. */
  public static final String RESERVED_PREFIX = "org.opencontainers";

  // ref       ::= component ("/" component)*
  // component ::= alphanum (separator alphanum)*
  // alphanum  ::= [A-Za-z0-9]+
  // separator ::= [-._:@+] | "--"
  // Scanned by hand rather than with a regular expression, whose repeated groups recurse per
  // repetition in java.util.regex and overflow the stack on a long hostile value.

  /** Whether {@code value} matches the grammar of a valid {@link #REF_NAME} value. */
  public static boolean isValidRefName(String value) {
    int i = 0;
    int n = value.length();
    while (true) {
      // component ::= alphanum (separator alphanum)*
      if (i >= n || !alphanum(value.charAt(i))) {
        return false;
      }
      while (i < n && alphanum(value.charAt(i))) {
        i++;
      }
      while (i < n && value.charAt(i) != '/') {
        char c = value.charAt(i);
        if (c == '-' && i + 1 < n && value.charAt(i + 1) == '-') {
          i += 2;
        } else if (c == '-' || c == '.' || c == '_' || c == ':' || c == '@' || c == '+') {
          i++;
        } else {
          return false;
        }
        if (i >= n || !alphanum(value.charAt(i))) {
          return false;
        }
        while (i < n && alphanum(value.charAt(i))) {
          i++;
        }
      }
      if (i == n) {
        return true;
      }
      i++; // the '/' between components
    }
  }

  private static boolean alphanum(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  }
}
