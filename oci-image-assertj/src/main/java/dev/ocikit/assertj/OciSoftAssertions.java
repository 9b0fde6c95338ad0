package dev.ocikit.assertj;

import java.util.Objects;
import java.util.function.Consumer;
import org.assertj.core.api.AbstractSoftAssertions;
import org.assertj.core.api.SoftAssertionsProvider;

/**
 * Soft assertions on images: every failure is collected, and {@link #assertAll()} reports them
 * together. The assertions reached from {@link #assertThat(ImageUnderTest)} through {@link
 * ImageAssert#file(String)}, {@link ImageAssert#config()} and {@link ImageAssert#layer(int)} are
 * soft too.
 *
 * <pre>{@code
 * OciSoftAssertions softly = new OciSoftAssertions();
 * softly.assertThat(image).hasFile("/etc/motd");
 * softly.assertThat(image).config().hasUser("1000");
 * softly.assertAll();
 * }</pre>
 *
 * With JUnit 5, AssertJ's {@code SoftAssertionsExtension} injects it into a field or parameter
 * annotated {@code @InjectSoftAssertions} and calls {@link #assertAll()} after each test. To
 * collect image failures into soft assertions of another kind (AssertJ's {@code SoftAssertions},
 * say), use {@link #assertThat(SoftAssertionsProvider, ImageUnderTest)}.
 *
 * <p>Soft assertions are AssertJ's: proxies of the assert classes that AssertJ generates with Byte
 * Buddy. On the class path (how build tools run tests by default) nothing more is needed. Tests
 * that run as a named module on the module path need, as for any custom assertions of another
 * module with AssertJ 3.27, {@code --add-modules net.bytebuddy --add-reads
 * org.assertj.core=dev.ocikit.assertj --add-exports
 * org.assertj.core/org.assertj.core.api.recursive.assertion=dev.ocikit.assertj} (this module opens
 * its package to AssertJ for the rest); the hard assertions of {@link OciAssertions} need nothing.
 */
public class OciSoftAssertions extends AbstractSoftAssertions {

  /** Soft assertions with no failure collected yet. */
  public OciSoftAssertions() {}

  /** Soft assertions on {@code image}. */
  public ImageAssert assertThat(ImageUnderTest image) {
    return assertThat(this, image);
  }

  /**
   * Soft assertions on {@code image} whose failures {@code softly} collects, for any kind of soft
   * assertions: {@code OciSoftAssertions.assertThat(softly, image).hasFile("/etc/motd")} with
   * AssertJ's {@code SoftAssertions softly}.
   */
  public static ImageAssert assertThat(SoftAssertionsProvider softly, ImageUnderTest image) {
    Objects.requireNonNull(softly, "softly");
    ImageAssert proxy = softly.proxy(ImageAssert.class, ImageUnderTest.class, image);
    proxy.softly = softly;
    return proxy;
  }

  /**
   * Runs {@code assertions} with new soft assertions, then {@link #assertAll()}: fails with every
   * failure collected.
   */
  public static void assertSoftly(Consumer<OciSoftAssertions> assertions) {
    SoftAssertionsProvider.assertSoftly(OciSoftAssertions.class, assertions);
  }
}
