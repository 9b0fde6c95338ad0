package dev.ocikit.assertj;

import dev.ocikit.digest.Digest;
import dev.ocikit.layout.ImageLayout;
import dev.ocikit.layout.ImageLayouts;
import dev.ocikit.layout.ImageRef;
import dev.ocikit.model.ImageConfig;
import dev.ocikit.model.Platform;
import dev.ocikit.view.ImageView;
import dev.ocikit.view.ViewOptions;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.Cleaner;
import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An image of an image layout, as the assertions see it: the layout, the resolved image manifest,
 * its config, and (opened on first use) a read-only {@link ImageView} of its merged filesystem.
 *
 * <p>It holds resources: the layout when it was opened here (an archive's open file) and the view
 * (which may index every layer, and spill to temporary files). Close it when the test is done, best
 * with try-with-resources:
 *
 * <pre>{@code
 * try (ImageUnderTest image = ImageUnderTest.of(layoutDir, "app")) {
 *   assertThat(image).hasFile("/app/app.jar");
 * }
 * }</pre>
 *
 * An instance that is never closed (as with {@link OciAssertions#assertThatImage(Path, String)})
 * releases them once it is no longer reachable, through a {@link Cleaner}; temporary files may stay
 * until then. Thread-safe.
 */
public final class ImageUnderTest implements Closeable {
  private static final Cleaner CLEANER = Cleaner.create();

  private final ImageLayout layout;
  private final ImageRef image;
  private final String name;
  private final Resources resources;
  private final Cleaner.Cleanable cleanable;
  private @Nullable ImageConfig config;

  private ImageUnderTest(
      ImageLayout layout,
      ImageRef image,
      @Nullable String givenRef,
      boolean ownsLayout,
      ViewOptions options) {
    this.layout = layout;
    this.image = image;
    this.name = name(image, givenRef);
    this.resources = new Resources(ownsLayout ? layout : null, layout, image, options);
    this.cleanable = CLEANER.register(this, resources);
  }

  /**
   * The image {@code ref} of the layout at {@code layout} (a directory, an {@code oci-archive} tar
   * or a {@code docker save} tar, as {@link ImageLayouts#open(Path)} reads them): a ref name of its
   * {@code index.json}, or a digest. Through an index, the image of the JVM's platform is taken, or
   * the only one.
   *
   * @throws IOException if the layout cannot be opened, or has no such image ({@link
   *     dev.ocikit.layout.LayoutException}, listing what it has)
   */
  public static ImageUnderTest of(Path layout, String ref) throws IOException {
    return open(layout, ref, null);
  }

  /**
   * The image {@code ref} of the layout at {@code layout} for {@code platform}, as {@link
   * ImageLayout#resolve(String, Platform)} chooses it from an index.
   *
   * @throws IOException if the layout cannot be opened, or has no such image for that platform
   */
  public static ImageUnderTest of(Path layout, String ref, Platform platform) throws IOException {
    return open(layout, ref, Objects.requireNonNull(platform, "platform"));
  }

  /**
   * The image {@code image} of {@code layout}, which stays open when this is closed: the caller
   * closes it.
   */
  public static ImageUnderTest of(ImageLayout layout, ImageRef image) {
    return of(layout, image, ViewOptions.DEFAULT);
  }

  /**
   * The image {@code image} of {@code layout}, whose view is built with {@code options} (where the
   * spill cache goes, the limits per layer); {@code layout} stays open when this is closed.
   */
  public static ImageUnderTest of(ImageLayout layout, ImageRef image, ViewOptions options) {
    return new ImageUnderTest(
        Objects.requireNonNull(layout, "layout"),
        Objects.requireNonNull(image, "image"),
        null,
        false,
        Objects.requireNonNull(options, "options"));
  }

  private static ImageUnderTest open(Path path, String ref, @Nullable Platform platform)
      throws IOException {
    Objects.requireNonNull(path, "layout");
    Objects.requireNonNull(ref, "ref");
    ImageLayout layout = ImageLayouts.open(path);
    try {
      return new ImageUnderTest(
          layout, layout.resolve(ref, platform), ref, true, ViewOptions.DEFAULT);
    } catch (IOException | RuntimeException | Error e) {
      try {
        layout.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** The layout. */
  public ImageLayout layout() {
    return layout;
  }

  /** The image manifest, with how it was reached. */
  public ImageRef image() {
    return image;
  }

  /** The digest of the image manifest. */
  public Digest digest() {
    return image.descriptor().digest();
  }

  /**
   * How failure messages name the image: its ref name and the start of its manifest digest, e.g.
   * {@code app@sha256:3f9a0c1d2e4b…}; the digest alone for an image without a ref name.
   */
  public String name() {
    return name;
  }

  /**
   * The image config, read from the layout on first use.
   *
   * @throws UncheckedIOException if it cannot be read
   */
  public synchronized ImageConfig config() {
    if (config == null) {
      try {
        config = layout.readConfig(image.manifest().value().config()).value();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the config of image " + name, e);
      }
    }
    return config;
  }

  /**
   * The merged read-only view of the image's filesystem, opened on first use and closed with this.
   *
   * @throws UncheckedIOException if it cannot be opened (a layer blob is missing or corrupt)
   * @throws IllegalStateException if this was closed
   */
  public ImageView view() {
    try {
      return resources.view();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the filesystem of image " + name, e);
    }
  }

  /** Closes the view, if it was opened, and the layout, if it was opened here. */
  @Override
  public void close() throws IOException {
    try {
      resources.close();
    } finally {
      cleanable.clean();
    }
  }

  /** {@link #name()}. */
  @Override
  public String toString() {
    return name;
  }

  private static String name(ImageRef image, @Nullable String givenRef) {
    String ref = image.refName();
    if (ref == null && givenRef != null && !Digest.matchesGrammar(givenRef)) {
      ref = givenRef;
    }
    String digest = Texts.shortDigest(image.descriptor().digest());
    return ref == null ? digest : ref + "@" + digest;
  }

  /** What is closed, explicitly or by the cleaner; it must not refer to the image under test. */
  private static final class Resources implements Runnable {
    private final @Nullable ImageLayout owned;
    private final ImageLayout layout;
    private final ImageRef image;
    private final ViewOptions options;
    private @Nullable ImageView view;
    private boolean closed;

    Resources(
        @Nullable ImageLayout owned, ImageLayout layout, ImageRef image, ViewOptions options) {
      this.owned = owned;
      this.layout = layout;
      this.image = image;
      this.options = options;
    }

    synchronized ImageView view() throws IOException {
      if (closed) {
        throw new IllegalStateException("the image under test was closed");
      }
      if (view == null) {
        view = ImageView.open(layout, image, options);
      }
      return view;
    }

    synchronized void close() throws IOException {
      if (closed) {
        return;
      }
      closed = true;
      ImageView v = view;
      view = null;
      IOException failure = null;
      for (@Nullable Closeable c : new @Nullable Closeable[] {v, owned}) {
        try {
          if (c != null) {
            c.close();
          }
        } catch (IOException e) {
          if (failure == null) {
            failure = e;
          } else {
            failure.addSuppressed(e);
          }
        }
      }
      if (failure != null) {
        throw failure;
      }
    }

    @Override
    public void run() {
      try {
        close();
      } catch (IOException e) {
        // nothing to tell: the image under test is gone
      }
    }
  }
}
