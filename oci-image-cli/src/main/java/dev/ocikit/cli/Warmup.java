package dev.ocikit.cli;

import dev.ocikit.digest.DigestAlgorithm;
import dev.ocikit.digest.Digester;

/**
 * Work that a fresh JVM does slowly at first, done on the idle core while a command reads the
 * layout: the JIT replaces SHA-256's first compiled code by its intrinsic (ten times faster) only
 * after many blocks, and every layer byte is digested twice (blob and diff_id).
 */
final class Warmup {
  private Warmup() {}

  /** Starts warming up in the background; returns at once. */
  static void start() {
    Thread thread = new Thread(Warmup::run, "ocikit-warmup");
    thread.setDaemon(true);
    thread.start();
  }

  private static void run() {
    byte[] block = new byte[64 * 1024];
    Digester digester = DigestAlgorithm.SHA256.newDigester();
    for (int i = 0; i < 512; i++) { // 32 MiB
      digester.update(block, 0, block.length);
    }
    digester.digest();
  }
}
