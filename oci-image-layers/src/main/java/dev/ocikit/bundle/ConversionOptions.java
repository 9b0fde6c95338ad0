package dev.ocikit.bundle;

import dev.ocikit.internal.Values;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How {@link RuntimeConfigConverter} makes a runtime configuration: the implementation-defined
 * values image-spec conversion.md leaves open, and the "externally provided inputs from the caller"
 * it allows, which "are considered to be a modification of the {@code
 * application/vnd.oci.image.config.v1+json} used as a source".
 *
 * @param terminal whether the process gets a terminal ({@code process.terminal}; {@code runc spec}
 *     and umoci say true); {@code TERM=xterm} is added to the environment when true and the image
 *     does not set {@code TERM}
 * @param hostname the container's hostname, or null for none
 * @param rootless the ids of the unprivileged host user a rootless runtime maps to root in the
 *     container, or null for a configuration a privileged runtime runs
 * @param entrypoint an entrypoint replacing the image's {@code Config.Entrypoint}, or null to keep
 *     it; replacing the entrypoint also drops the image's {@code Config.Cmd} (its arguments belong
 *     to the entrypoint replaced) unless {@code cmd} is given too, as Docker and containerd do
 * @param cmd arguments replacing the image's {@code Config.Cmd}, or null to keep them
 */
public record ConversionOptions(
    boolean terminal,
    @Nullable String hostname,
    @Nullable Rootless rootless,
    @Nullable List<String> entrypoint,
    @Nullable List<String> cmd) {

  /** The hostname ocikit gives a container unless told otherwise. */
  public static final String DEFAULT_HOSTNAME = "ocikit";

  /**
   * The defaults: a terminal (as {@code runc spec}), hostname {@value #DEFAULT_HOSTNAME}, a
   * privileged runtime, the image's entrypoint and arguments.
   */
  public static final ConversionOptions DEFAULT =
      new ConversionOptions(true, DEFAULT_HOSTNAME, null, null, null);

  /** Copies the lists. */
  public ConversionOptions {
    entrypoint = entrypoint == null ? null : Values.list(entrypoint, "entrypoint");
    cmd = cmd == null ? null : Values.list(cmd, "cmd");
  }

  /** These options with a terminal or not. */
  public ConversionOptions withTerminal(boolean terminal) {
    return new ConversionOptions(terminal, hostname, rootless, entrypoint, cmd);
  }

  /** These options with another hostname (null for none). */
  public ConversionOptions withHostname(@Nullable String hostname) {
    return new ConversionOptions(terminal, hostname, rootless, entrypoint, cmd);
  }

  /** These options for a rootless runtime mapping {@code rootless}'s ids (null: privileged). */
  public ConversionOptions withRootless(@Nullable Rootless rootless) {
    return new ConversionOptions(terminal, hostname, rootless, entrypoint, cmd);
  }

  /** These options with the image's entrypoint replaced (null to keep it). */
  public ConversionOptions withEntrypoint(@Nullable List<String> entrypoint) {
    return new ConversionOptions(terminal, hostname, rootless, entrypoint, cmd);
  }

  /** These options with the image's arguments replaced (null to keep them). */
  public ConversionOptions withCmd(@Nullable List<String> cmd) {
    return new ConversionOptions(terminal, hostname, rootless, entrypoint, cmd);
  }

  /**
   * The host user of a rootless container (config-linux.md, "User namespace mappings"): a user
   * namespace maps container uid and gid 0 to these ids, one id each, as {@code runc spec
   * --rootless} writes it.
   *
   * @param hostUid the host uid mapped to container uid 0, a uint32
   * @param hostGid the host gid mapped to container gid 0, a uint32
   */
  public record Rootless(long hostUid, long hostGid) {

    /** Checks the ranges. */
    public Rootless {
      Values.uint32(hostUid, "hostUid");
      Values.uint32(hostGid, "hostGid");
    }

    /**
     * The effective uid and gid of this process (the owner of {@code /proc/self}), as {@code runc
     * spec --rootless} takes them.
     *
     * @throws IOException if {@code /proc/self} cannot be read (not Linux)
     */
    public static Rootless currentUser() throws IOException {
      Path self = Path.of("/proc/self");
      Object uid = Files.getAttribute(self, "unix:uid");
      Object gid = Files.getAttribute(self, "unix:gid");
      return new Rootless(
          Integer.toUnsignedLong((Integer) Objects.requireNonNull(uid)),
          Integer.toUnsignedLong((Integer) Objects.requireNonNull(gid)));
    }
  }
}
