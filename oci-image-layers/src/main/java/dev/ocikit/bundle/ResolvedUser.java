package dev.ocikit.bundle;

import dev.ocikit.internal.Values;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code Config.User} resolved in an image's root filesystem (image-spec conversion.md, "Parsed
 * Fields"): the values of runtime-spec {@code process.user}, and the home directory the user's
 * {@code /etc/passwd} entry gives.
 *
 * @param uid the user id, a uint32
 * @param gid the group id, a uint32
 * @param additionalGids the supplementary group ids, in {@code /etc/group} order
 * @param home the home directory of the user's {@code /etc/passwd} entry, or null when there is no
 *     entry (a numeric uid that the image does not define)
 */
public record ResolvedUser(long uid, long gid, List<Long> additionalGids, @Nullable String home) {

  /** Checks the ranges and copies. */
  public ResolvedUser {
    Values.uint32(uid, "uid");
    Values.uint32(gid, "gid");
    additionalGids = Values.uint32List(additionalGids, "additionalGids");
  }

  /** This user as runtime-spec {@code process.user}. */
  public RuntimeConfig.User toRuntimeUser() {
    return RuntimeConfig.User.of(uid, gid, additionalGids);
  }
}
