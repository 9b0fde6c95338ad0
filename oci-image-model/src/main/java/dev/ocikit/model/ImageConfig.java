package dev.ocikit.model;

import dev.ocikit.digest.Digest;
import dev.ocikit.digest.DigestAlgorithm;
import dev.ocikit.internal.Values;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * An image configuration (<a
 * href="https://github.com/opencontainers/image-spec/blob/main/config.md">config.md</a>): the
 * platform an image is built for, its execution parameters, its layers' DiffIDs and its history.
 * Docker container configs (Docker Image Spec v1.2) read into the same type; their extra fields
 * ({@code container_config}, {@code Hostname}, ...) are kept in {@code unknownProperties}.
 *
 * <p>"Any OPTIONAL field MAY also be set to null, which is equivalent to being absent."
 *
 * @param created when the image was created (RFC 3339, section 5.6), or null
 * @param author the person or entity that created the image, or null
 * @param architecture the CPU architecture, a {@code GOARCH} value (REQUIRED)
 * @param os the operating system, a {@code GOOS} value (REQUIRED)
 * @param osVersion the version of the operating system, or null
 * @param osFeatures mandatory OS features
 * @param variant the CPU variant, or null
 * @param config the execution parameters, or null when absent
 * @param rootfs the layer DiffIDs (REQUIRED)
 * @param history the history of each layer, first to last
 * @param unknownProperties properties this version of ocikit does not know, kept for round trips
 */
