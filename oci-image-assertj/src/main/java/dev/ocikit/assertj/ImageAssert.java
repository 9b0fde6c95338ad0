package dev.ocikit.assertj;

import dev.ocikit.layout.ImageLayout;
import dev.ocikit.layout.LayoutChecker;
import dev.ocikit.layout.LayoutProblem;
import dev.ocikit.layout.OciLayout;
import dev.ocikit.model.Descriptor;
import dev.ocikit.model.Manifest;
import dev.ocikit.model.Platform;
import dev.ocikit.view.LayerInfo;
import dev.ocikit.view.ViewEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.assertj.core.api.AbstractAssert;
import org.assertj.core.api.SoftAssertionsProvider;
import org.jspecify.annotations.Nullable;

/**
 * Assertions on an image of a layout: the paths of its merged filesystem, its config, platform,
 * annotations and layers, size budgets, and the layout's validity. Get one with {@link
 * OciAssertions#assertThat(ImageUnderTest)}, or softly with {@link
 * OciSoftAssertions#assertThat(ImageUnderTest)}.
 *
 * <p>Paths are paths of the image's root filesystem after all its layers are applied (whiteouts
 * included), absolute or taken from the root: {@code "/etc/motd"} and {@code "etc/motd"} are the
 * same. Failure messages name the image ({@link ImageUnderTest#name()}), the path, and what was
 * found instead; {@link #describedAs(String, Object...) describedAs} prefixes them as usual.
 *
 * <p>The filesystem assertions open the image's {@link ImageUnderTest#view() view} on first use
 * (reading every layer once); the config, platform, annotation and size assertions read only
 * documents.
 */
public class ImageAssert extends AbstractAssert<ImageAssert, ImageUnderTest> {

  /** The soft assertions this is a proxy of, whose proxies the navigation methods return. */
  @Nullable SoftAssertionsProvider softly;

  /**
   * Assertions on {@code actual}; {@link OciAssertions#assertThat(ImageUnderTest)} is the usual way
   * in (this constructor is public for AssertJ's soft assertion proxies).
   */
  public ImageAssert(@Nullable ImageUnderTest actual) {
    super(actual, ImageAssert.class);
  }

  /**
   * Verifies that {@code path} is a regular file, following symbolic links inside the image (a link
   * to a regular file passes).
   */
  public ImageAssert hasFile(String path) {
    return hasResolved(path, ViewEntry.Type.FILE, "a regular file");
  }

  /** Verifies that {@code path} is a directory, following symbolic links inside the image. */
  public ImageAssert hasDirectory(String path) {
    return hasResolved(path, ViewEntry.Type.DIRECTORY, "a directory");
  }

  /**
   * Verifies that there is an entry at {@code path}, whatever its type (a symbolic link is not
   * followed, so a dangling one passes).
   */
  public ImageAssert hasEntry(String path) {
    isNotNull();
    String p = Texts.normalize(path);
    if (Lookups.entry(actual, p).isEmpty()) {
      fail(
          "Expecting image "
              + actual
              + " to have an entry at "
              + show(p)
              + " but "
              + Lookups.missing(info.representation(), actual, p));
    }
    return myself;
  }

  /**
   * Verifies that there is no entry at all at {@code path}: never added, or deleted by a whiteout
   * (a dangling symbolic link is an entry). The same as {@link #hasNoEntry(String)}.
   */
  public ImageAssert doesNotHaveFile(String path) {
    return hasNoEntry(path);
  }

  /**
   * Verifies that there is no entry at all at {@code path}: never added, or deleted by a whiteout
   * (a dangling symbolic link is an entry).
   */
  public ImageAssert hasNoEntry(String path) {
    isNotNull();
    String p = Texts.normalize(path);
    Optional<ViewEntry> entry = Lookups.entry(actual, p);
    if (entry.isPresent()) {
      fail(
          "Expecting image "
              + actual
              + " to have no entry at "
              + show(p)
              + " but it has "
              + Lookups.describe(info.representation(), entry.get())
              + " there, last written by layer "
              + entry.get().layer());
    }
    return myself;
  }

  /**
   * Verifies that {@code path} is a symbolic link whose target is exactly {@code target} (as
   * stored: relative or absolute).
   */
  public ImageAssert hasSymlink(String path, String target) {
    isNotNull();
    Objects.requireNonNull(target, "target");
    String p = Texts.normalize(path);
    Optional<ViewEntry> entry = Lookups.entry(actual, p);
    if (entry.isEmpty()
        || entry.get().type() != ViewEntry.Type.SYMLINK
        || !target.equals(entry.get().linkTarget())) {
      fail(
          "Expecting image "
              + actual
              + " to have a symlink "
              + show(p)
              + " to "
              + show(target)
              + " but "
              + Lookups.found(info.representation(), actual, p));
    }
    return myself;
  }

  /**
   * Assertions on {@code path} of the image's filesystem; they fail, not this call, when there is
   * nothing there.
   */
  public ImageFileAssert file(String path) {
    isNotNull();
    ImageFile file = new ImageFile(actual, path);
    ImageFileAssert nested =
        softly == null
            ? new ImageFileAssert(file)
            : softly.proxy(ImageFileAssert.class, ImageFile.class, file);
    return inherit(nested);
  }

  /** Assertions on the image's execution parameters ({@code config} of its image config). */
  public ImageConfigAssert config() {
    isNotNull();
    ImageConfigAssert nested =
        softly == null
            ? new ImageConfigAssert(actual)
            : softly.proxy(ImageConfigAssert.class, ImageUnderTest.class, actual);
    return inherit(nested);
  }

