package dev.ocikit.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reading the files named on the command line ({@code -} is standard input). */
final class Inputs {
  private Inputs() {}

  /** A failure to read an input, with a one-line reason. */
  static final class Unreadable extends Exception {
    private static final long serialVersionUID = 1L;

    Unreadable(String message) {
      super(message, null, false, false);
    }
  }

  static InputStream open(String name) throws Unreadable {
    if (name.equals("-")) {
      return System.in;
    }
    Path path = Path.of(name);
    if (Files.isDirectory(path)) {
      throw new Unreadable("cannot read " + name + ": it is a directory");
    }
    try {
      return Files.newInputStream(path);
    } catch (NoSuchFileException e) {
      throw new Unreadable("cannot read " + name + ": no such file");
    } catch (AccessDeniedException e) {
      throw new Unreadable("cannot read " + name + ": permission denied");
    } catch (IOException e) {
      throw new Unreadable("cannot read " + name + ": " + e.getMessage());
    }
  }

  /** Reads all of an input, refusing more than {@code limit} bytes. */
  static byte[] readAll(String name, long limit) throws Unreadable {
    try (InputStream in = open(name)) {
      byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
      if (bytes.length > limit) {
        throw new Unreadable(
            name
                + " is larger than "
                + limit
                + " bytes, the limit for a document (see --max-size)");
      }
      return bytes;
    } catch (IOException e) {
      throw new Unreadable("cannot read " + name + ": " + e.getMessage());
    }
  }
}
