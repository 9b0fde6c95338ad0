package dev.ocikit.view;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A path of an {@link ImageView}'s file system, with the syntax and operations of a Unix path
 * ({@code sun.nio.fs.UnixPath}): {@code /} separates names, repeated and trailing slashes are
 * dropped, {@code ""} is the empty path, {@code /} the root.
 */
final class ViewPath implements Path {
  private final ViewFileSystem fs;
  private final String path;

  /** Where each name begins. */
  private volatile int @Nullable [] offsets;

  ViewPath(ViewFileSystem fs, String input) {
    this.fs = fs;
    this.path = normalizeAndCheck(input);
  }

  private static String normalizeAndCheck(String input) {
    int n = input.length();
    StringBuilder s = null;
    char previous = 0;
    for (int i = 0; i < n; i++) {
      char c = input.charAt(i);
      if (c == '\0') {
        throw new InvalidPathException(input, "Nul character not allowed");
      }
      if (c == '/' && previous == '/') {
        if (s == null) {
          s = new StringBuilder(input.substring(0, i));
        }
      } else if (s != null) {
        s.append(c);
      }
      previous = c;
    }
    String out = s == null ? input : s.toString();
    if (out.length() > 1 && out.endsWith("/")) {
      out = out.substring(0, out.length() - 1);
    }
    return out;
  }

  String string() {
    return path;
  }

  private int[] offsets() {
    int[] o = offsets;
    if (o == null) {
      List<Integer> list = new ArrayList<>();
      if (path.isEmpty()) {
        list.add(0); // the empty path has one name, itself
      } else {
        for (int i = 0; i < path.length(); i++) {
          if (path.charAt(i) != '/' && (i == 0 || path.charAt(i - 1) == '/')) {
            list.add(i);
          }
        }
      }
      o = list.stream().mapToInt(Integer::intValue).toArray();
      offsets = o;
    }
    return o;
  }

  private String name(int i) {
    int[] o = offsets();
    int start = o[i];
    int end = i + 1 < o.length ? o[i + 1] - 1 : path.length();
    return path.substring(start, end);
  }

