package dev.ocikit.cli;

/** Makes text from untrusted input safe to print on one terminal line. */
final class Text {
  private Text() {}

  /**
   * {@code s} with control characters (including ESC, so no terminal escape sequences from a
   * hostile document reach the terminal) and line breaks shown as {@code \\uXXXX}.
   */
  static String oneLine(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20
          || c == 0x7f
          || (c >= 0x80 && c < 0xa0)
          || c == '\u2028'
          || c == '\u2029'
          || (c >= '\u202a' && c <= '\u202e')
          || (c >= '\u2066' && c <= '\u2069')) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
