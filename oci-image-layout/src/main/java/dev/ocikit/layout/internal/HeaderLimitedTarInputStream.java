package dev.ocikit.layout.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.jspecify.annotations.Nullable;

/**
 * A tar reader that bounds what a header may make it hold in memory. commons-compress reads the
 * extensions of a header -- PAX records ({@code x}, {@code g}), GNU long names and link names
 * ({@code L}, {@code K}), sparse maps (old GNU {@code S} extension records, PAX 1.0 maps) -- whole
 * into memory, and follows a header by the next one recursively: a layer of a few KB can ask for
 * gigabytes of heap, or nest headers deep enough to overflow the stack. As Go's {@code archive/tar}
 * (and so containerd and Docker) does, each such extension may hold at most {@link
 * #MAX_EXTENSION_BYTES}; and at most {@link #MAX_EXTENSION_HEADERS} of them may precede an entry.
 * Past either, the error its {@link LimitError} makes.
 *
 * <p>It also refuses what commons-compress and Go's {@code archive/tar} (containerd, Docker, umoci)
 * would read as different files, so that a layer cannot show a checker built on this one tree and a
 * runtime another: data on entries one of them takes for header-only ({@link
 * #dataReadersDisagreeOn}), an entry after a single zero block, global PAX records other than
 * {@code comment}, two PAX headers or GNU long names before one entry, a long name with a PAX path,
 * a pre-POSIX header with a ustar prefix. And it keeps the raw bytes of xattr values ({@link
 * #xattrs}), which commons-compress decodes as UTF-8.
 *
 * <p>Everything {@code getNextEntry} reads is header data: the rest of the previous entry is passed
 * over first, outside the count, with {@link InputStream#skip} of the underlying stream (a file's
 * stream moves its position, so an index of a large archive reads only its headers).
 */
public final class HeaderLimitedTarInputStream extends TarArchiveInputStream {
  /** Go's {@code archive/tar} maxSpecialFileSize: 1 MiB per PAX header or GNU long name. */
  public static final int MAX_EXTENSION_BYTES = 1 << 20;

  /** Extension headers before one entry; real archives have at most three or four. */
  public static final int MAX_EXTENSION_HEADERS = 32;

  /** Makes the error for a limit passed, from its reason. */
  @FunctionalInterface
  public interface LimitError {
    /** The exception to throw, for {@code reason} ("a tar header extension of more than ..."). */
    IOException create(String reason);
  }

  /** The prefix of the PAX keys under which {@link #xattrs} keeps values that UTF-8 would alter. */
  private static final String RAW = "ocikit.raw.";

  private static final String XATTR = "SCHILY.xattr.";

  /** The PAX record of GNU tar's sparse formats that names the file. */
  private static final String SPARSE_NAME = "GNU.sparse.name";

  private final Guard guard;
  private final byte[] drain = new byte[8192];

  /** The data of the PAX headers of the entry being read, as it is in the tar. */
  private final java.io.ByteArrayOutputStream pax = new java.io.ByteArrayOutputStream();

  /** The data of the global PAX headers read before the entry being read. */
  private final java.io.ByteArrayOutputStream global = new java.io.ByteArrayOutputStream();

  /** Depth of nested getNextEntry calls: commons-compress recurses after each extension. */
  private int depth;

  /** The extension headers read before the entry being looked for. */
  private int headers;

  /**
   * Of those: PAX headers ({@code x}), GNU long names ({@code L}) and long link names ({@code K}).
   */
  private int paxHeaders;

  private int longNames;
  private int longLinks;

  /** Whether the next record continues an old GNU sparse header (its extension records). */
  private boolean sparseExtension;

  /** Whether a name or link target that is not UTF-8 is refused (else decoded with U+FFFD). */
  private final boolean strictNames;

  /**
   * A reader of the tar {@code in}, failing with {@code limitError}'s exceptions; names and link
   * targets are UTF-8, and one that is not is refused.
   */
  public HeaderLimitedTarInputStream(InputStream in, LimitError limitError) {
    this(in, limitError, true);
  }

