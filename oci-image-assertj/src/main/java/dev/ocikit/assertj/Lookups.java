package dev.ocikit.assertj;

import dev.ocikit.view.ImageView;
import dev.ocikit.view.LayerInfo;
import dev.ocikit.view.ViewEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import org.assertj.core.presentation.Representation;

/** Looks paths up in an image's view and says what was found, for failure messages. */
final class Lookups {
  private Lookups() {}

  /** The entry at {@code path} (normalized), symbolic links not followed. */
  static Optional<ViewEntry> entry(ImageUnderTest image, String path) {
    return image.view().entry(path);
  }

  /** The entry {@code path} (normalized) leads to, symbolic links followed inside the image. */
  static Optional<ViewEntry> resolve(ImageUnderTest image, String path) {
    return image.view().resolve(path);
  }

  /** The content of the regular file {@code entry}. */
  static byte[] content(ImageUnderTest image, ViewEntry entry) {
    try {
      return image.view().readAllBytes(entry.path());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read " + Texts.normalize(entry.path()) + " in image " + image, e);
    }
  }

  /**
   * What an entry is, for "but it is ...": {@code a regular file}, {@code a directory}, {@code a
   * symlink to "target"}, ...
   */
  static String describe(Representation representation, ViewEntry entry) {
    return switch (entry.type()) {
      case FILE -> "a regular file";
      case DIRECTORY -> "a directory";
      case SYMLINK ->
          "a symlink to "
              + Texts.show(representation, entry.linkTarget() == null ? "" : entry.linkTarget());
      case FIFO -> "a FIFO";
      case CHAR_DEVICE -> "a character device";
      case BLOCK_DEVICE -> "a block device";
    };
  }

  /**
   * What is at {@code path} (normalized) instead of what was expected, after "but ": {@code it is a
   * directory}, {@code it is a symlink to "x", which leads nowhere}, {@code it does not exist},
   * {@code it was deleted by layer 2}, {@code "/etc" does not exist}, ...
   */
  static String found(Representation representation, ImageUnderTest image, String path) {
    Optional<ViewEntry> entry = entry(image, path);
    if (entry.isPresent()) {
      ViewEntry e = entry.get();
      String what = "it is " + describe(representation, e);
      if (e.type() == ViewEntry.Type.SYMLINK) {
        Optional<ViewEntry> target = resolve(image, path);
        what +=
            target.isPresent()
                ? ", which leads to " + describe(representation, target.get())
                : ", which leads nowhere in the image";
      }
      return what;
    }
    return missing(representation, image, path);
  }

  /** Why nothing is at {@code path} (normalized), after "but ". */
  static String missing(Representation representation, ImageUnderTest image, String path) {
    ImageView view = image.view();
    List<LayerInfo> layers = view.layers();
    for (int i = layers.size() - 1; i >= 0; i--) {
      LayerInfo layer = layers.get(i);
      for (String deleted : layer.deleted()) {
        String d = Texts.normalize(deleted);
        if (Texts.isAtOrBelow(path, d)) {
          return "it was deleted by layer "
              + layer.index()
              + (d.equals(path) ? "" : " (which deleted " + Texts.show(representation, d) + ")");
        }
      }
      if (layer.added().stream().map(Texts::normalize).anyMatch(path::equals)) {
        break;
      }
    }
    String parent = Texts.parent(path);
    Optional<ViewEntry> dir = view.resolve(parent);
    if (dir.isEmpty()) {
      String missingAncestor = parent;
      while (!Texts.parent(missingAncestor).equals(missingAncestor)
          && view.resolve(Texts.parent(missingAncestor)).isEmpty()) {
        missingAncestor = Texts.parent(missingAncestor);
      }
      return Texts.show(representation, missingAncestor) + " does not exist";
    }
    if (dir.get().type() != ViewEntry.Type.DIRECTORY) {
      return Texts.show(representation, parent) + " is " + describe(representation, dir.get());
    }
    try {
      List<String> names =
          view.list(dir.get().path()).stream().map(ViewEntry::name).sorted().toList();
      return "it does not exist; "
          + Texts.show(representation, parent)
          + (names.isEmpty() ? " is empty" : " has " + Texts.showList(representation, names));
    } catch (IOException e) {
      return "it does not exist";
    }
  }

  /** The layer {@code index}, or empty when the image has no such layer. */
  static Optional<LayerInfo> layer(ImageUnderTest image, int index) {
    List<LayerInfo> layers = image.view().layers();
    return index >= 0 && index < layers.size() ? Optional.of(layers.get(index)) : Optional.empty();
  }
}
