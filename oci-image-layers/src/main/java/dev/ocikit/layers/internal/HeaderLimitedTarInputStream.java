package dev.ocikit.layers.internal;

import dev.ocikit.digest.Digest;
import dev.ocikit.layers.LayerLimitException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * A tar reader that bounds what a header may make it hold in memory. commons-compress reads the
 * extensions of a header -- PAX records ({@code x}, {@code g}), GNU long names and link names
 * ({@code L}, {@code K}), sparse maps (old GNU {@code S} extension records, PAX 1.0 maps) -- whole
 * into memory, and follows a header by the next one recursively: a layer of a few MB can ask for
 * gigabytes of heap, or nest headers deep enough to overflow the stack. As Go's {@code archive/tar}
 * (and so containerd and Docker) does, each such extension may hold at most {@link
 * #MAX_EXTENSION_BYTES}; and at most {@link #MAX_EXTENSION_HEADERS} of them may precede an entry.
 * Past either, a {@link LayerLimitException} naming the layer.
 *
 * <p>Everything {@code getNextEntry} reads is header data: the rest of the previous entry is read
 * here first, outside the count.
 */
final class HeaderLimitedTarInputStream extends TarArchiveInputStream {
  /** Go's {@code archive/tar} maxSpecialFileSize: 1 MiB per PAX header or GNU long name. */
  static final int MAX_EXTENSION_BYTES = 1 << 20;

  /** Extension headers before one entry; real archives have at most three or four. */
  static final int MAX_EXTENSION_HEADERS = 32;

  private final Guard guard;
  private final byte[] drain = new byte[8192];

  /** Depth of nested getNextEntry calls: commons-compress recurses after each extension. */
  private int depth;

  /** The extension headers read before the entry being looked for. */
  private int headers;

  HeaderLimitedTarInputStream(InputStream in, Digest layer) {
    this(new Guard(in, layer));
  }

  private HeaderLimitedTarInputStream(Guard guard) {
    super(guard, "UTF-8");
    this.guard = guard;
  }

  @Override
  public TarArchiveEntry getNextEntry() throws IOException {
    if (depth == 0) {
      // The rest of the current entry is data, not header: read it outside the count.
      if (getCurrentEntry() != null) {
        while (super.read(drain, 0, drain.length) >= 0) {
          // discard
        }
      }
      headers = 0;
    } else if (++headers > MAX_EXTENSION_HEADERS) {
      throw new LayerLimitException(
          guard.layer,
          null,
          "more than " + MAX_EXTENSION_HEADERS + " PAX or GNU extension headers before one entry");
    }
    guard.used = 0;
    guard.active = true;
    depth++;
    try {
      return super.getNextEntry();
    } finally {
      if (--depth == 0) {
        guard.active = false;
      }
    }
  }

  /**
   * Counts what commons-compress reads while it reads a header, whichever way it reads it (header
   * records, PAX data through the tar stream, PAX 1.0 sparse maps straight from this stream).
   */
  private static final class Guard extends FilterInputStream {
    final Digest layer;
    boolean active;
    long used;
    private final byte[] scratch = new byte[8192];

    Guard(InputStream in, Digest layer) {
      super(in);
      this.layer = layer;
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
      int n = in.read(b, off, len);
      if (n > 0 && active) {
        count(n);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      // Read, so that what is skipped is counted too.
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

    private void count(int n) throws LayerLimitException {
      used += n;
      if (used > MAX_EXTENSION_BYTES + 2L * 512) {
        throw new LayerLimitException(
            layer,
            null,
            "a tar header extension (PAX records, a GNU long name or a sparse map) of more than "
                + (MAX_EXTENSION_BYTES >> 20)
                + " MiB");
      }
    }
  }
}
