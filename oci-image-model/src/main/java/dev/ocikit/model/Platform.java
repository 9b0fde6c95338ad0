package dev.ocikit.model;

import dev.ocikit.internal.Values;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The platform an image runs on (<a
 * href="https://github.com/opencontainers/image-spec/blob/main/image-index.md#image-index-property-descriptions">image-index.md,
 * {@code platform}</a>): architecture and os are REQUIRED; {@code os.version}, {@code os.features},
 * {@code variant} are OPTIONAL; {@code features} is RESERVED.
 *
 * <p>{@link #parse(String)} reads the {@code os/arch[/variant]} notation and {@link #normalize()}
 * maps the common aliases (x86_64, aarch64, armhf, ...) to the names the spec's Go values use, as
 * containerd's platform normalisation does.
 *
 * @param architecture the CPU architecture, a {@code GOARCH} value such as {@code amd64}
 * @param os the operating system, a {@code GOOS} value such as {@code linux}
 * @param osVersion the version of the operating system, or null
 * @param osFeatures mandatory OS features, e.g. {@code win32k}
 * @param variant the CPU variant, e.g. {@code v7} for arm, or null
 * @param features reserved for future versions of the spec
 * @param unknownProperties properties this version of ocikit does not know, kept for round trips
 */
public record Platform(
    String architecture,
    String os,
    @Nullable String osVersion,
    List<String> osFeatures,
    @Nullable String variant,
    List<String> features,
    Map<String, JsonNode> unknownProperties) {

  static final Set<String> KNOWN =
      Set.of("architecture", "os", "os.version", "os.features", "variant", "features");

  /** Validates the required fields and copies collections. */
  public Platform {
    Objects.requireNonNull(architecture, "architecture");
    Objects.requireNonNull(os, "os");
    osFeatures = Values.list(osFeatures, "os.features");
    features = Values.list(features, "features");
    unknownProperties = Values.unknown(unknownProperties);
    Values.checkUnknownDoesNotShadow(unknownProperties, KNOWN);
  }

  /** A platform of {@code os} and {@code architecture} only. */
  public static Platform of(String os, String architecture) {
    return new Platform(architecture, os, null, List.of(), null, List.of(), Map.of());
  }

  /** A platform of {@code os}, {@code architecture} and {@code variant}. */
  public static Platform of(String os, String architecture, @Nullable String variant) {
    return new Platform(architecture, os, null, List.of(), variant, List.of(), Map.of());
  }

  /**
   * Parses {@code os/arch[/variant]} (e.g. {@code linux/arm64}, {@code linux/arm/v7}), optionally
   * with the OS version in parentheses ({@code windows(10.0.17763)/amd64}), and {@link #normalize()
   * normalises} the result.
   *
   * @throws IllegalArgumentException if {@code value} is not in that form
   */
  public static Platform parse(String value) {
    Objects.requireNonNull(value, "value");
    String[] parts = value.split("/", -1);
    if (parts.length < 2 || parts.length > 3) {
      throw new IllegalArgumentException(
          "invalid platform \"" + value + "\": expected os/arch or os/arch/variant");
    }
    String os = parts[0];
    String osVersion = null;
    int paren = os.indexOf('(');
    if (paren >= 0) {
      if (!os.endsWith(")") || paren == 0) {
        throw new IllegalArgumentException(
            "invalid platform \"" + value + "\": expected os(version) before the first '/'");
      }
      osVersion = os.substring(paren + 1, os.length() - 1);
      os = os.substring(0, paren);
      if (osVersion.isEmpty()) {
        throw new IllegalArgumentException(
            "invalid platform \"" + value + "\": the OS version in parentheses is empty");
      }
    }
    for (int i = 0; i < parts.length; i++) {
      String part = i == 0 ? os : parts[i];
      if (!part.matches("[A-Za-z0-9_.-]+")) {
        throw new IllegalArgumentException(
            "invalid platform \""
                + value
                + "\": component "
                + (i + 1)
                + " (\""
                + part
                + "\") must be non-empty and of letters, digits, '_', '.' or '-'");
      }
    }
    String variant = parts.length == 3 ? parts[2] : null;
    return new Platform(parts[1], os, osVersion, List.of(), variant, List.of(), Map.of())
        .normalize();
  }

  /**
   * The platform of the running JVM, normalised (e.g. {@code linux/amd64}, {@code linux/arm64/v8}).
   */
  public static Platform host() {
    String os = System.getProperty("os.name", "linux").toLowerCase(Locale.ROOT);
    if (os.startsWith("windows")) {
      os = "windows";
    } else if (os.startsWith("mac") || os.startsWith("darwin")) {
      os = "darwin";
    } else if (os.contains("freebsd")) {
      os = "freebsd";
    } else if (os.startsWith("linux")) {
      os = "linux";
    }
    String arch = System.getProperty("os.arch", "amd64");
    return new Platform(arch, os, null, List.of(), null, List.of(), Map.of()).normalize();
  }

  /**
   * This platform with the names normalised as containerd does: lower case; {@code x86_64} and
   * {@code x86-64} become {@code amd64} (variant {@code v1} dropped, being the default); {@code
   * i386} becomes {@code 386}; {@code aarch64} becomes {@code arm64}, whose variant is {@code v8}
   * when absent ({@code 8} and {@code v8.0} too); {@code armhf} becomes {@code arm/v7}, {@code
   * armel} {@code arm/v6}, and {@code arm} without a variant {@code arm/v7}; {@code macos} becomes
   * {@code darwin}.
   */
  public Platform normalize() {
    String os = this.os.toLowerCase(Locale.ROOT);
    if (os.equals("macos")) {
      os = "darwin";
    }
    String arch = architecture.toLowerCase(Locale.ROOT);
    String variant = this.variant == null ? "" : this.variant.toLowerCase(Locale.ROOT);
    switch (arch) {
      case "i386", "i486", "i586", "i686", "x86", "386" -> {
        arch = "386";
        variant = "";
      }
      case "x86_64", "x86-64", "amd64" -> {
        arch = "amd64";
        if (variant.equals("v1")) {
          variant = "";
        }
      }
      case "aarch64", "arm64" -> {
        arch = "arm64";
        switch (variant) {
          case "", "8", "v8", "v8.0" -> variant = "v8";
          case "9", "9.0", "v9.0" -> variant = "v9";
          default -> {
            if (variant.matches("[0-9].*")) {
              variant = "v" + variant;
            }
          }
        }
      }
      case "armhf" -> {
        arch = "arm";
        variant = "v7";
      }
      case "armel" -> {
        arch = "arm";
        variant = "v6";
      }
      case "arm" -> {
        switch (variant) {
          case "", "7" -> variant = "v7";
          case "5", "6", "8" -> variant = "v" + variant;
          default -> {}
        }
      }
      default -> {}
    }
    return new Platform(
        arch,
        os,
        osVersion,
        osFeatures,
        variant.isEmpty() ? null : variant,
        features,
        unknownProperties);
  }

  /** This platform with another variant (null for none). */
  public Platform withVariant(@Nullable String variant) {
    return new Platform(
        architecture, os, osVersion, osFeatures, variant, features, unknownProperties);
  }

  /** This platform with another OS version (null for none). */
  public Platform withOsVersion(@Nullable String osVersion) {
    return new Platform(
        architecture, os, osVersion, osFeatures, variant, features, unknownProperties);
  }

  /** This platform with other required OS features. */
  public Platform withOsFeatures(List<String> osFeatures) {
    return new Platform(
        architecture, os, osVersion, osFeatures, variant, features, unknownProperties);
  }

  @Override
  public Map<String, JsonNode> unknownProperties() {
    return Values.unknownView(unknownProperties);
  }

  /** {@code os/arch[/variant]}, with {@code (os.version)} after the os when set. */
  @Override
  public String toString() {
    List<String> parts = new ArrayList<>(3);
    parts.add(osVersion == null ? os : os + "(" + osVersion + ")");
    parts.add(architecture);
    if (variant != null && !variant.isEmpty()) {
      parts.add(variant);
    }
    return String.join("/", parts);
  }
}
