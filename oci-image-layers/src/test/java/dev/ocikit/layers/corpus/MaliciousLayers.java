package dev.ocikit.layers.corpus;

import dev.ocikit.digest.Digest;
import dev.ocikit.digest.DigestAlgorithm;
import dev.ocikit.digest.DigestMismatchException;
import dev.ocikit.layers.LayerException;
import dev.ocikit.layers.LayerLimitException;
import dev.ocikit.layers.UnsafeEntryException;
import dev.ocikit.layout.OciLayout;
import dev.ocikit.model.Descriptor;
import dev.ocikit.model.ImageConfig;
import dev.ocikit.model.Manifest;
import dev.ocikit.model.MediaType;
import dev.ocikit.model.Platform;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.zip.Deflater;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;
import org.jspecify.annotations.Nullable;

/**
 * Builds {@code testdata/malicious/}: one OCI image layout per hostile layer, each trying to
 * escape, damage or exhaust the unpacker in one way, reproducibly (fixed times; tars written byte
 * by byte with {@link RawTar}; gzip at level 0 or hand-built, never depending on zlib).
 *
 * <p>The layouts assume that the image is unpacked into {@code SANDBOX/images/target}, beside the
 * sentinels {@code SANDBOX/outside/victim} (a file), {@code SANDBOX/outside/victimdir/} and {@code
 * SANDBOX/images/sibling/victim}: a relative link {@code ../../outside} from the top of the target
 * points at them for anything that follows it. Absolute names aim at {@code /tmp/}{@value #EVIL}
 * and {@code /etc/}{@value #EVIL}, which must never appear on the host.
 */
public final class MaliciousLayers {
  private MaliciousLayers() {}

  /** The host name that absolute paths aim at: it must never be created. */
  public static final String EVIL = "ocikit-evil-5c1d2b7a";

  /** The limits the bombs are tested with: they expand far beyond this. */
  public static final long TEST_MAX_BYTES = 16L << 20;

