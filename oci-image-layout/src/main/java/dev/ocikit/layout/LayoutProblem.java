package dev.ocikit.layout;

import dev.ocikit.validation.Problem;
import java.util.Objects;

/**
 * One thing wrong with an image layout, as {@link LayoutChecker} reports it: the file at fault (a
 * path relative to the layout, e.g. {@code index.json} or {@code blobs/sha256/<encoded>}), the JSON
 * Pointer inside it when the fault is in a document ({@code ""} otherwise), and what was expected
 * and found.
 *
 * @param file the file at fault, relative to the layout
 * @param pointer the JSON Pointer of the value at fault, {@code ""} for the whole file
 * @param message what was expected and what was found
 * @param severity error (a MUST is broken) or warning (a SHOULD)
 */
public record LayoutProblem(
    String file, String pointer, String message, Problem.Severity severity) {

  /** Checks for nulls. */
  public LayoutProblem {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(pointer, "pointer");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(severity, "severity");
  }

  static LayoutProblem error(String file, String message) {
    return new LayoutProblem(file, "", message, Problem.Severity.ERROR);
  }

  static LayoutProblem warning(String file, String message) {
    return new LayoutProblem(file, "", message, Problem.Severity.WARNING);
  }

  static LayoutProblem of(String file, Problem p) {
    return new LayoutProblem(file, p.pointer(), p.message(), p.severity());
  }

  /** Whether this problem makes the layout invalid. */
  public boolean isError() {
    return severity == Problem.Severity.ERROR;
  }

  /** {@code file[: pointer]: message}, prefixed {@code warning: } for warnings. */
  @Override
  public String toString() {
    return (isError() ? "" : "warning: ")
        + file
        + (pointer.isEmpty() ? "" : ": " + pointer)
        + ": "
        + message;
  }
}
