package dev.ocikit.layers;

import java.io.ByteArrayOutputStream;
import org.jspecify.annotations.Nullable;

/**
 * The {@code user.rootlesscontainers} xattr of rootlesscontaine.rs, in which a rootless unpack
 * (umoci's, and {@link LayerApplier}'s with {@link ApplyOptions#rootless()}) keeps the owner a file
 * should have and could not be given: a protobuf message {@code Resource { uint32 uid = 1; uint32
 * gid = 2; }}, where {@code 0xFFFFFFFF} ({@code NoopID}) stands for the container's root (the
 * unpacking user, who owns the file). A repack reads it back ({@link LayerWriter#addTree}).
 */
final class RootlessOwner {
  private RootlessOwner() {}

  /** The xattr's full name. */
  static final String XATTR = "user.rootlesscontainers";

  /** Its name in the {@code user} namespace. */
  static final String NAME = "rootlesscontainers";

  /** The id that means "the container's root". */
  static final long NOOP = 0xFFFFFFFFL;

  /** An owner {@code uid:gid} as recorded. */
  record Owner(long uid, long gid) {}

  /** The value for the owner {@code uid:gid}; null for {@code 0:0}, which needs none. */
  static byte @Nullable [] encode(long uid, long gid) {
    if (uid == 0 && gid == 0) {
      return null;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x08); // field 1, varint
    varint(out, uid == 0 ? NOOP : uid);
    out.write(0x10); // field 2, varint
    varint(out, gid == 0 ? NOOP : gid);
    return out.toByteArray();
  }

  /**
   * The owner recorded in {@code value} ({@code NoopID} and absent fields read as 0, the
   * container's root); null when it is not such a message.
   */
  static @Nullable Owner decode(byte[] value) {
    long uid = 0;
    long gid = 0;
    int at = 0;
    while (at < value.length) {
      int tag = value[at++] & 0xff;
      if ((tag & 7) != 0) {
        return null; // only varint fields here
      }
      long v = 0;
      int shift = 0;
      while (true) {
        if (at >= value.length || shift > 63) {
          return null;
        }
        int b = value[at++] & 0xff;
        v |= (long) (b & 0x7f) << shift;
        shift += 7;
        if ((b & 0x80) == 0) {
          break;
        }
      }
      v &= 0xFFFFFFFFL; // uint32
      long id = v == NOOP ? 0 : v;
      switch (tag >>> 3) {
        case 1 -> uid = id;
        case 2 -> gid = id;
        default -> {} // unknown fields are skipped, as protobuf readers do
      }
    }
    return new Owner(uid, gid);
  }

  private static void varint(ByteArrayOutputStream out, long value) {
    long v = value;
    while ((v & ~0x7fL) != 0) {
      out.write((int) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }
}
