package dev.ocikit.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** The result of one in-process run of the command line. */
record CliRun(int status, String out, String err) {

  static CliRun run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status;
    try (PrintWriter o = new PrintWriter(out, true);
        PrintWriter e = new PrintWriter(err, true)) {
      status = Ocikit.execute(o, e, args);
    }
    return new CliRun(status, out.toString(), err.toString());
  }
}
