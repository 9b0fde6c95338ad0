package dev.ocikit.cli;

import dev.ocikit.digest.Digest;
import dev.ocikit.digest.DigestAlgorithm;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ocikit digest}: the OCI digest of files, streamed. */
@Command(
    name = "digest",
    mixinStandardHelpOptions = true,
    description = {
      "Print the OCI digest (algorithm:encoded) of each file, reading it once as a stream.",
      "Output lines are 'DIGEST  SIZE  FILE'."
    })
final class DigestCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = {"-a", "--algorithm"},
      paramLabel = "ALG",
      defaultValue = "sha256",
      converter = AlgorithmConverter.class,
      description = "sha256 (default), sha512 or blake3.")
  DigestAlgorithm algorithm;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Files; - reads standard input.")
  List<String> files;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    int status = 0;
    for (String file : files) {
      try (InputStream in = Inputs.open(file)) {
        dev.ocikit.digest.DigestingInputStream digesting =
            new dev.ocikit.digest.DigestingInputStream(in, algorithm);
        digesting.drain();
        Digest d = digesting.digest();
        out.println(d + "  " + digesting.count() + "  " + Text.oneLine(file));
      } catch (Inputs.Unreadable e) {
        err.println("ocikit: " + Text.oneLine(e.getMessage()));
        status = Ocikit.USAGE;
      } catch (IOException e) {
        err.println("ocikit: cannot read " + Text.oneLine(file) + ": " + e.getMessage());
        status = Ocikit.USAGE;
      }
    }
    return status;
  }

  /** Converts an algorithm identifier. */
  static final class AlgorithmConverter implements CommandLine.ITypeConverter<DigestAlgorithm> {
    @Override
    public DigestAlgorithm convert(String value) {
      return DigestAlgorithm.fromIdentifier(value.toLowerCase(Locale.ROOT))
          .orElseThrow(
              () ->
                  new CommandLine.TypeConversionException(
                      "unknown digest algorithm '"
                          + Text.oneLine(value)
                          + "': expected sha256, sha512 or blake3"));
    }
  }
}
