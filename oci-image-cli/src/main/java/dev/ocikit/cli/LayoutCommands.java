package dev.ocikit.cli;

import dev.ocikit.blob.BlobNotFoundException;
import dev.ocikit.blob.DocumentTooLargeException;
import dev.ocikit.digest.DigestMismatchException;
import dev.ocikit.digest.SizeMismatchException;
import dev.ocikit.json.InvalidDocumentException;
import dev.ocikit.json.OciJson;
import dev.ocikit.layout.GcResult;
import dev.ocikit.layout.ImageLayout;
import dev.ocikit.layout.ImageLayouts;
import dev.ocikit.layout.ImageRef;
import dev.ocikit.layout.LayoutException;
import dev.ocikit.layout.OciArchive;
import dev.ocikit.layout.OciLayout;
import dev.ocikit.model.Descriptor;
import dev.ocikit.model.Manifest;
import dev.ocikit.model.Platform;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The commands that work on image layouts. */
final class LayoutCommands {
  private LayoutCommands() {}

  /** Runs a layout command body, mapping failures to one line and an exit status. */
  interface Body {
    int run() throws IOException;
  }

  static int guarded(CommandSpec spec, Body body) {
    PrintWriter err = spec.commandLine().getErr();
    try {
      return body.run();
    } catch (DigestMismatchException
        | SizeMismatchException
        | InvalidDocumentException
        | BlobNotFoundException
        | DocumentTooLargeException e) {
      // The layout is broken: invalid content, as a blob that fails its digest is.
      err.println("ocikit: " + Text.oneLine(e.getMessage()));
      return Ocikit.INVALID;
    } catch (LayoutException e) {
      // Broken (a bad oci-layout or index.json, a blob that is a link): invalid content; not there
      // (no such path, no such ref): a usage error.
      err.println("ocikit: " + Text.oneLine(e.getMessage()));
      return e.notFound() ? Ocikit.USAGE : Ocikit.INVALID;
    } catch (IllegalArgumentException e) {
      err.println("ocikit: " + Text.oneLine(String.valueOf(e.getMessage())));
      return Ocikit.USAGE;
    } catch (IOException e) {
      err.println("ocikit: " + Text.oneLine(describe(e)));
      return Ocikit.USAGE;
    }
  }

  private static String describe(IOException e) {
    if (e instanceof java.nio.file.NoSuchFileException n) {
      return "no such file: " + n.getFile();
    }
    if (e instanceof java.nio.file.AccessDeniedException a) {
      return "permission denied: " + a.getFile();
    }
    if (e instanceof java.nio.file.FileAlreadyExistsException f) {
      return f.getReason() != null
          ? f.getMessage()
          : "already exists and is not a directory: " + f.getFile();
    }
    if (e instanceof java.nio.file.NotDirectoryException n) {
      return "not a directory: " + n.getFile();
    }
    if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
      return f.getMessage(); // "FILE: REASON"
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  static Platform platform(String value) {
    return value == null ? null : Platform.parse(value);
  }

  /** {@code ocikit refs LAYOUT}. */
  @Command(
      name = "refs",
      mixinStandardHelpOptions = true,
      description = "List the ref names of a layout's index.json, one per line.")
  static final class Refs implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(
        paramLabel = "LAYOUT",
        description = "A layout directory, an oci-archive tar or a docker-save tar.")
    Path layout;

    @Override
    public Integer call() {
      return guarded(
          spec,
          () -> {
            try (ImageLayout l = ImageLayouts.open(layout)) {
              for (String ref : l.refs()) {
                spec.commandLine().getOut().println(Text.oneLine(ref));
              }
            }
            return 0;
          });
    }
  }

  /** {@code ocikit inspect LAYOUT [--ref R] [--platform P]}. */
  @Command(
      name = "inspect",
      mixinStandardHelpOptions = true,
      description = {
        "Show an image of a layout as JSON: manifest digest and media type, platform, config,"
            + " layers, annotations.",
        "Without --ref, a layout with exactly one image uses it."
      })
  static final class Inspect implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(
        paramLabel = "LAYOUT",
        description = "A layout directory, an oci-archive tar or a docker-save tar.")
    Path layout;

    @Mixin ImageSelection image;

    @Override
    public Integer call() {
      return guarded(
          spec,
          () -> {
            try (ImageLayout l = ImageLayouts.open(layout)) {
              spec.commandLine().getOut().println(json(image.resolve(l)));
            }
            return 0;
          });
    }

    static String json(ImageRef image) {
      Manifest m = image.manifest().value();
      ObjectNode root = OciJson.mapper().createObjectNode();
      if (image.refName() != null) {
        root.put("ref", image.refName());
      }
      root.put("digest", image.descriptor().digest().toString());
      root.put("mediaType", image.manifest().value().documentMediaType());
      root.put("size", image.descriptor().size());
      if (image.platform() != null) {
        root.set("platform", OciJson.mapper().readTree(OciJson.toBytes(image.platform())));
      }
      root.set("config", descriptor(m.config()));
      ArrayNode layers = root.putArray("layers");
      for (Descriptor layer : m.layers()) {
        layers.add(descriptor(layer));
      }
      if (m.artifactType() != null) {
        root.put("artifactType", m.artifactType());
      }
      if (m.subject() != null) {
        root.set("subject", descriptor(m.subject()));
      }
      ObjectNode annotations = root.putObject("annotations");
      for (Map.Entry<String, String> e : m.annotations().entrySet()) {
        annotations.put(e.getKey(), e.getValue());
      }
      return OciJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }

