package dev.ocikit.digest;

import java.security.MessageDigest;
import org.bouncycastle.crypto.digests.Blake3Digest;

/**
 * An incremental hash for one of the {@link DigestAlgorithm registered algorithms}: feed it bytes,
 * then take the {@link Digest}. Not thread-safe; one digester per stream.
 *
 * <p>Implements the digest calculation of <a
 * href="https://github.com/opencontainers/image-spec/blob/main/descriptor.md#digest-calculations">descriptor.md,
 * "Digest calculations"</a>.
 */
public sealed interface Digester permits Digester.Jdk, Digester.Bouncy {

  /** The algorithm this digester computes. */
  DigestAlgorithm algorithm();

  /** Adds {@code length} bytes of {@code bytes} from {@code offset}. */
  void update(byte[] bytes, int offset, int length);

  /** Adds one byte. */
  void update(byte b);

  /** Adds all of {@code bytes}. */
  default void update(byte[] bytes) {
    update(bytes, 0, bytes.length);
  }

  /** Completes the hash and resets the digester for reuse. */
  Digest digest();

  /** A digester backed by the JDK's {@link MessageDigest} (SHA-2). */
  final class Jdk implements Digester {
    private final DigestAlgorithm algorithm;
    private final MessageDigest delegate;

    Jdk(DigestAlgorithm algorithm, MessageDigest delegate) {
      this.algorithm = algorithm;
      this.delegate = delegate;
    }

    @Override
    public DigestAlgorithm algorithm() {
      return algorithm;
    }

    @Override
    public void update(byte[] bytes, int offset, int length) {
      delegate.update(bytes, offset, length);
    }

    @Override
    public void update(byte b) {
      delegate.update(b);
    }

    @Override
    public Digest digest() {
      return Digest.of(algorithm, delegate.digest());
    }
  }

  /** A digester backed by BouncyCastle's lightweight BLAKE3. */
  final class Bouncy implements Digester {
    private final DigestAlgorithm algorithm;
    private final Blake3Digest delegate;

    Bouncy(DigestAlgorithm algorithm, Blake3Digest delegate) {
      this.algorithm = algorithm;
      this.delegate = delegate;
    }

    @Override
    public DigestAlgorithm algorithm() {
      return algorithm;
    }

    @Override
    public void update(byte[] bytes, int offset, int length) {
      delegate.update(bytes, offset, length);
    }

    @Override
    public void update(byte b) {
      delegate.update(b);
    }

    @Override
    public Digest digest() {
      byte[] out = new byte[algorithm.hashLength()];
      delegate.doFinal(out, 0);
      return Digest.of(algorithm, out);
    }
  }
}
