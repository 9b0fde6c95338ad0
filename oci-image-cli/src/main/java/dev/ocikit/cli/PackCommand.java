package dev.ocikit.cli;

import dev.ocikit.build.BuiltImage;
import dev.ocikit.build.ImageBuilder;
import dev.ocikit.json.Rfc3339;
import dev.ocikit.layers.LayerOptions;
import dev.ocikit.layers.LayerWriter;
import dev.ocikit.layers.WrittenLayer;
import dev.ocikit.layout.ImageRef;
import dev.ocikit.layout.OciLayout;
import dev.ocikit.model.Compression;
import dev.ocikit.model.ImageConfig;
import dev.ocikit.model.Platform;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ocikit pack DIR LAYOUT --ref R}: a new image whose top layer is DIR, alone or on top of a
 * base image of the layout. Reproducible: the same tree gives the same image digest, whatever the
 * order its files were made in or their times, unless asked to keep times or owners.
 */
@Command(
    name = "pack",
    mixinStandardHelpOptions = true,
    description = {
      "Pack a directory into an image in a layout (created if needed): a new top layer on its own,"
          + " or on top of the image --base-ref names. The same tree gives the same digests.",
    })
final class PackCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DIR", description = "The directory to pack.")
  Path directory;

  @Parameters(index = "1", paramLabel = "LAYOUT", description = "The layout directory to write.")
  Path layout;

  @Option(
      names = "--ref",
      required = true,
      paramLabel = "REF",
      description = "The ref name to tag the new image with.")
  String ref;

  @Option(
      names = "--base-ref",
      paramLabel = "REF",
      description = "An image of the layout to build on: its layers and config are kept.")
  String baseRef;

  @Option(
      names = "--diff",
      description =
          "DIR is the whole new filesystem: the layer holds only what differs from the base image"
              + " (whiteouts for what DIR no longer has). Needs --base-ref.")
  boolean diff;

  @Option(
      names = "--compression",
      paramLabel = "gzip|zstd|none",
      defaultValue = "gzip",
      description = "The layer's compression (default: ${DEFAULT-VALUE}).")
  String compression;

  @Option(names = "--env", paramLabel = "K=V", description = "An environment variable.")
  List<String> env = new ArrayList<>();

  @Option(
      names = "--entrypoint",
      paramLabel = "ARG",
      description = "One argument of the entrypoint (repeat for more).")
  List<String> entrypoint;

  @Option(names = "--cmd", paramLabel = "ARG", description = "One argument of the command.")
  List<String> cmd;

  @Option(names = "--workdir", paramLabel = "DIR", description = "The working directory.")
  String workdir;

  @Option(names = "--user", paramLabel = "USER", description = "user, uid, user:group or uid:gid.")
  String user;

  @Option(names = "--label", paramLabel = "K=V", description = "A label.")
  List<String> labels = new ArrayList<>();

  @Option(names = "--expose", paramLabel = "PORT[/PROTO]", description = "An exposed port.")
  List<String> expose = new ArrayList<>();

  @Option(
      names = "--platform",
      paramLabel = "OS/ARCH[/VARIANT]",
      description = "The platform (default: the base image's, or this machine's).")
  String platform;

  @Option(
      names = "--created",
      paramLabel = "RFC3339",
      description =
          "The creation time of the image, and the time of every file in the layer (default:"
              + " SOURCE_DATE_EPOCH when set; otherwise no creation time and 1970-01-01 files).")
  String created;

  @Option(
      names = "--times",
      paramLabel = "fixed|clamp|keep",
      defaultValue = "fixed",
      description =
          "File times in the layer: all the --created time (fixed, the default), later ones"
              + " brought back to it (clamp), or kept (keep).")
  String times;

  @Option(names = "--keep-owners", description = "Record each file's uid and gid instead of 0:0.")
  boolean keepOwners;

  @Option(
      names = "--rootless",
      description =
          "DIR was unpacked rootless (ocikit or umoci unpack --rootless): record the owners that"
              + " unpack kept in user.rootlesscontainers, and this user's files as root's."
              + " Implies --keep-owners.")
  boolean rootless;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    return LayoutCommands.guarded(
        spec,
        () -> {
          Settings settings = settings();
          // A layout this command creates is removed again if the pack fails: no new, empty
          // layout is left behind for a bad tree or base.
          boolean existed = Files.exists(layout, LinkOption.NOFOLLOW_LINKS);
          try (OciLayout target = OciLayout.openOrCreate(layout)) {
            return pack(settings, target, out);
          } catch (java.io.IOException | RuntimeException e) {
            if (!existed) {
              deleteCreated(layout, e);
            }
            throw e;
          }
        });
  }

  private int pack(Settings settings, OciLayout target, PrintWriter out)
      throws java.io.IOException {
    ImageBuilder builder;
    ImageRef base = null;
    if (baseRef != null) {
      base = target.resolve(baseRef, settings.platform());
      builder = ImageBuilder.from(target, base);
    } else {
      builder =
          ImageBuilder.scratch(settings.platform() != null ? settings.platform() : Platform.host());
    }
    LayerWriter writer = new LayerWriter(settings.layer());
    if (diff) {
      writer.addChanges(target, base, directory);
    } else {
      writer.addTree(directory);
    }
    WrittenLayer layer = writer.write(target);
    if (settings.created() != null) {
      builder.created(settings.created());
    }
    builder.addLayer(
        layer.descriptor(),
        layer.diffId(),
        ImageConfig.History.of(settings.created(), "ocikit pack" + (diff ? " --diff" : "")));
    configure(builder);
    BuiltImage image = builder.build(target, ref);
    for (String note : writer.notes()) {
      spec.commandLine().getErr().println("ocikit: note: " + Text.oneLine(note));
    }
    out.println(
        "packed "
            + image.manifest().digest()
            + " as "
            + ref
            + " (layer "
            + layer.descriptor().digest()
            + ", "
            + layer.entries()
            + " entries)");
    return 0;
  }

  /** Removes the layout this command created, without following links; failures are noted. */
  private static void deleteCreated(Path layout, Exception cause) {
    try (java.util.stream.Stream<Path> walk = Files.walk(layout)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (java.io.IOException | RuntimeException e) {
      cause.addSuppressed(e);
    }
  }

  private record Settings(LayerOptions layer, OffsetDateTime created, Platform platform) {}

  /** Every option checked before anything is written. */
  private Settings settings() {
    if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
      throw new IllegalArgumentException(directory + ": not a directory");
    }
    Path tree = directory.toAbsolutePath().normalize();
    Path target = layout.toAbsolutePath().normalize();
    try {
      tree = directory.toRealPath();
      Path existing = target;
      while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
        existing = existing.getParent();
      }
      if (existing != null) {
        target = existing.toRealPath().resolve(existing.relativize(target));
      }
    } catch (java.io.IOException e) {
      // compared as given
    }
    if (target.startsWith(tree)) {
      throw new IllegalArgumentException(
          layout + " is inside " + directory + ": the layout would pack itself");
    }
    if (diff && baseRef == null) {
      throw new IllegalArgumentException("--diff needs --base-ref: the image to compare with");
    }
    Compression c =
        switch (compression.toLowerCase(Locale.ROOT)) {
          case "gzip" -> Compression.GZIP;
          case "zstd" -> Compression.ZSTD;
          case "none" -> Compression.NONE;
          default ->
              throw new IllegalArgumentException(
                  "--compression " + compression + ": gzip, zstd or none");
        };
    LayerOptions.Timestamps t =
        switch (times.toLowerCase(Locale.ROOT)) {
          case "fixed" -> LayerOptions.Timestamps.FIXED;
          case "clamp" -> LayerOptions.Timestamps.CLAMP;
          case "keep" -> LayerOptions.Timestamps.KEEP;
          default ->
              throw new IllegalArgumentException("--times " + times + ": fixed, clamp or keep");
        };
    OffsetDateTime when = null;
    if (created != null) {
      if (!Rfc3339.isValid(created)) {
        throw new IllegalArgumentException("--created " + created + ": not an RFC 3339 time");
      }
      when = Rfc3339.parse(created);
    } else {
      String epoch = System.getenv("SOURCE_DATE_EPOCH");
      if (epoch != null && !epoch.isBlank()) {
        try {
          when =
              OffsetDateTime.ofInstant(
                  Instant.ofEpochSecond(Long.parseLong(epoch.trim())), ZoneOffset.UTC);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "SOURCE_DATE_EPOCH=" + epoch + ": not a number of seconds");
        }
      }
    }
    for (String e : env) {
      keyValue("--env", e);
    }
    for (String l : labels) {
      keyValue("--label", l);
    }
    LayerOptions options =
        LayerOptions.DEFAULT.toBuilder()
            .compression(c)
            .threads(Runtime.getRuntime().availableProcessors())
            .timestamps(t)
            .timestamp(when != null ? when.toInstant() : Instant.EPOCH)
            .keepOwners(keepOwners || rootless)
            .rootless(rootless)
            .build();
    Platform p = platform == null ? null : Platform.parse(platform);
    return new Settings(options, when, p);
  }

  private void configure(ImageBuilder builder) {
    for (String e : env) {
      String[] kv = keyValue("--env", e);
      builder.env(kv[0], kv[1]);
    }
    if (entrypoint != null) {
      builder.entrypoint(entrypoint);
    }
    if (cmd != null) {
      builder.cmd(cmd);
    }
    if (workdir != null) {
      builder.workingDir(workdir);
    }
    if (user != null) {
      builder.user(user);
    }
    for (String l : labels) {
      String[] kv = keyValue("--label", l);
      builder.label(kv[0], kv[1]);
    }
    for (String port : expose) {
      builder.exposedPort(port);
    }
  }

  private static String[] keyValue(String option, String value) {
    int eq = value.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException(option + " " + value + ": not KEY=VALUE");
    }
    return new String[] {value.substring(0, eq), value.substring(eq + 1)};
  }
}
