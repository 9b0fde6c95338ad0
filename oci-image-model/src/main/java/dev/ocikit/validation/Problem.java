package dev.ocikit.validation;

import java.util.Objects;

/**
 * One thing wrong with a document: where (a JSON Pointer, RFC 6901; {@code ""} is the whole
 * document), what (expected and found), and how bad ({@link Severity#ERROR} for a violated MUST or
 * schema rule, {@link Severity#WARNING} for a SHOULD).
 *
 * @param pointer the JSON Pointer of the value at fault
 * @param message what was expected and what was found
 * @param severity error or warning
 */
public record Problem(String pointer, String message, Severity severity) {

  /** How bad a problem is. */
  public enum Severity {
    /** The document breaks a MUST of the spec or its schema: it is invalid. */
    ERROR,
    /** The document goes against a SHOULD: it is valid, but not as portable as it could be. */
    WARNING
  }

  /** Checks for nulls. */
  public Problem {
    Objects.requireNonNull(pointer, "pointer");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(severity, "severity");
  }

  /** An error at {@code pointer}. */
  public static Problem error(String pointer, String message) {
    return new Problem(pointer, message, Severity.ERROR);
  }

  /** A warning at {@code pointer}. */
  public static Problem warning(String pointer, String message) {
    return new Problem(pointer, message, Severity.WARNING);
  }

  /** Whether this problem makes the document invalid. */
  public boolean isError() {
    return severity == Severity.ERROR;
  }

  /** {@code pointer: message}, with {@code (document)} for the root and a prefix for warnings. */
  @Override
  public String toString() {
    return (severity == Severity.WARNING ? "warning: " : "")
        + (pointer.isEmpty() ? "(document)" : pointer)
        + ": "
        + message;
  }
}
