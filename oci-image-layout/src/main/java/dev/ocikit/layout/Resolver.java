package dev.ocikit.layout;

import dev.ocikit.digest.Digest;
import dev.ocikit.json.Parsed;
import dev.ocikit.model.Descriptor;
import dev.ocikit.model.Index;
import dev.ocikit.model.Manifest;
import dev.ocikit.model.MediaType;
import dev.ocikit.model.Platform;
import dev.ocikit.model.PlatformMatcher;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** Resolution of refs and digests to images, shared by every form of layout. */
final class Resolver {
  private Resolver() {}

  /** The ref names in {@code index.json}, in order, each once. */
  static List<String> refs(ImageLayout layout) throws IOException {
    List<String> refs = new ArrayList<>();
    for (Descriptor d : layout.index().value().manifests()) {
      d.refName().filter(r -> !refs.contains(r)).ifPresent(refs::add);
    }
    return List.copyOf(refs);
  }

  // --- resolving ---------------------------------------------------------------------------------

  /** How deep nested indexes may go before the layout is taken to be cyclic or hostile. */
  static final int MAX_NESTING = 8;

  /**
   * Resolves a reference to one image manifest: {@code ref} is a ref name of {@code index.json} or
   * a digest; an index on the way is resolved by {@code platform} with {@link PlatformMatcher} (the
   * first best match, as image-index.md says). With a null platform, an index with a single image
   * manifest resolves to it, and otherwise the platform of this JVM is wanted.
   *
   * @throws LayoutException if nothing has that name or digest, or no manifest fits the platform;
   *     the message lists what there is
   */
  static ImageRef resolve(ImageLayout layout, String ref, @Nullable Platform platform)
      throws IOException {
    Objects.requireNonNull(ref, "ref");
    Index index = layout.index().value();
    List<Descriptor> entries = new ArrayList<>();
    String refName = null;
    // A ref name may contain ':' and so read as a digest of an unknown algorithm ("hello:latest"):
    // a ref name in the index wins.
    boolean named = index.manifests().stream().anyMatch(d -> d.refName().orElse("").equals(ref));
    if (!named && Digest.matchesGrammar(ref) && ref.indexOf(':') > 0 && Digest.isValid(ref)) {
      Digest digest = Digest.parse(ref);
      for (Descriptor d : index.manifests()) {
        if (d.digest().equals(digest)) {
          entries.add(d);
          break;
        }
      }
      if (entries.isEmpty()) {
        try {
          entries.add(layout.describe(digest));
        } catch (dev.ocikit.blob.BlobNotFoundException e) {
          throw LayoutException.notFound(
              layout.location(), "no ref or blob " + ref + " (" + e.getMessage() + ")");
        }
      }
    } else {
      for (Descriptor d : index.manifests()) {
        if (d.refName().orElse("").equals(ref)) {
          entries.add(d);
        }
      }
      if (entries.isEmpty()) {
        throw LayoutException.notFound(layout.location(), noRef(ref, refs(layout)));
      }
      refName = ref;
    }
    return choose(layout, refName, entries, platform, "ref \"" + ref + "\"");
  }

  /**
   * Ref names for a message: at most {@value #LISTED} of them, each cut to 100 characters, so that
   * a hostile index cannot make an error message of megabytes.
   */
  /** The reason for an error about {@code ref}, not among a layout's {@code refs}. */
  static String noRef(String ref, List<String> refs) {
    return "no ref \""
        + ref
        + "\"; "
        + (refs.isEmpty() ? "it has no ref names" : "the refs are: " + listed(refs));
  }

