package dev.ocikit.layers;

import dev.ocikit.model.Descriptor;

/** Progress of an unpack: which layer, and how many of its compressed bytes were read. */
public interface ProgressListener {

  /** Reports nothing. */
  ProgressListener NONE = new ProgressListener() {};

  /**
   * A layer starts.
   *
   * @param index its position, from 0
   * @param count the number of layers
   * @param layer its descriptor
   */
  default void layer(int index, int count, Descriptor layer) {}

  /**
   * Compressed bytes of the current layer read so far (called often; keep it cheap).
   *
   * @param done bytes read
   * @param total the layer's size
   */
  default void bytes(long done, long total) {}
}
