package dev.ocikit.layers;

import dev.ocikit.digest.Digest;
import dev.ocikit.layout.OciLayout;
import dev.ocikit.model.Descriptor;
import dev.ocikit.model.ImageConfig;
import dev.ocikit.model.Manifest;
import dev.ocikit.model.MediaType;
import dev.ocikit.model.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Images made of layers {@link LayerWriter} wrote (config and manifest written with the model, as
 * {@link LayerTar#writeImage} does), and their trees as {@code umoci unpack} makes them.
 */
final class WrittenImages {
  private WrittenImages() {}

  /** Tags as {@code tag} an image of {@code layers}, base first, in {@code layout}. */
  static Descriptor tag(OciLayout layout, String tag, List<WrittenLayer> layers)
      throws IOException {
    List<Descriptor> blobs = new ArrayList<>();
    List<Digest> diffIds = new ArrayList<>();
    for (WrittenLayer l : layers) {
      blobs.add(l.descriptor());
      diffIds.add(l.diffId());
    }
    Descriptor config =
        layout.writeDocument(
            ImageConfig.builder()
                .platform(Platform.of("linux", "amd64"))
                .rootfs(ImageConfig.RootFs.of(diffIds))
                .build());
    Descriptor manifest =
        layout.writeDocument(Manifest.builder().config(config).layers(blobs).build());
    layout.tag(tag, manifest);
    return manifest;
  }

  /**
   * The root file system {@code umoci unpack} makes of the image {@code tag} of {@code layout},
   * unpacked in a new directory of {@code work} (as root when this process is, else rootless).
   * umoci 0.4.7 cannot read zstd layers: an image with some is first copied by skopeo with its
   * layers made gzip (the config, so the diff_ids, stays).
   */
  static Path umociUnpack(Path layout, String tag, Path work) throws IOException {
    Tools.require("umoci");
    Path image = layout;
    boolean zstd;
    try (OciLayout oci = OciLayout.open(layout)) {
      zstd =
          oci.resolve(tag, null).manifest().value().layers().stream()
              .anyMatch(d -> d.mediaType().equals(MediaType.IMAGE_LAYER_ZSTD));
    }
    if (zstd) {
      Tools.require("skopeo");
      image = Files.createTempDirectory(work, "gzip").resolve("layout");
      Tools.run(
          work,
          List.of(
              "skopeo",
              "copy",
              "--quiet",
              "--dest-compress-format",
              "gzip",
              "oci:" + layout + ":" + tag,
              "oci:" + image + ":" + tag));
    }
    Path bundle = Files.createTempDirectory(work, "umoci").resolve("bundle");
    List<String> command = new ArrayList<>(List.of("umoci", "unpack"));
    if (!Tools.root()) {
      command.add("--rootless");
    }
    command.addAll(List.of("--image", image + ":" + tag, bundle.toString()));
    Tools.run(work, command);
    return bundle.resolve("rootfs");
  }
}
