package dev.ocikit.bundle;

import java.util.Objects;

/**
 * A user or group name of {@code Config.User} that the image's root filesystem does not define
 * (image-spec conversion.md, "Config.User": "If Config.User does not correspond to a user in the
 * container's context, the converter MUST return an error"). It names the name and the file, inside
 * the root filesystem, that was searched.
 */
public final class UnknownUserException extends BundleException {
  private static final long serialVersionUID = 1L;

  /** Whether a user or a group was not found. */
  public enum Kind {
    /** A user name, looked up in {@code /etc/passwd}. */
    USER,
    /** A group name, looked up in {@code /etc/group}. */
    GROUP
  }

  private final Kind kind;
  private final String name;
  private final String file;

  /**
   * @param kind user or group
   * @param name the name that was not found
   * @param file the file searched, as a path in the container ({@code /etc/passwd})
   * @param why how the search ended: the file has no such entry, is missing, ...
   */
  public UnknownUserException(Kind kind, String name, String file, String why) {
    super(
        "Config.User: "
            + (kind == Kind.USER ? "user" : "group")
            + " \""
            + name
            + "\" is not defined in the image: "
            + why);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.name = Objects.requireNonNull(name, "name");
    this.file = Objects.requireNonNull(file, "file");
  }

  /** Whether a user or a group was not found. */
  public Kind kind() {
    return kind;
  }

  /** The name that was not found. */
  public String name() {
    return name;
  }

  /** The file searched, as a path in the container, e.g. {@code /etc/passwd}. */
  public String file() {
    return file;
  }
}
