package dev.ocikit.layout;

import dev.ocikit.blob.BlobNotFoundException;
import dev.ocikit.blob.BlobSource;
import dev.ocikit.digest.Digest;
import dev.ocikit.digest.DigestAlgorithm;
import dev.ocikit.digest.DigestingInputStream;
import dev.ocikit.digest.VerifyingInputStream;
import dev.ocikit.json.InvalidDocumentException;
import dev.ocikit.json.OciJson;
import dev.ocikit.json.Parsed;
import dev.ocikit.model.Annotations;
import dev.ocikit.model.Descriptor;
import dev.ocikit.model.Index;
import dev.ocikit.model.Manifest;
import dev.ocikit.model.MediaType;
import dev.ocikit.model.Platform;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A {@code docker save} tar, read in place and presented as an image layout (<a
 * href="https://github.com/opencontainers/image-spec/blob/main/image-layout.md">image-layout.md</a>)
 * of Docker Image Manifest V2 Schema 2 images, which the image spec's compatibility matrix relates
 * to its own (<a
 * href="https://github.com/opencontainers/image-spec/blob/main/media-types.md#compatibility-matrix">media-types.md,
 * "Compatibility Matrix"</a>).
 *
 * <p>The tar's {@code manifest.json} is a JSON array of {@code {"Config": PATH, "RepoTags": [...],
 * "Layers": [PATH, ...]}}, the paths naming entries of the tar: {@code <hex>.json} and {@code
 * <id>/layer.tar} (often a symbolic link to a layer shared with another image) from older Docker,
 * {@code blobs/sha256/<hex>} from Docker 25 on, whose tars also hold an OCI layout; that layout is
 * ignored here, {@code manifest.json} is what is read. Symbolic and hard links between entries are
 * followed inside the archive, never out of it.
 *
 * <p>Each image becomes a synthesized manifest ({@link MediaType#DOCKER_MANIFEST}, written
 * canonically by {@link OciJson}) whose config is the config entry ({@link
 * MediaType#DOCKER_CONFIG}) and whose layers are the layer entries, typed by their first bytes:
 * {@link MediaType#DOCKER_LAYER_GZIP} for gzip, {@link MediaType#IMAGE_LAYER_ZSTD} for zstd, and
 * {@link MediaType#DOCKER_LAYER_TAR} otherwise. Digests and sizes are those of the entries,
 * computed when the archive is opened by streaming each config and layer once (an entry named
 * {@code blobs/sha256/<hex>} is taken at its name's word there, and checked like every other blob
 * when it is read). The synthesized manifests are served from memory, configs and layers from their
 * entries, all verified as they are read.
 *
 * <p>Ref names: {@link #index()} is a synthesized OCI index with one descriptor per image and
 * RepoTag. Its ref name ({@value Annotations#REF_NAME}) is the RepoTag in Docker's familiar form,
 * as {@code docker images} shows it: {@code docker.io/library/hello:latest} (as skopeo writes it)
 * and {@code hello:latest} (as Docker writes it) both give {@code hello:latest}; {@code
 * docker.io/team/app:1} gives {@code team/app:1}; a name on another registry stays as it is. The
 * descriptor also carries {@value #IMAGE_NAME}, the fully qualified name ({@code
 * docker.io/library/hello:latest}), as containerd writes it. A RepoTag that does not fit the ref
 * grammar of annotations.md gives no ref name, and an image without RepoTags one descriptor without
 * a ref name; either is reached by its manifest digest. {@link #resolve(String, Platform)} also
 * accepts any spelling of a RepoTag that names the same image: {@code hello}, {@code hello:latest},
 * {@code docker.io/library/hello:latest}.
 *
 * <p>Instances are immutable and thread-safe: the reads of all the streams open on one tar are
 * serialised on its file channel, chunk by chunk. Close the archive when done.
 */
public final class DockerArchive implements ImageLayout, Closeable {
  /** The name of the entry that lists the images. */
  public static final String MANIFEST_JSON = "manifest.json";

  /** The annotation containerd puts the fully qualified image name in. */
  public static final String IMAGE_NAME = "io.containerd.image.name";

  private static final String DOCKER_HUB = "docker.io";

  /** A config or layer: an entry of the tar. */
  private record Blob(String name, TarArchiveEntry entry, String mediaType, Digest digest) {}

  private final TarEntries tar;
  private final long documentLimit;
  private final Parsed<Index> index;
  private final Map<Digest, byte[]> manifests;
  private final Map<Digest, Blob> blobs;

  private DockerArchive(
      TarEntries tar,
      long documentLimit,
      Parsed<Index> index,
      Map<Digest, byte[]> manifests,
      Map<Digest, Blob> blobs) {
    this.tar = tar;
    this.documentLimit = documentLimit;
    this.index = index;
    this.manifests = manifests;
    this.blobs = blobs;
  }

  /**
   * Opens a {@code docker save} tar: reads {@code manifest.json} and digests every config and layer
   * it names (one pass over each).
   *
   * @throws LayoutException naming the tar (and the entry at fault) if it is missing, compressed,
   *     not a tar, has no {@code manifest.json} or an invalid one, or names an entry it does not
   *     have
   */
  public static DockerArchive open(Path tar) throws IOException {
    TarEntries entries = TarEntries.open(tar);
    try {
      return read(entries);
    } catch (IOException | RuntimeException e) {
      try {
        entries.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private static DockerArchive read(TarEntries tar) throws IOException {
    TarArchiveEntry listing = tar.regularFile(MANIFEST_JSON);
    if (listing == null) {
      String hint =
          tar.find(OciLayout.OCI_LAYOUT) != null
              ? "; it has an oci-layout: is it an image layout? (read it as an OciArchive)"
              : "";
      throw tar.error(
          MANIFEST_JSON, "missing: not a docker save archive (it has no manifest.json)" + hint);
    }
    JsonNode tree;
    try {
      tree = OciJson.readTree(tar.readAll(MANIFEST_JSON, listing, DEFAULT_DOCUMENT_LIMIT));
    } catch (InvalidDocumentException e) {
      throw tar.error(MANIFEST_JSON, e.getMessage());
    }
    if (!tree.isArray()) {
      throw tar.error(
          MANIFEST_JSON, "expected a JSON array of images, found " + tree.getNodeType());
    }

    Map<TarArchiveEntry, Blob> digested = new IdentityHashMap<>();
    Map<Digest, Blob> blobs = new LinkedHashMap<>();
    Map<Digest, byte[]> manifests = new LinkedHashMap<>();
    Index.Builder index = Index.builder();
    for (int i = 0; i < tree.size(); i++) {
      JsonNode image = tree.get(i);
      String at = "[" + i + "]";
      if (!image.isObject()) {
        throw tar.error(MANIFEST_JSON, at + ": expected an object, found " + image.getNodeType());
      }
      for (Map.Entry<String, JsonNode> property : image.properties()) {
        for (String known : List.of("Config", "RepoTags", "Layers")) {
          if (!property.getKey().equals(known) && property.getKey().equalsIgnoreCase(known)) {
            // Go's encoding/json, with which docker load reads this file, would read it as that.
            throw tar.error(
                MANIFEST_JSON,
                at
                    + "."
                    + property.getKey()
                    + ": differs from \""
                    + known
                    + "\" only in letter case, which docker load (Go's encoding/json) reads as"
                    + " that property; refused");
          }
        }
      }
      String configPath = string(tar, image.get("Config"), at + ".Config");
      Descriptor config = blob(tar, configPath, at + ".Config", true, digested, blobs);

      JsonNode layerPaths = image.get("Layers");
      if (layerPaths == null || !layerPaths.isArray()) {
        throw tar.error(MANIFEST_JSON, at + ".Layers: expected an array of entry names");
      }
      List<Descriptor> layers = new ArrayList<>();
      for (int j = 0; j < layerPaths.size(); j++) {
        String where = at + ".Layers[" + j + "]";
        layers.add(blob(tar, string(tar, layerPaths.get(j), where), where, false, digested, blobs));
      }

      Manifest manifest =
          Manifest.builder()
              .mediaType(MediaType.DOCKER_MANIFEST)
              .config(config)
              .layers(layers)
              .build();
      byte[] bytes = OciJson.toBytes(manifest);
      Descriptor target = Descriptor.of(MediaType.DOCKER_MANIFEST, bytes);
      manifests.putIfAbsent(target.digest(), bytes);

      List<String> repoTags = new ArrayList<>();
      JsonNode tags = image.get("RepoTags");
      if (tags != null && !tags.isNull()) {
        if (!tags.isArray()) {
          throw tar.error(MANIFEST_JSON, at + ".RepoTags: expected an array of names");
        }
        for (int j = 0; j < tags.size(); j++) {
          repoTags.add(string(tar, tags.get(j), at + ".RepoTags[" + j + "]"));
        }
      }
      if (repoTags.isEmpty()) {
        index.addManifest(target);
      }
      for (String repoTag : repoTags) {
        Descriptor.Builder d = target.toBuilder();
        String familiar = familiar(repoTag);
        if (Annotations.isValidRefName(familiar)) {
          d.annotation(Annotations.REF_NAME, familiar);
        }
        String full = qualified(repoTag);
        if (Annotations.isValidRefName(full)) {
          d.annotation(IMAGE_NAME, full);
        }
        index.addManifest(d.build());
      }
    }
    return new DockerArchive(
        tar,
        DEFAULT_DOCUMENT_LIMIT,
        OciJson.serialize(index.build()),
        Map.copyOf(manifests),
        Map.copyOf(blobs));
  }

  private static String string(TarEntries tar, @Nullable JsonNode node, String where)
      throws LayoutException {
    if (node == null || !node.isString()) {
      throw tar.error(
          MANIFEST_JSON,
          where
              + ": expected a string, found "
              + (node == null ? "nothing" : node.getNodeType().toString()));
    }
    return node.stringValue();
  }

  /** The descriptor of the config or layer entry {@code path}, digesting it on first sight. */
  private static Descriptor blob(
      TarEntries tar,
      String path,
      String where,
      boolean config,
      Map<TarArchiveEntry, Blob> digested,
      Map<Digest, Blob> blobs)
      throws IOException {
    String name = TarEntries.normalize(path);
    TarArchiveEntry entry = tar.followLinks(name);
    if (entry == null) {
      throw tar.error(name, "named by manifest.json" + where + ", is not in the archive");
    }
    Blob known = digested.get(entry);
    Digest digest;
    String mediaType;
    if (known != null) {
      mediaType = known.mediaType();
      digest = known.digest();
    } else {
      byte[] head = new byte[4];
      int n;
      Digest named = namedDigest(TarEntries.normalize(entry.getName()));
      try (InputStream raw = tar.stream(entry)) {
        if (named != null) {
          n = raw.readNBytes(head, 0, head.length);
          digest = named;
        } else {
          DigestingInputStream in = new DigestingInputStream(raw, DigestAlgorithm.SHA256);
          n = in.readNBytes(head, 0, head.length);
          in.drain();
          if (in.count() != entry.getSize()) {
            throw tar.error(name, "truncated: " + in.count() + " of " + entry.getSize() + " bytes");
          }
          digest = in.digest();
        }
      }
      mediaType = config ? MediaType.DOCKER_CONFIG : layerType(head, n);
      Blob blob = new Blob(name, entry, mediaType, digest);
      digested.put(entry, blob);
      blobs.putIfAbsent(digest, blob);
    }
    if (config) {
      mediaType = MediaType.DOCKER_CONFIG;
    }
    return Descriptor.of(mediaType, digest, entry.getSize());
  }

  /** The digest an entry named {@code blobs/sha256/<hex>} declares by its name, or null. */
  private static @Nullable Digest namedDigest(String name) {
    String prefix = BlobPaths.BLOBS + "/sha256/";
    if (name.startsWith(prefix)) {
      String value = "sha256:" + name.substring(prefix.length());
      if (Digest.isValid(value)) {
        return Digest.parse(value);
      }
    }
    return null;
  }

  /** The layer media type its first bytes show. */
  private static String layerType(byte[] head, int n) {
    String compression = TarEntries.compression(head, n);
    if ("gzip".equals(compression)) {
      return MediaType.DOCKER_LAYER_GZIP;
    }
    if ("zstd".equals(compression)) {
      return MediaType.IMAGE_LAYER_ZSTD;
    }
    return MediaType.DOCKER_LAYER_TAR;
  }

  // --- names -------------------------------------------------------------------------------------

  /**
   * A RepoTag in Docker's familiar form: without {@code docker.io/} (and {@code library/} after
   * it), e.g. {@code hello:latest} for {@code docker.io/library/hello:latest}.
   */
  static String familiar(String repoTag) {
    String full = qualified(repoTag);
    String hub = DOCKER_HUB + "/";
    if (!full.startsWith(hub)) {
      return full;
    }
    String path = full.substring(hub.length());
    return path.startsWith("library/") && path.indexOf('/', "library/".length()) < 0
        ? path.substring("library/".length())
        : path;
  }

  /**
   * A RepoTag fully qualified as Docker's reference library normalises it: with its registry
   * ({@code docker.io} when the first component does not look like a host: no {@code .} or {@code
   * :} and not {@code localhost}), {@code library/} for a single-component name on Docker Hub, and
   * the tag as written (none is added).
   */
  static String qualified(String repoTag) {
    String name = repoTag;
    int slash = name.indexOf('/');
    String first = slash < 0 ? "" : name.substring(0, slash);
    boolean host =
        slash >= 0 && (first.contains(".") || first.contains(":") || first.equals("localhost"));
    String domain;
    String path;
    if (host) {
      domain = first;
      path = name.substring(slash + 1);
    } else {
      domain = DOCKER_HUB;
      path = name;
    }
    if (domain.equals("index.docker.io")) {
      domain = DOCKER_HUB;
    }
    if (domain.equals(DOCKER_HUB) && path.indexOf('/') < 0) {
      path = "library/" + path;
    }
    return domain + "/" + path;
  }

  /** {@code name} with the tag {@code latest} when it has neither tag nor digest. */
  private static String withDefaultTag(String name) {
    int slash = name.lastIndexOf('/');
    String last = name.substring(slash + 1);
    return last.contains(":") || last.contains("@") ? name : name + ":latest";
  }

  // --- ImageLayout -------------------------------------------------------------------------------

  /** The tar file, absolute. */
  @Override
  public Path location() {
    return tar.path();
  }

  @Override
  public String name() {
    return tar.path().toString();
  }

  @Override
  public long documentLimit() {
    return documentLimit;
  }

  /**
   * This archive read with another limit for metadata documents. The two share the open file:
   * closing either closes both.
   */
  public DockerArchive withDocumentLimit(long bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("the document limit must be positive, found " + bytes);
    }
    return new DockerArchive(tar, bytes, index, manifests, blobs);
  }

  /** The synthesized OCI index: one descriptor per image and RepoTag, in manifest.json order. */
  @Override
  public Parsed<Index> index() {
    return index;
  }

  /** Whether {@code digest} is a synthesized manifest, or a config or layer entry. */
  @Override
  public boolean contains(Digest digest) {
    return manifests.containsKey(digest) || blobs.containsKey(digest);
  }

  /** A descriptor of a manifest, config or layer, typed as the synthesized manifests type it. */
  @Override
  public Descriptor describe(Digest digest) throws IOException {
    byte[] manifest = manifests.get(digest);
    if (manifest != null) {
      return Descriptor.of(MediaType.DOCKER_MANIFEST, digest, manifest.length);
    }
    Blob blob = blobs.get(digest);
    if (blob == null) {
      throw new BlobNotFoundException(digest, name());
    }
    return Descriptor.of(blob.mediaType(), digest, blob.entry().getSize());
  }

  @Override
  public InputStream open(Descriptor descriptor) throws IOException {
    Optional<InputStream> embedded = BlobSource.embedded(descriptor);
    if (embedded.isPresent()) {
      return embedded.get();
    }
    Digest digest = descriptor.digest();
    byte[] manifest = manifests.get(digest);
    if (manifest != null) {
      return new VerifyingInputStream(
          new ByteArrayInputStream(manifest),
          digest,
          descriptor.size(),
          "synthesized manifest " + digest + " of " + tar.path());
    }
    Blob blob = blobs.get(digest);
    if (blob == null) {
      throw new BlobNotFoundException(digest, name());
    }
    return new VerifyingInputStream(
        tar.stream(blob.entry()), digest, descriptor.size(), blob.name() + " in " + tar.path());
  }

  /**
   * Resolves {@code ref} as {@link ImageLayout#resolve(String, Platform)} does, and also by any
   * spelling of a RepoTag: when no ref name is {@code ref}, the image whose fully qualified name
   * ({@value #IMAGE_NAME}) is {@code ref}'s, with the tag {@code latest} when it has none.
   *
   * @throws LayoutException if nothing has that name or digest, or no image fits the platform
   */
  @Override
  public ImageRef resolve(String ref, @Nullable Platform platform) throws IOException {
    boolean named = false;
    for (Descriptor d : index.value().manifests()) {
      named |= d.refName().orElse("").equals(ref);
    }
    if (named || Digest.isValid(ref) && Digest.parse(ref).isVerifiable()) {
      return ImageLayout.super.resolve(ref, platform);
    }
    if (!ref.contains("@")) {
      String wanted = qualified(withDefaultTag(ref));
      for (Descriptor d : index.value().manifests()) {
        if (d.annotation(IMAGE_NAME).orElse("").equals(wanted)) {
          Optional<String> refName = d.refName();
          return refName.isPresent()
              ? ImageLayout.super.resolve(refName.get(), platform)
              : ImageLayout.super.resolve(d.digest().toString(), platform);
        }
      }
    }
    throw LayoutException.notFound(location(), Resolver.noRef(ref, refs()));
  }

  /** Closes the tar file; streams still open on it fail from then on. */
  @Override
  public void close() throws IOException {
    tar.close();
  }

  @Override
  public String toString() {
    return "DockerArchive[" + tar.path() + "]";
  }
}
