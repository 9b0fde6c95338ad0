package dev.ocikit.layers;

/**
 * How layers are applied.
 *
 * @param rootless true to keep the current user as the owner of everything (no chown), as an
 *     unprivileged user must; false to set the numeric uid/gid of each entry (needs root)
 * @param specialFiles what to do with FIFOs and character/block devices
 * @param maxUncompressedBytes the most a layer may expand to (decompression bombs stop here)
 * @param maxEntries the most entries a layer may have
 * @param maxPathLength the longest entry path, in characters
 */
public record ApplyOptions(
    boolean rootless,
    SpecialFiles specialFiles,
    long maxUncompressedBytes,
    long maxEntries,
    int maxPathLength) {

  /** What to do with FIFOs and devices, which the JVM cannot create by itself. */
  public enum SpecialFiles {
    /**
     * Create them with {@code mkfifo}/{@code mknod} when the process may; skip and report
     * otherwise.
     */
    CREATE_OR_SKIP,
    /** Create them, or fail the layer if that is not possible. */
    CREATE_OR_FAIL,
    /** Never create them; report each as skipped. */
    SKIP,
    /**
     * Create them when the process may; otherwise an empty regular file in its place, with the
     * entry's mode, time and (rootless) owner record, and a note: as umoci's rootless unpack fakes
     * the devices it cannot make, so that the trees of the two agree.
     */
    CREATE_OR_PLACEHOLDER
  }

  /** Privileged defaults: owners set, 64 GiB, 10 million entries, paths up to 4096 characters. */
  public static final ApplyOptions DEFAULT =
      new ApplyOptions(false, SpecialFiles.CREATE_OR_SKIP, 64L << 30, 10_000_000, 4096);

  /** Checks the limits. */
  public ApplyOptions {
    if (maxUncompressedBytes <= 0 || maxEntries <= 0 || maxPathLength <= 0) {
      throw new IllegalArgumentException("limits must be positive");
    }
    java.util.Objects.requireNonNull(specialFiles, "specialFiles");
  }

  /** These options, rootless or not. */
  public ApplyOptions withRootless(boolean rootless) {
    return new ApplyOptions(
        rootless, specialFiles, maxUncompressedBytes, maxEntries, maxPathLength);
  }

  /** These options with another special-file policy. */
  public ApplyOptions withSpecialFiles(SpecialFiles specialFiles) {
    return new ApplyOptions(
        rootless, specialFiles, maxUncompressedBytes, maxEntries, maxPathLength);
  }

  /** These options with other limits. */
  public ApplyOptions withLimits(long maxUncompressedBytes, long maxEntries, int maxPathLength) {
    return new ApplyOptions(
        rootless, specialFiles, maxUncompressedBytes, maxEntries, maxPathLength);
  }
}
