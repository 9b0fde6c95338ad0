package dev.ocikit.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Runs the command in a UTF-8 locale when the JVM's is not. A JVM names files in the encoding of
 * its locale ({@code sun.jnu.encoding}, fixed at start): in the POSIX locale, where {@code LANG} is
 * unset (many containers and CI runners), that is ASCII, and a layer's {@code café.txt} or a Debian
 * image's {@code NetLock_Arany_=Class_Gold=_Főtanúsítvány.crt} could not be created. The {@code
 * ./ocikit} launcher sets {@code LC_ALL=C.UTF-8} itself; {@code java -jar} gets here, and runs the
 * same command line again with it (once), when every byte of that command line is ASCII (what the
 * JVM decoded of other bytes in an ASCII locale is not what was given).
 */
final class Utf8Locale {
  private Utf8Locale() {}

  /** Set in the environment of the second run, so that there is no third. */
  static final String RERUN = "OCIKIT_UTF8_RERUN";

  /** Whether the JVM names files in UTF-8. */
  static boolean utf8FileNames() {
    return "UTF-8".equalsIgnoreCase(System.getProperty("sun.jnu.encoding"));
  }

  /**
   * The exit status of this command run again in the {@code C.UTF-8} locale; empty when it need not
   * or cannot be (then it runs here, and a name it cannot create is reported as such).
   */
  static OptionalInt rerunIfNeeded() {
    if (utf8FileNames() || System.getenv(RERUN) != null) {
      return OptionalInt.empty();
    }
    Optional<String> executable = ProcessHandle.current().info().command();
    byte[] cmdline;
    try {
      cmdline = Files.readAllBytes(Path.of("/proc/self/cmdline"));
    } catch (IOException | RuntimeException e) {
      return OptionalInt.empty();
    }
    if (executable.isEmpty() || cmdline.length == 0) {
      return OptionalInt.empty();
    }
    List<String> command = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < cmdline.length; i++) {
      if (cmdline[i] < 0) {
        return OptionalInt.empty(); // not ASCII: it would not be given again as it was
      }
      if (cmdline[i] == 0) {
        command.add(new String(cmdline, start, i - start, StandardCharsets.US_ASCII));
        start = i + 1;
      }
    }
    if (command.isEmpty()) {
      return OptionalInt.empty();
    }
    command.set(0, executable.get());
    ProcessBuilder again = new ProcessBuilder(command).inheritIO();
    again.environment().put("LC_ALL", "C.UTF-8");
    again.environment().put(RERUN, "1");
    try {
      Process p = again.start();
      Thread stop = new Thread(p::destroy);
      Runtime.getRuntime().addShutdownHook(stop);
      int status = p.waitFor();
      Runtime.getRuntime().removeShutdownHook(stop);
      return OptionalInt.of(status);
    } catch (IOException e) {
      return OptionalInt.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return OptionalInt.of(130);
    }
  }
}
