package dev.ocikit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ocikit.layout.ImageLayout;
import dev.ocikit.layout.ImageLayouts;
import dev.ocikit.layout.ImageRef;
import dev.ocikit.model.ImageConfig;
import dev.ocikit.model.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackCommandTest {
  @TempDir Path dir;

  @Test
  void aPackedDirectoryIsAValidImageThatUnpacksToTheSameTree() throws IOException {
    Path tree = HardTree.create(dir.resolve("tree"), false, Instant.parse("2020-02-02T02:02:02Z"));
    Path layout = dir.resolve("layout");
    for (String compression : List.of("gzip", "zstd", "none")) {
      CliRun r =
          CliRun.run(
              "pack",
              tree.toString(),
              layout.toString(),
              "--ref",
              compression,
              "--compression",
              compression);
      assertThat(r.status()).as(r.err()).isZero();
      assertThat(r.out()).contains("sha256:");
      CliRun v = CliRun.run("validate", layout.toString(), "--deep");
      assertThat(v.status()).as(v.out() + v.err()).isZero();
      Path out = dir.resolve("out-" + compression);
      CliRun u = CliRun.run("unpack", layout.toString(), out.toString(), "--ref", compression);
      assertThat(u.status()).as(u.err()).isZero();
      assertThat(Trees.snapshot(out, false)).isEqualTo(Trees.snapshot(tree, false));
    }
  }

  @Test
  void theConfigGetsWhatTheOptionsSay() throws IOException {
    Path tree = HardTree.create(dir.resolve("tree"), false, Instant.EPOCH);
    Path layout = dir.resolve("layout");
    CliRun r =
        CliRun.run(
            "pack",
            tree.toString(),
            layout.toString(),
            "--ref",
            "app",
            "--env",
            "A=1",
            "--env",
            "PATH=/bin",
            "--entrypoint",
            "/bin/sh",
            "--entrypoint",
            "-c",
            "--cmd",
            "echo hi",
            "--workdir",
            "/work",
            "--user",
            "1000:1000",
            "--label",
            "org.example=yes",
            "--expose",
            "8080/tcp",
            "--expose",
            "53/udp",
            "--platform",
            "linux/arm64/v8",
            "--created",
            "2024-01-02T03:04:05Z");
    assertThat(r.status()).as(r.err()).isZero();
    try (ImageLayout l = ImageLayouts.open(layout)) {
      ImageRef image = l.resolve("app", null);
      ImageConfig config = l.readConfig(image.manifest().value().config()).value();
      assertThat(config.architecture()).isEqualTo("arm64");
      assertThat(config.variant()).isEqualTo("v8");
      assertThat(config.os()).isEqualTo("linux");
      assertThat(config.created()).hasToString("2024-01-02T03:04:05Z");
      ImageConfig.Config c = config.config();
      assertThat(c.env()).containsExactly("A=1", "PATH=/bin");
      assertThat(c.entrypoint()).containsExactly("/bin/sh", "-c");
      assertThat(c.cmd()).containsExactly("echo hi");
      assertThat(c.workingDir()).isEqualTo("/work");
      assertThat(c.user()).isEqualTo("1000:1000");
      assertThat(c.labels()).isEqualTo(Map.of("org.example", "yes"));
      assertThat(c.exposedPorts()).containsExactlyInAnyOrder("8080/tcp", "53/udp");
      assertThat(config.rootfs().diffIds()).hasSize(1);
      assertThat(config.history()).hasSize(1);
    }
  }

  @Test
  void rootlessPackingRecordsTheOwnersARootlessUnpackKept() throws IOException {
    // A tree as unpack --rootless leaves it: this user's files, one with its image owner in
    // user.rootlesscontainers (protobuf Resource{uid: 1000, gid: 1000}).
    Path tree = Files.createDirectories(dir.resolve("rootless"));
    Files.writeString(tree.resolve("mine"), "root's in the image\n");
    Path owned = Files.writeString(tree.resolve("owned"), "1000's in the image\n");
    Files.getFileAttributeView(owned, java.nio.file.attribute.UserDefinedFileAttributeView.class)
        .write(
            "rootlesscontainers",
            java.nio.ByteBuffer.wrap(java.util.HexFormat.of().parseHex("08e80710e807")));
    Path layout = dir.resolve("layout");
    CliRun r =
        CliRun.run(
            "pack",
            tree.toString(),
            layout.toString(),
            "--ref",
            "x",
            "--compression",
            "none",
            "--rootless");
    assertThat(r.status()).as(r.err()).isZero();
    Map<String, String> owners = new java.util.TreeMap<>();
    try (ImageLayout l = ImageLayouts.open(layout)) {
      ImageRef image = l.resolve("x", null);
      var layer = image.manifest().value().layers().get(0);
      try (var in =
          new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(l.open(layer))) {
        for (var e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
          owners.put(e.getName(), e.getLongUserId() + ":" + e.getLongGroupId());
          assertThat(e.getExtraPaxHeaders())
              .doesNotContainKey("SCHILY.xattr.user.rootlesscontainers");
        }
      }
    }
    assertThat(owners).containsEntry("mine", "0:0").containsEntry("owned", "1000:1000");
  }

  @Test
  void theSameTreePackedTwiceGivesTheSameManifestDigest() throws IOException {
    // Created in opposite orders, at other times, with other mtimes: the image must not change.
    Path a = HardTree.create(dir.resolve("a"), false, Instant.parse("2001-01-01T00:00:00Z"));
    Path b = HardTree.create(dir.resolve("b"), true, Instant.parse("2022-06-06T12:34:56.789Z"));
    CliRun ra = CliRun.run("pack", a.toString(), dir.resolve("la").toString(), "--ref", "x");
    CliRun rb = CliRun.run("pack", b.toString(), dir.resolve("lb").toString(), "--ref", "x");
    assertThat(ra.status()).as(ra.err()).isZero();
    assertThat(rb.status()).as(rb.err()).isZero();
    assertThat(ra.out()).contains("sha256:").isEqualTo(rb.out().replace("/lb", "/la"));
    try (ImageLayout la = ImageLayouts.open(dir.resolve("la"));
        ImageLayout lb = ImageLayouts.open(dir.resolve("lb"))) {
      assertThat(lb.resolve("x", null).descriptor()).isEqualTo(la.resolve("x", null).descriptor());
    }
  }

  @Test
  void aBaseRefPutsTheDirectoryOnTopOfTheBaseImage() throws IOException {
    Path base = HardTree.create(dir.resolve("base"), false, Instant.EPOCH);
    Path top = Files.createDirectories(dir.resolve("top/etc"));
    Files.writeString(top.resolve("conf"), "replaced\n");
    Files.writeString(top.resolve("new"), "added\n");
    Path layout = dir.resolve("layout");
    assertThat(CliRun.run("pack", base.toString(), layout.toString(), "--ref", "base").status())
        .isZero();
    CliRun r =
        CliRun.run(
            "pack",
            dir.resolve("top").toString(),
            layout.toString(),
            "--ref",
            "app",
            "--base-ref",
            "base");
    assertThat(r.status()).as(r.err()).isZero();
    Path out = dir.resolve("out");
    assertThat(CliRun.run("unpack", layout.toString(), out.toString(), "--ref", "app").status())
        .isZero();
    assertThat(out.resolve("etc/conf")).hasContent("replaced");
    assertThat(out.resolve("etc/new")).hasContent("added");
    assertThat(out.resolve("bin/tool")).exists();
    try (ImageLayout l = ImageLayouts.open(layout)) {
      ImageRef app = l.resolve("app", null);
      assertThat(app.manifest().value().layers()).hasSize(2);
      assertThat(app.manifest().value().annotations())
          .containsEntry("org.opencontainers.image.base.name", "base");
    }
  }

  @Test
  void aDiffAgainstTheBaseDeletesWhatTheDirectoryNoLongerHas() throws IOException {
    Path base = HardTree.create(dir.resolve("base"), false, Instant.EPOCH);
    Path next = HardTree.create(dir.resolve("next"), false, Instant.EPOCH);
    Files.delete(next.resolve("etc/conf"));
    Files.writeString(next.resolve("bin/tool"), "changed\n");
    Path layout = dir.resolve("layout");
    assertThat(CliRun.run("pack", base.toString(), layout.toString(), "--ref", "base").status())
        .isZero();
    CliRun r =
        CliRun.run(
            "pack",
            next.toString(),
            layout.toString(),
            "--ref",
            "next",
            "--base-ref",
            "base",
            "--diff");
    assertThat(r.status()).as(r.err()).isZero();
    Path out = dir.resolve("out");
    assertThat(CliRun.run("unpack", layout.toString(), out.toString(), "--ref", "next").status())
        .isZero();
    assertThat(Trees.snapshot(out, false)).isEqualTo(Trees.snapshot(next, false));
  }

  @Test
  void badOptionsAreUsageErrorsAndWriteNothing() throws IOException {
    Path tree = HardTree.create(dir.resolve("tree"), false, Instant.EPOCH);
    String t = tree.toString();
    String l = dir.resolve("layout").toString();
    // A name a layer cannot hold (it would be a whiteout): found once the layout is made.
    Path whiteout = Files.createDirectories(dir.resolve("wh"));
    Files.writeString(whiteout.resolve(".wh.name"), "x");
    for (String[] args :
        List.of(
            new String[] {"pack", whiteout.toString(), l, "--ref", "x"},
            new String[] {"pack", dir.resolve("missing").toString(), l, "--ref", "x"},
            new String[] {"pack", t, l, "--ref", "x", "--expose", "http"},
            new String[] {"pack", t, l, "--ref", "x", "--env", "NOEQUALS"},
            new String[] {"pack", t, l, "--ref", "x", "--created", "yesterday"},
            new String[] {"pack", t, l, "--ref", "x", "--compression", "lz4"},
            new String[] {"pack", t, l, "--ref", "x", "--base-ref", "nothing"},
            new String[] {"pack", t, l, "--ref", "x", "--diff"},
            new String[] {"pack", t, tree.resolve("inside").toString(), "--ref", "x"},
            new String[] {"pack", t, tree.resolve("etc/conf").toString(), "--ref", "x"},
            new String[] {
              "pack", t, Files.writeString(dir.resolve("a-file"), "x").toString(), "--ref", "x"
            },
            new String[] {"pack", t, l})) {
      CliRun r = CliRun.run(args);
      assertThat(r.status()).as(String.join(" ", args) + ": " + r.err()).isEqualTo(2);
      assertThat(r.err().lines()).as(String.join(" ", args)).hasSize(1);
      assertThat(r.err()).doesNotContain("Exception");
    }
    // A layout the command would have created is not left behind.
    assertThat(dir.resolve("layout")).doesNotExist();
  }

  @Test
  void thePlatformDefaultsToThisMachines() throws IOException {
    Path tree = HardTree.create(dir.resolve("tree"), false, Instant.EPOCH);
    Path layout = dir.resolve("layout");
    assertThat(CliRun.run("pack", tree.toString(), layout.toString(), "--ref", "x").status())
        .isZero();
    try (ImageLayout l = ImageLayouts.open(layout)) {
      ImageRef image = l.resolve("x", null);
      ImageConfig config = l.readConfig(image.manifest().value().config()).value();
      Platform here = Platform.host();
      assertThat(config.os()).isEqualTo(here.os());
      assertThat(config.architecture()).isEqualTo(here.architecture());
    }
  }
}
