package dev.ocikit.layers.internal;

import dev.ocikit.digest.Digest;
import dev.ocikit.layers.UnsafeEntryException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Tar entry names as layer.md reads them, shared by {@code LayerApplier} and {@code ImageView} so
 * that both clean names and read whiteouts alike.
 */
public final class EntryNames {
  /** Why a symbolic link entry without a target is refused, by the applier and the view alike. */
  public static final String EMPTY_LINK =
      "a symbolic link with an empty target, which symlink(2) refuses";

  private EntryNames() {}

  /** The prefix of a whiteout's base name (layer.md, "Whiteouts"). */
  public static final String WHITEOUT = ".wh.";

  /** The base name of an opaque whiteout (layer.md, "Opaque Whiteout"). */
  public static final String OPAQUE = ".wh..wh..opq";

  /**
   * Splits a tar entry name into clean components: leading {@code /} and {@code ./} dropped, {@code
   * .} and empty components removed, {@code ..} applied. Returns null when the name climbs out of
   * the root.
   */
  public static @Nullable List<String> clean(String name) {
    List<String> out = new ArrayList<>();
    for (String c : name.split("/")) {
      if (c.isEmpty() || c.equals(".")) {
        continue;
      }
      if (c.equals("..")) {
        if (out.isEmpty()) {
          return null;
        }
        out.remove(out.size() - 1);
      } else {
        out.add(c);
      }
    }
    return out;
  }

  /**
   * The name an explicit whiteout hides: {@code base} without {@code .wh.}.
   *
   * @throws UnsafeEntryException for a bare {@code .wh.} (layer.md: "invalid and implementations
   *     SHOULD return an error"), and for {@code .wh..} or {@code .wh...}, which would delete their
   *     own directory or the one above it
   */
  public static String hidden(Digest layer, String entry, String base) throws UnsafeEntryException {
    String hidden = base.substring(WHITEOUT.length());
    if (hidden.isEmpty()) {
      throw new UnsafeEntryException(layer, entry, "a whiteout without a name to delete");
    }
    if (hidden.equals(".") || hidden.equals("..")) {
      throw new UnsafeEntryException(layer, entry, "a whiteout of \"" + hidden + "\"");
    }
    return hidden;
  }
}
