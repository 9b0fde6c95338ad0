package dev.ocikit.view;

import java.util.regex.PatternSyntaxException;

/** Glob patterns as {@link java.nio.file.FileSystem#getPathMatcher(String)} defines them. */
final class Globs {
  private Globs() {}

  private static final String SPECIAL = "\\^$.|?*+()[]{}";

  static String toRegex(String glob) {
    StringBuilder regex = new StringBuilder("^");
    boolean inGroup = false;
    int i = 0;
    while (i < glob.length()) {
      char c = glob.charAt(i++);
      switch (c) {
        case '\\' -> {
          if (i == glob.length()) {
            throw new PatternSyntaxException("No character to escape", glob, i - 1);
          }
          char next = glob.charAt(i++);
          if (SPECIAL.indexOf(next) >= 0) {
            regex.append('\\');
          }
          regex.append(next);
        }
        case '/' -> regex.append(c);
        case '[' -> {
          regex.append("[[^/]&&[");
          if (i < glob.length() && glob.charAt(i) == '^') {
            regex.append("\\^");
            i++;
          } else {
            if (i < glob.length() && glob.charAt(i) == '!') {
              regex.append('^');
              i++;
            }
            if (i < glob.length() && glob.charAt(i) == '-') {
              regex.append('-');
              i++;
            }
          }
          boolean closed = false;
          while (i < glob.length()) {
            c = glob.charAt(i++);
            if (c == ']') {
              closed = true;
              break;
            }
            if (c == '/') {
              throw new PatternSyntaxException("Explicit 'name separator' in class", glob, i - 1);
            }
            if (c == '\\' || c == '[' || (c == '&' && i < glob.length() && glob.charAt(i) == '&')) {
              regex.append('\\');
            }
            regex.append(c);
          }
          if (!closed) {
            throw new PatternSyntaxException("Missing ']", glob, i - 1);
          }
          regex.append("]]");
        }
        case '{' -> {
          if (inGroup) {
            throw new PatternSyntaxException("Cannot nest groups", glob, i - 1);
          }
          regex.append("(?:(?:");
          inGroup = true;
        }
        case '}' -> {
          if (inGroup) {
            regex.append("))");
            inGroup = false;
          } else {
            regex.append('}');
          }
        }
        case ',' -> regex.append(inGroup ? ")|(?:" : ",");
        case '*' -> {
          if (i < glob.length() && glob.charAt(i) == '*') {
            regex.append(".*");
            i++;
          } else {
            regex.append("[^/]*");
          }
        }
        case '?' -> regex.append("[^/]");
        default -> {
          if (SPECIAL.indexOf(c) >= 0) {
            regex.append('\\');
          }
          regex.append(c);
        }
      }
    }
    if (inGroup) {
      throw new PatternSyntaxException("Missing '}", glob, i - 1);
    }
    return regex.append('$').toString();
  }
}
