package dev.ocikit.layout;

import dev.ocikit.blob.BlobSource;
import dev.ocikit.digest.Digest;
import dev.ocikit.json.Parsed;
import dev.ocikit.model.Descriptor;
import dev.ocikit.model.Index;
import dev.ocikit.model.Platform;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An image layout to read, in whatever form it is stored (<a
 * href="https://github.com/opencontainers/image-spec/blob/main/image-layout.md">image-layout.md</a>):
 * a directory ({@link OciLayout}), or the same packed as a tar. Its blobs are read verified, and
 * its {@code index.json} leads to the images, resolved by ref name or digest and by platform.
 */
public interface ImageLayout extends BlobSource, java.io.Closeable {

  /** Releases what reading holds (an archive's open file); a directory holds nothing. */
  @Override
  default void close() throws IOException {}

  /** Where the layout is: its directory, or its tar file. */
  Path location();

  /** Its {@code index.json}, with the exact bytes. */
  Parsed<Index> index() throws IOException;

  /** Whether it holds the blob {@code digest}. */
  boolean contains(Digest digest);

  /**
   * A descriptor of a blob known only by its digest: its size as stored and the media type its
   * content declares (a manifest unless it says otherwise or lists {@code manifests}).
   */
  Descriptor describe(Digest digest) throws IOException;

  /** The ref names in {@code index.json}, in order, each once. */
  default List<String> refs() throws IOException {
    return Resolver.refs(this);
  }

  /**
   * Resolves a reference to one image manifest: {@code ref} is a ref name of {@code index.json} or
   * a digest; indexes on the way are resolved by {@code platform} with the model's {@link
   * dev.ocikit.model.PlatformMatcher} (the first best match, as image-index.md says; a manifest
   * listed without a platform takes its config's). With a null platform a single image is taken
   * whatever its platform, and among several the JVM's platform is wanted.
   *
   * @throws LayoutException if nothing has that name or digest, or no image fits the platform; the
   *     message lists what there is
   */
  default ImageRef resolve(String ref, @Nullable Platform platform) throws IOException {
    return Resolver.resolve(this, ref, platform);
  }

  /**
   * Resolves the layout's only image, as a command without {@code --ref} does: the one ref name, or
   * the one entry of {@code index.json}.
   *
   * @throws LayoutException if there is not exactly one, listing the refs
   */
  default ImageRef resolveOnly(@Nullable Platform platform) throws IOException {
    return Resolver.resolveOnly(this, platform);
  }

  /** Every image manifest reachable from {@code index.json}, depth first, in index order. */
  default List<ImageRef> images() throws IOException {
    return Resolver.images(this);
  }

  /**
   * The artifacts among {@link #images()}: manifests with an {@code artifactType} or a config that
   * is not an image config (manifest.md, "Guidelines for Artifact Usage").
   */
  default List<ImageRef> artifacts() throws IOException {
    return images().stream().filter(i -> i.manifest().value().isArtifact()).toList();
  }

  /**
   * The manifests reachable from {@code index.json} whose {@code subject} is {@code subject} (the
   * artifacts that refer to it: signatures, SBOMs, ...), each descriptor carrying its artifact
   * type.
   */
  default List<Descriptor> referrers(Digest subject) throws IOException {
    return Resolver.referrers(this, subject);
  }
}
