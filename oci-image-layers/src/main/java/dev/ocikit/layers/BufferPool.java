package dev.ocikit.layers;

import java.util.ArrayDeque;

/**
 * Byte arrays for the content of small files on their way to the background writer, reused once
 * written rather than left to the collector: an unpack of 30,000 small files otherwise allocates
 * the whole layer again in short-lived arrays, and each young collection stops every thread while
 * it copies the ones still queued. Arrays come in power-of-two sizes; at most {@code maxPooled}
 * bytes of them wait here, the rest are dropped.
 */
final class BufferPool {
  private static final int MIN_SHIFT = 9; // 512 bytes

  private final ArrayDeque<byte[]>[] free;
  private final long maxPooled;
  private long pooled;

  /** A pool for arrays of up to {@code maxSize} bytes, holding at most {@code maxPooled}. */
  @SuppressWarnings("unchecked")
  BufferPool(int maxSize, long maxPooled) {
    if (maxSize < 1) {
      throw new IllegalArgumentException("maxSize " + maxSize + " is not positive");
    }
    this.free = new ArrayDeque[sizeClass(maxSize) + 1];
    for (int i = 0; i < free.length; i++) {
      free[i] = new ArrayDeque<>();
    }
    this.maxPooled = maxPooled;
  }

  /** An array of at least {@code size} bytes (of at most the pool's largest), its content stale. */
  synchronized byte[] take(int size) {
    int c = sizeClass(size);
    if (c >= free.length) {
      throw new IllegalArgumentException(
          "an array of " + size + " bytes is larger than this pool's");
    }
    byte[] b = free[c].pollFirst();
    if (b == null) {
      return new byte[1 << (c + MIN_SHIFT)];
    }
    pooled -= b.length;
    return b;
  }

  /** Returns an array that {@link #take} gave, for a later take; the caller uses it no more. */
  synchronized void give(byte[] b) {
    int c = sizeClass(b.length);
    if (c < free.length && b.length == 1 << (c + MIN_SHIFT) && pooled + b.length <= maxPooled) {
      free[c].addFirst(b);
      pooled += b.length;
    }
  }

  /** The bytes waiting in the pool. */
  synchronized long pooled() {
    return pooled;
  }

  /** The class of arrays of {@code size} bytes: 0 up to 512 bytes, 1 up to 1 KiB, ... */
  private static int sizeClass(int size) {
    return size <= 1 << MIN_SHIFT ? 0 : 32 - Integer.numberOfLeadingZeros(size - 1) - MIN_SHIFT;
  }
}
