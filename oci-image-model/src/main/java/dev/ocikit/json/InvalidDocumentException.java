package dev.ocikit.json;

import java.io.IOException;

/**
 * A document that is not well-formed JSON, or whose JSON does not have the shape of the model type
 * it is read as. It names the place at fault as a JSON Pointer (RFC 6901; {@code ""} is the whole
 * document) and what was expected there.
 */
public final class InvalidDocumentException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String pointer;
  private final String reason;

  /**
   * @param pointer the JSON Pointer of the value at fault, {@code ""} for the whole document
   * @param reason what was expected and what was found
   */
  public InvalidDocumentException(String pointer, String reason) {
    super((pointer.isEmpty() ? "(document)" : pointer) + ": " + reason);
    this.pointer = pointer;
    this.reason = reason;
  }

  /**
   * @param pointer the JSON Pointer of the value at fault
   * @param reason what was expected and what was found
   * @param cause the underlying parser error
   */
  public InvalidDocumentException(String pointer, String reason, Throwable cause) {
    this(pointer, reason);
    initCause(cause);
  }

  /** The JSON Pointer of the value at fault; {@code ""} is the whole document. */
  public String pointer() {
    return pointer;
  }

  /** What was expected and what was found, without the pointer. */
  public String reason() {
    return reason;
  }
}