  /**
   * Assertions on the layer {@code index} of the image (0 for the base layer); they fail, not this
   * call, when the image has no such layer.
   */
  public LayerAssert layer(int index) {
    isNotNull();
    ImageLayer layer = new ImageLayer(actual, index);
    LayerAssert nested =
        softly == null
            ? new LayerAssert(layer)
            : softly.proxy(LayerAssert.class, ImageLayer.class, layer);
    return inherit(nested);
  }

  /**
   * Verifies the platform of the image config, given as {@code os/arch[/variant]} (e.g. {@code
   * linux/arm64}): both are normalized ({@link Platform#normalize()}, so {@code linux/aarch64} is
   * {@code linux/arm64/v8}) and compared by OS, architecture and variant, and by OS version when
   * {@code platform} has one ({@code windows(10.0.17763)/amd64}).
   *
   * @throws IllegalArgumentException if {@code platform} is not in that form
   */
  public ImageAssert hasPlatform(String platform) {
    isNotNull();
    Platform expected = Platform.parse(platform);
    Platform found = actual.config().platform();
    Platform normalized = found.normalize();
    boolean same =
        expected.os().equals(normalized.os())
            && expected.architecture().equals(normalized.architecture())
            && Objects.equals(expected.variant(), normalized.variant())
            && (expected.osVersion() == null
                || expected.osVersion().equals(normalized.osVersion()));
    if (!same) {
      fail("Expecting image " + actual + " to have platform " + platform + " but was " + found);
    }
    return myself;
  }

  /** Verifies that the image manifest has the annotation {@code key} with {@code value}. */
  public ImageAssert hasAnnotation(String key, String value) {
    isNotNull();
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    Map<String, String> annotations = manifest().annotations();
    String found = annotations.get(key);
    if (!value.equals(found)) {
      fail(
          "Expecting image "
              + actual
              + " to have annotation "
              + show(key)
              + " = "
              + show(value)
              + " but "
              + (found == null
                  ? "it has no such annotation; its annotations are " + show(annotations)
                  : "was " + show(found)));
    }
    return myself;
  }

  /** Verifies the number of layers of the image manifest. */
  public ImageAssert hasLayerCount(int expected) {
    isNotNull();
    int found = manifest().layers().size();
    if (found != expected) {
      fail(
          "Expecting image "
              + actual
              + " to have "
              + Texts.count(expected, "layer")
              + " but it has "
              + found);
    }
    return myself;
  }

  /**
   * Verifies that the layers of the image, as stored (compressed), take at most {@code bytes} in
   * all: the sum of the sizes of the manifest's layer descriptors.
   */
  public ImageAssert hasTotalCompressedSizeAtMost(long bytes) {
    isNotNull();
    long total = manifest().layers().stream().mapToLong(Descriptor::size).sum();
    if (total > bytes) {
      fail(
          "Expecting image "
              + actual
              + " to have at most "
              + Texts.count(bytes, "byte")
              + " of layers compressed but they have "
              + Texts.count(total, "byte"));
    }
    return myself;
  }

  /**
   * Verifies that the layers of the image, uncompressed (their tars), take at most {@code bytes} in
   * all. Reads every layer (through the view).
   */
  public ImageAssert hasTotalUncompressedSizeAtMost(long bytes) {
    isNotNull();
    long total = actual.view().layers().stream().mapToLong(LayerInfo::uncompressedSize).sum();
    if (total > bytes) {
      fail(
          "Expecting image "
              + actual
              + " to have at most "
              + Texts.count(bytes, "byte")
              + " of layers uncompressed but they have "
              + Texts.count(total, "byte"));
    }
    return myself;
  }

  /**
   * Verifies that the image's layout passes the deep check of {@link LayoutChecker} (with {@code
   * deep}: every reachable blob's digest and size, every layer's diff_id, every document against
   * the schemas and rules): it has no error. Warnings are allowed, and listed in the message when
   * it fails. The whole layout is checked, not only this image.
   *
   * @throws UncheckedIOException if the layout cannot be read at all
   */
  public ImageAssert isValid() {
    isNotNull();
    ImageLayout layout = actual.layout();
    List<LayoutProblem> problems;
    try {
      problems =
          layout instanceof OciLayout dir
              ? LayoutChecker.check(dir.root(), true)
              : LayoutChecker.check(layout, true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot check the layout of image " + actual, e);
    }
    if (!LayoutChecker.isValid(problems)) {
      long errors = problems.stream().filter(LayoutProblem::isError).count();
      StringBuilder message =
          new StringBuilder("Expecting the layout of image ")
              .append(actual)
              .append(" (")
              .append(layout.location())
              .append(") to be valid but the deep check found ")
              .append(Texts.count(errors, "error"))
              .append(':');
      for (LayoutProblem p : problems) {
        message.append(System.lineSeparator()).append("  - ").append(p);
      }
      fail(message.toString());
    }
    return myself;
  }

  private ImageAssert hasResolved(String path, ViewEntry.Type type, String what) {
    isNotNull();
    String p = Texts.normalize(path);
    Optional<ViewEntry> entry = Lookups.resolve(actual, p);
    if (entry.isEmpty() || entry.get().type() != type) {
      fail(
          "Expecting image "
              + actual
              + " to have "
              + what
              + " at "
              + show(p)
              + " but "
              + Lookups.found(info.representation(), actual, p));
    }
    return myself;
  }

  private Manifest manifest() {
    return actual.image().manifest().value();
  }

  private String show(Object value) {
    return Texts.show(info.representation(), value);
  }

  private void fail(String message) {
    failWithMessage(Texts.literal(message));
  }

  /** Gives {@code nested} this assertion's description and representation. */
  private <A extends AbstractAssert<?, ?>> A inherit(A nested) {
    if (info.hasDescription()) {
      nested.info.description(info.description());
    }
    nested.info.useRepresentation(info.representation());
    return nested;
  }
}
