package dev.ocikit.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Rfc3339Test {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2015-10-31T22:22:56.015925234Z",
        "2015-10-31T22:22:56Z",
        "2015-10-31t22:22:56z",
        "2015-10-31T22:22:56.1+05:30",
        "0001-01-01T00:00:00Z",
        "1970-01-01T00:00:00-00:00"
      })
  void acceptsRfc3339DateTimes(String value) {
    assertThat(Rfc3339.isValid(value)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2015-10-31 22:22:56Z",
        "2015-10-31T22:22:56",
        "2015-13-31T22:22:56Z",
        "2015-02-30T22:22:56Z",
        "2015-10-31T22:22:56.0123456789Z",
        "2015-10-31T22:22:56+0100",
        "15-10-31T22:22:56Z",
        ""
      })
  void rejectsWhatIsNotRfc3339(String value) {
    assertThat(Rfc3339.isValid(value)).isFalse();
    assertThatThrownBy(() -> Rfc3339.parse(value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(value);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2015-10-31T22:22:56.015925234Z",
        "2015-10-31T22:22:56Z",
        "2015-10-31T22:22:56.5+01:00",
        "2015-10-31T22:22:56.12-08:00"
      })
  void formattingGivesBackGoStyleRfc3339Nano(String value) {
    assertThat(Rfc3339.format(Rfc3339.parse(value))).isEqualTo(value);
  }

  @ParameterizedTest
  @ValueSource(strings = {"2015-10-31T22:22:56.500000000Z"})
  void trailingZerosOfTheFractionAreDropped(String value) {
    assertThat(Rfc3339.format(Rfc3339.parse(value))).isEqualTo("2015-10-31T22:22:56.5Z");
    assertThat(Rfc3339.parse(value))
        .isEqualTo(OffsetDateTime.of(2015, 10, 31, 22, 22, 56, 500_000_000, ZoneOffset.UTC));
  }
}
