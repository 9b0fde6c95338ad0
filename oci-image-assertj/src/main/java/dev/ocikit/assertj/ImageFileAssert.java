package dev.ocikit.assertj;

import dev.ocikit.view.ViewEntry;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.assertj.core.api.AbstractAssert;
import org.jspecify.annotations.Nullable;

/**
 * Assertions on one path of an image's merged filesystem: {@link ImageAssert#file(String)}.
 *
 * <p>{@link #exists()}, {@link #doesNotExist()}, {@link #isSymlink()}, {@link #isSymlinkTo(String)}
 * and {@link #wasLastWrittenByLayer(int)} look at the entry at the path itself; the others look at
 * what it leads to, symbolic links followed inside the image (as {@link java.nio.file.Files} does
 * by default): {@code file("/bin/sh").isExecutable()} checks the shell a link points at. Content is
 * read as UTF-8 for the {@code String} assertions.
 */
public class ImageFileAssert extends AbstractAssert<ImageFileAssert, ImageFile> {

  /**
   * Assertions on {@code actual}; {@link ImageAssert#file(String)} is the usual way in (this
   * constructor is public for AssertJ's soft assertion proxies).
   */
  public ImageFileAssert(@Nullable ImageFile actual) {
    super(actual, ImageFileAssert.class);
  }

  /** Verifies that there is an entry at the path, of any type (a dangling symlink too). */
  public ImageFileAssert exists() {
    isNotNull();
    if (entry().isEmpty()) {
      fail(expecting() + " to exist but " + missing());
    }
    return myself;
  }

  /** Verifies that there is no entry at the path: never added, or deleted by a whiteout. */
  public ImageFileAssert doesNotExist() {
    isNotNull();
    Optional<ViewEntry> entry = entry();
    if (entry.isPresent()) {
      fail(
          expecting()
              + " not to exist but it is "
              + Lookups.describe(info.representation(), entry.get())
              + ", last written by layer "
              + entry.get().layer());
    }
    return myself;
  }

  /** Verifies that the path leads to a regular file (symbolic links followed). */
  public ImageFileAssert isRegularFile() {
    resolved("to be a regular file", ViewEntry.Type.FILE);
    return myself;
  }

  /** Verifies that the path leads to a directory (symbolic links followed). */
  public ImageFileAssert isDirectory() {
    resolved("to be a directory", ViewEntry.Type.DIRECTORY);
    return myself;
  }

  /** Verifies that the path is a symbolic link, whatever its target. */
  public ImageFileAssert isSymlink() {
    isNotNull();
    Optional<ViewEntry> entry = entry();
    if (entry.isEmpty() || entry.get().type() != ViewEntry.Type.SYMLINK) {
      fail(expecting() + " to be a symlink but " + found());
    }
    return myself;
  }

  /**
   * Verifies that the path is a symbolic link whose target is exactly {@code target}, as stored
   * (relative or absolute).
   */
  public ImageFileAssert isSymlinkTo(String target) {
    isNotNull();
    Objects.requireNonNull(target, "target");
    Optional<ViewEntry> entry = entry();
    if (entry.isEmpty()
        || entry.get().type() != ViewEntry.Type.SYMLINK
        || !target.equals(entry.get().linkTarget())) {
      fail(expecting() + " to be a symlink to " + show(target) + " but " + found());
    }
    return myself;
  }

  /**
   * Verifies that the path leads to a regular file whose content, as UTF-8, is {@code expected}.
   */
  public ImageFileAssert hasContent(String expected) {
    Objects.requireNonNull(expected, "expected");
    String content = text("to have content " + show(expected));
    if (!content.equals(expected)) {
      String nl = System.lineSeparator();
      failWithActualExpectedAndMessage(
          content,
          expected,
          Texts.literal(
              expecting()
                  + " to have content:"
                  + nl
                  + "  "
                  + show(expected)
                  + nl
                  + "but was:"
                  + nl
                  + "  "
                  + showContent(content)));
    }
    return myself;
  }

