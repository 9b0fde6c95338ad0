package dev.ocikit.layers.corpus;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A tar writer that writes names and link names exactly as given: no normalisation of {@code ..},
 * leading {@code /}, {@code .} or odd characters, as a hostile layer would have them. Each entry is
 * a ustar header, preceded by a PAX extended header when a name does not fit the ustar fields (too
 * long, not ASCII, with a NUL) or extra PAX records are given. Fixed defaults (mode 0644, owner
 * 0:0, mtime 2026-01-01) keep the bytes reproducible.
 */
public final class RawTar {
  /** 2026-01-01T00:00:00Z, the default mtime. */
  public static final long MTIME = 1_767_225_600L;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** A tar entry being built; {@link #add()} writes it. */
  public final class Entry {
    private final String name;
    private final char type;
    private String linkName = "";
    private byte[] content = new byte[0];
    private long declaredSize = -1;
    private int mode = 0644;
    private long uid;
    private long gid;
    private long mtime = MTIME;
    private int devMajor;
    private int devMinor;
    private final Map<String, String> pax = new LinkedHashMap<>();

    private Entry(String name, char type) {
      this.name = name;
      this.type = type;
    }

    /** The link target (symlink, hardlink). */
    public Entry link(String target) {
      this.linkName = target;
      return this;
    }

    /** The content (regular file). */
    public Entry content(byte[] bytes) {
      this.content = bytes;
      return this;
    }

    /** The content (regular file), UTF-8. */
    public Entry content(String text) {
      return content(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Permission bits, including setuid/setgid/sticky. */
    public Entry mode(int mode) {
      this.mode = mode;
      return this;
    }

    /** Numeric owner. */
    public Entry owner(long uid, long gid) {
      this.uid = uid;
      this.gid = gid;
      return this;
    }

    /** Modification time, seconds since the epoch. */
    public Entry mtime(long seconds) {
      this.mtime = seconds;
      return this;
    }

    /** Device numbers (character/block devices). */
    public Entry device(int major, int minor) {
      this.devMajor = major;
      this.devMinor = minor;
      return this;
    }

    /** An extra PAX record (e.g. {@code SCHILY.xattr.user.x}). */
    public Entry pax(String key, String value) {
      pax.put(key, value);
      return this;
    }

    /**
     * The size the header declares, when it is not the content's (a file whose data is written
     * separately, or missing).
     */
    public Entry declaredSize(long size) {
      this.declaredSize = size;
      return this;
    }

    /** Writes the entry and its content; returns the tar for the next entry. */
    public RawTar add() {
      long size = declaredSize >= 0 ? declaredSize : content.length;
      Map<String, String> records = new LinkedHashMap<>();
      if (!fitsUstar(name)) {
        records.put("path", name);
      }
      if (!fitsUstar(linkName)) {
        records.put("linkpath", linkName);
      }
      records.putAll(pax);
      if (!records.isEmpty()) {
        byte[] body = paxBody(records);
        header("PaxHeaders/" + ascii(name), 'x', "", body.length, 0644, 0, 0, mtime, 0, 0);
        data(body);
      }
      header(name, type, linkName, size, mode, uid, gid, mtime, devMajor, devMinor);
      if (declaredSize < 0) {
        data(content);
      } else {
        out.writeBytes(content);
      }
      return RawTar.this;
    }
  }

  /** A regular file. */
  public Entry file(String name) {
    return new Entry(name, '0');
  }

  /** A regular file with text content, written at once. */
  public RawTar file(String name, String content) {
    return file(name).content(content).add();
  }

  /** A directory. */
  public Entry dir(String name) {
    return new Entry(name, '5').mode(0755);
  }

  /** A symbolic link to {@code target}, written at once. */
  public RawTar symlink(String name, String target) {
    return new Entry(name, '2').mode(0777).link(target).add();
  }

  /** A symbolic link to {@code target}. */
  public Entry symlinkEntry(String name, String target) {
    return new Entry(name, '2').mode(0777).link(target);
  }

  /** A hardlink to {@code target}, written at once. */
  public RawTar hardlink(String name, String target) {
    return new Entry(name, '1').link(target).add();
  }

  /** An entry of any type flag. */
  public Entry entry(String name, char type) {
    return new Entry(name, type);
  }

  /** Raw bytes, as they are (no padding). */
  public RawTar raw(byte[] bytes) {
    out.writeBytes(bytes);
    return this;
  }

  /** The tar with its end-of-archive marker (two zero blocks). */
  public byte[] finish() {
    out.writeBytes(new byte[1024]);
    return out.toByteArray();
  }

  /** The tar so far, without an end-of-archive marker. */
  public byte[] unfinished() {
    return out.toByteArray();
  }

  /** One ustar header block, as the tar writes it. */
  public static byte[] headerBlock(String name, char type, long size, int mode) {
    RawTar t = new RawTar();
    t.header(name, type, "", size, mode, 0, 0, MTIME, 0, 0);
    return t.out.toByteArray();
  }

  private static boolean fitsUstar(String s) {
    if (s.length() > 100) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == 0 || c > 126) {
        return false;
      }
    }
    return true;
  }

  private static String ascii(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && b.length() < 60; i++) {
      char c = s.charAt(i);
      b.append(c > 32 && c < 127 ? c : '_');
    }
    return b.toString();
  }

