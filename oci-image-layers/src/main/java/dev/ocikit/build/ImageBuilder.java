package dev.ocikit.build;

import dev.ocikit.digest.Digest;
import dev.ocikit.layers.internal.ImageConfigs;
import dev.ocikit.layout.ImageLayout;
import dev.ocikit.layout.ImageRef;
import dev.ocikit.layout.OciLayout;
import dev.ocikit.model.Annotations;
import dev.ocikit.model.Compression;
import dev.ocikit.model.Descriptor;
import dev.ocikit.model.ImageConfig;
import dev.ocikit.model.ImageConfig.History;
import dev.ocikit.model.Manifest;
import dev.ocikit.model.MediaType;
import dev.ocikit.model.Platform;
import dev.ocikit.validation.DocumentType;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Builds one image for one platform into an image layout: its image config (<a
 * href="https://github.com/opencontainers/image-spec/blob/main/config.md">config.md</a>) and its
 * image manifest (<a
 * href="https://github.com/opencontainers/image-spec/blob/main/manifest.md">manifest.md</a>).
 * Layers are made elsewhere and written as blobs first ({@link OciLayout#writeBlob}); the builder
 * takes each as its descriptor and its DiffID, the digest of its uncompressed tar (config.md,
 * "Layer DiffID").
 *
 * <pre>{@code
 * BuiltImage image =
 *     ImageBuilder.from(base, "21-jre", Platform.parse("linux/amd64"))
 *         .addLayer(appLayer, appDiffId)
 *         .entrypoint(List.of("java", "-jar", "/app/app.jar"))
 *         .env("JAVA_TOOL_OPTIONS", "-XX:+UseSerialGC")
 *         .exposedPort("8080")
 *         .created(OffsetDateTime.parse("2026-01-01T00:00:00Z"))
 *         .build(target, "app");
 * }</pre>
 *
 * <p><b>History.</b> The config's {@code history} is kept consistent with its layers, as config.md
 * describes it: the entries that are not {@code empty_layer} correspond one to one, in order, with
 * {@code rootfs.diff_ids}.
 *
 * <ul>
 *   <li>{@link #addLayer(Descriptor, Digest)} appends the entry {@code {"created_by": "ocikit"}}
 *       ({@link #DEFAULT_CREATED_BY}); {@link #addLayer(Descriptor, Digest, History)} appends the
 *       given entry, which must not be marked {@code empty_layer}.
 *   <li>{@link #addHistory(History)} appends an entry that made no layer ({@code empty_layer:
 *       true}, like a Dockerfile {@code ENV}).
 *   <li>Entries added through this builder that have no {@code created} get the time of {@link
 *       #created(OffsetDateTime)}, when it is set, at {@link #build(OciLayout) build}; entries of
 *       the base image are kept as they are.
 *   <li>A base image whose history does not fit its layers is mended first, as BuildKit does: with
 *       fewer layer entries than layers, entries {@code {"comment": "..."}} are appended for the
 *       layers without one ({@link #MISSING_HISTORY_COMMENT}); with more, the surplus layer
 *       entries, from the last layer up, are marked {@code empty_layer}.
 * </ul>
 *
 * <p><b>Defaults.</b> {@code created} is never inherited: without {@link #created(OffsetDateTime)}
 * the config has none, so that the same inputs give the same image digest (reproducible builds;
 * jib's convention is the Unix epoch). Everything else of a base config is kept: platform, author,
 * execution parameters, rootfs, history and properties ocikit does not know. The base manifest's
 * annotations are not inherited (they describe the base); {@code org.opencontainers.image.base.*}
 * are set instead. Docker layer media types of a base image (read from a {@code docker save} tar,
 * say) become their OCI counterparts, the digests unchanged, as media-types.md's compatibility
 * matrix makes them interchangeable. An execution-parameter object left empty is written as absent.
 *
 * <p>Instances are mutable and not thread-safe; {@link #build(OciLayout)} does not change them, so
 * one builder may write the same image into several layouts.
 */
public final class ImageBuilder {

  /** The {@code created_by} of the history entry of a layer added without one. */
  public static final String DEFAULT_CREATED_BY = "ocikit";

  /**
   * The {@code comment} of a history entry added for a base image layer that had none in the base
   * image's history.
   */
  public static final String MISSING_HISTORY_COMMENT =
      "ocikit: the base image had no history entry for this layer";

  private static final Pattern PORT_NUMBER = Pattern.compile("[1-9][0-9]{0,4}");

  /** The base config (or a scratch one): platform, author, unknown properties are taken from it. */
  private final ImageConfig template;

  private final @Nullable ImageLayout base;
  private ImageConfig.Config config;
  private final List<Descriptor> layers = new ArrayList<>();
  private final List<Digest> diffIds = new ArrayList<>();
  private final List<History> history = new ArrayList<>();

  /** History entries before this index come from the base image and are kept as they are. */
  private final int baseHistory;

  private @Nullable OffsetDateTime created;
  private @Nullable String author;
  private final Map<String, String> annotations = new LinkedHashMap<>();

  /** Whether {@code Cmd} is still the base image's, which {@link #entrypoint} then clears. */
  private boolean cmdFromBase;

  private ImageBuilder(
      ImageConfig template,
      @Nullable ImageLayout base,
      List<Descriptor> baseLayers,
      List<History> baseHistory) {
    this.template = template;
    this.base = base;
    this.config = template.configOrEmpty();
    this.author = template.author();
    this.layers.addAll(baseLayers);
    this.diffIds.addAll(template.rootfs().diffIds());
    this.history.addAll(baseHistory);
    this.baseHistory = baseHistory.size();
    this.cmdFromBase = !config.cmd().isEmpty();
  }

  /**
   * A builder of an image with no base: no layers yet, no execution parameters, no history.
   *
   * @param platform the image's platform: its config's {@code architecture}, {@code os}, {@code
   *     os.version}, {@code os.features} and {@code variant}
   */
  public static ImageBuilder scratch(Platform platform) {
    Objects.requireNonNull(platform, "platform");
    Checks.nonEmpty(platform.os(), "platform os");
    Checks.nonEmpty(platform.architecture(), "platform architecture");
    return new ImageBuilder(
        ImageConfig.builder().platform(platform).build(), null, List.of(), List.of());
  }

  /**
   * A builder of an image on top of a base image of {@code base}, resolved as {@link
   * ImageLayout#resolve(String, Platform)} does: by ref name or digest, and through indexes by
   * platform. The new image starts as the base image's config with its layers (their blobs are
   * copied into the target layout at {@link #build(OciLayout)}, so {@code base} must stay open
   * until then), their DiffIDs and its history (mended as the class description says), and with the
   * annotations of annotations.md, "Pre-Defined Annotation Keys":
   *
   * <ul>
   *   <li>{@code org.opencontainers.image.base.digest}: the digest of the base image's manifest for
   *       the platform, the image that shares its layers with the new one;
   *   <li>{@code org.opencontainers.image.base.name}: {@code ref}, when it is a ref name of {@code
   *       base}'s {@code index.json} (not a digest). annotations.md says it SHOULD be a fully
   *       qualified reference ({@code registry.example.com/my-org/my-image:tag}), which a layout's
   *       ref name seldom is: a caller that knows the image's registry name replaces it with {@link
   *       #annotation(String, String)}.
   * </ul>
   *
   * @param base the layout holding the base image
   * @param ref a ref name of {@code base}'s {@code index.json}, or a digest
   * @param platform the platform to resolve indexes with; null takes the only image, or among
   *     several the JVM's platform
   * @throws dev.ocikit.layout.LayoutException if nothing has that name or no image fits the
   *     platform, or the base config does not fit its manifest (rootfs type, DiffID count)
   * @throws IllegalArgumentException if {@code ref} names an artifact rather than an image
   * @throws IOException if the base layout cannot be read
   */
  public static ImageBuilder from(ImageLayout base, String ref, @Nullable Platform platform)
      throws IOException {
    Objects.requireNonNull(base, "base");
    Checks.nonEmpty(ref, "ref");
    return from(base, base.resolve(ref, platform));
  }

  /**
   * A builder of an image on top of {@code image}, a base image of {@code base} that the caller has
   * already resolved; see {@link #from(ImageLayout, String, Platform)}. {@code
   * org.opencontainers.image.base.name} is the ref name {@code image} was reached from, if any.
   *
   * @throws dev.ocikit.layout.LayoutException if the base config does not fit its manifest
   * @throws IllegalArgumentException if {@code image} is an artifact rather than an image
   * @throws IOException if the base layout cannot be read
   */
  public static ImageBuilder from(ImageLayout base, ImageRef image) throws IOException {
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(image, "image");
    String ref = image.refName() != null ? image.refName() : image.descriptor().digest().toString();
    Manifest manifest = image.manifest().value();
    Digest digest = image.descriptor().digest();
    if (!MediaType.isImageConfig(manifest.config().mediaType())) {
      throw new IllegalArgumentException(
          "ref \""
              + ref
              + "\" of "
              + base.name()
              + " is not an image: manifest "
              + digest
              + " has the config media type "
              + manifest.config().mediaType()
              + " (an artifact)");
    }
    ImageConfig config = ImageConfigs.read(base, manifest).value();
    List<Descriptor> layers = new ArrayList<>();
    for (Descriptor layer : manifest.layers()) {
      layers.add(ociLayer(layer));
    }
    ImageBuilder builder =
        new ImageBuilder(
            config, base, layers, mendHistory(config.history(), manifest.layers().size()));
    builder.annotations.put(Annotations.BASE_DIGEST, digest.toString());
    if (image.refName() != null) {
      builder.annotations.put(Annotations.BASE_NAME, image.refName());
    }
    return builder;
  }

  /**
   * {@code history} made to fit {@code layerCount} layers: entries appended for layers without one,
   * or surplus layer entries (from the last up) marked {@code empty_layer}.
   */
  private static List<History> mendHistory(List<History> history, int layerCount) {
    List<History> out = new ArrayList<>(history);
    int layerEntries = (int) history.stream().filter(h -> !h.isEmptyLayer()).count();
    for (int i = out.size() - 1; i >= 0 && layerEntries > layerCount; i--) {
      History h = out.get(i);
      if (!h.isEmptyLayer()) {
        out.set(
            i,
            new History(
                h.created(), h.author(), h.createdBy(), h.comment(), true, h.unknownProperties()));
        layerEntries--;
      }
    }
    for (; layerEntries < layerCount; layerEntries++) {
      out.add(new History(null, null, null, MISSING_HISTORY_COMMENT, null, Map.of()));
    }
    return out;
  }

  /** A Docker layer type as its OCI counterpart; other types as they are. */
  private static Descriptor ociLayer(Descriptor layer) {
    String oci =
        switch (layer.mediaType()) {
          case MediaType.DOCKER_LAYER_GZIP -> MediaType.IMAGE_LAYER_GZIP;
          case MediaType.DOCKER_LAYER_TAR -> MediaType.IMAGE_LAYER;
          case MediaType.DOCKER_FOREIGN_LAYER_GZIP -> MediaType.IMAGE_LAYER_NONDISTRIBUTABLE_GZIP;
          default -> layer.mediaType();
        };
    return oci.equals(layer.mediaType()) ? layer : layer.withMediaType(oci);
  }

  // --- layers and history --------------------------------------------------------------------

  /**
   * Adds a layer on top, with the history entry {@code {"created_by": "ocikit"}} (and {@code
   * created}, when {@link #created(OffsetDateTime)} is set).
   *
   * @param layer the layer blob's descriptor, as {@link OciLayout#writeBlob} returned it: a layer
   *     media type (layer.md; a Docker one becomes its OCI counterpart), its digest and size
   * @param diffId the digest of the layer's uncompressed tar (config.md, "Layer DiffID")
   * @throws IllegalArgumentException if the media type is not an RFC 6838 type or is that of a
   *     manifest, index, config or empty descriptor, or if the layer is uncompressed and {@code
   *     diffId} is not its digest
   */
  public ImageBuilder addLayer(Descriptor layer, Digest diffId) {
    return addLayer(
        layer, diffId, new History(null, null, DEFAULT_CREATED_BY, null, null, Map.of()));
  }

  /**
   * Adds a layer on top with its history entry (config.md, {@code history}), which gets {@code
   * created} from {@link #created(OffsetDateTime)} when it has none.
   *
   * @param layer the layer blob's descriptor (see {@link #addLayer(Descriptor, Digest)})
   * @param diffId the digest of the layer's uncompressed tar
   * @param history what made the layer; must not be marked {@code empty_layer}
   * @throws IllegalArgumentException as {@link #addLayer(Descriptor, Digest)} does, or if {@code
   *     history} is marked {@code empty_layer}: such entries do not correspond to a layer
   */
  public ImageBuilder addLayer(Descriptor layer, Digest diffId, History history) {
    Objects.requireNonNull(layer, "layer");
    Objects.requireNonNull(diffId, "diffId");
    Objects.requireNonNull(history, "history");
    String type = Checks.mediaType(layer.mediaType(), "layer media type");
    if (MediaType.isManifest(type)
        || MediaType.isIndex(type)
        || MediaType.isImageConfig(type)
        || MediaType.EMPTY_JSON.equals(type)) {
      throw new IllegalArgumentException(
          "layer " + layer.digest() + " has media type " + type + ", which is not a layer type");
    }
    if (MediaType.layerCompression(type).orElse(null) == Compression.NONE
        && layer.digest().algorithm().equals(diffId.algorithm())
        && !layer.digest().equals(diffId)) {
      throw new IllegalArgumentException(
          "layer "
              + layer.digest()
              + " is an uncompressed tar, so its DiffID is its digest, not "
              + diffId
              + " (config.md, \"Layer DiffID\")");
    }
    if (history.isEmptyLayer()) {
      throw new IllegalArgumentException(
          "the history entry of a layer must not be marked empty_layer (config.md: empty_layer"
              + " entries do not correspond to a layer); use addHistory for those");
    }
    layers.add(ociLayer(layer));
    diffIds.add(diffId);
    this.history.add(history);
    return this;
  }

  /**
   * Appends a history entry that made no layer, such as a Dockerfile {@code ENV} (config.md, {@code
   * empty_layer}: "set to true if this history item doesn't correspond to an actual layer in the
   * rootfs section"). It gets {@code created} from {@link #created(OffsetDateTime)} when it has
   * none.
   *
   * @param history the entry; it must be marked {@code empty_layer: true} ({@link
   *     History#empty(OffsetDateTime, String)})
   * @throws IllegalArgumentException if it is not marked {@code empty_layer}: entries that are
   *     correspond to layers, and come with {@link #addLayer(Descriptor, Digest, History)}
   */
  public ImageBuilder addHistory(History history) {
    Objects.requireNonNull(history, "history");
    if (!history.isEmptyLayer()) {
      throw new IllegalArgumentException(
          "addHistory takes entries marked empty_layer: true (History.empty(...)); a layer's"
              + " entry comes with addLayer(layer, diffId, history)");
    }
    this.history.add(history);
    return this;
  }

  // --- execution parameters ------------------------------------------------------------------

  /**
   * Sets {@code Entrypoint}, the command run when a container starts (config.md, {@code config}).
   * As a Dockerfile {@code ENTRYPOINT} (and jib) does, it clears a {@code Cmd} inherited from the
   * base image, whose arguments were meant for the base's entrypoint, unless {@link #cmd(List)} is
   * called on this builder, before or after.
   *
   * @param entrypoint the command and its arguments; empty for none
   */
  public ImageBuilder entrypoint(List<String> entrypoint) {
    List<String> copy = Checks.strings(entrypoint, "entrypoint");
    ImageConfig.Config.Builder b = config.toBuilder().entrypoint(copy);
    if (cmdFromBase) {
      b.cmd(List.of());
      cmdFromBase = false;
    }
    config = b.build();
    return this;
  }

  /**
   * Sets {@code Cmd}, the default arguments to the entrypoint, or the command when there is no
   * entrypoint (config.md, {@code config}).
   *
   * @param cmd the arguments; empty for none
   */
  public ImageBuilder cmd(List<String> cmd) {
    List<String> copy = Checks.strings(cmd, "cmd");
    config = config.toBuilder().cmd(copy).build();
    cmdFromBase = false;
    return this;
  }

  /**
   * Sets the environment variable {@code name} ({@code Env}, entries {@code VARNAME=VARVALUE}): an
   * existing entry for {@code name} is replaced where it stands, so the order of the others is
   * kept, and any later duplicates of it are removed (they would win); otherwise the entry is
   * appended.
   *
   * @param name the variable's name: not empty, without {@code =}
   * @param value its value, possibly empty
   * @throws IllegalArgumentException if {@code name} is empty or contains {@code =}
   */
  public ImageBuilder env(String name, String value) {
    Checks.nonEmpty(name, "environment variable name");
    if (name.indexOf('=') >= 0) {
      throw new IllegalArgumentException(
          "environment variable name \"" + name + "\" must not contain '='");
    }
    if (value == null) {
      throw new IllegalArgumentException("environment variable " + name + " must have a value");
    }
    String entry = name + "=" + value;
    List<String> env = new ArrayList<>();
    boolean placed = false;
    for (String e : config.env()) {
      if (e.startsWith(name + "=")) {
        if (!placed) {
          env.add(entry);
          placed = true;
        }
      } else {
        env.add(e);
      }
    }
    if (!placed) {
      env.add(entry);
    }
    config = config.toBuilder().env(env).build();
    return this;
  }

  /**
   * Sets {@code WorkingDir}, the working directory of the entrypoint process.
   *
   * @param workingDir the directory, not empty
   */
  public ImageBuilder workingDir(String workingDir) {
    config = config.toBuilder().workingDir(Checks.nonEmpty(workingDir, "workingDir")).build();
    return this;
  }

  /**
   * Sets {@code User}, whom the process runs as: {@code user}, {@code uid}, {@code user:group},
   * {@code uid:gid}, {@code uid:group} or {@code user:gid} on Linux (config.md).
   *
   * @param user the user, not empty
   */
  public ImageBuilder user(String user) {
    config = config.toBuilder().user(Checks.nonEmpty(user, "user")).build();
    return this;
  }

  /**
   * Adds or replaces a label ({@code Labels}, which follow the annotation rules of annotations.md).
   *
   * @param key the key, not empty; SHOULD be in reverse domain notation
   * @param value the value, possibly empty
   */
  public ImageBuilder label(String key, String value) {
    Checks.annotation(key, value, "label");
    config = config.toBuilder().label(key, value).build();
    return this;
  }

  /**
   * Adds a port to {@code ExposedPorts}: {@code port/tcp}, {@code port/udp} or {@code port}, "with
   * the default protocol being tcp if not specified" (config.md). It is stored as {@code
   * PORT/PROTO}, the protocol in lower case.
   *
   * @param port a port number from 1 to 65535, optionally followed by {@code /tcp} or {@code /udp}
   * @throws IllegalArgumentException if {@code port} is not of that form
   */
  public ImageBuilder exposedPort(String port) {
    config = config.toBuilder().exposedPort(normalizePort(port)).build();
    return this;
  }

  /** {@code PORT[/PROTO]} as {@code PORT/proto}; see {@link #exposedPort(String)}. */
  static String normalizePort(@Nullable String port) {
    Checks.nonEmpty(port, "exposed port");
    int slash = port.indexOf('/');
    String number = slash < 0 ? port : port.substring(0, slash);
    String protocol = slash < 0 ? "tcp" : port.substring(slash + 1).toLowerCase(Locale.ROOT);
    if (!PORT_NUMBER.matcher(number).matches() || Integer.parseInt(number) > 65535) {
      throw new IllegalArgumentException(
          "exposed port \""
              + port
              + "\": the port must be a number from 1 to 65535, as PORT, PORT/tcp or PORT/udp");
    }
    if (!protocol.equals("tcp") && !protocol.equals("udp")) {
      throw new IllegalArgumentException(
          "exposed port \""
              + port
              + "\": the protocol must be tcp or udp (config.md, ExposedPorts), found \""
              + port.substring(slash + 1)
              + "\"");
    }
    return number + "/" + protocol;
  }

  /**
   * Adds a directory to {@code Volumes}, where a container is likely to write instance data.
   *
   * @param path the directory, not empty
   */
  public ImageBuilder volume(String path) {
    config = config.toBuilder().volume(Checks.nonEmpty(path, "volume")).build();
    return this;
  }

  /**
   * Sets {@code StopSignal}, the signal that asks the container to exit: a name such as {@code
   * SIGTERM} or {@code SIGRTMIN+3} (config.md).
   *
   * @param signal the signal, not empty, without white space
   */
  public ImageBuilder stopSignal(String signal) {
    Checks.nonEmpty(signal, "stopSignal");
    if (signal.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("stopSignal \"" + signal + "\" contains white space");
    }
    config = config.toBuilder().stopSignal(signal).build();
    return this;
  }

  /**
   * Changes the execution parameters ({@code config} of config.md) with any function of them: the
   * way to what the other methods do not cover. What it returns is checked with the rest of the
   * config at {@link #build(OciLayout)}.
   *
   * @param change the new parameters from the current ones (an empty set when there are none)
   */
  public ImageBuilder config(UnaryOperator<ImageConfig.Config> change) {
    Objects.requireNonNull(change, "change");
    ImageConfig.Config before = config;
    config = Objects.requireNonNull(change.apply(before), "the changed config");
    if (!config.cmd().equals(before.cmd())) {
      cmdFromBase = false;
    }
    return this;
  }

  // --- image metadata ------------------------------------------------------------------------

  /**
   * Sets the config's {@code author}: the person or entity that created the image.
   *
   * @param author a name and/or e-mail address, not empty
   */
  public ImageBuilder author(String author) {
    this.author = Checks.nonEmpty(author, "author");
    return this;
  }

  /**
   * Sets the config's {@code created} time (RFC 3339, section 5.6), also given to the history
   * entries added through this builder that have none. Without it the config has no {@code
   * created}.
   *
   * @param created when the image was created
   */
  public ImageBuilder created(OffsetDateTime created) {
    this.created = Objects.requireNonNull(created, "created");
    return this;
  }

  /**
   * Adds or replaces an annotation of the image manifest (manifest.md, {@code annotations}; see
   * annotations.md, "Pre-Defined Annotation Keys"), e.g. {@code org.opencontainers.image.source}.
   *
   * @param key the key, not empty; not {@code org.opencontainers.image.ref.name}, which {@link
   *     #build(OciLayout, String)} sets on the {@code index.json} entry
   * @param value the value, possibly empty
   */
  public ImageBuilder annotation(String key, String value) {
    Checks.documentAnnotation(key, value);
    annotations.put(key, value);
    return this;
  }

  // --- building ------------------------------------------------------------------------------

  /**
   * The image config as {@link #build(OciLayout)} would write it.
   *
   * @throws IllegalStateException if the image has no layer
   */
  public ImageConfig imageConfig() {
    requireLayers();
    List<History> entries = new ArrayList<>(history);
    if (created != null) {
      for (int i = baseHistory; i < entries.size(); i++) {
        History h = entries.get(i);
        if (h.created() == null) {
          entries.set(
              i,
              new History(
                  created,
                  h.author(),
                  h.createdBy(),
                  h.comment(),
                  h.emptyLayer(),
                  h.unknownProperties()));
        }
      }
    }
    return template.toBuilder()
        .created(created)
        .author(author)
        .config(config.equals(ImageConfig.Config.EMPTY) ? null : config)
        .rootfs(template.rootfs().withDiffIds(diffIds))
        .history(entries)
        .build();
  }

  /**
   * Writes the image into {@code target}, without tagging it: first the blobs of its layers that
   * {@code target} lacks, copied and verified from the base layout, then the image config, then the
   * image manifest (canonical JSON), each only once it validates. Nothing refers to the image in
   * {@code index.json} afterwards: put it in an index ({@link IndexBuilder}) or use {@link
   * #build(OciLayout, String)} (garbage collection removes what nothing refers to).
   *
   * @return the manifest (its descriptor carrying the platform), config and platform
   * @throws IllegalStateException if the image has no layer (manifest.md: layers SHOULD have at
   *     least one entry; the published schema requires one)
   * @throws IllegalArgumentException if the config or manifest would not pass {@link
   *     dev.ocikit.validation.Validator} (a bad value given through {@link #config(UnaryOperator)},
   *     say), listing the problems
   * @throws dev.ocikit.blob.BlobNotFoundException if a layer's blob is in neither {@code target}
   *     nor the base layout
   * @throws IOException if a layout cannot be read or written
   */
  public BuiltImage build(OciLayout target) throws IOException {
    return write(target, null);
  }

  /**
   * Writes the image into {@code target} as {@link #build(OciLayout)} does, then tags it: {@code
   * index.json} gets the manifest's descriptor (with its platform) under the ref name {@code ref},
   * replacing the entry that had that name.
   *
   * @param target the layout to write into
   * @param ref the ref name (annotations.md, {@code org.opencontainers.image.ref.name})
   * @throws IllegalArgumentException if {@code ref} does not match the ref grammar, before anything
   *     is written; or as {@link #build(OciLayout)}
   * @throws IOException as {@link #build(OciLayout)}
   */
  public BuiltImage build(OciLayout target, String ref) throws IOException {
    return write(target, Checks.ref(ref));
  }

  private BuiltImage write(OciLayout target, @Nullable String ref) throws IOException {
    Objects.requireNonNull(target, "target");
    ImageConfig imageConfig = imageConfig();
    Descriptor configDescriptor = Checks.valid(imageConfig, DocumentType.CONFIG).descriptor();
    Manifest manifest =
        Manifest.builder().config(configDescriptor).layers(layers).annotations(annotations).build();
    Checks.valid(manifest, DocumentType.MANIFEST);

    Checks.blobsPresent(target, base, layers);
    target.writeDocument(imageConfig);
    Platform platform = imageConfig.platform();
    Descriptor manifestDescriptor = target.writeDocument(manifest).withPlatform(platform);
    if (ref != null) {
      target.tag(ref, manifestDescriptor);
    }
    return new BuiltImage(manifestDescriptor, configDescriptor, platform);
  }

  private void requireLayers() {
    if (layers.isEmpty()) {
      throw new IllegalStateException(
          "ImageBuilder: an image needs at least one layer (manifest.md: layers SHOULD have at"
              + " least one entry, and the published schema requires one); add one with"
              + " addLayer");
    }
  }

  /** The annotations the manifest will have, e.g. the base image's. */
  public Map<String, String> annotations() {
    return Map.copyOf(annotations);
  }

  /** The layers so far, base first. */
  public List<Descriptor> layers() {
    return List.copyOf(layers);
  }
}
