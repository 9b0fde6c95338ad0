package dev.ocikit.bundle;

import dev.ocikit.internal.Values;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A runtime configuration, the {@code config.json} of a bundle (<a
 * href="https://github.com/opencontainers/runtime-spec/blob/main/config.md">runtime-spec
 * config.md</a>), modelled as far as image conversion (image-spec conversion.md) and a Linux
 * runtime starting the bundle need: {@code ociVersion}, {@code process}, {@code root}, {@code
 * hostname}, {@code mounts}, {@code annotations} and part of {@code linux} (config-linux.md). Every
 * other property, at every level, is kept in {@code unknownProperties} and written back, as
 * config.md's "Extensibility" asks of readers.
 *
 * <p>Unsigned integers the spec gives as uint32 (uids, gids, id mappings) are {@code long}s checked
 * to be in range; uint64 ones ({@code rlimits}) are {@code long}s read as unsigned, so that {@code
 * -1L} is 18446744073709551615 ({@code RLIM_INFINITY}).
 *
 * @param ociVersion the runtime-spec version the bundle complies with, SemVer (REQUIRED)
 * @param process the container process, or null (REQUIRED when the container is started)
 * @param root the container's root filesystem, or null (REQUIRED on Linux)
 * @param hostname the container's hostname, or null
 * @param mounts mounts beyond the root, in the order the runtime mounts them
 * @param annotations arbitrary metadata; keys sorted when written
 * @param linux the Linux-specific configuration (config-linux.md), or null
 * @param unknownProperties properties this model does not name, kept for round trips
 */