  /** PAX records of {@code keysAndValues} (key, value, key, value, ...), in that order. */
  public static byte[] paxRecords(String... keysAndValues) {
    Map<String, String> records = new LinkedHashMap<>();
    for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
      records.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return paxBody(records);
  }

  private static byte[] paxBody(Map<String, String> records) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (Map.Entry<String, String> r : records.entrySet()) {
      byte[] kv = (" " + r.getKey() + "=" + r.getValue() + "\n").getBytes(StandardCharsets.UTF_8);
      int length = kv.length + 1;
      while (length != kv.length + Integer.toString(length).length()) {
        length = kv.length + Integer.toString(length).length();
      }
      body.writeBytes(Integer.toString(length).getBytes(StandardCharsets.US_ASCII));
      body.writeBytes(kv);
    }
    return body.toByteArray();
  }

  private void header(
      String name,
      char type,
      String linkName,
      long size,
      int mode,
      long uid,
      long gid,
      long mtime,
      int devMajor,
      int devMinor) {
    byte[] h = new byte[512];
    put(h, 0, 100, truncate(name));
    octal(h, 100, 8, mode & 07777);
    octal(h, 108, 8, uid);
    octal(h, 116, 8, gid);
    octal(h, 124, 12, size);
    octal(h, 136, 12, mtime);
    Arrays.fill(h, 148, 156, (byte) ' ');
    h[156] = (byte) type;
    put(h, 157, 100, truncate(linkName));
    put(h, 257, 6, "ustar\0".getBytes(StandardCharsets.US_ASCII));
    put(h, 263, 2, "00".getBytes(StandardCharsets.US_ASCII));
    put(h, 265, 32, "root".getBytes(StandardCharsets.US_ASCII));
    put(h, 297, 32, "root".getBytes(StandardCharsets.US_ASCII));
    octal(h, 329, 8, devMajor);
    octal(h, 337, 8, devMinor);
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    octal(h, 148, 7, sum);
    out.writeBytes(h);
  }

  /** The ustar field's bytes: as many as fit, a NUL ending them when it is first. */
  private static byte[] truncate(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    int n = 0;
    while (n < b.length && n < 100 && b[n] != 0) {
      n++;
    }
    return Arrays.copyOf(b, n);
  }

  private static void put(byte[] h, int offset, int length, byte[] value) {
    System.arraycopy(value, 0, h, offset, Math.min(length, value.length));
  }

  /** An octal number, zero-padded, NUL-terminated, in {@code length} bytes. */
  private static void octal(byte[] h, int offset, int length, long value) {
    String s = Long.toOctalString(value);
    if (s.length() > length - 1) {
      throw new IllegalArgumentException(value + " does not fit " + (length - 1) + " octal digits");
    }
    s = "0".repeat(length - 1 - s.length()) + s;
    put(h, offset, length - 1, s.getBytes(StandardCharsets.US_ASCII));
    h[offset + length - 1] = 0;
  }

  private void data(byte[] bytes) {
    out.writeBytes(bytes);
    int pad = (512 - bytes.length % 512) % 512;
    out.writeBytes(new byte[pad]);
  }
}