  static final OffsetDateTime CREATED = OffsetDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);

  /** 2001-09-09, an mtime no sentinel has. */
  static final long OLD = 1_000_000_000L;

  /**
   * A hostile image and what an unpack of it must do.
   *
   * @param name its directory under {@code testdata/malicious/}
   * @param attack what it tries
   * @param refusal the exception the unpack must fail with (this exact class), or null when the
   *     unpack succeeds, confined to the target
   * @param layer the index of the layer the refusal must name
   * @param entry the tar entry the refusal must name, or null when none is at fault
   * @param present paths that must exist inside the target afterwards (where a confined write went)
   * @param absent paths that must not exist inside the target afterwards
   */
  public record Case(
      String name,
      String attack,
      @Nullable Class<? extends Exception> refusal,
      int layer,
      @Nullable String entry,
      List<String> present,
      List<String> absent) {

    /** The outcome, in words. */
    public String outcome() {
      if (refusal == null) {
        return "confined";
      }
      return "refused: "
          + refusal.getSimpleName()
          + " naming layer "
          + layer
          + (entry == null ? "" : " and entry \"" + printable(entry) + "\"");
    }
  }

  private record Layer(String mediaType, byte[] blob, Digest diffId) {
    static Layer tar(byte[] tar) {
      return new Layer(MediaType.IMAGE_LAYER, tar, Digest.sha256(tar));
    }

    static Layer gzip(byte[] tar) throws IOException {
      return new Layer(MediaType.IMAGE_LAYER_GZIP, MaliciousLayers.gzip(tar), Digest.sha256(tar));
    }
  }

  private static Case confined(String name, String attack, List<String> present) {
    return new Case(name, attack, null, -1, null, present, List.of());
  }

  private static Case refused(
      String name,
      String attack,
      Class<? extends Exception> refusal,
      int layer,
      @Nullable String entry) {
    return new Case(name, attack, refusal, layer, entry, List.of(), List.of());
  }

  /** Writes the whole corpus under {@code root}; returns the cases with what each must do. */
  public static List<Case> write(Path root) throws IOException {
    List<Case> cases = new ArrayList<>();
    Files.createDirectories(root);

    // --- names that climb out -------------------------------------------------------------------

    image(
        root,
        "dotdot-traversal",
        Layer.gzip(new RawTar().file("harmless", "ok\n").file("../../escape", "pwned\n").finish()));
    cases.add(
        refused(
            "dotdot-traversal",
            "a file named ../../escape, beside the sandbox's sentinels",
            UnsafeEntryException.class,
            0,
            "../../escape"));

    image(
        root,
        "dotdot-inner",
        Layer.gzip(new RawTar().file("a/b/../../../escape", "pwned\n").finish()));
    cases.add(
        refused(
            "dotdot-inner",
            "a file named a/b/../../../escape: .. that climbs out only after descending",
            UnsafeEntryException.class,
            0,
            "a/b/../../../escape"));

    image(
        root,
        "absolute-path",
        Layer.gzip(
            new RawTar()
                .file("/tmp/" + EVIL + "/passwd", "root::0:0::/:/bin/sh\n")
                .file("/etc/" + EVIL, "pwned\n")
                .finish()));
    cases.add(
        confined(
            "absolute-path",
            "files named /tmp/" + EVIL + "/passwd and /etc/" + EVIL + ": taken inside the target",
            List.of("tmp/" + EVIL + "/passwd", "etc/" + EVIL)));

    // --- symbolic links -------------------------------------------------------------------------

    image(
        root,
        "symlink-escape-absolute",
        Layer.gzip(
            new RawTar()
                .symlink("link", "/")
                .file("link/tmp/" + EVIL + "/escape", "pwned\n")
                .finish()));
    cases.add(
        confined(
            "symlink-escape-absolute",
            "link -> /, then link/tmp/" + EVIL + "/escape: resolved with the target as /",
            List.of("link", "tmp/" + EVIL + "/escape")));

    image(
        root,
        "symlink-escape-relative",
        Layer.gzip(
            new RawTar()
                .symlink("link", "../../outside")
                .file("link/victim", "pwned\n")
                .symlink("deep", "../../../../../../../../../..")
                .file("deep/tmp/" + EVIL + "/escape", "pwned\n")
                .finish()));
    cases.add(
        confined(
            "symlink-escape-relative",
            "link -> ../../outside then link/victim (overwriting the sentinel if followed); deep ->"
                + " ../../../../../../../../../.. then deep/tmp/"
                + EVIL
                + "/escape: .. is clamped at the target",
            List.of("outside/victim", "tmp/" + EVIL + "/escape")));

    image(
        root,
        "symlink-escape-lower-layer",
        Layer.gzip(new RawTar().symlink("link", "../../outside").finish()),
        Layer.gzip(
            new RawTar()
                .file("link/victim", "pwned\n")
                .dir("link/victimdir/")
                .mode(0777)
                .owner(4242, 4242)
                .mtime(OLD)
                .add()
                .file("link/victimdir/inner", "pwned\n")
                .finish()));
    cases.add(
        confined(
            "symlink-escape-lower-layer",
            "layer 0 makes link -> ../../outside; layer 1 writes link/victim and"
                + " link/victimdir/inner, and sets link/victimdir's mode, owner and mtime",
            List.of("outside/victim", "outside/victimdir/inner")));

    image(
        root,
        "symlink-loop",
        Layer.gzip(
            new RawTar().symlink("a", "b").symlink("b", "a").file("a/escape", "pwned\n").finish()));
    cases.add(
        refused(
            "symlink-loop",
            "a -> b, b -> a, then a/escape: a loop of links in a parent path",
            LayerException.class,
            0,
            "a/escape"));

    image(
        root,
        "root-symlink",
        Layer.gzip(
            new RawTar()
                .symlink(".", "../../outside")
                .symlink("./", "/")
                .file("victim", "pwned\n")
                .finish()));
    cases.add(
        confined(
            "root-symlink",
            "the root itself as a symlink (. -> ../../outside, ./ -> /), then victim (umoci"
                + " CVE-2021-29136): the root stays the target directory",
            List.of("victim")));

    // --- hardlinks ------------------------------------------------------------------------------

    image(
        root,
        "hardlink-escape-dotdot",
        Layer.gzip(new RawTar().hardlink("h", "../../outside/victim").finish()));
    cases.add(
        refused(
            "hardlink-escape-dotdot",
            "a hardlink h to ../../outside/victim, the sentinel",
            UnsafeEntryException.class,
            0,
            "h"));

    image(
        root,
        "hardlink-escape-absolute",
        Layer.gzip(new RawTar().hardlink("h", "/etc/passwd").finish()));
    cases.add(
        refused(
            "hardlink-escape-absolute",
            "a hardlink h to /etc/passwd: looked up inside the target, where it does not exist",
            LayerException.class,
            0,
            "h"));

    image(
        root,
        "hardlink-through-symlink",
        Layer.gzip(
            new RawTar().symlink("up", "../../outside").hardlink("h", "up/victim").finish()));
    cases.add(
        refused(
            "hardlink-through-symlink",
            "up -> ../../outside, then a hardlink h to up/victim: the link is resolved inside the"
                + " target, where up/victim does not exist",
            LayerException.class,
            0,
            "h"));

    // --- metadata through links (containerd CVE-2021-32760) -------------------------------------

    image(
        root,
        "metadata-through-symlink",
        Layer.gzip(
            new RawTar()
                .symlink("s", "../../outside/victim")
                .symlink("d", "../../outside/victimdir")
                .finish()),
        Layer.gzip(
            new RawTar()
                .hardlink("h", "s")
                .symlinkEntry("s", "../../outside/victim")
                .owner(4242, 4242)
                .mtime(OLD)
                .add()
                .dir("d/")
                .mode(07777)
                .owner(4242, 4242)
                .mtime(OLD)
                .add()
                .file("h2")
                .mode(06777)
                .owner(4242, 4242)
                .mtime(OLD)
                .content("pwned\n")
                .add()
                .hardlink("h3", "h2")
                .finish()));
    cases.add(
        confined(
            "metadata-through-symlink",
            "symlinks s -> ../../outside/victim and d -> ../../outside/victimdir; then a hardlink"
                + " to s, s again with another owner and mtime, and d/ as a directory with mode"
                + " 7777, owner 4242 and an old mtime: no mode, owner or time may reach the"
                + " sentinels",
            List.of("h", "s", "d", "h3")));

    image(
        root,
        "metadata-through-replaced-parent",
        Layer.gzip(
            new RawTar()
                .dir("a/")
                .add()
                .dir("a/victimdir/")
                .mode(07777)
                .owner(4242, 4242)
                .mtime(OLD)
                .add()
                .symlink("a", "../../outside")
                .finish()));
    cases.add(
        confined(
            "metadata-through-replaced-parent",
            "a/ and a/victimdir/ (mode 7777, owner 4242, old mtime), then a replaced by a -> "
                + "../../outside: the directory metadata, set at the end of the layer, must not"
                + " follow the new link to SANDBOX/outside/victimdir",
            List.of("a")));

    // --- whiteouts ------------------------------------------------------------------------------

    Layer keep = Layer.gzip(new RawTar().file("keep", "lower\n").finish());
    image(
        root,
        "whiteout-dotdot-path",
        keep,
        Layer.gzip(new RawTar().file("../../.wh.outside", "").finish()));
    cases.add(
        refused(
            "whiteout-dotdot-path",
            "a whiteout ../../.wh.outside, deleting the sentinels' directory if applied",
            UnsafeEntryException.class,
            1,
            "../../.wh.outside"));

    image(root, "whiteout-dotdot-name", keep, Layer.gzip(new RawTar().file(".wh...", "").finish()));
    cases.add(
        refused(
            "whiteout-dotdot-name",
            "a whiteout .wh... : the name it hides is .., the directory holding the target",
            UnsafeEntryException.class,
            1,
            ".wh..."));

    image(
        root,
        "whiteout-dotdot-name-nested",
        Layer.gzip(new RawTar().file("keep", "lower\n").file("sub/lower", "lower\n").finish()),
        Layer.gzip(new RawTar().file("keep2", "").file("sub/.wh...", "").finish()));
    cases.add(
        refused(
            "whiteout-dotdot-name-nested",
            "a whiteout sub/.wh... : the name it hides is sub/.., the target itself",
            UnsafeEntryException.class,
            1,
            "sub/.wh..."));

    image(root, "whiteout-dot-name", keep, Layer.gzip(new RawTar().file(".wh..", "").finish()));
    cases.add(
        refused(
            "whiteout-dot-name",
            "a whiteout .wh.. : the name it hides is ., the target itself",
            UnsafeEntryException.class,
            1,
            ".wh.."));

    image(
        root,
        "whiteout-through-symlink",
        Layer.gzip(
            new RawTar()
                .symlink("link", "../../outside")
                .file("outside/victim", "lower\n")
                .finish()),
        Layer.gzip(
            new RawTar().file("link/.wh.victim", "").file("link/.wh.victimdir", "").finish()));
    cases.add(
        new Case(
            "whiteout-through-symlink",
            "link -> ../../outside in layer 0, whiteouts link/.wh.victim and link/.wh.victimdir in"
                + " layer 1: they delete the target's outside/victim, never the sentinels",
            null,
            -1,
            null,
            List.of("link"),
            List.of("outside/victim")));

    image(root, "bare-whiteout", keep, Layer.gzip(new RawTar().file(".wh.", "").finish()));
    cases.add(
        refused(
            "bare-whiteout",
            "a bare .wh., which layer.md says is invalid",
            UnsafeEntryException.class,
            1,
            ".wh."));

    // --- special files --------------------------------------------------------------------------

    image(
        root,
        "fifo",
        Layer.gzip(
            new RawTar()
                .entry("pipe", '6')
                .mode(0600)
                .owner(4242, 4242)
                .mtime(OLD)
                .add()
                .file("after", "the layer goes on\n")
                .finish()));
    cases.add(
        confined(
            "fifo",
            "a FIFO with an owner, a mode and an mtime: setting them must not open it (an open"
                + " blocks until a writer comes, and opening a device node runs its driver)",
            List.of("after")));

    // --- exhaustion -----------------------------------------------------------------------------

    Bombs.Bomb gz = Bombs.gzip(512 * 1024);
    image(
        root,
        "gzip-bomb",
        new Layer(
            MediaType.IMAGE_LAYER_GZIP,
            gz.compressed(),
            Digest.of(DigestAlgorithm.SHA256, gz.expandedSha256())));
    cases.add(
        refused(
            "gzip-bomb",
            kib(gz.compressed().length)
                + " of gzip expanding to "
                + mib(gz.expandedSize())
                + " (deflate's ceiling, about 1032:1): stopped at the uncompressed-size limit",
            LayerLimitException.class,
            0,
            null));

    Bombs.Bomb zs = Bombs.zstd(8 * 1024);
    image(
        root,
        "zstd-bomb",
        new Layer(
            MediaType.IMAGE_LAYER_ZSTD,
            zs.compressed(),
            Digest.of(DigestAlgorithm.SHA256, zs.expandedSha256())));
    cases.add(
        refused(
            "zstd-bomb",
            kib(zs.compressed().length)
                + " of zstd expanding to "
                + mib(zs.expandedSize())
                + " (RLE blocks): stopped at the uncompressed-size limit",
            LayerLimitException.class,
            0,
            null));

    // Tar header extensions that a reader keeps in memory whole: each is 2 MiB here, past the
    // 1 MiB that Go's archive/tar (and so containerd and Docker) allows for one.
    int extension = 2 << 20;
    int blocks = extension / (128 * 1024);
    Bombs.Bomb longLink =
        Bombs.zstd(
            new RawTar().entry("././@LongLink", 'L').declaredSize(extension).add().unfinished(),
            'a',
            blocks);
    image(root, "longname-bomb", zstd(longLink));
    cases.add(
        refused(
            "longname-bomb",
            "a GNU long name ('L') of "
                + mib(extension)
                + " ("
                + longLink.compressed().length
                + " bytes of zstd): refused at 1 MiB, before it is read into memory",
            LayerLimitException.class,
            0,
            null));

    Bombs.Bomb paxRecord =
        Bombs.zstd(
            new RawTar()
                .entry("PaxHeaders/a", 'x')
                .declaredSize(extension)
                .add()
                .raw((extension + " path=").getBytes(StandardCharsets.US_ASCII))
                .unfinished(),
            'a',
            blocks);
    image(root, "pax-record-bomb", zstd(paxRecord));
    cases.add(
        refused(
            "pax-record-bomb",
            "one PAX record ('x') claiming "
                + mib(extension)
                + ": refused at 1 MiB, before it is read into memory",
            LayerLimitException.class,
            0,
            null));

    Bombs.Bomb sparseMap =
        Bombs.zstd(
            new RawTar()
                .file("s")
                .pax("GNU.sparse.major", "1")
                .pax("GNU.sparse.minor", "0")
                .pax("GNU.sparse.name", "s")
                .pax("GNU.sparse.realsize", "4096")
                .declaredSize(extension)
                .add()
                .unfinished(),
            '0',
            blocks);
    image(root, "sparse-map-bomb", zstd(sparseMap));
    cases.add(
        refused(
            "sparse-map-bomb",
            "a PAX 1.0 sparse file whose map (at the start of its data) is a "
                + mib(extension)
                + " line of digits: refused at 1 MiB",
            LayerLimitException.class,
            0,
            null));

    RawTar nested = new RawTar();
    for (int i = 0; i < 40; i++) {
      nested.entry("PaxHeaders/" + i, 'x').content("13 comment=x\n").add();
    }
    image(root, "nested-extension-headers", Layer.gzip(nested.file("f", "f\n").finish()));
    cases.add(
        refused(
            "nested-extension-headers",
            "40 PAX headers before one entry, each of which commons-compress reads by recursing"
                + " (thousands would overflow the stack): more than 32 are refused",
            LayerLimitException.class,
            0,
            null));

    byte[] map = Arrays.copyOf("1\n1073741823\n1\n".getBytes(StandardCharsets.US_ASCII), 513);
    map[512] = 'x';
    image(
        root,
        "sparse-hole-bomb",
        Layer.gzip(
            new RawTar()
                .file("s")
                .pax("GNU.sparse.major", "1")
                .pax("GNU.sparse.minor", "0")
                .pax("GNU.sparse.name", "s")
                .pax("GNU.sparse.realsize", "1073741824")
                .content(map)
                .add()
                .finish()));
    cases.add(
        refused(
            "sparse-hole-bomb",
            "a sparse file of 1 GiB whose data is one byte at its end (513 bytes in the tar): its"
                + " holes count against the uncompressed-size limit",
            LayerLimitException.class,
            0,
            "s"));

    String deep = "d/".repeat(2000) + "f";
    image(root, "deep-tree", Layer.gzip(new RawTar().file(deep, "deep\n").finish()));
    cases.add(
        confined(
            "deep-tree",
            "one file under 2,000 nested directories (a "
                + deep.length()
                + "-character name; below a target path so long that the whole passes PATH_MAX,"
                + " a LayerException naming the entry)",
            List.of(deep)));

    String segment = "n".repeat(200) + "/";
    String longName = segment.repeat(25) + "f";
    image(root, "long-name", Layer.gzip(new RawTar().file(longName, "long\n").finish()));
    cases.add(
        refused(
            "long-name",
            "a " + longName.length() + "-character name, over the 4096-character path limit",
            LayerLimitException.class,
            0,
            longName.substring(0, 80) + "..."));

    // --- malformed content ----------------------------------------------------------------------

    byte[] hidden = new RawTar().file("hidden", "seen by commons-compress only\n").unfinished();
    image(
        root,
        "hidden-in-directory-data",
        Layer.gzip(
            new RawTar().file("innocent/").content(hidden).add().file("after", "ok\n").finish()));
    cases.add(
        refused(
            "hidden-in-directory-data",
            "a regular file named innocent/ whose data is a tar entry: commons-compress takes the"
                + " name for a directory's and reads the data as a header (the file hidden), Go's"
                + " archive/tar and GNU tar read it as content",
            LayerException.class,
            0,
            "innocent/"));

    image(
        root,
        "hidden-in-link-data",
        Layer.gzip(
            new RawTar()
                .symlinkEntry("s", "a")
                .content(new RawTar().file("hidden", "seen by Go only\n").unfinished())
                .add()
                .file("a", "a\n")
                .finish()));
    cases.add(
        refused(
            "hidden-in-link-data",
            "a symlink whose header gives it data, a tar entry: Go's archive/tar reads symlinks as"
                + " header-only, so that entry as the next one (the file hidden), commons-compress"
                + " skips it as the link's content",
            LayerException.class,
            0,
            "s"));

    image(
        root,
        "global-pax-header",
        Layer.gzip(
            new RawTar()
                .entry("pax_global_header", 'g')
                .content(RawTar.paxRecords("comment", "git archive writes this one", "uid", "0"))
                .add()
                .file("a", "a\n")
                .finish()));
    cases.add(
        refused(
            "global-pax-header",
            "a global PAX header ('g') with a uid record: commons-compress applies it to every"
                + " later entry; Go's archive/tar returns it as an entry of its own, which"
                + " containerd and Docker skip and umoci refuses; only comment records, as git"
                + " archive writes, are accepted",
            LayerException.class,
            0,
            null));

    image(
        root,
        "two-pax-headers",
        Layer.gzip(
            new RawTar()
                .entry("PaxHeaders/1", 'x')
                .content(RawTar.paxRecords("path", "seen-by-commons-compress"))
                .add()
                .entry("PaxHeaders/2", 'x')
                .content(RawTar.paxRecords("path", "seen-by-go"))
                .add()
                .file("ustar-name", "x\n")
                .finish()));
    cases.add(
        refused(
            "two-pax-headers",
            "two PAX headers naming one file differently: commons-compress applies the first, Go's"
                + " archive/tar (umoci) the last",
            LayerException.class,
            0,
            null));

    image(
        root,
        "long-name-and-pax-path",
        Layer.gzip(
            new RawTar()
                .entry("PaxHeaders/1", 'x')
                .content(RawTar.paxRecords("path", "seen-by-commons-compress"))
                .add()
                .entry("././@LongLink", 'L')
                .content("seen-by-go\0")
                .add()
                .file("ustar-name", "x\n")
                .finish()));
    cases.add(
        refused(
            "long-name-and-pax-path",
            "a PAX path, then a GNU long name, for one file: commons-compress takes the PAX path, Go's"
                + " archive/tar (umoci) the long name",
            LayerException.class,
            0,
            null));

    byte[] v7 = RawTar.headerBlock("b", '0', 2, 0644);
    java.util.Arrays.fill(v7, 257, 265, (byte) 0); // no ustar magic: a pre-POSIX header
    v7[345] = 'a'; // and a "prefix"
    java.util.Arrays.fill(v7, 148, 156, (byte) ' ');
    long sum = 0;
    for (byte b : v7) {
      sum += b & 0xff;
    }
    byte[] checksum = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(checksum, 0, v7, 148, 8);
    image(
        root,
        "v7-header-with-prefix",
        Layer.gzip(
            new RawTar()
                .dir("a/")
                .add()
                .raw(v7)
                .raw(Arrays.copyOf("x\n".getBytes(StandardCharsets.US_ASCII), 512))
                .finish()));
    cases.add(
        refused(
            "v7-header-with-prefix",
            "a pre-POSIX header (no ustar magic) with bytes in the prefix field: commons-compress"
                + " names the file a/b, Go's archive/tar (umoci) b",
            LayerException.class,
            0,
            null));

    // Two names that differ only in a byte that is not UTF-8: commons-compress's UTF-8 decoding
    // made both "caf?" (the second overwrote the first), Go's archive/tar keeps both apart.
    byte[] latin1 = RawTar.headerBlock("cafe", '0', 2, 0644);
    byte[] other = RawTar.headerBlock("cafe", '0', 2, 0644);
    latin1[3] = (byte) 0xe9;
    other[3] = (byte) 0xff;
    for (byte[] h : List.of(latin1, other)) {
      java.util.Arrays.fill(h, 148, 156, (byte) ' ');
      long hsum = 0;
      for (byte b : h) {
        hsum += b & 0xff;
      }
      System.arraycopy(
          String.format("%06o\0 ", hsum).getBytes(StandardCharsets.US_ASCII), 0, h, 148, 8);
    }
    image(
        root,
        "name-not-utf8",
        Layer.gzip(
            new RawTar()
                .raw(latin1)
                .raw(Arrays.copyOf("1\n".getBytes(StandardCharsets.US_ASCII), 512))
                .raw(other)
                .raw(Arrays.copyOf("2\n".getBytes(StandardCharsets.US_ASCII), 512))
                .finish()));
    cases.add(
        refused(
            "name-not-utf8",
            "two names that differ only in a byte that is not UTF-8 (caf\\xe9, caf\\xff):"
                + " commons-compress read both as caf?, Go's archive/tar keeps the bytes; a JVM"
                + " cannot create either name as it is",
            LayerException.class,
            0,
            null));

    image(
        root,
        "entries-after-one-zero-block",
        Layer.gzip(
            new RawTar()
                .file("a", "a\n")
                .raw(new byte[512])
                .file("hidden", "after a single zero block\n")
                .finish()));
    cases.add(
        refused(
            "entries-after-one-zero-block",
            "an entry after one zero block: commons-compress ends the archive there and ignores"
                + " it, Go's archive/tar refuses the layer; refused here too",
            LayerException.class,
            0,
            null));

    image(
        root,
        "empty-symlink-target",
        Layer.gzip(new RawTar().file("a", "a\n").symlink("s", "").finish()));
    cases.add(
        refused(
            "empty-symlink-target",
            "a symbolic link whose target is empty, which symlink(2) refuses",
            LayerException.class,
            0,
            "s"));

    image(
        root,
        "nul-in-name",
        Layer.gzip(new RawTar().file("harmless", "ok\n").file("a\u0000b", "nul\n").finish()));
    cases.add(
        refused(
            "nul-in-name",
            "a PAX path with a NUL character, which no file name can hold",
            LayerException.class,
            0,
            "a\u0000b"));

    byte[] text =
        "This is not a tar archive, only text that a layer blob claims to be.\n"
            .repeat(40)
            .getBytes(StandardCharsets.UTF_8);
    image(root, "non-tar", Layer.tar(text));
    cases.add(
        refused(
            "non-tar",
            "a layer of text (its diff_id right), declared a tar",
            LayerException.class,
            0,
            null));

    // Shorter than a tar record: commons-compress took it for an empty archive, Go's archive/tar
    // (containerd, umoci) fails with "unexpected EOF".
    byte[] json =
        "{\"spdxVersion\":\"SPDX-2.3\",\"name\":\"not a layer\"}\n"
            .getBytes(StandardCharsets.UTF_8);
    image(root, "short-non-tar", Layer.tar(json));
    cases.add(
        refused(
            "short-non-tar",
            "a layer of 50 bytes of JSON (its diff_id right), declared a tar: less than one tar"
                + " record",
            LayerException.class,
            0,
            null));

    byte[] zeros = new byte[512 + 188];
    image(root, "short-end-of-archive", Layer.tar(zeros));
    cases.add(
        refused(
            "short-end-of-archive",
            "a zero record, then 188 zero bytes: the second end-of-archive record cut short",
            LayerException.class,
            0,
            null));

    byte[] tar = new RawTar().file("a", "x".repeat(4000)).file("b", "y".repeat(4000)).finish();
    byte[] level0 = gzip(tar);
    byte[] cut = Arrays.copyOf(level0, level0.length - 3000);
    image(root, "truncated-gzip", new Layer(MediaType.IMAGE_LAYER_GZIP, cut, Digest.sha256(tar)));
    cases.add(
        refused(
            "truncated-gzip",
            "a gzip stream cut short (the blob's digest and size are those of the cut bytes)",
            LayerException.class,
            0,
            null));

    byte[] cutTar = Arrays.copyOf(tar, 512 + 1000);
    image(root, "truncated-tar", Layer.tar(cutTar));
    cases.add(
        refused(
            "truncated-tar",
            "an uncompressed tar cut inside its first file (digest, size and diff_id those of the"
                + " cut bytes)",
            LayerException.class,
            0,
            "a"));

    // --- verification ---------------------------------------------------------------------------

    Path p =
        image(root, "digest-mismatch", Layer.tar(new RawTar().file("a", "original\n").finish()));
    Descriptor layer = layers(p).get(0);
    Path blob = OciLayout.open(p).blobPath(layer.digest());
    byte[] bytes = Files.readAllBytes(blob);
    bytes[512] ^= 'o' ^ 'O'; // the first byte of the file's content
    Files.write(blob, bytes);
    cases.add(
        refused(
            "digest-mismatch",
            "a layer blob altered after it was written: one byte of a file changed",
            DigestMismatchException.class,
            0,
            null));

    byte[] good = new RawTar().file("a", "content\n").finish();
    image(
        root,
        "diffid-mismatch",
        new Layer(
            MediaType.IMAGE_LAYER_GZIP,
            gzip(good),
            Digest.sha256("another layer".getBytes(StandardCharsets.UTF_8))));
    cases.add(
        refused(
            "diffid-mismatch",
            "a layer whose diff_id in the config is not the digest of its uncompressed tar",
            DigestMismatchException.class,
            0,
            null));

    readme(root, cases);
    return cases;
  }

  /** The layer descriptors of the corpus image in {@code layout}, base first. */
  public static List<Descriptor> layers(Path layout) throws IOException {
    OciLayout l = OciLayout.open(layout);
    return l.resolve("latest", null).manifest().value().layers();
  }

  private static Layer zstd(Bombs.Bomb bomb) {
    return new Layer(
        MediaType.IMAGE_LAYER_ZSTD,
        bomb.compressed(),
        Digest.of(DigestAlgorithm.SHA256, bomb.expandedSha256()));
  }

  private static Path image(Path root, String name, Layer... layers) throws IOException {
    Path dir = root.resolve(name);
    OciLayout layout = OciLayout.create(dir);
    Manifest.Builder manifest = Manifest.builder();
    List<Digest> diffIds = new ArrayList<>();
    for (Layer l : layers) {
      manifest.addLayer(layout.writeBlob(l.mediaType(), l.blob()));
      diffIds.add(l.diffId());
    }
    Descriptor config =
        layout.writeDocument(
            ImageConfig.builder()
                .created(CREATED)
                .platform(Platform.of("linux", "amd64"))
                .rootfs(ImageConfig.RootFs.of(diffIds))
                .build());
    Descriptor m = layout.writeDocument(manifest.config(config).build());
    layout.tag("latest", m.withPlatform(Platform.of("linux", "amd64")));
    Files.deleteIfExists(dir.resolve(OciLayout.INDEX_LOCK));
    deleteTree(dir.resolve(OciLayout.TEMP_DIR));
    return dir;
  }

  private static void readme(Path root, List<Case> cases) throws IOException {
    StringBuilder b = new StringBuilder();
    b.append("# Malicious layers\n\n")
        .append("Generated by `oci-image-layers/src/test/java/dev/ocikit/layers/corpus/")
        .append("MaliciousLayers.java`; `MaliciousLayersTest` checks that this directory is what")
        .append(" it builds (`-Docikit.testdata.update=true` rebuilds it) and unpacks each image")
        .append(" into `SANDBOX/images/target`, beside sentinels in `SANDBOX/outside/` and")
        .append(" `SANDBOX/images/sibling/`. Nothing outside the target may change, and nothing")
        .append(" may appear at `/tmp/")
        .append(EVIL)
        .append("` or `/etc/")
        .append(EVIL)
        .append("`. The bombs are unpacked with a limit of ")
        .append(mib(TEST_MAX_BYTES))
        .append(" uncompressed.\n\n")
        .append("| case | attack | outcome |\n| --- | --- | --- |\n");
    for (Case c : cases) {
      b.append("| `")
          .append(c.name())
          .append("` | ")
          .append(c.attack().replace("|", "\\|"))
          .append(" | ")
          .append(c.outcome())
          .append(" |\n");
    }
    Files.writeString(root.resolve("README.md"), b.toString());
  }

  private static String printable(String s) {
    return s.replace("\u0000", "\\0");
  }

  private static String kib(long n) {
    return (n / 1024) + " KiB";
  }

  private static String mib(long n) {
    return (n >> 20) + " MiB";
  }

  /** Deletes a tree, deepest first. */
  public static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (Path f : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }

  /** Gzip at level 0 (stored blocks), whose bytes depend on no zlib version. */
  static byte[] gzip(byte[] content) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    GzipParameters parameters = new GzipParameters();
    parameters.setCompressionLevel(Deflater.NO_COMPRESSION);
    parameters.setModificationTime(0);
    try (GzipCompressorOutputStream gz = new GzipCompressorOutputStream(out, parameters)) {
      gz.write(content);
    }
    return out.toByteArray();
  }
}
