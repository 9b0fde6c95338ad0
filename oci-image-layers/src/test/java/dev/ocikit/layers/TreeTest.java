package dev.ocikit.layers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The snapshots {@code UmociEquivalenceTest} compares. */
class TreeTest {
  @TempDir Path dir;

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aSnapshotFollowsNoLinkAndOpensNoFifo() throws IOException {
    Path root = Files.createDirectory(dir.resolve("root"));
    Files.writeString(root.resolve("f"), "content");
    Files.createLink(root.resolve("g"), root.resolve("f"));
    Files.createSymbolicLink(root.resolve("l"), Path.of("/etc"));
    Tools.run(dir, List.of("mkfifo", root.resolve("p").toString()));
    Files.setAttribute(root.resolve("f"), "unix:mode", 04750);

    Tree tree = Tree.of(root);

    assertThat(tree.nodes().keySet()).containsExactly(".", "f", "g", "l", "p");
    assertThat(tree.node("f").mode()).isEqualTo(04750);
    assertThat(tree.node("f").size()).isEqualTo(7);
    assertThat(tree.node("f").hardlinks()).containsExactly("f", "g");
    assertThat(tree.node("l").type()).isEqualTo(Tree.Type.SYMLINK);
    assertThat(tree.node("l").target()).isEqualTo("/etc");
    assertThat(tree.node("p").type()).isEqualTo(Tree.Type.FIFO);
  }

  @Test
  void differencesNameThePathAndBothSides() throws IOException {
    Path a = Files.createDirectory(dir.resolve("a"));
    Files.writeString(a.resolve("same"), "same");
    Files.writeString(a.resolve("file"), "one");
    Files.writeString(a.resolve("only-a"), "");
    Path b = Files.createDirectory(dir.resolve("b"));
    Files.writeString(b.resolve("same"), "same");
    Files.writeString(b.resolve("file"), "two");
    FileTime t = FileTime.fromMillis(1_000_000_000_000L);
    for (Path p : List.of(a, b, a.resolve("same"), b.resolve("same"))) {
      Files.setLastModifiedTime(p, t);
    }
    for (Path p : List.of(a.resolve("file"), b.resolve("file"), a.resolve("only-a"))) {
      Files.setLastModifiedTime(p, t);
      Files.setAttribute(p, "unix:mode", 0644);
    }

    List<String> differences = Tree.of(a).differences("umoci", Tree.of(b), "ocikit", path -> false);

    assertThat(differences).hasSize(2);
    assertThat(differences.get(0))
        .startsWith("file\n    umoci : file 0644")
        .contains("3 bytes sha256:" + "7692c3ad3540")
        .contains("\n    ocikit: file 0644");
    assertThat(differences.get(1)).startsWith("only in umoci: only-a  file");
  }
}