    private static ObjectNode descriptor(Descriptor d) {
      ObjectNode n = OciJson.mapper().createObjectNode();
      n.put("mediaType", d.mediaType());
      n.put("digest", d.digest().toString());
      n.put("size", d.size());
      return n;
    }
  }

  /** {@code ocikit gc LAYOUT}. */
  @Command(
      name = "gc",
      mixinStandardHelpOptions = true,
      description = {
        "Remove blobs that nothing reachable from index.json references (keeping referrers of"
            + " what is kept) and abandoned temporary files. Files it does not know are left"
            + " alone.",
        "Run it when nothing else writes to the layout."
      })
  static final class Gc implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "LAYOUT", description = "An image layout directory.")
    Path layout;

    @Override
    public Integer call() {
      return guarded(
          spec,
          () -> {
            GcResult r = OciLayout.open(layout).gc();
            spec.commandLine()
                .getOut()
                .println(
                    "removed "
                        + r.removedBlobs().size()
                        + " blobs ("
                        + r.bytesFreed()
                        + " bytes) and "
                        + r.removedTempFiles()
                        + " temporary files; kept "
                        + r.keptBlobs()
                        + " blobs");
            return 0;
          });
    }
  }

  /** {@code ocikit copy SRC DST [--ref R]}. */
  @Command(
      name = "copy",
      mixinStandardHelpOptions = true,
      description = {
        "Copy an image (the whole index.json entry, all platforms) from one layout to another,"
            + " writing only the blobs the destination lacks, each verified; then tag it there.",
        "Without --ref, a source with exactly one image uses it. DST is created if needed."
      })
  static final class Copy implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(
        index = "0",
        paramLabel = "SRC",
        description = "The source: a layout directory, an oci-archive tar or a docker-save tar.")
    Path source;

    @Parameters(
        index = "1",
        paramLabel = "DST",
        description = "The destination: a layout directory, or a new oci-archive FILE.tar.")
    Path target;

    @Option(names = "--ref", paramLabel = "REF", description = "The ref name to copy.")
    String ref;

    @Override
    public Integer call() {
      return guarded(
          spec,
          () -> {
            try (ImageLayout src = ImageLayouts.open(source)) {
              Descriptor entry = entry(src);
              String name = entry.refName().orElse(null);
              boolean archive =
                  target.getFileName() != null && target.getFileName().toString().endsWith(".tar");
              if (archive) {
                if (java.nio.file.Files.exists(target)) {
                  throw new java.nio.file.FileAlreadyExistsException(
                      target.toString(), null, "exists; an archive is written whole");
                }
                Path staging = java.nio.file.Files.createTempDirectory("ocikit-copy");
                try {
                  OciLayout temp = OciLayout.create(staging.resolve("layout"));
                  copyInto(src, entry, name, temp);
                  OciArchive.write(temp, target);
                } finally {
                  deleteTree(staging);
                }
              } else {
                copyInto(src, entry, name, OciLayout.openOrCreate(target));
              }
              spec.commandLine()
                  .getOut()
                  .println(
                      "copied "
                          + entry.digest()
                          + (name == null ? "" : " as " + Text.oneLine(name))
                          + " to "
                          + target);
            }
            return 0;
          });
    }

    private static void copyInto(ImageLayout src, Descriptor entry, String name, OciLayout dst)
        throws IOException {
      dst.copyFrom(src, entry);
      if (name != null && dev.ocikit.model.Annotations.isValidRefName(name)) {
        dst.tag(name, entry);
      } else {
        dst.add(entry);
      }
    }

    private static void deleteTree(Path dir) throws IOException {
      try (var walk = java.nio.file.Files.walk(dir)) {
        for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
          java.nio.file.Files.deleteIfExists(p);
        }
      }
    }

    private Descriptor entry(ImageLayout src) throws IOException {
      var manifests = src.index().value().manifests();
      if (ref != null) {
        for (Descriptor d : manifests) {
          if (d.refName().orElse("").equals(ref)) {
            return d;
          }
        }
        if (dev.ocikit.digest.Digest.isValid(ref)) {
          for (Descriptor d : manifests) {
            if (d.digest().toString().equals(ref)) {
              return d;
            }
          }
        }
        throw LayoutException.notFound(
            src.location(), "no ref \"" + ref + "\" (ocikit refs lists the refs there are)");
      }
      var refs = src.refs();
      if (refs.size() == 1) {
        return manifests.stream()
            .filter(d -> d.refName().orElse("").equals(refs.get(0)))
            .findFirst()
            .orElseThrow();
      }
      if (manifests.size() == 1) {
        return manifests.get(0);
      }
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "the source has "
              + manifests.size()
              + " entries; choose one with --ref: "
              + String.join(", ", refs));
    }
  }
}
