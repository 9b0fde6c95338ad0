package dev.ocikit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5's round trip through independent tools: what {@code ocikit pack} writes is accepted by
 * oci-image-tool and unpacked by umoci into the tree that was packed, and a diff layer over a base
 * gives umoci the new tree exactly, deleted files gone.
 */
class PackInteropIT {
  @TempDir Path dir;

  private InteropIT.Result run(String... command) throws Exception {
    return InteropIT.run(dir, command);
  }

  /** umoci unpack keeps owners only as root; the trees here are made by this user. */
  private static boolean root() {
    return "root".equals(System.getProperty("user.name"));
  }

  private Map<String, String> umociTree(Path layout, String ref, String name) throws Exception {
    Path bundle = dir.resolve(name);
    InteropIT.Result r =
        root()
            ? run("umoci", "unpack", "--image", layout + ":" + ref, bundle.toString())
            : run(
                "umoci", "unpack", "--rootless", "--image", layout + ":" + ref, bundle.toString());
    assertThat(r.status()).as(r.err()).isZero();
    return Trees.snapshot(bundle.resolve("rootfs"), false);
  }

  @Test
  void packedImagesPassOciImageToolAndUmociUnpacksThePackedTree() throws Exception {
    InteropIT.requireTool("oci-image-tool");
    InteropIT.requireTool("umoci");
    Path tree = HardTree.create(dir.resolve("tree"), false, Instant.parse("2021-01-01T00:00:00Z"));
    Path layout = dir.resolve("layout");
    for (String compression : new String[] {"gzip", "none"}) { // umoci 0.4.7 reads no zstd
      CliRun pack =
          CliRun.run(
              "pack",
              tree.toString(),
              layout.toString(),
              "--ref",
              compression,
              "--compression",
              compression,
              "--entrypoint",
              "/bin/tool",
              "--env",
              "A=1",
              "--expose",
              "80/tcp",
              "--label",
              "k=v",
              "--workdir",
              "/data");
      assertThat(pack.status()).as(pack.err()).isZero();
      InteropIT.Result validate =
          run(
              "oci-image-tool",
              "validate",
              "--type",
              "image",
              "--ref",
              "name=" + compression,
              layout.toString());
      assertThat(validate.status()).as(validate.out() + validate.err()).isZero();
      assertThat(umociTree(layout, compression, "bundle-" + compression))
          .isEqualTo(Trees.snapshot(tree, false));
    }
  }

  @Test
  void aDiffLayerOverABaseGivesUmociTheNewTreeExactly() throws Exception {
    InteropIT.requireTool("umoci");
    Path base = HardTree.create(dir.resolve("base"), false, Instant.EPOCH);
    Path next = HardTree.create(dir.resolve("next"), true, Instant.EPOCH);
    Files.delete(next.resolve("etc/conf")); // a deleted file
    deleteTree(next.resolve("links")); // a deleted directory
    Files.writeString(next.resolve("bin/tool"), "#!/bin/sh\necho changed\n");
    Files.setAttribute(next.resolve("data/big.bin"), "unix:mode", 0600); // mode only
    Files.delete(next.resolve("tmp"));
    Files.writeString(next.resolve("tmp"), "a file where a directory was\n");
    Files.createDirectories(next.resolve("new/dir"));
    Files.writeString(next.resolve("new/dir/file"), "added\n");
    Path layout = dir.resolve("layout");
    assertThat(CliRun.run("pack", base.toString(), layout.toString(), "--ref", "base").status())
        .isZero();
    CliRun diff =
        CliRun.run(
            "pack",
            next.toString(),
            layout.toString(),
            "--ref",
            "next",
            "--base-ref",
            "base",
            "--diff");
    assertThat(diff.status()).as(diff.err()).isZero();
    assertThat(umociTree(layout, "next", "bundle")).isEqualTo(Trees.snapshot(next, false));
  }

  @Test
  void skopeoCopiesAPackedZstdImage() throws Exception {
    InteropIT.requireTool("skopeo");
    Path tree = HardTree.create(dir.resolve("tree"), false, Instant.EPOCH);
    Path layout = dir.resolve("layout");
    CliRun pack =
        CliRun.run(
            "pack", tree.toString(), layout.toString(), "--ref", "z", "--compression", "zstd");
    assertThat(pack.status()).as(pack.err()).isZero();
    InteropIT.Result copy =
        run(
            "skopeo",
            "copy",
            "--dest-compress-format",
            "gzip",
            "oci:" + layout + ":z",
            "oci:" + dir.resolve("gz") + ":z");
    assertThat(copy.status()).as(copy.err()).isZero();
    Path out = dir.resolve("out");
    assertThat(CliRun.run("unpack", dir.resolve("gz").toString(), out.toString()).status())
        .isZero();
    assumeTrue(Files.exists(out), "unpacked");
    assertThat(Trees.snapshot(out, false)).isEqualTo(Trees.snapshot(tree, false));
  }

  private static void deleteTree(Path p) throws java.io.IOException {
    try (var walk = Files.walk(p)) {
      for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }
}
