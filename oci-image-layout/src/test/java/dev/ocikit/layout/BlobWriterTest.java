package dev.ocikit.layout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ocikit.digest.Digest;
import dev.ocikit.digest.DigestAlgorithm;
import dev.ocikit.model.Descriptor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlobWriterTest {
  @TempDir Path dir;

  @Test
  void aCommittedBlobIsStoredUnderTheDigestOfWhatWasWritten() throws IOException {
    OciLayout layout = OciLayout.create(dir.resolve("l"));
    byte[] data = new byte[300_000];
    new Random(1).nextBytes(data);
    Descriptor d;
    try (BlobWriter w = layout.newBlob("application/octet-stream")) {
      w.write(data, 0, 100);
      w.write(data[100]);
      w.write(data, 101, data.length - 101);
      assertThat(w.count()).isEqualTo(data.length);
      d = w.commit();
    }
    assertThat(d.digest()).isEqualTo(Digest.sha256(data));
    assertThat(d.size()).isEqualTo(data.length);
    assertThat(d.mediaType()).isEqualTo("application/octet-stream");
    try (InputStream in = layout.open(d)) {
      assertThat(in.readAllBytes()).isEqualTo(data);
    }
    assertThat(temporaryFiles(layout)).isZero();
  }

  @Test
  void aBlobClosedWithoutCommitLeavesNothingBehind() throws IOException {
    OciLayout layout = OciLayout.create(dir.resolve("l"));
    byte[] data = "half written".getBytes(StandardCharsets.UTF_8);
    try (BlobWriter w = layout.newBlob("application/octet-stream")) {
      w.write(data);
    }
    assertThat(layout.contains(Digest.sha256(data))).isFalse();
    assertThat(temporaryFiles(layout)).isZero();
    try (Stream<Path> blobs = Files.walk(layout.root().resolve("blobs"))) {
      assertThat(blobs.filter(Files::isRegularFile)).isEmpty();
    }
  }

  @Test
  void writingAfterCommitIsRefusedAndCommitIsIdempotent() throws IOException {
    OciLayout layout = OciLayout.create(dir.resolve("l"));
    BlobWriter w = layout.newBlob("text/plain", DigestAlgorithm.SHA512);
    w.write('x');
    Descriptor d = w.commit();
    assertThat(d.digest().algorithm()).isEqualTo("sha512");
    assertThat(w.commit()).isEqualTo(d);
    assertThatThrownBy(() -> w.write('y'))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void theSameContentTwiceKeepsOneBlob() throws IOException {
    OciLayout layout = OciLayout.create(dir.resolve("l"));
    Descriptor first;
    Descriptor second;
    try (BlobWriter w = layout.newBlob("text/plain")) {
      w.write("same".getBytes(StandardCharsets.UTF_8));
      first = w.commit();
    }
    try (BlobWriter w = layout.newBlob("text/plain")) {
      w.write("same".getBytes(StandardCharsets.UTF_8));
      second = w.commit();
    }
    assertThat(second).isEqualTo(first);
    assertThat(temporaryFiles(layout)).isZero();
  }

  private static long temporaryFiles(OciLayout layout) throws IOException {
    Path temp = layout.root().resolve(".ocikit-tmp");
    if (!Files.isDirectory(temp)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(temp)) {
      return s.count();
    }
  }
}