public record RuntimeConfig(
    String ociVersion,
    @Nullable Process process,
    @Nullable Root root,
    @Nullable String hostname,
    List<Mount> mounts,
    Map<String, String> annotations,
    @Nullable Linux linux,
    Map<String, JsonNode> unknownProperties) {

  /**
   * The {@code ociVersion} ocikit writes: every property it sets exists since runtime-spec 1.0, and
   * a configuration of version 1.0.x is compatible with every runtime of 1.0 or later (config.md,
   * "Specification version").
   */
  public static final String OCI_VERSION = "1.0.2";

  static final Set<String> KNOWN =
      Set.of("ociVersion", "process", "root", "hostname", "mounts", "annotations", "linux");

  /** Checks the required field and copies collections. */
  public RuntimeConfig {
    Objects.requireNonNull(ociVersion, "ociVersion");
    mounts = Values.list(mounts, "mounts");
    annotations = Values.stringMap(annotations, "annotations");
    unknownProperties = Values.unknown(unknownProperties);
    Values.checkUnknownDoesNotShadow(unknownProperties, KNOWN);
  }

  /** A builder with {@code ociVersion} {@value #OCI_VERSION} and nothing else set. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this configuration's values. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** This configuration with another process (null for none). */
  public RuntimeConfig withProcess(@Nullable Process process) {
    return toBuilder().process(process).build();
  }

  /** This configuration with other annotations. */
  public RuntimeConfig withAnnotations(Map<String, String> annotations) {
    return toBuilder().annotations(annotations).build();
  }

  @Override
  public Map<String, JsonNode> unknownProperties() {
    return Values.unknownView(unknownProperties);
  }

  /**
   * The container process (config.md, "Process"; "POSIX process"; "Linux Process").
   *
   * @param terminal whether a terminal is attached to the process (written only when true)
   * @param user the user the process runs as
   * @param args the arguments; the first is the executable, resolved as {@code execvp} does (at
   *     least one entry is REQUIRED to start a container)
   * @param env the environment, {@code NAME=VALUE} entries
   * @param cwd the working directory, an absolute path (REQUIRED)
   * @param capabilities the capability sets the process keeps, or null
   * @param rlimits resource limits
   * @param noNewPrivileges whether the process may not gain privileges (written only when true)
   * @param unknownProperties properties this model does not name ({@code apparmorProfile}, {@code
   *     oomScoreAdj}, ...), kept for round trips
   */
  public record Process(
      boolean terminal,
      User user,
      List<String> args,
      List<String> env,
      String cwd,
      @Nullable Capabilities capabilities,
      List<Rlimit> rlimits,
      boolean noNewPrivileges,
      Map<String, JsonNode> unknownProperties) {

    static final Set<String> KNOWN =
        Set.of(
            "terminal", "user", "args", "env", "cwd", "capabilities", "rlimits", "noNewPrivileges");

    /** Checks the required fields and copies collections. */
    public Process {
      Objects.requireNonNull(user, "user");
      args = Values.list(args, "args");
      env = Values.list(env, "env");
      Objects.requireNonNull(cwd, "cwd");
      rlimits = Values.list(rlimits, "rlimits");
      unknownProperties = Values.unknown(unknownProperties);
      Values.checkUnknownDoesNotShadow(unknownProperties, KNOWN);
    }

    /** A builder: user root (0:0), cwd {@code /}, nothing else set. */
    public static Builder builder() {
      return new Builder();
    }

    /** A builder starting from this process's values. */
    public Builder toBuilder() {
      return new Builder(this);
    }

    @Override
    public Map<String, JsonNode> unknownProperties() {
      return Values.unknownView(unknownProperties);
    }

    /** Builds a {@link Process}. */
    public static final class Builder {
      private boolean terminal;
      private User user = User.of(0, 0);
      private List<String> args = new ArrayList<>();
      private List<String> env = new ArrayList<>();
      private String cwd = "/";
      private @Nullable Capabilities capabilities;
      private List<Rlimit> rlimits = new ArrayList<>();
      private boolean noNewPrivileges;
      private Map<String, JsonNode> unknownProperties = new LinkedHashMap<>();

      Builder() {}

      Builder(Process p) {
        terminal = p.terminal;
        user = p.user;
        args = new ArrayList<>(p.args);
        env = new ArrayList<>(p.env);
        cwd = p.cwd;
        capabilities = p.capabilities;
        rlimits = new ArrayList<>(p.rlimits);
        noNewPrivileges = p.noNewPrivileges;
        unknownProperties = new LinkedHashMap<>(p.unknownProperties);
      }

      /** Sets whether a terminal is attached. */
      public Builder terminal(boolean terminal) {
        this.terminal = terminal;
        return this;
      }

      /** Sets the user. */
      public Builder user(User user) {
        this.user = Objects.requireNonNull(user, "user");
        return this;
      }

      /** Sets the arguments. */
      public Builder args(List<String> args) {
        this.args = new ArrayList<>(args);
        return this;
      }

      /** Sets the environment. */
      public Builder env(List<String> env) {
        this.env = new ArrayList<>(env);
        return this;
      }

      /** Sets the working directory. */
      public Builder cwd(String cwd) {
        this.cwd = Objects.requireNonNull(cwd, "cwd");
        return this;
      }

      /** Sets the capabilities (null for none). */
      public Builder capabilities(@Nullable Capabilities capabilities) {
        this.capabilities = capabilities;
        return this;
      }

      /** Sets the resource limits. */
      public Builder rlimits(List<Rlimit> rlimits) {
        this.rlimits = new ArrayList<>(rlimits);
        return this;
      }

      /** Sets {@code noNewPrivileges}. */
      public Builder noNewPrivileges(boolean noNewPrivileges) {
        this.noNewPrivileges = noNewPrivileges;
        return this;
      }

      /** Sets the properties this model does not name. */
      public Builder unknownProperties(Map<String, JsonNode> unknownProperties) {
        this.unknownProperties = new LinkedHashMap<>(unknownProperties);
        return this;
      }

      /** Builds the process. */
      public Process build() {
        return new Process(
            terminal,
            user,
            args,
            env,
            cwd,
            capabilities,
            rlimits,
            noNewPrivileges,
            unknownProperties);
      }
    }
  }

  /**
   * The user of the process (config.md, "POSIX-platform User"); symbolic names are resolved before,
   * by {@link UserResolver}.
   *
   * @param uid the user id in the container namespace, a uint32
   * @param gid the group id in the container namespace, a uint32
   * @param additionalGids supplementary group ids, uint32s
   * @param unknownProperties properties this model does not name ({@code umask}, ...), kept for
   *     round trips
   */
  public record User(
      long uid, long gid, List<Long> additionalGids, Map<String, JsonNode> unknownProperties) {

    static final Set<String> KNOWN = Set.of("uid", "gid", "additionalGids");

    /** Checks the ranges and copies collections. */
    public User {
      Values.uint32(uid, "uid");
      Values.uint32(gid, "gid");
      additionalGids = Values.uint32List(additionalGids, "additionalGids");
      unknownProperties = Values.unknown(unknownProperties);
      Values.checkUnknownDoesNotShadow(unknownProperties, KNOWN);
    }

    /** A user with no supplementary groups. */
    public static User of(long uid, long gid) {
      return new User(uid, gid, List.of(), Map.of());
    }

    /** A user with supplementary groups. */
    public static User of(long uid, long gid, List<Long> additionalGids) {
      return new User(uid, gid, additionalGids, Map.of());
    }

    @Override
    public Map<String, JsonNode> unknownProperties() {
      return Values.unknownView(unknownProperties);
    }
  }

  /**
   * The capability sets of the process (config.md, "Linux Process", {@code capabilities}); names
   * such as {@code CAP_KILL}.
   *
   * @param bounding the bounding set
   * @param effective the effective set
   * @param inheritable the inheritable set
   * @param permitted the permitted set
   * @param ambient the ambient set
   * @param unknownProperties properties this model does not name, kept for round trips
   */
  public record Capabilities(
      List<String> bounding,
      List<String> effective,
      List<String> inheritable,
      List<String> permitted,
      List<String> ambient,
      Map<String, JsonNode> unknownProperties) {

    static final Set<String> KNOWN =
        Set.of("bounding", "effective", "inheritable", "permitted", "ambient");

    /** Copies collections. */
    public Capabilities {
      bounding = Values.list(bounding, "bounding");
      effective = Values.list(effective, "effective");
      inheritable = Values.list(inheritable, "inheritable");
      permitted = Values.list(permitted, "permitted");
      ambient = Values.list(ambient, "ambient");
      unknownProperties = Values.unknown(unknownProperties);
      Values.checkUnknownDoesNotShadow(unknownProperties, KNOWN);
    }

    /**
     * The same capabilities in the bounding, effective and permitted sets, none inheritable or
     * ambient, as {@code runc spec} writes them.
     */
    public static Capabilities of(List<String> capabilities) {
      return new Capabilities(
          capabilities, capabilities, List.of(), capabilities, List.of(), Map.of());
    }

    @Override
    public Map<String, JsonNode> unknownProperties() {
      return Values.unknownView(unknownProperties);
    }
  }

  /**
   * A resource limit (config.md, "POSIX process", {@code rlimits}).
   *
   * @param type the resource, e.g. {@code RLIMIT_NOFILE}
   * @param hard the ceiling for the soft limit, a uint64 read as unsigned
   * @param soft the limit enforced, a uint64 read as unsigned
   * @param unknownProperties properties this model does not name, kept for round trips
   */
  public record Rlimit(String type, long hard, long soft, Map<String, JsonNode> unknownProperties) {

    static final Set<String> KNOWN = Set.of("type", "hard", "soft");

    /** Checks and copies. */
    public Rlimit {
      Objects.requireNonNull(type, "type");
      unknownProperties = Values.unknown(unknownProperties);
      Values.checkUnknownDoesNotShadow(unknownProperties, KNOWN);
    }

    /** A limit of {@code type} with these soft and hard values. */
    public static Rlimit of(String type, long soft, long hard) {
      return new Rlimit(type, hard, soft, Map.of());
    }

    @Override
    public Map<String, JsonNode> unknownProperties() {
      return Values.unknownView(unknownProperties);
    }
  }

  /**
   * The root filesystem (config.md, "Root").
   *
   * @param path the root filesystem, absolute or relative to the bundle; conventionally {@code
   *     rootfs}
   * @param readonly whether it is read-only inside the container (written only when true)
   * @param unknownProperties properties this model does not name, kept for round trips
   */
  public record Root(String path, boolean readonly, Map<String, JsonNode> unknownProperties) {

    /** The conventional root filesystem of a bundle, {@code rootfs} (config.md: "SHOULD"). */
    public static final String ROOTFS = "rootfs";

    static final Set<String> KNOWN = Set.of("path", "readonly");

    /** Checks and copies. */
    public Root {
      Objects.requireNonNull(path, "path");
      unknownProperties = Values.unknown(unknownProperties);
      Values.checkUnknownDoesNotShadow(unknownProperties, KNOWN);
    }

    /** A writable root at {@code path}. */
    public static Root of(String path) {
      return new Root(path, false, Map.of());
    }

    @Override
    public Map<String, JsonNode> unknownProperties() {
      return Values.unknownView(unknownProperties);
    }
  }

  /**
   * A mount (config.md, "Mounts"; "POSIX-platform Mounts").
   *
   * @param destination the mount point inside the container, absolute (REQUIRED)
   * @param type the file system type, or null
   * @param source the device, file or directory name, or a dummy; or null
   * @param options mount options, e.g. {@code nosuid}
   * @param unknownProperties properties this model does not name ({@code uidMappings}, ...), kept
   *     for round trips
   */
  public record Mount(
      String destination,
      @Nullable String type,
      @Nullable String source,
      List<String> options,
      Map<String, JsonNode> unknownProperties) {

    static final Set<String> KNOWN = Set.of("destination", "type", "source", "options");

    /** Checks and copies. */
    public Mount {
      Objects.requireNonNull(destination, "destination");
      options = Values.list(options, "options");
      unknownProperties = Values.unknown(unknownProperties);
      Values.checkUnknownDoesNotShadow(unknownProperties, KNOWN);
    }

    /** A mount of {@code source}, of file system {@code type}, at {@code destination}. */
    public static Mount of(
        String destination, @Nullable String type, @Nullable String source, List<String> options) {
      return new Mount(destination, type, source, options, Map.of());
    }

    @Override
    public Map<String, JsonNode> unknownProperties() {
      return Values.unknownView(unknownProperties);
    }
  }

  /**
   * The Linux-specific configuration (config-linux.md), as far as ocikit sets it.
   *
   * @param uidMappings user namespace uid mappings, host to container
   * @param gidMappings user namespace gid mappings, host to container
   * @param namespaces the namespaces of the container; a type not listed is the runtime's
   * @param maskedPaths paths masked so that they cannot be read
   * @param readonlyPaths paths made read-only
   * @param unknownProperties properties this model does not name ({@code resources}, {@code
   *     seccomp}, {@code devices}, ...), kept for round trips
   */
  public record Linux(
      List<IdMapping> uidMappings,
      List<IdMapping> gidMappings,
      List<Namespace> namespaces,
      List<String> maskedPaths,
      List<String> readonlyPaths,
      Map<String, JsonNode> unknownProperties) {

    static final Set<String> KNOWN =
        Set.of("uidMappings", "gidMappings", "namespaces", "maskedPaths", "readonlyPaths");

    /** Copies collections. */
    public Linux {
      uidMappings = Values.list(uidMappings, "uidMappings");
      gidMappings = Values.list(gidMappings, "gidMappings");
      namespaces = Values.list(namespaces, "namespaces");
      maskedPaths = Values.list(maskedPaths, "maskedPaths");
      readonlyPaths = Values.list(readonlyPaths, "readonlyPaths");
      unknownProperties = Values.unknown(unknownProperties);
      Values.checkUnknownDoesNotShadow(unknownProperties, KNOWN);
    }

    /** A builder, starting with nothing set. */
    public static Builder builder() {
      return new Builder();
    }

    /** A builder starting from these values. */
    public Builder toBuilder() {
      return new Builder(this);
    }

    /** Whether a namespace of {@code type} is listed. */
    public boolean hasNamespace(String type) {
      return namespaces.stream().anyMatch(n -> n.type().equals(type));
    }

    @Override
    public Map<String, JsonNode> unknownProperties() {
      return Values.unknownView(unknownProperties);
    }

    /** Builds a {@link Linux}. */
    public static final class Builder {
      private List<IdMapping> uidMappings = new ArrayList<>();
      private List<IdMapping> gidMappings = new ArrayList<>();
      private List<Namespace> namespaces = new ArrayList<>();
      private List<String> maskedPaths = new ArrayList<>();
      private List<String> readonlyPaths = new ArrayList<>();
      private Map<String, JsonNode> unknownProperties = new LinkedHashMap<>();

      Builder() {}

      Builder(Linux l) {
        uidMappings = new ArrayList<>(l.uidMappings);
        gidMappings = new ArrayList<>(l.gidMappings);
        namespaces = new ArrayList<>(l.namespaces);
        maskedPaths = new ArrayList<>(l.maskedPaths);
        readonlyPaths = new ArrayList<>(l.readonlyPaths);
        unknownProperties = new LinkedHashMap<>(l.unknownProperties);
      }

      /** Sets the uid mappings. */
      public Builder uidMappings(List<IdMapping> uidMappings) {
        this.uidMappings = new ArrayList<>(uidMappings);
        return this;
      }

      /** Sets the gid mappings. */
      public Builder gidMappings(List<IdMapping> gidMappings) {
        this.gidMappings = new ArrayList<>(gidMappings);
        return this;
      }

      /** Sets the namespaces. */
      public Builder namespaces(List<Namespace> namespaces) {
        this.namespaces = new ArrayList<>(namespaces);
        return this;
      }

      /** Sets the masked paths. */
      public Builder maskedPaths(List<String> maskedPaths) {
        this.maskedPaths = new ArrayList<>(maskedPaths);
        return this;
      }

      /** Sets the read-only paths. */
      public Builder readonlyPaths(List<String> readonlyPaths) {
        this.readonlyPaths = new ArrayList<>(readonlyPaths);
        return this;
      }

      /** Sets the properties this model does not name. */
      public Builder unknownProperties(Map<String, JsonNode> unknownProperties) {
        this.unknownProperties = new LinkedHashMap<>(unknownProperties);
        return this;
      }

      /** Sets or replaces one property this model does not name, e.g. {@code resources}. */
      public Builder unknownProperty(String name, JsonNode value) {
        this.unknownProperties.put(name, value);
        return this;
      }

      /** Removes one property this model does not name. */
      public Builder removeUnknownProperty(String name) {
        this.unknownProperties.remove(name);
        return this;
      }

      /** Builds the configuration. */
      public Linux build() {
        return new Linux(
            uidMappings, gidMappings, namespaces, maskedPaths, readonlyPaths, unknownProperties);
      }
    }
  }

  /**
   * A namespace of the container (config-linux.md, "Namespaces").
   *
   * @param type {@code pid}, {@code network}, {@code mount}, {@code ipc}, {@code uts}, {@code
   *     user}, {@code cgroup} or {@code time}
   * @param path the namespace file to join, or null for a new namespace
   * @param unknownProperties properties this model does not name, kept for round trips
   */
  public record Namespace(
      String type, @Nullable String path, Map<String, JsonNode> unknownProperties) {

    static final Set<String> KNOWN = Set.of("type", "path");

    /** Checks and copies. */
    public Namespace {
      Objects.requireNonNull(type, "type");
      unknownProperties = Values.unknown(unknownProperties);
      Values.checkUnknownDoesNotShadow(unknownProperties, KNOWN);
    }

    /** A new namespace of {@code type}. */
    public static Namespace of(String type) {
      return new Namespace(type, null, Map.of());
    }

    @Override
    public Map<String, JsonNode> unknownProperties() {
      return Values.unknownView(unknownProperties);
    }
  }

  /**
   * A user namespace id mapping (config-linux.md, "User namespace mappings").
   *
   * @param containerId the first id in the container, a uint32
   * @param hostId the first id on the host it maps to, a uint32
   * @param size the number of ids mapped, a uint32
   * @param unknownProperties properties this model does not name, kept for round trips
   */
  public record IdMapping(
      long containerId, long hostId, long size, Map<String, JsonNode> unknownProperties) {

    static final Set<String> KNOWN = Set.of("containerID", "hostID", "size");

    /** Checks the ranges and copies. */
    public IdMapping {
      Values.uint32(containerId, "containerID");
      Values.uint32(hostId, "hostID");
      Values.uint32(size, "size");
      unknownProperties = Values.unknown(unknownProperties);
      Values.checkUnknownDoesNotShadow(unknownProperties, KNOWN);
    }

    /** A mapping of {@code size} ids from {@code hostId} on the host to {@code containerId}. */
    public static IdMapping of(long containerId, long hostId, long size) {
      return new IdMapping(containerId, hostId, size, Map.of());
    }

    @Override
    public Map<String, JsonNode> unknownProperties() {
      return Values.unknownView(unknownProperties);
    }
  }

  /** Builds a {@link RuntimeConfig}; {@code ociVersion} starts as {@value #OCI_VERSION}. */
  public static final class Builder {
    private String ociVersion = OCI_VERSION;
    private @Nullable Process process;
    private @Nullable Root root;
    private @Nullable String hostname;
    private List<Mount> mounts = new ArrayList<>();
    private Map<String, String> annotations = new LinkedHashMap<>();
    private @Nullable Linux linux;
    private Map<String, JsonNode> unknownProperties = new LinkedHashMap<>();

    Builder() {}

    Builder(RuntimeConfig c) {
      ociVersion = c.ociVersion;
      process = c.process;
      root = c.root;
      hostname = c.hostname;
      mounts = new ArrayList<>(c.mounts);
      annotations = new LinkedHashMap<>(c.annotations);
      linux = c.linux;
      unknownProperties = new LinkedHashMap<>(c.unknownProperties);
    }

    /** Sets the runtime-spec version. */
    public Builder ociVersion(String ociVersion) {
      this.ociVersion = Objects.requireNonNull(ociVersion, "ociVersion");
      return this;
    }

    /** Sets the process (null for none). */
    public Builder process(@Nullable Process process) {
      this.process = process;
      return this;
    }

    /** Sets the root filesystem (null for none). */
    public Builder root(@Nullable Root root) {
      this.root = root;
      return this;
    }

    /** Sets the hostname (null for none). */
    public Builder hostname(@Nullable String hostname) {
      this.hostname = hostname;
      return this;
    }

    /** Sets the mounts. */
    public Builder mounts(List<Mount> mounts) {
      this.mounts = new ArrayList<>(mounts);
      return this;
    }

    /** Appends a mount. */
    public Builder addMount(Mount mount) {
      this.mounts.add(Objects.requireNonNull(mount, "mount"));
      return this;
    }

    /** Sets the annotations. */
    public Builder annotations(Map<String, String> annotations) {
      this.annotations = new LinkedHashMap<>(annotations);
      return this;
    }

    /** Sets or replaces one annotation. */
    public Builder annotation(String key, String value) {
      this.annotations.put(key, value);
      return this;
    }

    /** Sets the Linux-specific configuration (null for none). */
    public Builder linux(@Nullable Linux linux) {
      this.linux = linux;
      return this;
    }

    /** Sets the properties this model does not name. */
    public Builder unknownProperties(Map<String, JsonNode> unknownProperties) {
      this.unknownProperties = new LinkedHashMap<>(unknownProperties);
      return this;
    }

    /** Builds the configuration. */
    public RuntimeConfig build() {
      return new RuntimeConfig(
          ociVersion, process, root, hostname, mounts, annotations, linux, unknownProperties);
    }
  }
}
