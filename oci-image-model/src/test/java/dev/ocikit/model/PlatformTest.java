package dev.ocikit.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class PlatformTest {

  static Stream<Arguments> parsed() {
    // input, os, architecture, variant (null for none), os.version (null for none)
    return Stream.of(
        Arguments.of("linux/amd64", "linux", "amd64", null, null),
        Arguments.of("linux/arm64", "linux", "arm64", "v8", null),
        Arguments.of("linux/arm64/v8", "linux", "arm64", "v8", null),
        Arguments.of("linux/arm/v7", "linux", "arm", "v7", null),
        Arguments.of("linux/arm", "linux", "arm", "v7", null),
        Arguments.of("linux/arm/v6", "linux", "arm", "v6", null),
        Arguments.of("windows(10.0.17763)/amd64", "windows", "amd64", null, "10.0.17763"),
        Arguments.of("windows(10.0.17763.1234)/amd64", "windows", "amd64", null, "10.0.17763.1234"),
        Arguments.of("linux/ppc64le", "linux", "ppc64le", null, null),
        Arguments.of("linux/riscv64/rva20u64", "linux", "riscv64", "rva20u64", null),
        Arguments.of("unknown/unknown", "unknown", "unknown", null, null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("parsed")
  void parsesOsArchVariantNotation(
      String input, String os, String architecture, String variant, String osVersion) {
    Platform platform = Platform.parse(input);

    assertThat(platform.os()).isEqualTo(os);
    assertThat(platform.architecture()).isEqualTo(architecture);
    assertThat(platform.variant()).isEqualTo(variant);
    assertThat(platform.osVersion()).isEqualTo(osVersion);
    assertThat(platform.osFeatures()).isEmpty();
    assertThat(platform.features()).isEmpty();
    assertThat(platform.unknownProperties()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "linux",
        "linux//amd64",
        "a/b/c/d",
        "",
        "/amd64",
        "linux/",
        "linux/arm64/",
        "linux/amd 64",
        "windows()/amd64",
        "(10.0)/amd64",
        "windows(10.0/amd64",
        "linux/amd64\n"
      })
  void invalidNotationIsRejectedNamingTheInput(String input) {
    assertThatThrownBy(() -> Platform.parse(input))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"" + input + "\"");
  }

  static Stream<Arguments> normalised() {
    // os, architecture, variant before; expected os/arch[/variant] after
    return Stream.of(
        Arguments.of("linux", "x86_64", null, "linux/amd64"),
        Arguments.of("linux", "x86-64", null, "linux/amd64"),
        Arguments.of("linux", "aarch64", null, "linux/arm64/v8"),
        Arguments.of("linux", "aarch64", "8", "linux/arm64/v8"),
        Arguments.of("linux", "arm64", "v8.0", "linux/arm64/v8"),
        Arguments.of("linux", "arm64", "9", "linux/arm64/v9"),
        Arguments.of("linux", "armhf", null, "linux/arm/v7"),
        Arguments.of("linux", "armel", null, "linux/arm/v6"),
        Arguments.of("linux", "arm", "7", "linux/arm/v7"),
        Arguments.of("linux", "arm", "6", "linux/arm/v6"),
        Arguments.of("linux", "i386", null, "linux/386"),
        Arguments.of("linux", "i686", null, "linux/386"),
        Arguments.of("linux", "amd64", "v1", "linux/amd64"),
        Arguments.of("linux", "amd64", "v3", "linux/amd64/v3"),
        Arguments.of("Linux", "AMD64", null, "linux/amd64"),
        Arguments.of("LINUX", "ARM", "V7", "linux/arm/v7"),
        Arguments.of("macos", "arm64", null, "darwin/arm64/v8"),
        Arguments.of("darwin", "amd64", null, "darwin/amd64"),
        Arguments.of("linux", "s390x", null, "linux/s390x"),
        Arguments.of("linux", "ppc64le", "power9", "linux/ppc64le/power9"));
  }

  @ParameterizedTest(name = "{0}/{1}/{2} -> {3}")
  @MethodSource("normalised")
  void normalizeMapsAliasesToGoNames(String os, String arch, String variant, String expected) {
    Platform normalized = Platform.of(os, arch, variant).normalize();

    assertThat(normalized).hasToString(expected);
    assertThat(normalized).isEqualTo(Platform.parse(expected));
    assertThat(normalized.normalize()).as("normalize is idempotent").isEqualTo(normalized);
  }

  @Test
  void amd64V1DropsTheVariantEntirely() {
    Platform platform = Platform.of("linux", "amd64", "v1").normalize();

    assertThat(platform.variant()).isNull();
    assertThat(platform).isEqualTo(Platform.of("linux", "amd64"));
  }

  @Test
  void parseNormalisesAliases() {
    assertThat(Platform.parse("linux/x86_64")).isEqualTo(Platform.of("linux", "amd64"));
    assertThat(Platform.parse("linux/aarch64")).isEqualTo(Platform.of("linux", "arm64", "v8"));
    assertThat(Platform.parse("linux/armhf")).isEqualTo(Platform.of("linux", "arm", "v7"));
    assertThat(Platform.parse("Linux/ARM64")).isEqualTo(Platform.parse("linux/arm64/v8"));
  }

  @Test
  void normalizeKeepsOsVersionAndOsFeatures() {
    Platform platform =
        new Platform(
            "X86_64", "Windows", "10.0.17763.1234", List.of("win32k"), null, List.of(), Map.of());

    Platform normalized = platform.normalize();

    assertThat(normalized.os()).isEqualTo("windows");
    assertThat(normalized.architecture()).isEqualTo("amd64");
    assertThat(normalized.osVersion()).isEqualTo("10.0.17763.1234");
    assertThat(normalized.osFeatures()).containsExactly("win32k");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "linux/amd64",
        "linux/arm64/v8",
        "linux/arm/v7",
        "linux/arm/v5",
        "linux/386",
        "linux/amd64/v2",
        "windows(10.0.17763)/amd64",
        "windows(10.0.20348.2340)/arm64/v8",
        "freebsd/riscv64"
      })
  void toStringRoundTripsThroughParse(String notation) {
    Platform platform = Platform.parse(notation);

    assertThat(platform).hasToString(notation);
    assertThat(Platform.parse(platform.toString())).isEqualTo(platform);
  }

  @Test
  void toStringOfAbbreviatedInputIsTheNormalisedForm() {
    assertThat(Platform.parse("linux/arm64")).hasToString("linux/arm64/v8");
    assertThat(Platform.parse("linux/arm")).hasToString("linux/arm/v7");
  }

  @Test
  void recordRequiresArchitectureAndOsAndCopiesCollections() {
    List<String> features = new ArrayList<>(List.of("win32k"));
    Platform platform = new Platform("amd64", "windows", null, features, null, List.of(), Map.of());
    features.add("other");

    assertThat(platform.osFeatures()).containsExactly("win32k");
    assertThatThrownBy(() -> platform.osFeatures().add("x"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> Platform.of("linux", null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> Platform.of(null, "amd64")).isInstanceOf(NullPointerException.class);
  }

  @Test
  void withMethodsReturnChangedCopies() {
    Platform base = Platform.of("windows", "amd64");

    Platform changed =
        base.withVariant("v2").withOsVersion("10.0.17763").withOsFeatures(List.of("win32k"));

    assertThat(changed).hasToString("windows(10.0.17763)/amd64/v2");
    assertThat(changed.osFeatures()).containsExactly("win32k");
    assertThat(base).hasToString("windows/amd64");
    assertThat(base.osFeatures()).isEmpty();
  }

  @Test
  void hostIsNormalised() {
    Platform host = Platform.host();

    assertThat(host.normalize()).isEqualTo(host);
    assertThat(host.os()).isNotEmpty().isLowerCase();
    if (System.getProperty("os.name").startsWith("Linux")) {
      assertThat(host.os()).isEqualTo("linux");
    }
    if (System.getProperty("os.arch").equals("amd64")) {
      assertThat(host.architecture()).isEqualTo("amd64");
    }
  }
}
