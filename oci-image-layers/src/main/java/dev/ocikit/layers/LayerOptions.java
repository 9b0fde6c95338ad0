package dev.ocikit.layers;

import dev.ocikit.digest.DigestAlgorithm;
import dev.ocikit.model.Compression;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * How {@link LayerWriter} writes a layer (<a
 * href="https://github.com/opencontainers/image-spec/blob/main/layer.md">layer.md</a>):
 * reproducible by default, so that the same content gives the same blob, digest and diff_id
 * whatever the order in which files were created or added, the file system's order, the clock, the
 * host's users or the number of threads.
 *
 * <p>What is always so, whatever the options: entries are sorted (see {@link LayerWriter}); user
 * and group names ({@code uname}, {@code gname}) are empty, never looked up on the host (layer.md:
 * they "should be ignored on platforms that support" numeric ids); no {@code atime} or {@code
 * ctime} records are written; whiteouts have mode 0, owner 0:0 and mtime 0.
 *
 * @param compression gzip, zstd or none: the media type is the matching {@code
 *     application/vnd.oci.image.layer.v1.tar[+gzip|+zstd]}
 * @param level the compression level, or -1 for the compressor's default (gzip 6, zstd 3); gzip
 *     takes 0 to 9, zstd 1 to 22; ignored without compression
 * @param threads how many threads the compressor may use (at least 1); the bytes written never
 *     depend on it
 * @param timestamps what the entries' modification times become
 * @param timestamp the instant of {@link Timestamps#FIXED} and {@link Timestamps#CLAMP}, and the
 *     time of entries that have none (missing parents, entries added without one); whole seconds
 *     only (a fraction is dropped); by default the Unix epoch
 * @param keepOwners true to record each entry's uid and gid; false (the default) to record 0:0
 * @param parents true (the default) to add an entry for each missing parent directory of an added
 *     entry (mode 0755, owner 0:0, mtime {@code timestamp}), so that tools that do not create
 *     parents can extract the layer; false to leave them out, so that lower layers' directories
 *     keep their attributes
 * @param rootless true when the tree was unpacked rootless (or is owned by this user as the image's
 *     root): a file of this process's uid or gid is the image's root's, and one with a {@code
 *     user.rootlesscontainers} xattr (a rootless unpack's record, umoci's or ocikit's) has the
 *     owner it records; what {@code keepOwners} then keeps. False (the default): owners as they
 *     are. The record itself is never written into the layer.
 * @param digestAlgorithm the algorithm of the blob's digest and of the diff_id
 */
public record LayerOptions(
    Compression compression,
    int level,
    int threads,
    Timestamps timestamps,
    Instant timestamp,
    boolean keepOwners,
    boolean parents,
    boolean rootless,
    DigestAlgorithm digestAlgorithm) {

  /**
   * What the modification times of entries become (the <a
   * href="https://reproducible-builds.org/specs/source-date-epoch/">SOURCE_DATE_EPOCH</a>
   * convention). Only {@link #KEEP} records fractions of a second.
   */
  public enum Timestamps {
    /** Every entry gets {@code timestamp}: the content alone decides the bytes (the default). */
    FIXED,
    /** Times later than {@code timestamp} become {@code timestamp}; others keep their seconds. */
    CLAMP,
    /**
     * Times are kept, to 100 nanoseconds (the PAX {@code mtime} record commons-compress writes has
     * seven decimals).
     */
    KEEP
  }

  /**
   * Reproducible defaults: gzip at its default level, one thread, every mtime the Unix epoch,
   * owners 0:0, missing parents added, SHA-256.
   */
  public static final LayerOptions DEFAULT =
      new LayerOptions(
          Compression.GZIP,
          -1,
          1,
          Timestamps.FIXED,
          Instant.EPOCH,
          false,
          true,
          false,
          DigestAlgorithm.SHA256);

  /** Checks the values and drops the fraction of a second of {@code timestamp}. */
  public LayerOptions {
    Objects.requireNonNull(compression, "compression");
    Objects.requireNonNull(timestamps, "timestamps");
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(digestAlgorithm, "digestAlgorithm");
    timestamp = timestamp.truncatedTo(ChronoUnit.SECONDS);
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, not " + threads);
    }
    if (level != -1) {
      boolean ok =
          switch (compression) {
            case NONE -> true;
            case GZIP -> level >= 0 && level <= 9;
            case ZSTD -> level >= 1 && level <= 22;
          };
      if (!ok) {
        throw new IllegalArgumentException(
            "level "
                + level
                + " is not a "
                + compression.name().toLowerCase(java.util.Locale.ROOT)
                + " level (gzip 0-9, zstd 1-22, or -1 for the default)");
      }
    }
  }

  /** A builder starting from {@link #DEFAULT}. */
  public static Builder builder() {
    return new Builder(DEFAULT);
  }

  /** A builder starting from these options. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** These options with another compression (and its default level). */
  public LayerOptions withCompression(Compression compression) {
    return toBuilder().compression(compression).level(-1).build();
  }

  /** Builds {@link LayerOptions}; every value starts as in the options it was made from. */
  public static final class Builder {
    private Compression compression;
    private int level;
    private int threads;
    private Timestamps timestamps;
    private Instant timestamp;
    private boolean keepOwners;
    private boolean parents;
    private boolean rootless;
    private DigestAlgorithm digestAlgorithm;

    private Builder(LayerOptions o) {
      compression = o.compression;
      level = o.level;
      threads = o.threads;
      timestamps = o.timestamps;
      timestamp = o.timestamp;
      keepOwners = o.keepOwners;
      parents = o.parents;
      rootless = o.rootless;
      digestAlgorithm = o.digestAlgorithm;
    }

    /** See {@link LayerOptions#compression()}. */
    public Builder compression(Compression compression) {
      this.compression = compression;
      return this;
    }

    /** See {@link LayerOptions#level()}. */
    public Builder level(int level) {
      this.level = level;
      return this;
    }

    /** See {@link LayerOptions#threads()}. */
    public Builder threads(int threads) {
      this.threads = threads;
      return this;
    }

    /** See {@link LayerOptions#timestamps()}. */
    public Builder timestamps(Timestamps timestamps) {
      this.timestamps = timestamps;
      return this;
    }

    /** See {@link LayerOptions#timestamp()}. */
    public Builder timestamp(Instant timestamp) {
      this.timestamp = timestamp;
      return this;
    }

    /**
     * {@link Timestamps#CLAMP} to {@code SOURCE_DATE_EPOCH} seconds, as the <a
     * href="https://reproducible-builds.org/specs/source-date-epoch/">convention</a> asks of tools
     * that honour it.
     */
    public Builder sourceDateEpoch(long seconds) {
      this.timestamps = Timestamps.CLAMP;
      this.timestamp = Instant.ofEpochSecond(seconds);
      return this;
    }

    /** See {@link LayerOptions#keepOwners()}. */
    public Builder keepOwners(boolean keepOwners) {
      this.keepOwners = keepOwners;
      return this;
    }

    /** See {@link LayerOptions#parents()}. */
    public Builder parents(boolean parents) {
      this.parents = parents;
      return this;
    }

    /** See {@link LayerOptions#rootless()}. */
    public Builder rootless(boolean rootless) {
      this.rootless = rootless;
      return this;
    }

    /** See {@link LayerOptions#digestAlgorithm()}. */
    public Builder digestAlgorithm(DigestAlgorithm digestAlgorithm) {
      this.digestAlgorithm = digestAlgorithm;
      return this;
    }

    /**
     * The options.
     *
     * @throws IllegalArgumentException if a value is out of range
     */
    public LayerOptions build() {
      return new LayerOptions(
          compression,
          level,
          threads,
          timestamps,
          timestamp,
          keepOwners,
          parents,
          rootless,
          digestAlgorithm);
    }
  }
}