  /**
   * A reader of the tar {@code in}, failing with {@code limitError}'s exceptions; a name or link
   * target that is not UTF-8 is refused when {@code strictNames}, else read with U+FFFD for the
   * bytes that are not (for an index of an archive, where such a name is no blob's).
   */
  public HeaderLimitedTarInputStream(InputStream in, LimitError limitError, boolean strictNames) {
    this(new Guard(in, limitError), strictNames);
  }

  private HeaderLimitedTarInputStream(Guard guard, boolean strictNames) {
    // ISO-8859-1, one char per byte: commons-compress's UTF-8 decoding replaces each byte that is
    // not UTF-8 with '?', so that two names would become one; names are decoded here instead.
    super(guard, "ISO-8859-1");
    this.guard = guard;
    this.strictNames = strictNames;
  }

  /**
   * The next entry, its extensions within the limits.
   *
   * @throws IOException of the {@link LimitError} when an extension passes a limit, or as
   *     commons-compress throws for a malformed tar
   */
  @Override
  public TarArchiveEntry getNextEntry() throws IOException {
    if (depth == 0) {
      // The rest of the current entry is data, not header: passed over outside the count.
      TarArchiveEntry current = getCurrentEntry();
      if (current != null) {
        guard.discard = true;
        try {
          while (super.read(drain, 0, drain.length) >= 0) {
            // passed over
          }
          if (!current.isSparse()) {
            // So is the padding to the end of its last record, here, for commons-compress would
            // pass over the entry's end and padding with a new 8 KiB array each (two per file
            // of an unpack). Its count of bytes read is the position in the tar (header records
            // and data so far, a sparse file's holes aside), so the padding is what lacks to a
            // whole record.
            skipPadding();
            setCurrentEntry(null);
          }
        } finally {
          guard.discard = false;
        }
      }
      headers = 0;
      paxHeaders = 0;
      longNames = 0;
      longLinks = 0;
      pax.reset();
      global.reset();
    } else if (++headers > MAX_EXTENSION_HEADERS) {
      throw guard.limitError.create(
          "more than " + MAX_EXTENSION_HEADERS + " PAX or GNU extension headers before one entry");
    }
    guard.used = 0;
    guard.active = true;
    depth++;
    TarArchiveEntry entry;
    try {
      entry = super.getNextEntry();
    } finally {
      if (--depth == 0) {
        guard.active = false;
      }
    }
    if (depth > 0) {
      return entry;
    }
    if (global.size() > 0) {
      refuseGlobalRecords();
    }
    // The entry's PAX records as they are in the tar, parsed once for the checks below.
    Map<String, byte[]> records = new java.util.LinkedHashMap<>();
    if (pax.size() > 0) {
      records(pax.toByteArray(), records::put);
    }
    if ((paxHeaders + longNames + longLinks) > 1) {
      refuseAmbiguousExtensions(records);
    }
    if (entry != null) {
      keepRawXattrs(entry, records);
      decodeNames(entry, records);
    }
    return entry;
  }

  /**
   * Passes over the rest of the record that the entry's data ends in, as commons-compress would.
   */
  private void skipPadding() throws IOException {
    int record = getRecordSize();
    long padding = (record - getBytesRead() % record) % record;
    long left = padding;
    while (left > 0) {
      int n = guard.read(drain, 0, (int) Math.min(drain.length, left));
      if (n < 0) {
        throw new IOException("Truncated TAR archive"); // commons-compress's words for it
      }
      left -= n;
    }
    count(padding);
  }

  /**
   * Decodes the name and link target of {@code entry} as UTF-8: those of its header fields and GNU
   * long names, which commons-compress has read as ISO-8859-1, from their bytes; those of PAX
   * {@code path} and {@code linkpath} records (which it decodes as UTF-8 itself) checked against
   * theirs. Go's archive/tar keeps the bytes as they are; a JVM can name a file only with text, so
   * a name that is not UTF-8 would become another name here: refused (when {@link #strictNames}).
   */
  private void decodeNames(TarArchiveEntry entry, Map<String, byte[]> records) throws IOException {
    // A sparse file's real name (GNU tar's PAX formats) is applied over the path, when the entry
    // is one of those sparse files.
    byte[] pathRecord =
        entry.isPaxGNUSparse() && records.containsKey(SPARSE_NAME)
            ? records.get(SPARSE_NAME)
            : records.get("path");
    String name = decode(entry.getName(), pathRecord, "name");
    if (!name.equals(entry.getName())) {
      entry.setName(name);
    }
    String link = entry.getLinkName();
    if (link != null && !link.isEmpty()) {
      String decoded = decode(link, records.get("linkpath"), "link target");
      if (!decoded.equals(link)) {
        entry.setLinkName(decoded);
      }
    }
  }