public record ImageConfig(
    @Nullable OffsetDateTime created,
    @Nullable String author,
    String architecture,
    String os,
    @Nullable String osVersion,
    List<String> osFeatures,
    @Nullable String variant,
    @Nullable Config config,
    RootFs rootfs,
    List<History> history,
    Map<String, JsonNode> unknownProperties)
    implements OciDocument {

  static final Set<String> KNOWN =
      Set.of(
          "created",
          "author",
          "architecture",
          "os",
          "os.version",
          "os.features",
          "variant",
          "config",
          "rootfs",
          "history");

  /** Validates the required fields and copies collections. */
  public ImageConfig {
    Objects.requireNonNull(architecture, "architecture");
    Objects.requireNonNull(os, "os");
    osFeatures = Values.list(osFeatures, "os.features");
    Objects.requireNonNull(rootfs, "rootfs");
    history = Values.list(history, "history");
    unknownProperties = Values.unknown(unknownProperties);
    Values.checkUnknownDoesNotShadow(unknownProperties, KNOWN);
  }

  /** A builder; {@code architecture} and {@code os} are required, rootfs defaults to no layers. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this config's values. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  @Override
  public String documentMediaType() {
    return MediaType.IMAGE_CONFIG;
  }

  /** The platform this config says the image is for. */
  public Platform platform() {
    return new Platform(architecture, os, osVersion, osFeatures, variant, List.of(), Map.of());
  }

  /** The execution parameters, or an empty set of them when the config has none. */
  public Config configOrEmpty() {
    return config != null ? config : Config.EMPTY;
  }

  /** This config with other execution parameters (null for none). */
  public ImageConfig withConfig(@Nullable Config config) {
    return toBuilder().config(config).build();
  }

  /** This config with another rootfs. */
  public ImageConfig withRootfs(RootFs rootfs) {
    return toBuilder().rootfs(rootfs).build();
  }

  /** This config with other history entries. */
  public ImageConfig withHistory(List<History> history) {
    return toBuilder().history(history).build();
  }

  /** This config with another creation time (null for none). */
  public ImageConfig withCreated(@Nullable OffsetDateTime created) {
    return toBuilder().created(created).build();
  }

  /**
   * This config with a layer appended: its DiffID at the end of {@code rootfs.diff_ids} and a
   * history entry for it.
   */
  public ImageConfig withLayer(Digest diffId, History history) {
    List<Digest> ids = new ArrayList<>(rootfs.diffIds());
    ids.add(diffId);
    List<History> h = new ArrayList<>(this.history);
    h.add(history);
    return toBuilder().rootfs(rootfs.withDiffIds(ids)).history(h).build();
  }

  @Override
  public Map<String, JsonNode> unknownProperties() {
    return Values.unknownView(unknownProperties);
  }

  /**
   * The execution parameters of an image (config.md, {@code config}): defaults for a container
   * created from it.
   *
   * @param user the user (and group) to run as: {@code user}, {@code uid}, {@code user:group},
   *     {@code uid:gid}, {@code uid:group} or {@code user:gid}; or null
   * @param exposedPorts ports to expose: {@code port/tcp}, {@code port/udp} or {@code port}
   * @param env environment entries {@code VARNAME=VARVALUE}
   * @param entrypoint the command to execute when the container starts
   * @param cmd default arguments to the entrypoint
   * @param volumes directories where a container is likely to write instance data
   * @param workingDir the working directory of the entrypoint process, or null
   * @param labels arbitrary metadata, following the annotation rules
   * @param stopSignal the signal that asks the container to exit, e.g. {@code SIGTERM}, or null
   * @param argsEscaped deprecated Windows-specific Docker flag, or null when absent
   * @param unknownProperties properties this version of ocikit does not know (the reserved {@code
   *     Memory}, {@code MemorySwap}, {@code CpuShares}, {@code Healthcheck}, Docker's {@code
   *     Hostname}, ...), kept for round trips
   */
  public record Config(
      @Nullable String user,
      Set<String> exposedPorts,
      List<String> env,
      List<String> entrypoint,
      List<String> cmd,
      Set<String> volumes,
      @Nullable String workingDir,
      Map<String, String> labels,
      @Nullable String stopSignal,
      @Nullable Boolean argsEscaped,
      Map<String, JsonNode> unknownProperties) {

    /** No execution parameters. */
    public static final Config EMPTY = new Builder().build();

    static final Set<String> KNOWN =
        Set.of(
            "User",
            "ExposedPorts",
            "Env",
            "Entrypoint",
            "Cmd",
            "Volumes",
            "WorkingDir",
            "Labels",
            "StopSignal",
            "ArgsEscaped");

    /** Copies collections. */
    public Config {
      exposedPorts = Values.stringSet(exposedPorts, "ExposedPorts");
      env = Values.list(env, "Env");
      entrypoint = Values.list(entrypoint, "Entrypoint");
      cmd = Values.list(cmd, "Cmd");
      volumes = Values.stringSet(volumes, "Volumes");
      labels = Values.stringMap(labels, "Labels");
      unknownProperties = Values.unknown(unknownProperties);
      Values.checkUnknownDoesNotShadow(unknownProperties, KNOWN);
    }

    /** A builder, starting with no parameters. */
    public static Builder builder() {
      return new Builder();
    }

    /** A builder starting from these parameters. */
    public Builder toBuilder() {
      return new Builder(this);
    }

    /**
     * The value of environment variable {@code name}: the last entry {@code name=value} wins, as
     * when a process environment is built from the list.
     */
    public Optional<String> envValue(String name) {
      String prefix = name + "=";
      String found = null;
      for (String e : env) {
        if (e.startsWith(prefix)) {
          found = e.substring(prefix.length());
        }
      }
      return Optional.ofNullable(found);
    }

    @Override
    public Map<String, JsonNode> unknownProperties() {
      return Values.unknownView(unknownProperties);
    }

    /** Builds a {@link Config}; every field is optional. */
    public static final class Builder {
      private @Nullable String user;
      private Set<String> exposedPorts = new LinkedHashSet<>();
      private List<String> env = new ArrayList<>();
      private List<String> entrypoint = new ArrayList<>();
      private List<String> cmd = new ArrayList<>();
      private Set<String> volumes = new LinkedHashSet<>();
      private @Nullable String workingDir;
      private Map<String, String> labels = new LinkedHashMap<>();
      private @Nullable String stopSignal;
      private @Nullable Boolean argsEscaped;
      private Map<String, JsonNode> unknownProperties = new LinkedHashMap<>();

      Builder() {}

      Builder(Config c) {
        user = c.user;
        exposedPorts = new LinkedHashSet<>(c.exposedPorts);
        env = new ArrayList<>(c.env);
        entrypoint = new ArrayList<>(c.entrypoint);
        cmd = new ArrayList<>(c.cmd);
        volumes = new LinkedHashSet<>(c.volumes);
        workingDir = c.workingDir;
        labels = new LinkedHashMap<>(c.labels);
        stopSignal = c.stopSignal;
        argsEscaped = c.argsEscaped;
        unknownProperties = new LinkedHashMap<>(c.unknownProperties);
      }

      /** Sets the user (null for none). */
      public Builder user(@Nullable String user) {
        this.user = user;
        return this;
      }

      /** Sets the exposed ports. */
      public Builder exposedPorts(Set<String> exposedPorts) {
        this.exposedPorts = new LinkedHashSet<>(exposedPorts);
        return this;
      }

      /** Adds an exposed port, e.g. {@code 8080/tcp}. */
      public Builder exposedPort(String port) {
        this.exposedPorts.add(port);
        return this;
      }

      /** Sets the environment entries. */
      public Builder env(List<String> env) {
        this.env = new ArrayList<>(env);
        return this;
      }

      /** Adds an environment entry {@code name=value}. */
      public Builder env(String name, String value) {
        this.env.add(name + "=" + value);
        return this;
      }

      /** Sets the entrypoint. */
      public Builder entrypoint(List<String> entrypoint) {
        this.entrypoint = new ArrayList<>(entrypoint);
        return this;
      }

      /** Sets the default arguments. */
      public Builder cmd(List<String> cmd) {
        this.cmd = new ArrayList<>(cmd);
        return this;
      }

      /** Sets the volumes. */
      public Builder volumes(Set<String> volumes) {
        this.volumes = new LinkedHashSet<>(volumes);
        return this;
      }

      /** Adds a volume. */
      public Builder volume(String path) {
        this.volumes.add(path);
        return this;
      }

      /** Sets the working directory (null for none). */
      public Builder workingDir(@Nullable String workingDir) {
        this.workingDir = workingDir;
        return this;
      }

      /** Sets the labels. */
      public Builder labels(Map<String, String> labels) {
        this.labels = new LinkedHashMap<>(labels);
        return this;
      }

      /** Adds or replaces one label. */
      public Builder label(String key, String value) {
        this.labels.put(key, value);
        return this;
      }

      /** Sets the stop signal (null for none). */
      public Builder stopSignal(@Nullable String stopSignal) {
        this.stopSignal = stopSignal;
        return this;
      }

      /** Sets the deprecated {@code ArgsEscaped} flag (null to leave it out). */
      public Builder argsEscaped(@Nullable Boolean argsEscaped) {
        this.argsEscaped = argsEscaped;
        return this;
      }

      /** Sets the properties ocikit does not model. */
      public Builder unknownProperties(Map<String, JsonNode> unknownProperties) {
        this.unknownProperties = new LinkedHashMap<>(unknownProperties);
        return this;
      }

      /** Builds the parameters. */
      public Config build() {
        return new Config(
            user,
            exposedPorts,
            env,
            entrypoint,
            cmd,
            volumes,
            workingDir,
            labels,
            stopSignal,
            argsEscaped,
            unknownProperties);
      }
    }
  }

  /**
   * The layers of an image (config.md, {@code rootfs}).
   *
   * @param type MUST be {@code layers}
   * @param diffIds the layers' DiffIDs (digests of the uncompressed tars), first to last
   * @param unknownProperties properties this version of ocikit does not know, kept for round trips
   */
  public record RootFs(String type, List<Digest> diffIds, Map<String, JsonNode> unknownProperties) {

    /** The only {@code type} the spec defines. */
    public static final String LAYERS = "layers";

    static final Set<String> KNOWN = Set.of("type", "diff_ids");

    /** Copies collections. */
    public RootFs {
      Objects.requireNonNull(type, "type");
      diffIds = Values.list(diffIds, "diff_ids");
      unknownProperties = Values.unknown(unknownProperties);
      Values.checkUnknownDoesNotShadow(unknownProperties, KNOWN);
    }

    /** A rootfs of type {@code layers} with these DiffIDs. */
    public static RootFs of(List<Digest> diffIds) {
      return new RootFs(LAYERS, diffIds, Map.of());
    }

    /** This rootfs with other DiffIDs. */
    public RootFs withDiffIds(List<Digest> diffIds) {
      return new RootFs(type, diffIds, unknownProperties);
    }

    /**
     * The ChainIDs of the layer stack (config.md, "Layer ChainID"): {@code ChainID(L0) =
     * DiffID(L0)} and {@code ChainID(L0|...|Ln) = Digest(ChainID(L0|...|Ln-1) + " " + DiffID(Ln))},
     * computed with SHA-256.
     */
    public List<Digest> chainIds() {
      List<Digest> chain = new ArrayList<>(diffIds.size());
      Digest previous = null;
      for (Digest diffId : diffIds) {
        previous =
            previous == null
                ? diffId
                : Digest.compute(
                    DigestAlgorithm.SHA256,
                    (previous + " " + diffId).getBytes(StandardCharsets.UTF_8));
        chain.add(previous);
      }
      return List.copyOf(chain);
    }

    @Override
    public Map<String, JsonNode> unknownProperties() {
      return Values.unknownView(unknownProperties);
    }
  }

  /**
   * One entry of an image's history (config.md, {@code history}).
   *
   * @param created when the layer was created (RFC 3339), or null
   * @param author the author of the build point, or null
   * @param createdBy the command which created the layer, or null
   * @param comment a custom message, or null
   * @param emptyLayer true when this entry created no layer in rootfs; null when absent
   * @param unknownProperties properties this version of ocikit does not know, kept for round trips
   */
  public record History(
      @Nullable OffsetDateTime created,
      @Nullable String author,
      @Nullable String createdBy,
      @Nullable String comment,
      @Nullable Boolean emptyLayer,
      Map<String, JsonNode> unknownProperties) {

    static final Set<String> KNOWN =
        Set.of("created", "author", "created_by", "comment", "empty_layer");

    /** Copies collections. */
    public History {
      unknownProperties = Values.unknown(unknownProperties);
      Values.checkUnknownDoesNotShadow(unknownProperties, KNOWN);
    }

    /** A history entry of a command that created a layer. */
    public static History of(@Nullable OffsetDateTime created, String createdBy) {
      return new History(created, null, createdBy, null, null, Map.of());
    }

    /** A history entry of a command that created no layer ({@code empty_layer: true}). */
    public static History empty(@Nullable OffsetDateTime created, String createdBy) {
      return new History(created, null, createdBy, null, true, Map.of());
    }

    /** Whether this entry is marked as having created no layer. */
    public boolean isEmptyLayer() {
      return Boolean.TRUE.equals(emptyLayer);
    }

    @Override
    public Map<String, JsonNode> unknownProperties() {
      return Values.unknownView(unknownProperties);
    }
  }

  /** Builds an {@link ImageConfig}; {@code architecture} and {@code os} are required. */
  public static final class Builder {
    private @Nullable OffsetDateTime created;
    private @Nullable String author;
    private @Nullable String architecture;
    private @Nullable String os;
    private @Nullable String osVersion;
    private List<String> osFeatures = new ArrayList<>();
    private @Nullable String variant;
    private @Nullable Config config;
    private RootFs rootfs = RootFs.of(List.of());
    private List<History> history = new ArrayList<>();
    private Map<String, JsonNode> unknownProperties = new LinkedHashMap<>();

    Builder() {}

    Builder(ImageConfig c) {
      created = c.created;
      author = c.author;
      architecture = c.architecture;
      os = c.os;
      osVersion = c.osVersion;
      osFeatures = new ArrayList<>(c.osFeatures);
      variant = c.variant;
      config = c.config;
      rootfs = c.rootfs;
      history = new ArrayList<>(c.history);
      unknownProperties = new LinkedHashMap<>(c.unknownProperties);
    }

    /** Sets the creation time (null for none). */
    public Builder created(@Nullable OffsetDateTime created) {
      this.created = created;
      return this;
    }

    /** Sets the author (null for none). */
    public Builder author(@Nullable String author) {
      this.author = author;
      return this;
    }

    /** Sets the architecture (required). */
    public Builder architecture(String architecture) {
      this.architecture = architecture;
      return this;
    }

    /** Sets the operating system (required). */
    public Builder os(String os) {
      this.os = os;
      return this;
    }

    /** Sets the OS version (null for none). */
    public Builder osVersion(@Nullable String osVersion) {
      this.osVersion = osVersion;
      return this;
    }

    /** Sets the required OS features. */
    public Builder osFeatures(List<String> osFeatures) {
      this.osFeatures = new ArrayList<>(osFeatures);
      return this;
    }

    /** Sets the CPU variant (null for none). */
    public Builder variant(@Nullable String variant) {
      this.variant = variant;
      return this;
    }

    /** Sets architecture, os, os.version, os.features and variant from {@code platform}. */
    public Builder platform(Platform platform) {
      this.architecture = platform.architecture();
      this.os = platform.os();
      this.osVersion = platform.osVersion();
      this.osFeatures = new ArrayList<>(platform.osFeatures());
      this.variant = platform.variant();
      return this;
    }

    /** Sets the execution parameters (null for none). */
    public Builder config(@Nullable Config config) {
      this.config = config;
      return this;
    }

    /** Sets the rootfs. */
    public Builder rootfs(RootFs rootfs) {
      this.rootfs = rootfs;
      return this;
    }

    /** Sets the history. */
    public Builder history(List<History> history) {
      this.history = new ArrayList<>(history);
      return this;
    }

    /** Appends a history entry. */
    public Builder addHistory(History entry) {
      this.history.add(Objects.requireNonNull(entry, "entry"));
      return this;
    }

    /** Sets the properties ocikit does not model. */
    public Builder unknownProperties(Map<String, JsonNode> unknownProperties) {
      this.unknownProperties = new LinkedHashMap<>(unknownProperties);
      return this;
    }

    /**
     * Builds the config.
     *
     * @throws IllegalStateException if {@code architecture} or {@code os} is not set
     */
    public ImageConfig build() {
      if (architecture == null) {
        throw new IllegalStateException("ImageConfig: required field 'architecture' is not set");
      }
      if (os == null) {
        throw new IllegalStateException("ImageConfig: required field 'os' is not set");
      }
      return new ImageConfig(
          created,
          author,
          architecture,
          os,
          osVersion,
          osFeatures,
          variant,
          config,
          rootfs,
          history,
          unknownProperties);
    }
  }
}
