package dev.ocikit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ocikit.bundle.RuntimeJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end to end check of building and running: a directory with a static busybox packed by {@code
 * ocikit pack}, made a runtime bundle by {@code ocikit bundle}, started by runc: the user (by name,
 * with a supplementary group from the image's /etc/group), the environment and the arguments that
 * conversion.md derives reach the process.
 */
class RuncIT {
  @TempDir Path dir;

  @Test
  void runcRunsABundleOfAPackedImage() throws Exception {
    InteropIT.requireTool("runc");
    Path busybox = Path.of("/bin/busybox");
    if ("true".equals(System.getenv("CI"))) {
      assertThat(busybox).as("busybox-static is installed (.ci/run installs it)").exists();
    }
    assumeTrue(Files.isExecutable(busybox), "no /bin/busybox");
    assumeTrue("root".equals(System.getProperty("user.name")), "runc runs this bundle as root");
    Path root = Files.createDirectories(dir.resolve("root/bin"));
    Files.copy(busybox, root.resolve("busybox"));
    for (String applet : new String[] {"sh", "id", "cat"}) {
      Files.createSymbolicLink(root.resolve(applet), Path.of("busybox"));
    }
    Path etc = Files.createDirectories(dir.resolve("root/etc"));
    Files.writeString(
        etc.resolve("passwd"), "root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n");
    Files.writeString(etc.resolve("group"), "root:x:0:\napp:x:1000:\nextra:x:2000:app\n");
    Files.writeString(etc.resolve("motd"), "hello from runc\n");
    Path layout = dir.resolve("layout");
    CliRun pack =
        CliRun.run(
            "pack",
            dir.resolve("root").toString(),
            layout.toString(),
            "--ref",
            "app",
            "--entrypoint",
            "/bin/sh",
            "--cmd",
            "-c",
            "--cmd",
            "id; cat /etc/motd; echo $GREETING",
            "--env",
            "GREETING=hi",
            "--user",
            "app");
    assertThat(pack.status()).as(pack.err()).isZero();
    Path bundle = dir.resolve("bundle");
    CliRun made = CliRun.run("bundle", layout.toString(), bundle.toString(), "--ref", "app");
    assertThat(made.status()).as(made.err()).isZero();
    // runc run without a console: no terminal (the conversion's default, like runc spec's, is one).
    Path config = bundle.resolve("config.json");
    var spec = RuntimeJson.parse(Files.readAllBytes(config));
    spec = spec.toBuilder().process(spec.process().toBuilder().terminal(false).build()).build();
    Files.write(config, RuntimeJson.toBytes(spec));

    InteropIT.Result run =
        InteropIT.run(
            dir,
            "runc",
            "--root",
            dir.resolve("runc-state").toString(),
            "run",
            "--bundle",
            bundle.toString(),
            "ocikit-" + ProcessHandle.current().pid());
    String err = run.err().toLowerCase(Locale.ROOT);
    if (run.status() != 0
        && (err.contains("operation not permitted")
            || err.contains("cgroup")
            || err.contains("permission denied")
            || err.contains("no such file or directory: unknown"))) {
      // A sandbox that cannot make namespaces or cgroups: not what this test is about.
      assumeTrue(false, "runc cannot start containers here: " + run.err());
    }
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("uid=1000(app) gid=1000(app) groups=2000(extra)")
        .contains("hello from runc")
        .contains("hi");
  }
}