  private String decode(String read, byte @Nullable [] paxValue, String what) throws IOException {
    if (paxValue == null && ascii(read)) {
      return read; // the same in ISO-8859-1 and UTF-8: most names are
    }
    byte[] bytes = paxValue != null ? paxValue : read.getBytes(StandardCharsets.ISO_8859_1);
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
              .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
              .decode(java.nio.ByteBuffer.wrap(bytes))
              .toString();
      return paxValue != null ? read : text;
    } catch (java.nio.charset.CharacterCodingException e) {
      if (!strictNames) {
        return paxValue != null ? read : new String(bytes, StandardCharsets.UTF_8);
      }
      throw new IOException(
          "an entry whose "
              + what
              + " \""
              + escaped(bytes)
              + "\" is not UTF-8: the JVM names files with text, so it could only create another"
              + " name (Go's archive/tar keeps the bytes), and it is refused");
    }
  }

  private static boolean ascii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  /** {@code bytes} as text, each byte that is not printable ASCII as {@code \xNN}. */
  private static String escaped(byte[] bytes) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < bytes.length && b.length() < 200; i++) {
      int c = bytes[i] & 0xff;
      if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"') {
        b.append((char) c);
      } else {
        b.append(String.format(java.util.Locale.ROOT, "\\x%02x", c));
      }
    }
    return b.toString();
  }

  /**
   * Reads entry data; while a PAX header is read (commons-compress reads it through this method),
   * keeps its bytes as well: commons-compress decodes values as UTF-8, which replaces the bytes of
   * a binary value (a file capability, say) that are not UTF-8.
   */
  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    if (n > 0 && depth > 0) {
      TarArchiveEntry current = getCurrentEntry();
      if (current != null && current.isPaxHeader() && pax.size() <= MAX_EXTENSION_BYTES) {
        pax.write(b, off, n);
      } else if (current != null
          && current.isGlobalPaxHeader()
          && global.size() <= MAX_EXTENSION_BYTES) {
        global.write(b, off, n);
      }
    }
    return n;
  }

  // read() is not overridden: the single-byte read of commons-compress goes through the one above.

  /**
   * Reads a record; refuses a zero record followed by a header. commons-compress ends the archive
   * at one zero record whatever follows it, where Go's {@code archive/tar} (containerd, Docker,
   * umoci) wants a second zero record or the end of the stream, and refuses a header there: the
   * entries after it would be seen by no one here and refused there.
   */
  @Override
  protected byte[] readRecord() throws IOException {
    boolean second = isAtEOF(); // commons-compress has read a zero record and looks for another
    boolean extension = sparseExtension; // a record that continues an old GNU sparse header
    long before = getBytesRead();
    byte[] record = super.readRecord();
    long read = getBytesRead() - before;
    if (record == null && read > 0) {
      // commons-compress ends the archive at a short record; Go's archive/tar (containerd,
      // Docker, umoci) fails with "unexpected EOF": a blob that is no tar would be an empty layer.
      throw new java.io.EOFException(
          "the tar ends inside a "
              + (second ? "second end-of-archive record" : "header record")
              + " ("
              + read
              + " of 512 bytes): truncated, or not a tar");
    }
    if (record != null && record.length >= 512 && !second) {
      if (extension) {
        sparseExtension = record[504] != 0;
      } else {
        header(record);
      }
    }
    if (second && record != null && record.length > 0 && !isEOFRecord(record)) {
      throw new IOException(
          "a zero block followed by a header, not by a second zero block: an invalid end of"
              + " archive (entries after it would be ignored here and refused by Go's"
              + " archive/tar)");
    }
    return record;
  }

  /** Notes the kind of a header record, and refuses one whose name readers would read apart. */
  private void header(byte[] record) throws IOException {
    switch (record[156]) {
      case 'x' -> paxHeaders++;
      case 'L' -> longNames++;
      case 'K' -> longLinks++;
      default -> {}
    }
    sparseExtension = record[156] == 'S' && record[482] != 0;
    boolean ustar =
        record[257] == 'u'
            && record[258] == 's'
            && record[259] == 't'
            && record[260] == 'a'
            && record[261] == 'r';
    if (!ustar) {
      // A pre-POSIX (v7) header: commons-compress still prefixes its name with the ustar prefix
      // field, Go's archive/tar (containerd, Docker, umoci) does not.
      for (int i = 345; i < 500; i++) {
        if (record[i] != 0) {
          throw new IOException(
              "a pre-POSIX tar header with bytes in the ustar prefix field: tar readers disagree"
                  + " whether they are part of its name, so it is refused");
        }
      }
    }
  }

  /** Adds, for each xattr value that UTF-8 decoding changed, its bytes under {@link #RAW}. */
  private void keepRawXattrs(TarArchiveEntry entry, Map<String, byte[]> records) {
    records.forEach(
        (key, value) -> {
          if (key.startsWith(XATTR)) {
            String decoded = entry.getExtraPaxHeader(key);
            if (decoded != null
                && !java.util.Arrays.equals(decoded.getBytes(StandardCharsets.UTF_8), value)) {
              entry.addPaxHeader(RAW + key, new String(value, StandardCharsets.ISO_8859_1));
            }
          }
        });
  }

  /**
   * Refuses global PAX headers ({@code g}) with records other than {@code comment} (which {@code
   * git archive} writes): commons-compress applies their records to every later entry (a global
   * {@code size}, say, would make it read their data as headers), where Go's {@code archive/tar}
   * returns them as entries of their own, which containerd and Docker skip and umoci refuses.
   */
  private void refuseGlobalRecords() throws IOException {
    java.util.List<String> keys = new java.util.ArrayList<>();
    records(
        global.toByteArray(),
        (key, value) -> {
          if (!key.equals("comment")) {
            keys.add(key);
          }
        });
    if (!keys.isEmpty()) {
      throw new IOException(
          "a global PAX header with "
              + keys.subList(0, Math.min(3, keys.size()))
              + (keys.size() > 3 ? " and more" : "")
              + ": tar readers disagree whether it applies to the entries after it (Go's"
              + " archive/tar ignores it), so it is refused");
    }
  }

  /**
   * Refuses extension headers that contradict each other: two PAX headers, or two GNU long names or
   * link names, before one entry, or a GNU long name and a PAX {@code path} (a long link name and a
   * PAX {@code linkpath}). commons-compress applies the first of two PAX headers, or of two long
   * names, and a PAX path over a long name that follows it; Go's {@code archive/tar} (containerd,
   * Docker, umoci) the last, and a long name over any PAX path: the file would have one name here
   * and another there (each case checked with umoci).
   */
  private void refuseAmbiguousExtensions(Map<String, byte[]> records) throws IOException {
    java.util.Set<String> keys = records.keySet();
    String why = null;
    if (paxHeaders > 1) {
      why = paxHeaders + " PAX headers";
    } else if (longNames > 1) {
      why = longNames + " GNU long names";
    } else if (longLinks > 1) {
      why = longLinks + " GNU long link names";
    } else if (longNames > 0 && keys.contains("path")) {
      why = "a GNU long name and a PAX path";
    } else if (longLinks > 0 && keys.contains("linkpath")) {
      why = "a GNU long link name and a PAX linkpath";
    }
    if (why != null) {
      throw new IOException(
          why + " before one entry: tar readers disagree which applies, so it is refused");
    }
  }

  /** Each record ({@code "LENGTH KEY=VALUE\n"}) of PAX header data, value as its bytes. */
  private static void records(byte[] data, java.util.function.BiConsumer<String, byte[]> record) {
    int at = 0;
    while (at < data.length) {
      int space = at;
      long length = 0;
      while (space < data.length && data[space] >= '0' && data[space] <= '9' && length < 1 << 24) {
        length = length * 10 + (data[space++] - '0');
      }
      if (space >= data.length
          || data[space] != ' '
          || length <= space - at
          || at + length > data.length) {
        return; // padding, or not records (commons-compress has checked them)
      }
      int end = (int) (at + length) - 1; // the newline
      int equals = space + 1;
      while (equals < end && data[equals] != '=') {
        equals++;
      }
      if (equals < end) {
        record.accept(
            new String(data, space + 1, equals - space - 1, StandardCharsets.UTF_8),
            java.util.Arrays.copyOfRange(data, equals + 1, end));
      }
      at = (int) (at + length);
    }
  }

  /**
   * Why tar readers disagree on what follows the header of {@code entry}, or null when they agree.
   * commons-compress reads an entry's data unless it takes the entry for a directory (type {@code
   * 5}, or any name ending with {@code /}); Go's {@code archive/tar} (containerd, Docker, umoci)
   * reads none for links, devices, FIFOs and directories (types {@code 1} to {@code 6}, and a
   * type-{@code \0} name ending with {@code /}), and reads it for every other type. Where one reads
   * data and the other reads the same bytes as further headers, entries hidden there would be seen
   * by one reader and not by the other: such an entry is refused rather than read either way (a
   * regular file named {@code innocent/} with data, a symlink with a size).
   */
  public static @Nullable String dataReadersDisagreeOn(TarArchiveEntry entry) {
    long size = entry.getSize();
    if (size <= 0) {
      return null;
    }
    byte flag = entry.getLinkFlag();
    byte goType = flag == 0 && entry.getName().endsWith("/") ? (byte) '5' : flag;
    boolean goReadsData = goType < '1' || goType > '6';
    boolean commonsReadsData = !entry.isDirectory();
    if (goReadsData == commonsReadsData) {
      return null;
    }
    return "an entry of type '"
        + (flag == 0 ? "\\0" : String.valueOf((char) flag))
        + "' named \""
        + entry.getName()
        + "\" with "
        + size
        + " bytes of data: tar readers disagree whether that data is content or more entries";
  }

  /**
   * The extended attributes of {@code entry} ({@code SCHILY.xattr.} records, as GNU tar and Go's
   * archive/tar write them), by name, with their values' bytes as they are in the tar.
   */
  public static Map<String, byte[]> xattrs(TarArchiveEntry entry) {
    Map<String, byte[]> out = new TreeMap<>();
    Map<String, String> extra = entry.getExtraPaxHeaders();
    for (Map.Entry<String, String> x : extra.entrySet()) {
      if (x.getKey().startsWith(XATTR)) {
        String raw = extra.get(RAW + x.getKey());
        out.put(
            x.getKey().substring(XATTR.length()),
            raw != null
                ? raw.getBytes(StandardCharsets.ISO_8859_1)
                : x.getValue().getBytes(StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  /**
   * Counts what commons-compress reads while it reads a header, whichever way it reads it (header
   * records, PAX data through the tar stream, PAX 1.0 sparse maps straight from this stream); and
   * passes over data that is not wanted.
   */
  private static final class Guard extends FilterInputStream {
    final LimitError limitError;
    boolean active;
    boolean discard;
    long used;

    Guard(InputStream in, LimitError limitError) {
      super(in);
      this.limitError = limitError;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0 && active) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (discard && len > 0) {
        // Data nobody reads: skipped, when the stream can, rather than copied. The tar reader
        // only counts what it is told was read.
        long skipped = in.skip(len);
        if (skipped > 0) {
          return (int) skipped;
        }
      }
      int n = in.read(b, off, len);
      if (n > 0 && active) {
        count(n);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      // Read, so that what is skipped is counted when it is header data.
      if (!active) {
        return in.skip(n);
      }
      byte[] scratch = new byte[(int) Math.min(8192, Math.max(n, 1))];
      long left = n;
      while (left > 0) {
        int r = read(scratch, 0, (int) Math.min(scratch.length, left));
        if (r < 0) {
          break;
        }
        left -= r;
      }
      return n - left;
    }

    private void count(int n) throws IOException {
      used += n;
      if (used > MAX_EXTENSION_BYTES + 2L * 512) {
        throw limitError.create(
            "a tar header extension (PAX records, a GNU long name or a sparse map) of more than "
                + (MAX_EXTENSION_BYTES >> 20)
                + " MiB");
      }
    }
  }
}