  /** Verifies that the path leads to a regular file whose bytes are {@code expected}. */
  public ImageFileAssert hasBinaryContent(byte[] expected) {
    Objects.requireNonNull(expected, "expected");
    byte[] content = bytes("to have binary content of " + Texts.count(expected.length, "byte"));
    if (!Arrays.equals(content, expected)) {
      int mismatch = Arrays.mismatch(content, expected);
      fail(
          expecting()
              + " to have binary content of "
              + Texts.count(expected.length, "byte")
              + " but it has "
              + Texts.count(content.length, "byte")
              + ", the first difference at byte "
              + mismatch);
    }
    return myself;
  }

  /**
   * Verifies that the path leads to a regular file whose content, as UTF-8, contains each of {@code
   * values}.
   */
  public ImageFileAssert contentContains(CharSequence... values) {
    Objects.requireNonNull(values, "values");
    String content = text("to contain " + show(Arrays.asList(values)));
    for (CharSequence value : values) {
      if (!content.contains(value)) {
        String nl = System.lineSeparator();
        fail(
            expecting()
                + " to contain:"
                + nl
                + "  "
                + show(value.toString())
                + nl
                + "but its content was:"
                + nl
                + "  "
                + showContent(content));
      }
    }
    return myself;
  }

  /**
   * Verifies that the path leads to a regular file whose content, as UTF-8, does not contain {@code
   * value}.
   */
  public ImageFileAssert contentDoesNotContain(CharSequence value) {
    Objects.requireNonNull(value, "value");
    String content = text("not to contain " + show(value.toString()));
    int at = content.indexOf(value.toString());
    if (at >= 0) {
      String nl = System.lineSeparator();
      fail(
          expecting()
              + " not to contain:"
              + nl
              + "  "
              + show(value.toString())
              + nl
              + "but found it at character "
              + at
              + " of:"
              + nl
              + "  "
              + showContent(content));
    }
    return myself;
  }

  /**
   * Verifies that the path leads to a regular file whose whole content, as UTF-8, matches the
   * regular expression {@code regex} (as {@link String#matches(String)}: the whole content, so a
   * final newline must be matched too; {@code (?s)} makes {@code .} match newlines).
   */
  public ImageFileAssert contentMatches(String regex) {
    Objects.requireNonNull(regex, "regex");
    Pattern pattern = Pattern.compile(regex);
    String content = text("to have content matching " + show(regex));
    if (!pattern.matcher(content).matches()) {
      String nl = System.lineSeparator();
      fail(
          expecting()
              + " to have content matching:"
              + nl
              + "  "
              + show(regex)
              + nl
              + "but was:"
              + nl
              + "  "
              + showContent(content));
    }
    return myself;
  }

  /**
   * Verifies that the path leads to a regular file whose content, as UTF-8, has a match of the
   * regular expression {@code regex} somewhere (as {@link java.util.regex.Matcher#find()}).
   */
  public ImageFileAssert contentContainsPattern(String regex) {
    Objects.requireNonNull(regex, "regex");
    Pattern pattern = Pattern.compile(regex);
    String content = text("to contain a match of " + show(regex));
    if (!pattern.matcher(content).find()) {
      String nl = System.lineSeparator();
      fail(
          expecting()
              + " to contain a match of:"
              + nl
              + "  "
              + show(regex)
              + nl
              + "but its content was:"
              + nl
              + "  "
              + showContent(content));
    }
    return myself;
  }

  /**
   * Verifies the permission bits of what the path leads to (symbolic links followed): {@code
   * expected} and the mode are compared as {@code mode & 07777} (permissions, setuid, setgid,
   * sticky), and shown in octal ({@code 0644}).
   */
  public ImageFileAssert hasMode(int expected) {
    ViewEntry entry = resolvedAny("to have mode " + Texts.octal(expected));
    if ((entry.mode() & 07777) != (expected & 07777)) {
      fail(
          expecting()
              + " to have mode "
              + Texts.octal(expected)
              + " but was "
              + Texts.octal(entry.mode()));
    }
    return myself;
  }

