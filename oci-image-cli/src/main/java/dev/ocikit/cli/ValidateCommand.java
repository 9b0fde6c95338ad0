package dev.ocikit.cli;

import dev.ocikit.json.InvalidDocumentException;
import dev.ocikit.json.OciJson;
import dev.ocikit.validation.DocumentType;
import dev.ocikit.validation.Problem;
import dev.ocikit.validation.Validator;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ocikit validate}: checks documents against the image-spec schemas and rules. */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "Validate image-spec JSON documents against the published JSON schemas and the spec's"
          + " rules beyond them.",
      "Each problem is printed on standard error as 'POINTER: MESSAGE' (with 'FILE: ' in front"
          + " when several files are given); warnings (SHOULDs) do not make a document invalid."
    },
    footer = {"", "Exit status: 0 all valid; 1 some invalid; 2 usage error or unreadable input."})
final class ValidateCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = {"-t", "--type"},
      paramLabel = "TYPE",
      converter = TypeConverter.class,
      description =
          "manifest, index, config, descriptor or layout (the oci-layout file); a media type works"
              + " too. Guessed from the content when omitted.")
  DocumentType type;

  @Option(
      names = "--max-size",
      paramLabel = "BYTES",
      defaultValue = "4194304",
      description = "Refuse documents larger than this (default: ${DEFAULT-VALUE}, 4 MiB).")
  long maxSize;

  @Option(
      names = {"-q", "--quiet"},
      description = "Print nothing for valid documents, and no warnings.")
  boolean quiet;

  @Option(
      names = "--deep",
      description =
          "For a layout: also decompress every layer and compare it with its diff_id, and check"
              + " unreferenced blobs' content.")
  boolean deep;

  @Parameters(
      arity = "1..*",
      paramLabel = "FILE|LAYOUT",
      description =
          "Documents to check (- reads standard input), or image layout directories, which are"
              + " checked whole: header, index.json, every reachable manifest, index, config and"
              + " blob.")
  List<String> files;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (maxSize < 0) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--max-size must not be negative, found " + maxSize);
    }
    boolean prefix = files.size() > 1;
    int status = 0;
    for (String file : files) {
      String where = prefix ? Text.oneLine(file) + ": " : "";
      if (!file.equals("-")
          && (java.nio.file.Files.isDirectory(java.nio.file.Path.of(file))
              || dev.ocikit.layout.ImageLayouts.isTar(java.nio.file.Path.of(file)))) {
        status = Math.max(status, layout(file, where, out, err));
        continue;
      }
      byte[] bytes;
      try {
        bytes = Inputs.readAll(file, maxSize);
      } catch (Inputs.Unreadable e) {
        err.println("ocikit: " + Text.oneLine(e.getMessage()));
        status = Math.max(status, Ocikit.USAGE);
        continue;
      }
      DocumentType kind = type;
      if (kind == null) {
        Optional<DocumentType> detected;
        try {
          detected = DocumentType.detect(OciJson.readTree(bytes));
        } catch (InvalidDocumentException e) {
          err.println(where + Text.oneLine(Problem.error(e.pointer(), e.reason()).toString()));
          status = Math.max(status, Ocikit.INVALID);
          continue;
        }
        if (detected.isEmpty()) {
          err.println(
              "ocikit: cannot tell what kind of document "
                  + Text.oneLine(file)
                  + " is; give --type "
                  + names());
          status = Math.max(status, Ocikit.USAGE);
          continue;
        }
        kind = detected.get();
      }
      List<Problem> problems = Validator.get().validate(kind, bytes);
      boolean valid = Validator.isValid(problems);
      for (Problem p : problems) {
        if (p.isError() || !quiet) {
          err.println(where + Text.oneLine(p.toString()));
        }
      }
      if (!valid) {
        status = Math.max(status, Ocikit.INVALID);
      } else if (!quiet) {
        out.println(Text.oneLine(file) + ": valid " + kind.cliName());
      }
    }
    return status;
  }

  private int layout(String file, String where, PrintWriter out, PrintWriter err) {
    if (type != null) {
      err.println(
          "ocikit: "
              + Text.oneLine(file)
              + " is an image layout: --type applies to single documents; a layout is checked"
              + " whole");
      return Ocikit.USAGE;
    }
    List<dev.ocikit.layout.LayoutProblem> problems;
    java.nio.file.Path path = java.nio.file.Path.of(file);
    try {
      if (java.nio.file.Files.isDirectory(path)) {
        problems = dev.ocikit.layout.LayoutChecker.check(path, deep);
      } else {
        try (dev.ocikit.layout.ImageLayout archive = dev.ocikit.layout.ImageLayouts.open(path)) {
          problems = dev.ocikit.layout.LayoutChecker.check(archive, deep);
        }
      }
    } catch (dev.ocikit.digest.DigestMismatchException
        | dev.ocikit.digest.SizeMismatchException
        | dev.ocikit.json.InvalidDocumentException e) {
      err.println(where + Text.oneLine(String.valueOf(e.getMessage())));
      return Ocikit.INVALID;
    } catch (java.io.IOException e) {
      err.println("ocikit: " + Text.oneLine(String.valueOf(e.getMessage())));
      return Ocikit.USAGE;
    }
    boolean valid = dev.ocikit.layout.LayoutChecker.isValid(problems);
    for (dev.ocikit.layout.LayoutProblem p : problems) {
      if (p.isError() || !quiet) {
        err.println(where + Text.oneLine(p.toString()));
      }
    }
    if (!valid) {
      return Ocikit.INVALID;
    }
    if (!quiet) {
      out.println(Text.oneLine(file) + ": valid image layout" + (deep ? " (deep)" : ""));
    }
    return 0;
  }

  static String names() {
    return Arrays.stream(DocumentType.values())
        .map(DocumentType::cliName)
        .collect(Collectors.joining("|"));
  }

  /** Converts a type name or media type to a {@link DocumentType}. */
  static final class TypeConverter implements CommandLine.ITypeConverter<DocumentType> {
    @Override
    public DocumentType convert(String value) {
      return DocumentType.fromName(value)
          .orElseThrow(
              () ->
                  new CommandLine.TypeConversionException(
                      "unknown document type '" + Text.oneLine(value) + "': expected " + names()));
    }
  }
}
