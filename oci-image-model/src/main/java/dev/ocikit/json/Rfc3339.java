package dev.ocikit.json;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Timestamps as <a href="https://tools.ietf.org/html/rfc3339#section-5.6">RFC 3339, section 5.6</a>
 * defines {@code date-time}, the format of the config's {@code created} fields and the {@code
 * org.opencontainers.image.created} annotation.
 *
 * <p>Parsing keeps nanoseconds and the offset. Formatting writes the fraction with trailing zeros
 * removed and {@code Z} for UTC, as Go's {@code time.RFC3339Nano} does, so that timestamps written
 * by ocikit look like those of the reference implementation.
 */
public final class Rfc3339 {
  private Rfc3339() {}

  // full-date "T" full-time, time-offset = "Z" / time-numoffset; T and Z may be lower case.
  private static final Pattern SYNTAX =
      Pattern.compile(
          "[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?"
              + "([Zz]|[+-][0-9]{2}:[0-9]{2})");

  private static final DateTimeFormatter PARSER =
      new DateTimeFormatterBuilder()
          .appendValue(ChronoField.YEAR, 4)
          .appendLiteral('-')
          .appendValue(ChronoField.MONTH_OF_YEAR, 2)
          .appendLiteral('-')
          .appendValue(ChronoField.DAY_OF_MONTH, 2)
          .appendLiteral('T')
          .appendValue(ChronoField.HOUR_OF_DAY, 2)
          .appendLiteral(':')
          .appendValue(ChronoField.MINUTE_OF_HOUR, 2)
          .appendLiteral(':')
          .appendValue(ChronoField.SECOND_OF_MINUTE, 2)
          .optionalStart()
          .appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true)
          .optionalEnd()
          .appendOffset("+HH:MM", "Z")
          .toFormatter(Locale.ROOT)
          .withResolverStyle(ResolverStyle.STRICT)
          .withChronology(java.time.chrono.IsoChronology.INSTANCE);

  private static final DateTimeFormatter FORMATTER =
      new DateTimeFormatterBuilder()
          .appendValue(ChronoField.YEAR, 4)
          .appendLiteral('-')
          .appendValue(ChronoField.MONTH_OF_YEAR, 2)
          .appendLiteral('-')
          .appendValue(ChronoField.DAY_OF_MONTH, 2)
          .appendLiteral('T')
          .appendValue(ChronoField.HOUR_OF_DAY, 2)
          .appendLiteral(':')
          .appendValue(ChronoField.MINUTE_OF_HOUR, 2)
          .appendLiteral(':')
          .appendValue(ChronoField.SECOND_OF_MINUTE, 2)
          .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
          .appendOffset("+HH:MM", "Z")
          .toFormatter(Locale.ROOT);

  /**
   * Parses an RFC 3339 {@code date-time}.
   *
   * @throws IllegalArgumentException if {@code value} is not one, saying why
   */
  public static OffsetDateTime parse(String value) {
    if (value.length() > 64 || !SYNTAX.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "\""
              + shorten(value)
              + "\" is not an RFC 3339 date-time (expected e.g. 2015-10-31T22:22:56.015925234Z)");
    }
    String fraction = value.contains(".") ? value.substring(value.indexOf('.') + 1) : "";
    int digits = 0;
    while (digits < fraction.length() && Character.isDigit(fraction.charAt(digits))) {
      digits++;
    }
    if (digits > 9) {
      throw new IllegalArgumentException(
          "\"" + shorten(value) + "\" has more than 9 digits of fractional seconds");
    }
    try {
      return OffsetDateTime.parse(value.toUpperCase(Locale.ROOT), PARSER);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "\"" + shorten(value) + "\" is not a valid RFC 3339 date-time: " + e.getMessage(), e);
    }
  }

  /** Whether {@code value} is an RFC 3339 {@code date-time}. */
  public static boolean isValid(String value) {
    try {
      parse(value);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Formats as RFC 3339 with nanoseconds, trailing zeros of the fraction removed, UTC as Z. */
  public static String format(OffsetDateTime value) {
    return FORMATTER.format(value);
  }

  private static String shorten(String value) {
    return value.length() > 64 ? value.substring(0, 61) + "..." : value;
  }
}
