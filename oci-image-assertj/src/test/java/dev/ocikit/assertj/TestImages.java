package dev.ocikit.assertj;

import dev.ocikit.build.BuiltImage;
import dev.ocikit.build.ImageBuilder;
import dev.ocikit.build.IndexBuilder;
import dev.ocikit.layers.LayerEntry;
import dev.ocikit.layers.LayerOptions;
import dev.ocikit.layers.LayerWriter;
import dev.ocikit.layers.WrittenLayer;
import dev.ocikit.layout.OciLayout;
import dev.ocikit.model.Platform;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The images the tests assert on, built with the project's own {@link LayerWriter} and {@link
 * ImageBuilder} into a layout directory.
 *
 * <p>{@code app} (linux/amd64), three layers:
 *
 * <ol start="0">
 *   <li>{@code /etc/motd} (0644), {@code /etc/secret} (0600, 1000:1000), {@code /bin/busybox}
 *       (0755), {@code /bin/sh -> busybox}, {@code /bin/dangling -> /nowhere}, {@code
 *       /usr/share/doc/old.txt}, the directory {@code /app} and the FIFO {@code /run/fifo};
 *   <li>{@code /app/app.sh} (0755), a new {@code /etc/motd}, and a whiteout of {@code
 *       /usr/share/doc/old.txt};
 *   <li>{@code /app/config.properties}.
 * </ol>
 *
 * Its config: entrypoint {@code /app/app.sh}, cmd {@code --serve}, env {@code PATH} and {@code
 * APP_MODE=prod}, working dir {@code /app}, user {@code 1000:1000}, label {@code
 * org.opencontainers.image.title=app}, port 8080/tcp, volume {@code /data}, stop signal {@code
 * SIGINT}; its manifest has the annotation {@code org.opencontainers.image.version=1.2.3}.
 *
 * <p>{@code multi}: an index of two one-layer images, linux/amd64 (with {@code /arch} "amd64") and
 * linux/arm64 (with {@code /arch} "arm64").
 *
 * <p>{@code erased}: {@code /opt/a/b.txt}, {@code /opt/keep.txt}, {@code /srv/x} and {@code
 * /srv/y}, then a layer with a whiteout of the directory {@code /opt/a}, an opaque whiteout of
 * {@code /srv} and a new {@code /srv/z}.
 */
final class TestImages {
  private TestImages() {}

  static final String MOTD = "Welcome to app\n";
  static final String PROPERTIES = "version=1.2.3\nmode=prod\n";

  /** Builds the layout with {@code app} and {@code multi} in {@code dir}, returns {@code dir}. */
  static Path build(Path dir) throws IOException {
    OciLayout layout = OciLayout.create(dir);
    LayerOptions owners = LayerOptions.builder().keepOwners(true).build();
    WrittenLayer base =
        new LayerWriter(owners)
            .add(LayerEntry.directory("etc").withMode(0755))
            .add(LayerEntry.file("etc/motd", bytes("Hello from ocikit\n")).withMode(0644))
            .add(
                LayerEntry.file("etc/secret", bytes("s3cr3t")).withMode(0600).withOwner(1000, 1000))
            .add(LayerEntry.file("bin/busybox", bytes("#!busybox\n")).withMode(0755))
            .add(LayerEntry.symlink("bin/sh", "busybox"))
            .add(LayerEntry.symlink("bin/dangling", "/nowhere"))
            .add(LayerEntry.file("usr/share/doc/old.txt", bytes("old")).withMode(0644))
            .add(LayerEntry.directory("app").withMode(0755))
            .add(LayerEntry.fifo("run/fifo").withMode(0600))
            .write(layout);
    WrittenLayer app =
        new LayerWriter(LayerOptions.DEFAULT)
            .add(LayerEntry.file("app/app.sh", bytes("#!/bin/sh\necho hi\n")).withMode(0755))
            .add(LayerEntry.file("etc/motd", bytes(MOTD)).withMode(0644))
            .add(LayerEntry.whiteout("usr/share/doc/old.txt"))
            .write(layout);
    WrittenLayer config =
        new LayerWriter(LayerOptions.DEFAULT)
            .add(LayerEntry.file("app/config.properties", bytes(PROPERTIES)).withMode(0644))
            .write(layout);
    ImageBuilder.scratch(Platform.parse("linux/amd64"))
        .addLayer(base.descriptor(), base.diffId())
        .addLayer(app.descriptor(), app.diffId())
        .addLayer(config.descriptor(), config.diffId())
        .entrypoint(List.of("/app/app.sh"))
        .cmd(List.of("--serve"))
        .env("PATH", "/usr/bin:/bin")
        .env("APP_MODE", "prod")
        .workingDir("/app")
        .user("1000:1000")
        .label("org.opencontainers.image.title", "app")
        .exposedPort("8080")
        .volume("/data")
        .stopSignal("SIGINT")
        .annotation("org.opencontainers.image.version", "1.2.3")
        .build(layout, "app");

    IndexBuilder index = IndexBuilder.create();
    for (String arch : List.of("amd64", "arm64")) {
      WrittenLayer layer =
          new LayerWriter(LayerOptions.DEFAULT)
              .add(LayerEntry.file("arch", bytes(arch)).withMode(0644))
              .write(layout);
      BuiltImage image =
          ImageBuilder.scratch(Platform.parse("linux/" + arch))
              .addLayer(layer.descriptor(), layer.diffId())
              .build(layout);
      index.add(image);
    }
    index.build(layout, "multi");

    WrittenLayer lower =
        new LayerWriter(LayerOptions.DEFAULT)
            .add(LayerEntry.file("opt/a/b.txt", bytes("b")))
            .add(LayerEntry.file("opt/keep.txt", bytes("keep")))
            .add(LayerEntry.file("srv/x", bytes("x")))
            .add(LayerEntry.file("srv/y", bytes("y")))
            .write(layout);
    WrittenLayer upper =
        new LayerWriter(LayerOptions.DEFAULT)
            .add(LayerEntry.whiteout("opt/a"))
            .add(LayerEntry.opaqueWhiteout("srv"))
            .add(LayerEntry.file("srv/z", bytes("z")))
            .write(layout);
    ImageBuilder.scratch(Platform.parse("linux/amd64"))
        .addLayer(lower.descriptor(), lower.diffId())
        .addLayer(upper.descriptor(), upper.diffId())
        .build(layout, "erased");
    return dir;
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
