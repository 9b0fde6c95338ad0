package dev.ocikit.layers;

import com.github.luben.zstd.ZstdOutputStream;
import dev.ocikit.digest.Digest;
import dev.ocikit.layout.ImageRef;
import dev.ocikit.layout.OciLayout;
import dev.ocikit.model.Compression;
import dev.ocikit.model.Descriptor;
import dev.ocikit.model.ImageConfig;
import dev.ocikit.model.Manifest;
import dev.ocikit.model.MediaType;
import dev.ocikit.model.Platform;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * A layer tar written entry by entry with commons-compress (PAX headers for long and non-ASCII
 * names and for xattrs), in the order given, duplicates and all; and images of such layers written
 * with ocikit's layout API.
 */
public final class LayerTar {
  /** The mtime entries get unless told otherwise. */
  public static final Instant T0 = Instant.parse("2001-09-09T01:46:40Z");

  private final List<TarArchiveEntry> entries = new ArrayList<>();
  private final List<byte[]> contents = new ArrayList<>();

  private LayerTar add(String name, byte type, int mode, byte[] content, String link) {
    TarArchiveEntry e = new TarArchiveEntry(name, type, true);
    e.setMode(mode);
    e.setUserId(0);
    e.setGroupId(0);
    e.setLastModifiedTime(FileTime.from(T0));
    if (!link.isEmpty()) {
      e.setLinkName(link);
    }
    e.setSize(type == TarConstants.LF_NORMAL ? content.length : 0);
    entries.add(e);
    contents.add(content);
    return this;
  }

  private TarArchiveEntry last() {
    return entries.get(entries.size() - 1);
  }

  public LayerTar dir(String name) {
    return add(name.endsWith("/") ? name : name + "/", TarConstants.LF_DIR, 0755, new byte[0], "");
  }

  public LayerTar file(String name, String content) {
    return add(name, TarConstants.LF_NORMAL, 0644, content.getBytes(StandardCharsets.UTF_8), "");
  }

  public LayerTar symlink(String name, String target) {
    return add(name, TarConstants.LF_SYMLINK, 0777, new byte[0], target);
  }

  public LayerTar hardlink(String name, String target) {
    return add(name, TarConstants.LF_LINK, 0644, new byte[0], target);
  }

  /** The whiteout of {@code path}: an empty file {@code .wh.NAME} beside it. */
  public LayerTar whiteout(String path) {
    int slash = path.lastIndexOf('/');
    return file(path.substring(0, slash + 1) + ".wh." + path.substring(slash + 1), "");
  }

  /** The opaque whiteout of the directory {@code dir}: {@code dir/.wh..wh..opq}. */
  public LayerTar opaque(String dir) {
    return file(dir.isEmpty() ? ".wh..wh..opq" : dir + "/.wh..wh..opq", "");
  }

  public LayerTar fifo(String name) {
    return add(name, TarConstants.LF_FIFO, 0644, new byte[0], "");
  }

  public LayerTar charDevice(String name, int major, int minor) {
    add(name, TarConstants.LF_CHR, 0666, new byte[0], "");
    last().setDevMajor(major);
    last().setDevMinor(minor);
    return this;
  }

  public LayerTar blockDevice(String name, int major, int minor) {
    add(name, TarConstants.LF_BLK, 0660, new byte[0], "");
    last().setDevMajor(major);
    last().setDevMinor(minor);
    return this;
  }

  /** The permission bits of the last entry. */
  public LayerTar mode(int mode) {
    last().setMode(mode);
    return this;
  }

  /** The owner of the last entry. */
  public LayerTar owner(int uid, int gid) {
    last().setUserId(uid);
    last().setGroupId(gid);
    return this;
  }

  /** The mtime of the last entry. */
  public LayerTar mtime(Instant mtime) {
    last().setLastModifiedTime(FileTime.from(mtime));
    return this;
  }

  /** A user xattr of the last entry, as a {@code SCHILY.xattr.} PAX record. */
  public LayerTar xattr(String name, String value) {
    last().addPaxHeader("SCHILY.xattr." + name, value);
    return this;
  }

  /** The uncompressed tar. */
  public byte[] bytes() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out, "UTF-8")) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      tar.setAddPaxHeadersForNonAsciiNames(true);
      for (int i = 0; i < entries.size(); i++) {
        tar.putArchiveEntry(entries.get(i));
        tar.write(contents.get(i));
        tar.closeArchiveEntry();
      }
    }
    return out.toByteArray();
  }

  /** {@code tar} compressed. */
  public static byte[] compress(byte[] tar, Compression compression) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream c =
        switch (compression) {
          case NONE -> out;
          case GZIP -> new GZIPOutputStream(out);
          case ZSTD -> new ZstdOutputStream(out);
        }) {
      c.write(tar);
    }
    return out.toByteArray();
  }

  /** A layer of an image: a tar and how it is stored. */
  public record Layer(byte[] tar, Compression compression) {}

  /**
   * Writes an image of {@code layers}, base first, to the layout at {@code layout} (created if need
   * be), tagged {@code tag}, with ocikit's API.
   */
  public static void writeImage(Path layout, String tag, List<Layer> layers) throws IOException {
    try (OciLayout oci = OciLayout.openOrCreate(layout)) {
      List<Descriptor> blobs = new ArrayList<>();
      List<Digest> diffIds = new ArrayList<>();
      for (Layer l : layers) {
        blobs.add(
            oci.writeBlob(
                MediaType.layerMediaType(l.compression()), compress(l.tar(), l.compression())));
        diffIds.add(Digest.sha256(l.tar()));
      }
      Descriptor config =
          oci.writeDocument(
              ImageConfig.builder()
                  .platform(Platform.of("linux", "amd64"))
                  .rootfs(ImageConfig.RootFs.of(diffIds))
                  .build());
      oci.tag(tag, oci.writeDocument(Manifest.builder().config(config).layers(blobs).build()));
    }
  }

  /**
   * Writes an image of one layer whose blob is {@code blob} as it is (of the media type {@code
   * mediaType}), its diff_id that of {@code tar}, to the layout at {@code layout} (created if need
   * be), tagged {@code tag}: for blobs no compressor here writes.
   */
  public static void writeImageOfBlob(
      Path layout, String tag, String mediaType, byte[] blob, byte[] tar) throws IOException {
    try (OciLayout oci = OciLayout.openOrCreate(layout)) {
      Descriptor layer = oci.writeBlob(mediaType, blob);
      Descriptor config =
          oci.writeDocument(
              ImageConfig.builder()
                  .platform(Platform.of("linux", "amd64"))
                  .rootfs(ImageConfig.RootFs.of(List.of(Digest.sha256(tar))))
                  .build());
      oci.tag(
          tag, oci.writeDocument(Manifest.builder().config(config).layers(List.of(layer)).build()));
    }
  }

  /** Unpacks the image {@code tag} of the layout at {@code layout} into {@code target}. */
  public static ImageUnpacker.Result unpack(Path layout, String tag, Path target, boolean rootless)
      throws IOException {
    try (OciLayout oci = OciLayout.open(layout)) {
      ImageRef image = oci.resolve(tag, null);
      return new ImageUnpacker(ApplyOptions.DEFAULT.withRootless(rootless), ProgressListener.NONE)
          .unpack(oci, image, target);
    }
  }
}
