package dev.ocikit.layers.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootfsTest {
  @TempDir Path dir;

  @Test
  void removingATreeOpensClosedDirectoriesAndFollowsNoLink() throws IOException {
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Path kept = Files.writeString(outside.resolve("kept"), "not to be removed");
    Path tree = Files.createDirectories(dir.resolve("tree/closed/deeper"));
    Files.writeString(tree.resolve("file"), "x");
    Files.createSymbolicLink(dir.resolve("tree/link"), outside);
    Files.createSymbolicLink(dir.resolve("tree/closed/link"), outside);
    Files.setAttribute(dir.resolve("tree/closed/deeper"), "unix:mode", 0);
    Files.setAttribute(dir.resolve("tree/closed"), "unix:mode", 0);

    Rootfs.removeQuietly(dir.resolve("tree"), true);

    assertThat(dir.resolve("tree")).isDirectory();
    try (Stream<Path> left = Files.list(dir.resolve("tree"))) {
      assertThat(left).isEmpty();
    }
    assertThat(kept).hasContent("not to be removed");
  }

  @Test
  void aLinkGivenAsTheTopIsRemovedItselfNotFollowed() throws IOException {
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Path kept = Files.writeString(outside.resolve("kept"), "not to be removed");
    Path link = Files.createSymbolicLink(dir.resolve("link"), outside);

    Rootfs.removeQuietly(link, true);
    assertThat(link).exists(); // kept, as asked, and nothing removed through it
    assertThat(kept).exists();

    Rootfs.removeQuietly(link, false);
    assertThat(Files.exists(link, LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(kept).exists();
  }
}