  /**
   * Verifies that the path leads to a regular file (symbolic links followed) that someone may
   * execute: its mode has one of the bits {@code 0111}.
   */
  public ImageFileAssert isExecutable() {
    ViewEntry entry = resolved("to be executable", ViewEntry.Type.FILE);
    if ((entry.mode() & 0111) == 0) {
      fail(expecting() + " to be executable but its mode is " + Texts.octal(entry.mode()));
    }
    return myself;
  }

  /** Verifies the numeric owner of what the path leads to (symbolic links followed). */
  public ImageFileAssert hasOwner(long uid, long gid) {
    ViewEntry entry = resolvedAny("to be owned by " + uid + ":" + gid);
    if (entry.uid() != uid || entry.gid() != gid) {
      fail(
          expecting()
              + " to be owned by "
              + uid
              + ":"
              + gid
              + " but was "
              + entry.uid()
              + ":"
              + entry.gid());
    }
    return myself;
  }

  /** Verifies the size in bytes of the regular file the path leads to (symbolic links followed). */
  public ImageFileAssert hasSize(long bytes) {
    ViewEntry entry = resolved("to have size " + Texts.count(bytes, "byte"), ViewEntry.Type.FILE);
    if (entry.size() != bytes) {
      fail(
          expecting()
              + " to have size "
              + Texts.count(bytes, "byte")
              + " but was "
              + Texts.count(entry.size(), "byte"));
    }
    return myself;
  }

  /**
   * Verifies which layer (0 for the base layer) wrote the entry at the path last: the layer it
   * comes from in the merged filesystem.
   */
  public ImageFileAssert wasLastWrittenByLayer(int layer) {
    isNotNull();
    Optional<ViewEntry> entry = entry();
    if (entry.isEmpty()) {
      fail(expecting() + " to be last written by layer " + layer + " but " + missing());
    } else if (entry.get().layer() != layer) {
      fail(
          expecting()
              + " to be last written by layer "
              + layer
              + " but it was last written by layer "
              + entry.get().layer());
    }
    return myself;
  }

  private Optional<ViewEntry> entry() {
    return Lookups.entry(actual.image(), actual.path());
  }

  /** The entry the path leads to, of any type; fails with {@code expectation} if none. */
  private ViewEntry resolvedAny(String expectation) {
    isNotNull();
    Optional<ViewEntry> entry = Lookups.resolve(actual.image(), actual.path());
    if (entry.isEmpty()) {
      fail(expecting() + " " + expectation + " but " + found());
    }
    return entry.orElseThrow();
  }

  /** The entry the path leads to, of {@code type}; fails with {@code expectation} if none. */
  private ViewEntry resolved(String expectation, ViewEntry.Type type) {
    isNotNull();
    Optional<ViewEntry> entry = Lookups.resolve(actual.image(), actual.path());
    if (entry.isEmpty() || entry.get().type() != type) {
      fail(expecting() + " " + expectation + " but " + found());
    }
    return entry.orElseThrow();
  }

  private byte[] bytes(String expectation) {
    return Lookups.content(actual.image(), resolved(expectation, ViewEntry.Type.FILE));
  }

  private String text(String expectation) {
    return new String(bytes(expectation), StandardCharsets.UTF_8);
  }

  private String expecting() {
    return "Expecting file " + show(actual.path()) + " in image " + actual.image();
  }

  private String found() {
    return Lookups.found(info.representation(), actual.image(), actual.path());
  }

  private String missing() {
    return Lookups.missing(info.representation(), actual.image(), actual.path());
  }

  private String show(Object value) {
    return Texts.show(info.representation(), value);
  }

  private String showContent(String content) {
    return Texts.showContent(info.representation(), content);
  }

  private void fail(String message) {
    failWithMessage(Texts.literal(message));
  }
}
