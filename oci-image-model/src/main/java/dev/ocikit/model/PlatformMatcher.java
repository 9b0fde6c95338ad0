package dev.ocikit.model;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Chooses among the manifests of an image index by platform, the way containerd's {@code
 * platforms.Only} does: a wanted platform also runs the platforms it is compatible with, in order
 * of preference (<a
 * href="https://github.com/opencontainers/image-spec/blob/main/image-index.md#image-index-property-descriptions">image-index.md</a>:
 * "If multiple manifests match a client or runtime's requirements, the first matching entry SHOULD
 * be used").
 *
 * <p>The order for a wanted platform, after {@linkplain Platform#normalize() normalisation}:
 *
 * <ul>
 *   <li>{@code amd64} with variant {@code vN}: {@code amd64/vN}, ..., {@code amd64} (v1), then
 *       {@code 386};
 *   <li>{@code arm/vN}: {@code arm/vN} down to {@code arm/v5};
 *   <li>{@code arm64/vN}: {@code arm64/vN}, then {@code arm/vN} down to {@code arm/v5} (as for
 *       containerd, {@code arm64/v8} runs {@code arm/v8} to {@code arm/v5});
 *   <li>anything else: the platform itself.
 * </ul>
 *
 * A candidate matches an entry when os, architecture and variant are equal after normalisation,
 * every {@code os.features} value the candidate requires is among the wanted platform's, and, on
 * Windows when both give one, the {@code os.version} agrees in major.minor.build.
 */
public final class PlatformMatcher {
  private final Platform wanted;
  private final List<Platform> preference;

  private PlatformMatcher(Platform wanted) {
    this.wanted = wanted.normalize();
    this.preference = vector(this.wanted);
  }

  /** A matcher for {@code wanted} and the platforms compatible with it. */
  public static PlatformMatcher only(Platform wanted) {
    return new PlatformMatcher(Objects.requireNonNull(wanted, "wanted"));
  }

  /** A matcher for the platform of the running JVM. */
  public static PlatformMatcher host() {
    return only(Platform.host());
  }

  /** The wanted platform, normalised. */
  public Platform wanted() {
    return wanted;
  }

  /** The platforms this matcher accepts, most preferred first. */
  public List<Platform> preference() {
    return preference;
  }

  /** Whether a candidate platform can run where {@link #wanted()} is wanted. */
  public boolean matches(Platform candidate) {
    return rank(candidate).isPresent();
  }

  /**
   * The position of {@code candidate} in the {@link #preference()} (0 is best), empty when it does
   * not match.
   */
  public OptionalInt rank(Platform candidate) {
    Platform c = candidate.normalize();
    if (!new HashSet<>(wanted.osFeatures()).containsAll(c.osFeatures())) {
      return OptionalInt.empty();
    }
    if (!osVersionMatches(c)) {
      return OptionalInt.empty();
    }
    for (int i = 0; i < preference.size(); i++) {
      Platform p = preference.get(i);
      if (p.os().equals(c.os())
          && p.architecture().equals(c.architecture())
          && Objects.equals(p.variant(), c.variant())) {
        return OptionalInt.of(i);
      }
    }
    return OptionalInt.empty();
  }

  /**
   * The best of {@code descriptors} for the wanted platform: the one with the best rank, the first
   * listed among equals. Descriptors without a {@code platform} are not considered.
   */
  public Optional<Descriptor> best(List<Descriptor> descriptors) {
    Descriptor best = null;
    int bestRank = Integer.MAX_VALUE;
    for (Descriptor d : descriptors) {
      Platform p = d.platform();
      if (p == null) {
        continue;
      }
      OptionalInt r = rank(p);
      if (r.isPresent() && r.getAsInt() < bestRank) {
        best = d;
        bestRank = r.getAsInt();
      }
    }
    return Optional.ofNullable(best);
  }

  /** All of {@code descriptors} that match, best first (stable for equal ranks). */
  public List<Descriptor> filter(List<Descriptor> descriptors) {
    List<Descriptor> matching = new ArrayList<>();
    for (Descriptor d : descriptors) {
      if (d.platform() != null && matches(d.platform())) {
        matching.add(d);
      }
    }
    matching.sort(
        (a, b) ->
            Integer.compare(
                rank(Objects.requireNonNull(a.platform())).getAsInt(),
                rank(Objects.requireNonNull(b.platform())).getAsInt()));
    return List.copyOf(matching);
  }

  private boolean osVersionMatches(Platform c) {
    if (!wanted.os().equals("windows") || wanted.osVersion() == null || c.osVersion() == null) {
      return true;
    }
    return build(wanted.osVersion()).equals(build(c.osVersion()));
  }

  private static String build(String version) {
    String[] parts = version.split("\\.");
    return String.join(".", java.util.Arrays.asList(parts).subList(0, Math.min(3, parts.length)));
  }

  private static List<Platform> vector(Platform p) {
    List<Platform> vector = new ArrayList<>();
    vector.add(p);
    String variant = p.variant() == null ? "" : p.variant();
    switch (p.architecture()) {
      case "amd64" -> {
        int level = version(variant);
        for (int v = level - 1; v >= 1; v--) {
          vector.add(same(p, "amd64", v == 1 ? null : "v" + v));
        }
        vector.add(same(p, "386", null));
      }
      case "arm" -> {
        int level = version(variant);
        for (int v = level - 1; v >= 5; v--) {
          vector.add(same(p, "arm", "v" + v));
        }
      }
      case "arm64" -> {
        int level = version(variant);
        if (level >= 5) {
          for (int v = level; v >= 5; v--) {
            vector.add(same(p, "arm", "v" + v));
          }
        }
      }
      default -> {}
    }
    return List.copyOf(vector);
  }

  private static Platform same(Platform p, String arch, String variant) {
    return new Platform(
        arch, p.os(), p.osVersion(), p.osFeatures(), variant, List.of(), java.util.Map.of());
  }

  private static int version(String variant) {
    if (variant.matches("v[0-9]+")) {
      return Integer.parseInt(variant.substring(1));
    }
    return 0;
  }
}
