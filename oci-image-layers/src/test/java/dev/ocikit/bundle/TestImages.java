package dev.ocikit.bundle;

import dev.ocikit.digest.Digest;
import dev.ocikit.json.Parsed;
import dev.ocikit.layout.ImageRef;
import dev.ocikit.layout.OciLayout;
import dev.ocikit.model.Descriptor;
import dev.ocikit.model.ImageConfig;
import dev.ocikit.model.Manifest;
import dev.ocikit.model.MediaType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Images and root filesystems for the bundle tests, made with ocikit's API (no external tool). */
final class TestImages {
  private TestImages() {}

  /** The {@code /etc/passwd} of the test images. */
  static final String PASSWD =
      String.join(
          "\n",
          "root:x:0:0:root:/root:/bin/sh",
          "# a comment, and a line whose uid is not a number:",
          "broken:x:abc:0::/nowhere:/bin/sh",
          "alice:x:1000:1000:Alice:/home/alice:/bin/sh",
          "bob:x:1001:100::/home/bob:/bin/sh",
          "carol:x:1002:1002::/home/carol:/bin/sh",
          "alice:x:2000:2000:second alice, never used:/home/alice2:/bin/sh",
          "");

  /** The {@code /etc/group} of the test images. */
  static final String GROUP =
      String.join(
          "\n",
          "root:x:0:",
          "wheel:x:10:root,alice",
          "users:x:100:alice,bob",
          "alice:x:1000:",
          "staff:x:50:bob,alice",
          "carol:x:1002:",
          "");

  /** Writes {@code etc/passwd} and {@code etc/group} under {@code dir}; returns {@code dir}. */
  static Path rootfsWithUsers(Path dir) throws IOException {
    Files.createDirectories(dir.resolve("etc"));
    Files.writeString(dir.resolve("etc/passwd"), PASSWD, StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("etc/group"), GROUP, StandardCharsets.UTF_8);
    return dir;
  }

  /** A tar of the tree at {@code dir}: directories, files and symbolic links, owned by root. */
  static byte[] tarOf(Path dir) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(dir)) {
      paths = walk.filter(p -> !p.equals(dir)).sorted().toList();
    }
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out, "UTF-8")) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Path p : paths) {
        String name = dir.relativize(p).toString();
        TarArchiveEntry e;
        byte[] content = new byte[0];
        if (Files.isSymbolicLink(p)) {
          e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
          e.setLinkName(Files.readSymbolicLink(p).toString());
          e.setMode(0777);
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          e = new TarArchiveEntry(name + "/");
          e.setMode(040000 | mode(p));
        } else {
          e = new TarArchiveEntry(name);
          content = Files.readAllBytes(p);
          e.setSize(content.length);
          e.setMode(0100000 | mode(p));
        }
        e.setIds(0, 0);
        tar.putArchiveEntry(e);
        tar.write(content);
        tar.closeArchiveEntry();
      }
    }
    return out.toByteArray();
  }

  private static int mode(Path p) throws IOException {
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
    int m = 0;
    for (PosixFilePermission perm : PosixFilePermission.values()) {
      if (perms.contains(perm)) {
        m |= 1 << (8 - perm.ordinal());
      }
    }
    return m;
  }

  /**
   * Writes an image of one uncompressed layer (the tree at {@code rootfs}, or no layer when null)
   * and {@code config} (its rootfs set here) to the layout at {@code layout}, tagged {@code tag}.
   */
  static void writeImage(Path layout, String tag, ImageConfig config, Path rootfs)
      throws IOException {
    try (OciLayout oci = OciLayout.openOrCreate(layout)) {
      List<Descriptor> layers = new ArrayList<>();
      List<Digest> diffIds = new ArrayList<>();
      if (rootfs != null) {
        byte[] tar = tarOf(rootfs);
        layers.add(oci.writeBlob(MediaType.IMAGE_LAYER, tar));
        diffIds.add(Digest.sha256(tar));
      }
      Descriptor configBlob = oci.writeDocument(config.withRootfs(ImageConfig.RootFs.of(diffIds)));
      oci.tag(tag, oci.writeDocument(Manifest.builder().config(configBlob).layers(layers).build()));
    }
  }

  /** The image {@code tag} of the layout at {@code layout}. */
  static ImageRef resolve(OciLayout layout, String tag) throws IOException {
    return layout.resolve(tag, null);
  }

  /** An image config parsed from {@code json} (its exact text kept, as a layout's blob is). */
  static Parsed<ImageConfig> config(String json) throws IOException {
    return dev.ocikit.json.OciJson.parseConfig(json.getBytes(StandardCharsets.UTF_8));
  }
}
