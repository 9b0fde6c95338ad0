package dev.ocikit.assertj;

import dev.ocikit.model.ImageConfig;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import org.assertj.core.api.AbstractAssert;
import org.jspecify.annotations.Nullable;

/**
 * Assertions on an image's execution parameters, the {@code config} object of its image config
 * (config.md, "Properties"): {@link ImageAssert#config()}. An image config without {@code config}
 * has none of them: no entrypoint, no cmd, no environment.
 */
public class ImageConfigAssert extends AbstractAssert<ImageConfigAssert, ImageUnderTest> {

  /**
   * Assertions on the config of {@code actual}; {@link ImageAssert#config()} is the usual way in
   * (this constructor is public for AssertJ's soft assertion proxies).
   */
  public ImageConfigAssert(@Nullable ImageUnderTest actual) {
    super(actual, ImageConfigAssert.class);
  }

  /** Verifies that {@code Entrypoint} is exactly {@code expected} (none for an empty list). */
  public ImageConfigAssert hasEntrypoint(String... expected) {
    return hasList("entrypoint", config().entrypoint(), expected);
  }

  /** Verifies that {@code Cmd} is exactly {@code expected} (none for an empty list). */
  public ImageConfigAssert hasCmd(String... expected) {
    return hasList("cmd", config().cmd(), expected);
  }

  /**
   * Verifies that the environment variable {@code name} has {@code value}: the last {@code
   * name=value} entry of {@code Env}, as a process environment built from the list has it.
   */
  public ImageConfigAssert hasEnv(String name, String value) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    ImageConfig.Config config = config();
    Optional<String> found = config.envValue(name);
    if (!found.equals(Optional.of(value))) {
      fail(
          expecting()
              + " to have env "
              + name
              + "="
              + show(value)
              + " but "
              + (found.isPresent()
                  ? "was " + show(found.get())
                  : "it has no variable " + name + "; its env is " + show(config.env())));
    }
    return myself;
  }

  /** Verifies that the environment variable {@code name} is set, to any value. */
  public ImageConfigAssert hasEnvVar(String name) {
    Objects.requireNonNull(name, "name");
    ImageConfig.Config config = config();
    if (config.envValue(name).isEmpty()) {
      fail(
          expecting()
              + " to have env variable "
              + name
              + " but it has none; its env is "
              + show(config.env()));
    }
    return myself;
  }

  /** Verifies that {@code WorkingDir} is {@code expected}. */
  public ImageConfigAssert hasWorkingDir(String expected) {
    return hasValue("working dir", config().workingDir(), expected);
  }

  /** Verifies that {@code User} is {@code expected} ({@code user}, {@code uid:gid}, ...). */
  public ImageConfigAssert hasUser(String expected) {
    return hasValue("user", config().user(), expected);
  }

  /** Verifies that {@code StopSignal} is {@code expected}, e.g. {@code SIGINT}. */
  public ImageConfigAssert hasStopSignal(String expected) {
    return hasValue("stop signal", config().stopSignal(), expected);
  }

  /** Verifies that {@code Labels} has {@code key} with {@code value}. */
  public ImageConfigAssert hasLabel(String key, String value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    ImageConfig.Config config = config();
    String found = config.labels().get(key);
    if (!value.equals(found)) {
      fail(
          expecting()
              + " to have label "
              + show(key)
              + " = "
              + show(value)
              + " but "
              + (found == null
                  ? "it has no such label; its labels are " + show(config.labels())
                  : "was " + show(found)));
    }
    return myself;
  }

  /**
   * Verifies that {@code ExposedPorts} has {@code port}: {@code port/protocol} or {@code port}
   * (TCP, as config.md defaults it), e.g. {@code 8080/tcp}, {@code 53/udp}, {@code 8080}; compared
   * with the protocol defaulted and in lower case.
   */
  public ImageConfigAssert exposesPort(String port) {
    Objects.requireNonNull(port, "port");
    ImageConfig.Config config = config();
    String wanted = normalizePort(port);
    if (config.exposedPorts().stream()
        .map(ImageConfigAssert::normalizePort)
        .noneMatch(wanted::equals)) {
      fail(
          expecting()
              + " to expose port "
              + show(wanted)
              + " but it exposes "
              + show(List.copyOf(new TreeSet<>(config.exposedPorts()))));
    }
    return myself;
  }

  /** Verifies that {@code Volumes} has {@code path}. */
  public ImageConfigAssert hasVolume(String path) {
    Objects.requireNonNull(path, "path");
    ImageConfig.Config config = config();
    if (!config.volumes().contains(path)) {
      fail(
          expecting()
              + " to have volume "
              + show(path)
              + " but its volumes are "
              + show(List.copyOf(new TreeSet<>(config.volumes()))));
    }
    return myself;
  }

  private ImageConfigAssert hasList(String what, List<String> found, String[] expected) {
    Objects.requireNonNull(expected, what);
    List<String> wanted = Arrays.asList(expected);
    if (!found.equals(wanted)) {
      fail(expecting() + " to have " + what + " " + show(wanted) + " but was " + show(found));
    }
    return myself;
  }

  private ImageConfigAssert hasValue(String what, @Nullable String found, String expected) {
    Objects.requireNonNull(expected, what);
    if (!expected.equals(found)) {
      fail(
          expecting()
              + " to have "
              + what
              + " "
              + show(expected)
              + " but "
              + (found == null ? "it has none" : "was " + show(found)));
    }
    return myself;
  }

  private ImageConfig.Config config() {
    isNotNull();
    return actual.config().configOrEmpty();
  }

  private static String normalizePort(String port) {
    String p = port.trim().toLowerCase(Locale.ROOT);
    return p.contains("/") ? p : p + "/tcp";
  }

  private String expecting() {
    return "Expecting config of image " + actual;
  }

  private String show(Object value) {
    return Texts.show(info.representation(), value);
  }

  private void fail(String message) {
    failWithMessage(Texts.literal(message));
  }
}