  static String listed(List<String> refs) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < Math.min(refs.size(), LISTED); i++) {
      String r = refs.get(i);
      b.append(i == 0 ? "" : ", ").append(r.length() > 100 ? r.substring(0, 100) + "..." : r);
    }
    if (refs.size() > LISTED) {
      b.append(" and ").append(refs.size() - LISTED).append(" more");
    }
    return b.toString();
  }

  private static final int LISTED = 20;

  /**
   * Resolves the layout's only image, as a command without {@code --ref} does: the one ref name, or
   * the one entry of {@code index.json}.
   *
   * @throws LayoutException if there is not exactly one, listing the refs
   */
  static ImageRef resolveOnly(ImageLayout layout, @Nullable Platform platform) throws IOException {
    Index index = layout.index().value();
    List<String> refs = refs(layout);
    if (refs.size() == 1) {
      return resolve(layout, refs.get(0), platform);
    }
    if (refs.isEmpty() && index.manifests().size() == 1) {
      return choose(layout, null, index.manifests(), platform, "the layout's only entry");
    }
    throw LayoutException.notFound(
        layout.location(),
        index.manifests().isEmpty()
            ? "the layout has no images"
            : "the layout has "
                + index.manifests().size()
                + " entries; name one with a ref: "
                + (refs.isEmpty() ? "(none has a ref name)" : listed(refs)));
  }

  /** Every image manifest reachable from {@code index.json}, depth first, in index order. */
  static List<ImageRef> images(ImageLayout layout) throws IOException {
    List<ImageRef> out = new ArrayList<>();
    for (Descriptor d : layout.index().value().manifests()) {
      leaves(layout, d.refName().orElse(null), d, new ArrayList<>(), out);
    }
    return List.copyOf(out);
  }

  /**
   * The manifests reachable from {@code index.json} whose {@code subject} is {@code subject}: the
   * artifacts that refer to it (signatures, SBOMs, ...), each descriptor carrying the artifact's
   * type.
   */
  static List<Descriptor> referrers(ImageLayout layout, Digest subject) throws IOException {
    List<Descriptor> out = new ArrayList<>();
    java.util.Set<Digest> seen = new java.util.HashSet<>();
    for (Descriptor d : layout.index().value().manifests()) {
      referrers(layout, d, subject, 0, seen, out);
    }
    return List.copyOf(out);
  }

  private static void referrers(
      ImageLayout layout,
      Descriptor d,
      Digest subject,
      int depth,
      java.util.Set<Digest> seen,
      List<Descriptor> out)
      throws IOException {
    if (depth > MAX_NESTING
        || !seen.add(d.digest())
        || !layout.contains(d.digest()) && d.data() == null) {
      return;
    }
    if (MediaType.isManifest(d.mediaType())) {
      Manifest m = layout.readManifest(d).value();
      if (m.subject() != null && m.subject().digest().equals(subject)) {
        out.add(
            Descriptor.builder()
                .mediaType(d.mediaType())
                .digest(d.digest())
                .size(d.size())
                .artifactType(m.effectiveArtifactType())
                .annotations(m.annotations())
                .build());
      }
    } else if (MediaType.isIndex(d.mediaType())) {
      Index i = layout.readIndex(d).value();
      if (i.subject() != null && i.subject().digest().equals(subject)) {
        out.add(d.withAnnotations(i.annotations()));
      }
      for (Descriptor child : i.manifests()) {
        referrers(layout, child, subject, depth + 1, seen, out);
      }
    }
  }

  /**
   * The image manifests under {@code d}, depth first. A manifest whose descriptor gives no platform
   * takes the one its image config states, as containerd does.
   */
  private static void leaves(
      ImageLayout layout,
      @Nullable String refName,
      Descriptor d,
      List<Descriptor> path,
      List<ImageRef> out)
      throws IOException {
    if (path.size() > MAX_NESTING) {
      throw new LayoutException(
          layout.location(), "indexes nested more than " + MAX_NESTING + " deep");
    }
    List<Descriptor> here = new ArrayList<>(path);
    here.add(d);
    if (MediaType.isManifest(d.mediaType())) {
      Parsed<Manifest> manifest = layout.readManifest(d);
      Platform platform = d.platform();
      if (platform == null && MediaType.isImageConfig(manifest.value().config().mediaType())) {
        platform = layout.readConfig(manifest.value().config()).value().platform();
      }
      out.add(new ImageRef(refName, d, manifest, platform, here));
    } else if (MediaType.isIndex(d.mediaType())) {
      for (Descriptor child : layout.readIndex(d).value().manifests()) {
        leaves(layout, refName, child, here, out);
      }
    }
  }

  /**
   * The image for {@code platform} among the manifests under {@code entries}: the best match of
   * {@link PlatformMatcher}, the first listed among equals ("If multiple manifests match a client
   * or runtime's requirements, the first matching entry SHOULD be used"). With a null platform, a
   * single image is taken whatever its platform, and among several the JVM's platform is wanted.
   */
  private static ImageRef choose(
      ImageLayout layout,
      @Nullable String refName,
      List<Descriptor> entries,
      @Nullable Platform platform,
      String what)
      throws IOException {
    List<ImageRef> candidates = new ArrayList<>();
    for (Descriptor d : entries) {
      leaves(layout, refName, d, new ArrayList<>(), candidates);
    }
    if (candidates.isEmpty()) {
      throw LayoutException.notFound(layout.location(), what + " leads to no image manifest");
    }
    if (platform == null && candidates.size() == 1) {
      return candidates.get(0);
    }
    PlatformMatcher matcher =
        platform == null ? PlatformMatcher.host() : PlatformMatcher.only(platform);
    ImageRef best = null;
    int bestRank = Integer.MAX_VALUE;
    for (ImageRef c : candidates) {
      if (c.platform() != null) {
        java.util.OptionalInt rank = matcher.rank(c.platform());
        if (rank.isPresent() && rank.getAsInt() < bestRank) {
          best = c;
          bestRank = rank.getAsInt();
        }
      }
    }
    if (best == null) {
      throw LayoutException.notFound(
          layout.location(),
          what
              + " has no image for "
              + matcher.wanted()
              + "; it has: "
              + candidates.stream()
                  .map(c -> c.platform() == null ? "(unknown platform)" : c.platform().toString())
                  .distinct()
                  .collect(java.util.stream.Collectors.joining(", ")));
    }
    return best;
  }
}
