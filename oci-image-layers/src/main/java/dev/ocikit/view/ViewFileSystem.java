package dev.ocikit.view;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** An {@link ImageView} as a read-only {@link FileSystem}. */
final class ViewFileSystem extends FileSystem {
  private final ImageView view;
  private final ViewFileSystemProvider provider;
  private final ViewPath root;
  private final ViewFileStore store;

  ViewFileSystem(ImageView view) {
    this.view = view;
    this.provider = new ViewFileSystemProvider();
    this.root = new ViewPath(this, "/");
    this.store = new ViewFileStore(view);
  }

  ImageView view() {
    return view;
  }

  ViewPath rootPath() {
    return root;
  }

  ViewFileStore store() {
    return store;
  }

  @Override
  public ViewFileSystemProvider provider() {
    return provider;
  }

  /** Closes the view. */
  @Override
  public void close() throws IOException {
    view.close();
  }

  @Override
  public boolean isOpen() {
    return view.isOpen();
  }

  @Override
  public boolean isReadOnly() {
    return true;
  }

  @Override
  public String getSeparator() {
    return "/";
  }

  @Override
  public Iterable<Path> getRootDirectories() {
    return List.of(root);
  }

  @Override
  public Iterable<FileStore> getFileStores() {
    return List.of(store);
  }

  @Override
  public Set<String> supportedFileAttributeViews() {
    return ViewFileSystemProvider.VIEWS;
  }

  @Override
  public Path getPath(String first, String... more) {
    StringBuilder s = new StringBuilder(first);
    for (String segment : more) {
      if (!segment.isEmpty()) {
        if (s.length() > 0) {
          s.append('/');
        }
        s.append(segment);
      }
    }
    return new ViewPath(this, s.toString());
  }

  @Override
  public PathMatcher getPathMatcher(String syntaxAndPattern) {
    int colon = syntaxAndPattern.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("syntax:pattern expected: " + syntaxAndPattern);
    }
    String syntax = syntaxAndPattern.substring(0, colon);
    String pattern = syntaxAndPattern.substring(colon + 1);
    String regex;
    if (syntax.equalsIgnoreCase("glob")) {
      regex = Globs.toRegex(pattern);
    } else if (syntax.equalsIgnoreCase("regex")) {
      regex = pattern;
    } else {
      throw new UnsupportedOperationException("syntax " + syntax + " not supported");
    }
    Pattern p = Pattern.compile(regex);
    return path -> p.matcher(path.toString()).matches();
  }

  @Override
  public UserPrincipalLookupService getUserPrincipalLookupService() {
    return new UserPrincipalLookupService() {
      @Override
      public UserPrincipal lookupPrincipalByName(String name) {
        return new Principals.User(name);
      }

      @Override
      public GroupPrincipal lookupPrincipalByGroupName(String group) {
        return new Principals.Group(group);
      }
    };
  }

  @Override
  public WatchService newWatchService() {
    throw new UnsupportedOperationException("an image view does not change");
  }
}
