package dev.ocikit.assertj;

import dev.ocikit.digest.Digest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.assertj.core.presentation.Representation;

/** How failure messages show what they name. */
final class Texts {
  private Texts() {}

  /** Hex digits of a digest kept in an image's name. */
  static final int DIGEST_DIGITS = 12;

  /** The most characters of a file's content a message shows. */
  static final int CONTENT_CHARS = 2000;

  /** The most items of a list a message shows. */
  static final int LIST_ITEMS = 20;

  /** {@code sha256:3f9a0c1d2e4b…}: the algorithm and the first hex digits. */
  static String shortDigest(Digest digest) {
    String encoded = digest.encoded();
    return digest.algorithm()
        + ":"
        + (encoded.length() > DIGEST_DIGITS
            ? encoded.substring(0, DIGEST_DIGITS) + "\u2026"
            : encoded);
  }

  /** The permission bits of {@code mode} in octal, four digits: {@code 0755}, {@code 4755}. */
  static String octal(int mode) {
    return String.format(Locale.ROOT, "%04o", mode & 07777);
  }

  /**
   * {@code path} as an absolute path of the image: a leading {@code /}, no trailing {@code /}, no
   * empty or {@code .} components. {@code ..} is kept: the view applies it after symbolic links, as
   * a kernel does.
   */
  static String normalize(String path) {
    Objects.requireNonNull(path, "path");
    List<String> parts = new ArrayList<>();
    for (String part : path.split("/")) {
      if (!part.isEmpty() && !part.equals(".")) {
        parts.add(part);
      }
    }
    return "/" + String.join("/", parts);
  }

  /** The directory holding {@code path} (normalized); the root for the root. */
  static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash <= 0 ? "/" : path.substring(0, slash);
  }

  /** Whether {@code ancestor} is {@code path} or a directory above it (both normalized). */
  static boolean isAtOrBelow(String path, String ancestor) {
    return path.equals(ancestor)
        || ancestor.equals("/")
        || (path.startsWith(ancestor) && path.charAt(ancestor.length()) == '/');
  }

  /** {@code value} as the assertion's representation shows it (a string in quotes). */
  static String show(Representation representation, Object value) {
    return representation.toStringOf(value);
  }

  /** {@code content} shown, cut at {@link #CONTENT_CHARS} with how much was left out. */
  static String showContent(Representation representation, String content) {
    if (content.length() <= CONTENT_CHARS) {
      return representation.toStringOf(content);
    }
    return representation.toStringOf(content.substring(0, CONTENT_CHARS))
        + " \u2026 ("
        + (content.length() - CONTENT_CHARS)
        + " more characters)";
  }

  /** {@code items} shown, cut at {@link #LIST_ITEMS} with how many were left out. */
  static String showList(Representation representation, List<?> items) {
    if (items.size() <= LIST_ITEMS) {
      return representation.toStringOf(items);
    }
    return representation.toStringOf(items.subList(0, LIST_ITEMS))
        + " and "
        + (items.size() - LIST_ITEMS)
        + " more";
  }

  /** {@code n} and the noun, singular or plural: {@code 1 layer}, {@code 3 layers}. */
  static String count(long n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }

  /** {@code message} as a format string without arguments: its {@code %} doubled. */
  static String literal(String message) {
    return message.replace("%", "%%");
  }
}
