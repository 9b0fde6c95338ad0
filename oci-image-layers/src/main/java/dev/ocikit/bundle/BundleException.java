package dev.ocikit.bundle;

import java.io.IOException;

/**
 * An image that cannot become a runtime bundle as it is: a config a Linux bundle cannot be made
 * from (another {@code os}, an artifact rather than an image, a malformed {@code Env} entry), a
 * {@code Config.User} that does not resolve (image-spec conversion.md: "the converter MUST return
 * an error"), or a produced {@code config.json} the runtime-spec schema rejects. The image's
 * content is at fault, not the caller's arguments.
 */
public class BundleException extends IOException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what is wrong, naming the value at fault
   */
  public BundleException(String message) {
    super(message);
  }

  /**
   * @param message what is wrong, naming the value at fault
   * @param cause the underlying failure
   */
  public BundleException(String message, Throwable cause) {
    super(message, cause);
  }
}
