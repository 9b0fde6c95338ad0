package dev.ocikit.bundle;

import dev.ocikit.bundle.RuntimeConfig.Capabilities;
import dev.ocikit.bundle.RuntimeConfig.IdMapping;
import dev.ocikit.bundle.RuntimeConfig.Linux;
import dev.ocikit.bundle.RuntimeConfig.Mount;
import dev.ocikit.bundle.RuntimeConfig.Namespace;
import dev.ocikit.bundle.RuntimeConfig.Process;
import dev.ocikit.bundle.RuntimeConfig.Rlimit;
import dev.ocikit.bundle.RuntimeConfig.Root;
import dev.ocikit.json.InvalidDocumentException;
import dev.ocikit.json.OciJson;
import dev.ocikit.json.Parsed;
import dev.ocikit.json.Rfc3339;
import dev.ocikit.model.ImageConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Converts an image configuration to a runtime configuration (<a
 * href="https://github.com/opencontainers/image-spec/blob/main/conversion.md">image-spec
 * conversion.md</a>), on top of the defaults {@code runc spec} generates for Linux.
 *
 * <p>What conversion.md sets, and how:
 *
 * <ul>
 *   <li>"Verbatim Fields": {@code process.cwd} is {@code Config.WorkingDir} ({@code /} when it is
 *       absent or empty); {@code process.env} is {@code Config.Env}, entries and order unchanged,
 *       followed by what ocikit adds for a variable {@code Config.Env} does not name ("it SHOULD
 *       NOT add entries that have variable names present in {@code Config.Env}"): {@code PATH}
 *       (runc's default), {@code TERM=xterm} with a terminal, and {@code HOME} from the user's
 *       {@code /etc/passwd} entry; {@code process.args} is {@code Config.Entrypoint} followed by
 *       {@code Config.Cmd} ("the converter MUST append the value of {@code Config.Cmd} to the value
 *       of {@code Config.Entrypoint}"), or runc's default {@code sh} when both are empty.
 *   <li>"Annotation Fields": {@code org.opencontainers.image.os}, {@code .architecture}, {@code
 *       .variant}, {@code .os.version}, {@code .os.features} (comma-separated, as the spec writes
 *       exposed ports), {@code .author}, {@code .created} (the image's text, unchanged) and {@code
 *       .stopSignal}, each only when the image has the field; then every {@code Config.Labels}
 *       entry, which wins over an implicit annotation of the same key ("the converter MUST instead
 *       use the value from {@code Config.Labels}"). Manifest and index annotations are not used
 *       ("SHOULD NOT attempt to extract annotations from manifests or image indices").
 *   <li>"Parsed Fields": {@code process.user} from {@code Config.User}, by {@link UserResolver}.
 *   <li>"Optional Fields": {@code org.opencontainers.image.exposedPorts}, the {@code
 *       Config.ExposedPorts} keys sorted and comma-separated, unless a label sets it; each of
 *       {@code Config.Volumes}, sorted (a parent before what it holds), a mount at that destination
 *       of a new {@code tmpfs} (options {@code rw,nosuid,nodev,noexec,relatime}, as umoci), so that
 *       application data is not written to the root filesystem.
 * </ul>
 *
 * <p>Everything else is {@link #defaults(ConversionOptions)}: runc's capabilities, rlimits, mounts,
 * namespaces (with {@code cgroup}), masked and read-only paths and device rule; {@code root.path}
 * {@code rootfs}, writable (runc's example makes it read-only, umoci writable, as an image's
 * process expects).
 */
public final class RuntimeConfigConverter {
  /** The annotation of the image's {@code os} (runtime-spec config.md, "Annotations"). */
  public static final String OS = "org.opencontainers.image.os";

  /** The annotation of the image's {@code architecture}. */
  public static final String ARCHITECTURE = "org.opencontainers.image.architecture";

  /** The annotation of the image's {@code variant}. */
  public static final String VARIANT = "org.opencontainers.image.variant";

  /** The annotation of the image's {@code os.version}. */
  public static final String OS_VERSION = "org.opencontainers.image.os.version";

  /** The annotation of the image's {@code os.features}. */
  public static final String OS_FEATURES = "org.opencontainers.image.os.features";

  /** The annotation of the image's {@code author}. */
  public static final String AUTHOR = "org.opencontainers.image.author";

  /** The annotation of the image's {@code created}. */
  public static final String CREATED = "org.opencontainers.image.created";

  /** The annotation of the image's {@code Config.StopSignal}. */
  public static final String STOP_SIGNAL = "org.opencontainers.image.stopSignal";

  /** The annotation of the image's {@code Config.ExposedPorts} (conversion.md). */
  public static final String EXPOSED_PORTS = "org.opencontainers.image.exposedPorts";

  /** The {@code PATH} runc's default configuration sets. */
  public static final String DEFAULT_PATH =
      "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  /** The mount options of a volume's tmpfs. */
  public static final List<String> VOLUME_OPTIONS =
      List.of("rw", "nosuid", "nodev", "noexec", "relatime");

  private static final List<String> CAPABILITIES =
      List.of("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE");

  private RuntimeConfigConverter() {}

  /**
   * Converts the image configuration {@code image} (with the exact bytes it was read from, so that
   * {@code created} is copied as written), resolving {@code Config.User} in the unpacked root
   * filesystem {@code rootfs}.
   *
   * @throws UnknownUserException if {@code Config.User} names a user or group the image lacks
   * @throws BundleException if the image is not a Linux one or its config cannot be converted
   * @throws IOException if the root filesystem cannot be read
   */
  public static RuntimeConfig convert(
      Parsed<ImageConfig> image, Path rootfs, ConversionOptions options) throws IOException {
    ImageConfig config = image.value();
    check(config);
    ResolvedUser user = UserResolver.resolve(rootfs, effective(config, options).user());
    return convert(config, createdText(image), user, options);
  }

  /**
   * Converts {@code image} with {@code Config.User} already resolved to {@code user}.
   *
   * @param image the image configuration
   * @param created the image's {@code created} exactly as its JSON has it, or null to format {@code
   *     image.created()} (RFC 3339, as Go writes it)
   * @param user {@code Config.User} resolved, e.g. by {@link UserResolver}
   * @param options the implementation-defined values and the caller's inputs
   * @throws BundleException if the image is not a Linux one or an {@code Env} entry is malformed
   */
  public static RuntimeConfig convert(
      ImageConfig image, @Nullable String created, ResolvedUser user, ConversionOptions options)
      throws BundleException {
    Objects.requireNonNull(user, "user");
    check(image);
    ImageConfig.Config c = effective(image, options);
    RuntimeConfig defaults = defaults(options);
    Process base = Objects.requireNonNull(defaults.process());

    List<String> args = new ArrayList<>(c.entrypoint());
    args.addAll(c.cmd());
    if (args.isEmpty()) {
      args.addAll(base.args());
    }

    List<String> env = new ArrayList<>(c.env());
    addUnlessNamed(env, "PATH", DEFAULT_PATH);
    if (options.terminal()) {
      addUnlessNamed(env, "TERM", "xterm");
    }
    if (user.home() != null && !user.home().isEmpty()) {
      addUnlessNamed(env, "HOME", user.home());
    }

    String cwd = c.workingDir() == null || c.workingDir().isEmpty() ? "/" : c.workingDir();
    RuntimeConfig.User runtimeUser =
        options.rootless() == null
            ? user.toRuntimeUser()
            // An unprivileged user namespace denies setgroups(2): no supplementary groups.
            : RuntimeConfig.User.of(user.uid(), user.gid());

    Process process = base.toBuilder().user(runtimeUser).args(args).env(env).cwd(cwd).build();

    List<Mount> mounts = new ArrayList<>(defaults.mounts());
    for (String volume : c.volumes()) { // sorted: a parent comes before what it holds
      mounts.add(Mount.of(volume, "tmpfs", "none", VOLUME_OPTIONS));
    }

    return defaults.toBuilder()
        .process(process)
        .mounts(mounts)
        .annotations(annotations(image, created))
        .build();
  }

  /**
   * The annotations of {@code image} (conversion.md, "Annotation Fields", "Config.ExposedPorts",
   * "Annotations"): the implicit ones for the fields the image has, then {@code Config.Labels} over
   * them.
   *
   * @param created the image's {@code created} as its JSON has it, or null to format {@code
   *     image.created()}
   */
  public static Map<String, String> annotations(ImageConfig image, @Nullable String created) {
    Map<String, String> out = new LinkedHashMap<>();
    out.put(OS, image.os());
    out.put(ARCHITECTURE, image.architecture());
    putIfPresent(out, VARIANT, image.variant());
    putIfPresent(out, OS_VERSION, image.osVersion());
    if (!image.osFeatures().isEmpty()) {
      out.put(OS_FEATURES, String.join(",", image.osFeatures()));
    }
    putIfPresent(out, AUTHOR, image.author());
    if (created != null) {
      out.put(CREATED, created);
    } else if (image.created() != null) {
      out.put(CREATED, Rfc3339.format(image.created()));
    }
    ImageConfig.Config c = image.configOrEmpty();
    putIfPresent(out, STOP_SIGNAL, c.stopSignal());
    if (!c.exposedPorts().isEmpty()) {
      out.put(EXPOSED_PORTS, String.join(",", c.exposedPorts()));
    }
    out.putAll(c.labels()); // "the value specified in Config.Labels MUST take precedence"
    return out;
  }

  /**
   * The configuration {@code runc spec} generates (runc {@code libcontainer/specconv.Example}, with
   * the {@code cgroup} namespace), made rootless as {@code runc spec --rootless} does when {@code
   * options.rootless()} is set, with the hostname and terminal of {@code options}, {@code
   * root.path} {@code rootfs} and a writable root.
   */
  public static RuntimeConfig defaults(ConversionOptions options) {
    Process process =
        Process.builder()
            .terminal(options.terminal())
            .args(List.of("sh"))
            .env(
                options.terminal()
                    ? List.of("PATH=" + DEFAULT_PATH, "TERM=xterm")
                    : List.of("PATH=" + DEFAULT_PATH))
            .cwd("/")
            .capabilities(Capabilities.of(CAPABILITIES))
            .rlimits(List.of(Rlimit.of("RLIMIT_NOFILE", 1024, 1024)))
            .noNewPrivileges(true)
            .build();
    List<Mount> mounts = new ArrayList<>();
    mounts.add(Mount.of("/proc", "proc", "proc", List.of()));
    mounts.add(
        Mount.of(
            "/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k")));
    mounts.add(
        Mount.of(
            "/dev/pts",
            "devpts",
            "devpts",
            List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5")));
    mounts.add(
        Mount.of(
            "/dev/shm",
            "tmpfs",
            "shm",
            List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k")));
    mounts.add(Mount.of("/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev")));
    mounts.add(Mount.of("/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", "ro")));
    mounts.add(
        Mount.of(
            "/sys/fs/cgroup",
            "cgroup",
            "cgroup",
            List.of("nosuid", "noexec", "nodev", "relatime", "ro")));

    List<Namespace> namespaces = new ArrayList<>();
    for (String type : List.of("pid", "network", "ipc", "uts", "mount", "cgroup")) {
      namespaces.add(Namespace.of(type));
    }
    Linux.Builder linux =
        Linux.builder()
            .namespaces(namespaces)
            .maskedPaths(
                List.of(
                    "/proc/acpi",
                    "/proc/asound",
                    "/proc/kcore",
                    "/proc/keys",
                    "/proc/latency_stats",
                    "/proc/timer_list",
                    "/proc/timer_stats",
                    "/proc/sched_debug",
                    "/sys/firmware",
                    "/proc/scsi",
                    "/sys/devices/virtual/tpm"))
            .readonlyPaths(
                List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"))
            .unknownProperty("resources", denyAllDevices());

    ConversionOptions.Rootless rootless = options.rootless();
    if (rootless != null) {
      // runc's specconv.ToRootless: no network namespace (an unprivileged user cannot set one
      // up), a user namespace mapping root to the user, /sys bound from the host (sysfs cannot
      // be mounted), no uid=/gid= mount options (unmapped ids), no cgroup settings.
      List<Namespace> kept = new ArrayList<>();
      for (Namespace n : namespaces) {
        if (!n.type().equals("network") && !n.type().equals("user")) {
          kept.add(n);
        }
      }
      kept.add(Namespace.of("user"));
      linux
          .namespaces(kept)
          .uidMappings(List.of(IdMapping.of(0, rootless.hostUid(), 1)))
          .gidMappings(List.of(IdMapping.of(0, rootless.hostGid(), 1)))
          .removeUnknownProperty("resources");
      List<Mount> fixed = new ArrayList<>();
      for (Mount m : mounts) {
        if (m.destination().equals("/sys")) {
          fixed.add(
              Mount.of(
                  "/sys", "none", "/sys", List.of("rbind", "nosuid", "noexec", "nodev", "ro")));
          continue;
        }
        List<String> withoutIds = new ArrayList<>();
        for (String o : m.options()) {
          if (!o.startsWith("gid=") && !o.startsWith("uid=")) {
            withoutIds.add(o);
          }
        }
        fixed.add(Mount.of(m.destination(), m.type(), m.source(), withoutIds));
      }
      mounts = fixed;
    }

    return RuntimeConfig.builder()
        .process(process)
        .root(Root.of(Root.ROOTFS))
        .hostname(options.hostname())
        .mounts(mounts)
        .linux(linux.build())
        .build();
  }

  /** {@code resources.devices}: deny every device, as runc's default does. */
  private static JsonNode denyAllDevices() {
    ObjectNode resources = OciJson.mapper().createObjectNode();
    ArrayNode devices = resources.putArray("devices");
    devices.addObject().put("allow", false).put("access", "rwm");
    return resources;
  }

  /** The image's execution parameters with the caller's entrypoint and arguments applied. */
  private static ImageConfig.Config effective(ImageConfig image, ConversionOptions options) {
    ImageConfig.Config c = image.configOrEmpty();
    if (options.entrypoint() == null && options.cmd() == null) {
      return c;
    }
    ImageConfig.Config.Builder b = c.toBuilder();
    if (options.entrypoint() != null) {
      b.entrypoint(options.entrypoint());
      b.cmd(options.cmd() != null ? options.cmd() : List.of());
    } else {
      b.cmd(options.cmd());
    }
    return b.build();
  }

  /** What makes an image config impossible to convert, before anything is unpacked. */
  static void check(ImageConfig image) throws BundleException {
    if (!"linux".equals(image.os())) {
      throw new BundleException(
          "the image is for os \""
              + image.os()
              + "\"; only linux images convert to a Linux runtime bundle");
    }
    List<String> env = image.configOrEmpty().env();
    for (int i = 0; i < env.size(); i++) {
      String e = env.get(i);
      if (e.indexOf('=') <= 0) {
        throw new BundleException(
            "Config.Env["
                + i
                + "] \""
                + e
                + "\" is not VARNAME=VARVALUE (config.md), so it cannot go into process.env");
      }
    }
  }

  private static @Nullable String createdText(Parsed<ImageConfig> image) {
    try {
      JsonNode created = OciJson.readTree(image.bytes()).get("created");
      return created != null && created.isString() ? created.stringValue() : null;
    } catch (InvalidDocumentException e) {
      return null; // Parsed bytes were read once already; a model built in memory has none
    }
  }

  private static void addUnlessNamed(List<String> env, String name, String value) {
    String prefix = name + "=";
    for (String e : env) {
      if (e.startsWith(prefix)) {
        return;
      }
    }
    env.add(prefix + value);
  }

  private static void putIfPresent(Map<String, String> map, String key, @Nullable String value) {
    if (value != null) {
      map.put(key, value);
    }
  }
}
