package dev.ocikit.model;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PlatformMatcherTest {

  private int counter;

  /** A distinct manifest descriptor for the platform {@code notation}. */
  private Descriptor manifest(String notation) {
    return manifest(Platform.parse(notation));
  }

  private Descriptor manifest(Platform platform) {
    byte[] content = ("manifest " + counter++ + " " + platform).getBytes(UTF_8);
    return Descriptor.of(MediaType.IMAGE_MANIFEST, content).withPlatform(platform);
  }

  private Descriptor withoutPlatform() {
    return Descriptor.of(MediaType.IMAGE_MANIFEST, ("no platform " + counter++).getBytes(UTF_8));
  }

  private static PlatformMatcher only(String notation) {
    return PlatformMatcher.only(Platform.parse(notation));
  }

  /** A buildx-style attestation manifest entry: platform unknown/unknown. */
  private Descriptor attestation() {
    return manifest(Platform.of("unknown", "unknown"))
        .withAnnotation("vnd.docker.reference.type", "attestation-manifest");
  }

  @Test
  void linuxAmd64MatchesAmd64And386RankedAfterAmd64() {
    PlatformMatcher matcher = only("linux/amd64");

    assertThat(matcher.matches(Platform.parse("linux/amd64"))).isTrue();
    assertThat(matcher.matches(Platform.parse("linux/386"))).isTrue();
    assertThat(matcher.rank(Platform.parse("linux/amd64"))).hasValue(0);
    assertThat(matcher.rank(Platform.parse("linux/386")).getAsInt())
        .isGreaterThan(matcher.rank(Platform.parse("linux/amd64")).getAsInt());
  }

  @Test
  void linuxAmd64DoesNotMatchOtherArchitecturesOrOperatingSystems() {
    PlatformMatcher matcher = only("linux/amd64");

    assertThat(matcher.matches(Platform.parse("linux/arm64"))).isFalse();
    assertThat(matcher.matches(Platform.parse("linux/arm/v7"))).isFalse();
    assertThat(matcher.matches(Platform.parse("windows/amd64"))).isFalse();
    assertThat(matcher.matches(Platform.parse("linux/amd64/v2")))
        .as("a v1 machine cannot run amd64/v2 code")
        .isFalse();
    assertThat(matcher.rank(Platform.parse("linux/arm64"))).isEmpty();
  }

  @Test
  void candidatesAreNormalisedBeforeMatching() {
    PlatformMatcher matcher = only("linux/amd64");
    Platform raw = new Platform("x86_64", "Linux", null, List.of(), null, List.of(), Map.of());

    assertThat(matcher.rank(raw)).hasValue(0);
    assertThat(matcher.matches(Platform.of("linux", "i386"))).isTrue();
  }

  @Test
  void amd64LevelsFallBackToLowerLevelsThen386() {
    PlatformMatcher matcher = only("linux/amd64/v3");

    assertThat(matcher.preference())
        .containsExactly(
            Platform.parse("linux/amd64/v3"),
            Platform.parse("linux/amd64/v2"),
            Platform.parse("linux/amd64"),
            Platform.parse("linux/386"));
    assertThat(matcher.matches(Platform.parse("linux/amd64/v4"))).isFalse();
  }

  @Test
  void linuxArm64MatchesArm64AndArmV7ToV5ButPrefersArm64() {
    PlatformMatcher matcher = only("linux/arm64");

    for (String candidate :
        List.of("linux/arm64", "linux/arm64/v8", "linux/arm/v7", "linux/arm/v6", "linux/arm/v5")) {
      assertThat(matcher.matches(Platform.parse(candidate))).as(candidate).isTrue();
    }
    assertThat(matcher.rank(Platform.parse("linux/arm64"))).hasValue(0);
    assertThat(matcher.rank(Platform.parse("linux/arm64/v8"))).hasValue(0);
    assertThat(matcher.rank(Platform.parse("linux/arm/v7")).getAsInt()).isPositive();
    assertThat(matcher.matches(Platform.parse("linux/amd64"))).isFalse();
    assertThat(matcher.matches(Platform.parse("linux/arm64/v9"))).isFalse();
  }

  @Test
  void linuxArm64PreferenceFollowsContainerd() {
    // containerd's platformVector: arm64/v8, then arm with variants v8 down to v5.
    assertThat(only("linux/arm64").preference())
        .containsExactly(
            Platform.parse("linux/arm64/v8"),
            Platform.parse("linux/arm/v8"),
            Platform.parse("linux/arm/v7"),
            Platform.parse("linux/arm/v6"),
            Platform.parse("linux/arm/v5"));
    assertThat(PlatformMatcher.only(Platform.of("linux", "aarch64")).wanted())
        .isEqualTo(Platform.parse("linux/arm64/v8"));
  }

  @Test
  void bestPrefersArm64OverArmListedEarlier() {
    Descriptor armV7 = manifest("linux/arm/v7");
    Descriptor arm64 = manifest("linux/arm64/v8");

    assertThat(only("linux/arm64").best(List.of(armV7, arm64))).contains(arm64);
  }

  @Test
  void linuxArmV7MatchesV7V6V5ButNotV8() {
    PlatformMatcher matcher = only("linux/arm/v7");

    assertThat(matcher.rank(Platform.parse("linux/arm/v7"))).hasValue(0);
    assertThat(matcher.rank(Platform.parse("linux/arm/v6"))).hasValue(1);
    assertThat(matcher.rank(Platform.parse("linux/arm/v5"))).hasValue(2);
    assertThat(matcher.matches(Platform.parse("linux/arm/v8"))).isFalse();
    assertThat(matcher.matches(Platform.parse("linux/arm64"))).isFalse();
    assertThat(matcher.matches(Platform.parse("linux/arm"))).as("arm means arm/v7").isTrue();
  }

  @Test
  @DisplayName(
      "If multiple manifests match a client or runtime's requirements, the first matching entry"
          + " SHOULD be used")
  void bestPicksTheFirstListedAmongEquallyRankedDescriptors() {
    Descriptor first = manifest("linux/amd64");
    Descriptor second = manifest("linux/amd64");
    Descriptor i386 = manifest("linux/386");

    assertThat(only("linux/amd64").best(List.of(i386, first, second))).contains(first);
    assertThat(only("linux/amd64").best(List.of(i386, second, first))).contains(second);
  }

  @Test
  void arm64WithAndWithoutVariantAreEquallyRankedSoTheFirstListedWins() {
    Descriptor noVariant =
        manifest(new Platform("arm64", "linux", null, List.of(), null, List.of(), Map.of()));
    Descriptor v8 = manifest("linux/arm64/v8");

    assertThat(only("linux/arm64").best(List.of(noVariant, v8))).contains(noVariant);
    assertThat(only("linux/arm64").best(List.of(v8, noVariant))).contains(v8);
  }

  @Test
  void bestSkipsDescriptorsWithoutPlatform() {
    Descriptor none = withoutPlatform();
    Descriptor amd64 = manifest("linux/amd64");

    assertThat(only("linux/amd64").best(List.of(none, amd64))).contains(amd64);
    assertThat(only("linux/amd64").best(List.of(none))).isEmpty();
    assertThat(only("linux/amd64").best(List.of())).isEmpty();
  }

  @Test
  void bestIsEmptyForAnIndexOfOnlyAttestationEntries() {
    List<Descriptor> attestations = List.of(attestation(), attestation());

    assertThat(only("linux/amd64").best(attestations)).isEmpty();
    assertThat(only("linux/amd64").filter(attestations)).isEmpty();
  }

  @Test
  void bestIgnoresAttestationEntriesBesideImages() {
    Descriptor attestation = attestation();
    Descriptor arm64 = manifest("linux/arm64");
    Descriptor amd64 = manifest("linux/amd64");

    assertThat(only("linux/amd64").best(List.of(attestation, arm64, amd64))).contains(amd64);
    assertThat(only("linux/riscv64").best(List.of(attestation, arm64, amd64))).isEmpty();
  }

  @Test
  @DisplayName(
      "os.features: an array of strings, each specifying a mandatory OS feature - a candidate"
          + " requiring win32k does not run where it is absent")
  void candidateRequiringAnOsFeatureDoesNotMatchAPlatformWithoutIt() {
    Platform nano = Platform.parse("windows/amd64");
    Platform server = Platform.parse("windows/amd64").withOsFeatures(List.of("win32k"));
    Descriptor needsWin32k = manifest(server);
    Descriptor plain = manifest(nano);

    assertThat(PlatformMatcher.only(nano).matches(server)).isFalse();
    assertThat(PlatformMatcher.only(nano).best(List.of(needsWin32k, plain))).contains(plain);
    assertThat(PlatformMatcher.only(nano).best(List.of(needsWin32k))).isEmpty();
    assertThat(PlatformMatcher.only(server).matches(server)).isTrue();
    assertThat(PlatformMatcher.only(server).matches(nano))
        .as("a candidate requiring nothing runs anywhere")
        .isTrue();
    assertThat(PlatformMatcher.only(server).best(List.of(needsWin32k, plain)))
        .contains(needsWin32k);
  }

  @Test
  @DisplayName(
      "os.version: Implementations MAY refuse to use manifests where os.version is not known to"
          + " work with the host OS version - Windows compares major.minor.build")
  void windowsOsVersionComparesMajorMinorBuild() {
    PlatformMatcher matcher = only("windows(10.0.17763.1234)/amd64");

    assertThat(matcher.matches(Platform.parse("windows(10.0.17763.5678)/amd64"))).isTrue();
    assertThat(matcher.matches(Platform.parse("windows(10.0.17763)/amd64"))).isTrue();
    assertThat(matcher.matches(Platform.parse("windows(10.0.20348.2340)/amd64"))).isFalse();
    assertThat(matcher.matches(Platform.parse("windows(10.1.17763.1234)/amd64"))).isFalse();
    assertThat(matcher.matches(Platform.parse("windows/amd64")))
        .as("a candidate without os.version")
        .isTrue();

    Descriptor ltsc2022 = manifest("windows(10.0.20348.2340)/amd64");
    Descriptor ltsc2019 = manifest("windows(10.0.17763.6054)/amd64");
    assertThat(matcher.best(List.of(ltsc2022, ltsc2019))).contains(ltsc2019);
  }

  @Test
  void wantedWithoutOsVersionAcceptsAnyWindowsVersion() {
    PlatformMatcher matcher = only("windows/amd64");

    assertThat(matcher.matches(Platform.parse("windows(10.0.20348.2340)/amd64"))).isTrue();
    assertThat(matcher.matches(Platform.parse("windows(10.0.17763.1)/amd64"))).isTrue();
  }

  @Test
  void filterReturnsMatchesBestFirstStableAmongEquals() {
    Descriptor armV6 = manifest("linux/arm/v6");
    Descriptor arm64a = manifest("linux/arm64");
    Descriptor armV7 = manifest("linux/arm/v7");
    Descriptor amd64 = manifest("linux/amd64");
    Descriptor arm64b = manifest("linux/arm64/v8");
    Descriptor none = withoutPlatform();
    Descriptor attestation = attestation();
    List<Descriptor> index =
        new ArrayList<>(Arrays.asList(armV6, arm64a, attestation, armV7, amd64, arm64b, none));

    List<Descriptor> filtered = only("linux/arm64").filter(index);

    assertThat(filtered).containsExactly(arm64a, arm64b, armV7, armV6);
    assertThat(only("linux/arm64").best(index)).contains(filtered.get(0));
    assertThatThrownBy(() -> filtered.add(amd64)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void wantedIsNormalised() {
    PlatformMatcher matcher = PlatformMatcher.only(Platform.of("Linux", "x86_64"));

    assertThat(matcher.wanted()).isEqualTo(Platform.of("linux", "amd64"));
    assertThat(matcher.preference()).first().isEqualTo(matcher.wanted());
  }

  @Test
  void hostMatcherMatchesTheHostPlatform() {
    PlatformMatcher matcher = PlatformMatcher.host();

    assertThat(matcher.wanted()).isEqualTo(Platform.host());
    assertThat(matcher.matches(Platform.host())).isTrue();
  }
}