  private List<String> names() {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < getNameCount(); i++) {
      out.add(name(i));
    }
    return out;
  }

  private ViewPath of(String s) {
    return new ViewPath(fs, s);
  }

  private static ViewPath check(Path other) {
    Objects.requireNonNull(other, "other");
    if (!(other instanceof ViewPath)) {
      throw new ProviderMismatchException();
    }
    return (ViewPath) other;
  }

  @Override
  public ViewFileSystem getFileSystem() {
    return fs;
  }

  @Override
  public boolean isAbsolute() {
    return path.startsWith("/");
  }

  @Override
  public @Nullable Path getRoot() {
    return isAbsolute() ? fs.rootPath() : null;
  }

  @Override
  public @Nullable Path getFileName() {
    int count = getNameCount();
    if (count == 0) {
      return null;
    }
    if (count == 1 && !isAbsolute()) {
      return this;
    }
    return of(name(count - 1));
  }

  @Override
  public @Nullable Path getParent() {
    int count = getNameCount();
    if (count == 0) {
      return null;
    }
    int start = offsets()[count - 1];
    if (start <= 0) {
      return null; // a relative path of one name
    }
    return start == 1 ? fs.rootPath() : of(path.substring(0, start - 1));
  }

  @Override
  public int getNameCount() {
    return offsets().length;
  }

  @Override
  public Path getName(int index) {
    if (index < 0 || index >= getNameCount()) {
      throw new IllegalArgumentException();
    }
    return of(name(index));
  }

  @Override
  public Path subpath(int beginIndex, int endIndex) {
    int count = getNameCount();
    if (beginIndex < 0 || beginIndex >= count || endIndex > count || beginIndex >= endIndex) {
      throw new IllegalArgumentException();
    }
    return of(String.join("/", names().subList(beginIndex, endIndex)));
  }

  private boolean isEmpty() {
    return path.isEmpty();
  }

  @Override
  public boolean startsWith(Path other) {
    if (!(Objects.requireNonNull(other) instanceof ViewPath)) {
      return false;
    }
    ViewPath that = (ViewPath) other;
    if (that.isAbsolute() != isAbsolute()) {
      return false;
    }
    if (that.isEmpty()) {
      return isEmpty();
    }
    int n = that.getNameCount();
    if (n > getNameCount()) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (!name(i).equals(that.name(i))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean endsWith(Path other) {
    if (!(Objects.requireNonNull(other) instanceof ViewPath)) {
      return false;
    }
    ViewPath that = (ViewPath) other;
    if (that.isAbsolute()) {
      return equals(that);
    }
    if (that.isEmpty()) {
      return isEmpty();
    }
    int n = that.getNameCount();
    int m = getNameCount();
    if (n > m || isEmpty()) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (!name(m - n + i).equals(that.name(i))) {
        return false;
      }
    }
    return true;
  }

  private boolean hasDotOrDotDot() {
    for (String n : names()) {
      if (n.equals(".") || n.equals("..")) {
        return true;
      }
    }
    return false;
  }

  @Override
  public ViewPath normalize() {
    if (!hasDotOrDotDot()) {
      return this;
    }
    List<String> out = new ArrayList<>();
    for (String n : names()) {
      if (n.equals(".")) {
        continue;
      }
      if (n.equals("..")) {
        if (!out.isEmpty() && !out.get(out.size() - 1).equals("..")) {
          out.remove(out.size() - 1);
          continue;
        }
        if (isAbsolute()) {
          continue; // "/.." is "/"
        }
      }
      out.add(n);
    }
    String joined = String.join("/", out);
    return of(isAbsolute() ? "/" + joined : joined);
  }

  @Override
  public Path resolve(Path other) {
    ViewPath that = check(other);
    if (that.isAbsolute()) {
      return that;
    }
    if (that.isEmpty()) {
      return this;
    }
    if (isEmpty()) {
      return that;
    }
    return of(path.equals("/") ? "/" + that.path : path + "/" + that.path);
  }

  @Override
  public Path relativize(Path other) {
    ViewPath child = check(other);
    if (child.equals(this)) {
      return of("");
    }
    if (isAbsolute() != child.isAbsolute()) {
      throw new IllegalArgumentException("'other' is different type of Path");
    }
    if (isEmpty()) {
      return child;
    }
    ViewPath base = this;
    if (base.hasDotOrDotDot() || child.hasDotOrDotDot()) {
      base = base.normalize();
      child = child.normalize();
    }
    List<String> b = base.isEmpty() ? List.of() : base.names();
    List<String> c = child.isEmpty() ? List.of() : child.names();
    int i = 0;
    while (i < Math.min(b.size(), c.size()) && b.get(i).equals(c.get(i))) {
      i++;
    }
    List<String> rest = c.subList(i, c.size());
    if (i == b.size()) {
      return of(String.join("/", rest));
    }
    List<String> baseRest = b.subList(i, b.size());
    if (baseRest.contains("..")) {
      throw new IllegalArgumentException(
          "Unable to compute relative  path from " + this + " to " + other);
    }
    List<String> out = new ArrayList<>();
    for (int k = 0; k < baseRest.size(); k++) {
      out.add("..");
    }
    out.addAll(rest);
    return of(String.join("/", out));
  }

  @Override
  public URI toUri() {
    try {
      return new URI(ViewFileSystemProvider.SCHEME, null, toAbsolutePath().toString(), null);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public ViewPath toAbsolutePath() {
    return isAbsolute() ? this : (ViewPath) fs.rootPath().resolve(this);
  }

  @Override
  public Path toRealPath(LinkOption... options) throws java.io.IOException {
    boolean follow = !Arrays.asList(options).contains(LinkOption.NOFOLLOW_LINKS);
    Node n = fs.view().lookup(toAbsolutePath().path, follow);
    if (n == null) {
      throw new NoSuchFileException(path);
    }
    return of(n.path());
  }

  @Override
  public WatchKey register(
      WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers) {
    throw new UnsupportedOperationException("an image view does not change");
  }

  @Override
  public int compareTo(Path other) {
    return path.compareTo(check(other).path);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof ViewPath p && p.fs == fs && p.path.equals(path);
  }

  @Override
  public int hashCode() {
    return path.hashCode();
  }

  @Override
  public String toString() {
    return path;
  }
}
