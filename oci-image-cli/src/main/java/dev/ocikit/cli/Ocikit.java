package dev.ocikit.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code ocikit} command: OCI images from the command line. */
@Command(
    name = "ocikit",
    mixinStandardHelpOptions = true,
    versionProvider = Ocikit.Version.class,
    description = "Read, write, check and unpack OCI container images.",
    footer = {"", "Exit status: 0 success; 1 invalid content; 2 usage error or unreadable input."})
public final class Ocikit implements Runnable {

  /** Content was checked and found invalid. */
  public static final int INVALID = 1;

  /** A usage error, or input that could not be read. */
  public static final int USAGE = 2;

  @Spec CommandSpec spec;

  /**
   * The subcommands, in the order the help lists them. Registered by hand rather than in the
   * annotation: picocli reflects over every command it is given, and a run needs only its own
   * (about 60 ms less at the start of each command).
   */
  private static final java.util.Map<String, java.util.function.Supplier<Object>> COMMANDS =
      commands();

  private static java.util.Map<String, java.util.function.Supplier<Object>> commands() {
    java.util.Map<String, java.util.function.Supplier<Object>> m = new java.util.LinkedHashMap<>();
    m.put("validate", ValidateCommand::new);
    m.put("refs", LayoutCommands.Refs::new);
    m.put("inspect", LayoutCommands.Inspect::new);
    m.put("copy", LayoutCommands.Copy::new);
    m.put("gc", LayoutCommands.Gc::new);
    m.put("unpack", UnpackCommand::new);
    m.put("pack", PackCommand::new);
    m.put("bundle", BundleCommand::new);
    m.put("digest", DigestCommand::new);
    m.put("help", CommandLine.HelpCommand::new);
    return java.util.Collections.unmodifiableMap(m);
  }

  /**
   * The command line for {@code args}: with only the subcommand it names, when it names one (and
   * not help, which lists them all); with all of them otherwise.
   */
  static CommandLine commandLine(String... args) {
    CommandLine cl = new CommandLine(new Ocikit());
    String first = args.length > 0 ? args[0] : "";
    if (COMMANDS.containsKey(first) && !first.equals("help")) {
      cl.addSubcommand(first, COMMANDS.get(first).get());
    } else {
      COMMANDS.forEach((name, command) -> cl.addSubcommand(name, command.get()));
    }
    return cl;
  }

  /** Without a command, says so and shows the usage. */
  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
  }

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    java.util.OptionalInt rerun = Utf8Locale.rerunIfNeeded();
    if (rerun.isPresent()) {
      System.exit(rerun.getAsInt());
    }
    PrintWriter out =
        new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
    PrintWriter err =
        new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
    int status = execute(out, err, args);
    out.flush();
    err.flush();
    System.exit(status);
  }

  /**
   * Runs the command line with the given output and error writers and returns its exit status,
   * without exiting (for tests and embedding).
   */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cl = commandLine(args);
    cl.setOut(out);
    cl.setErr(err);
    cl.setExitCodeExceptionMapper(e -> USAGE);
    cl.setParameterExceptionHandler(
        (e, args1) -> {
          CommandLine c = e.getCommandLine();
          c.getErr()
              .println(
                  c.getCommandSpec().qualifiedName()
                      + ": "
                      + Text.oneLine(String.valueOf(e.getMessage()))
                      + " (see '"
                      + c.getCommandSpec().qualifiedName()
                      + " --help')");
          return USAGE;
        });
    cl.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          commandLine.getErr().println("ocikit: " + Text.oneLine(describe(e)));
          if (System.getenv("OCIKIT_DEBUG") != null) {
            e.printStackTrace(commandLine.getErr());
          }
          return USAGE;
        });
    try {
      return cl.execute(args);
    } catch (StackOverflowError | OutOfMemoryError e) {
      // Last resort: the library guards its own recursion, but no input may end in a stack trace.
      err.println(
          "ocikit: the input is too large or too deeply nested to process ("
              + e.getClass().getSimpleName()
              + ")");
      err.flush();
      return USAGE;
    } catch (LinkageError e) {
      err.println("ocikit: internal error: " + e);
      err.flush();
      return USAGE;
    }
  }

  private static String describe(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }

  /** The version, from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Ocikit.class.getPackage().getImplementationVersion();
      return new String[] {"ocikit " + (v == null ? "(development build)" : v)};
    }
  }
}
