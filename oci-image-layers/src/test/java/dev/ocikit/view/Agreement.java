package dev.ocikit.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.ocikit.layers.ApplyOptions;
import dev.ocikit.layers.ApplyResult;
import dev.ocikit.layers.ImageUnpacker;
import dev.ocikit.layers.LayerException;
import dev.ocikit.layers.ProgressListener;
import dev.ocikit.layers.Tree;
import dev.ocikit.layout.ImageLayout;
import dev.ocikit.layout.ImageLayouts;
import dev.ocikit.layout.ImageRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Unpacks an image with {@link ImageUnpacker} and opens an {@link ImageView} of it, and checks that
 * both end alike: the same failure (class, layer, entry), or the same tree — every path with its
 * type, mode, owner, size and SHA-256 of content, link target, device numbers, hardlink group and
 * user xattrs, and mtimes but those of directories (which later layers change on disk).
 */
final class Agreement {
  private Agreement() {}

  static Path repo() {
    String root = System.getProperty("ocikit.repo.root");
    return root != null ? Path.of(root) : Path.of("").toAbsolutePath().getParent();
  }

  /** What happened: the failure of both, or null when both succeeded and agree. */
  static @Nullable IOException assertAgree(
      Path layoutPath,
      @Nullable String ref,
      ApplyOptions applyOptions,
      ViewOptions viewOptions,
      Path work)
      throws IOException {
    Path target = work.resolve("unpacked");
    Path spill = Files.createDirectories(work.resolve("spill"));
    ViewOptions options = viewOptions.withSpillDirectory(spill);
    try (ImageLayout layout = ImageLayouts.open(layoutPath)) {
      ImageRef image = ref == null ? layout.resolveOnly(null) : layout.resolve(ref, null);
      IOException unpackFailure = null;
      ImageUnpacker.Result result = null;
      try {
        result =
            new ImageUnpacker(applyOptions, ProgressListener.NONE).unpack(layout, image, target);
      } catch (IOException e) {
        unpackFailure = e;
      }
      ImageView view = null;
      IOException viewFailure = null;
      try {
        view = ImageView.open(layout, image, options);
      } catch (IOException e) {
        viewFailure = e;
      }
      try {
        if (unpackFailure != null || viewFailure != null) {
          assertSameFailure(unpackFailure, viewFailure);
          return unpackFailure;
        }
        ImageView v = java.util.Objects.requireNonNull(view);
        ImageUnpacker.Result r = java.util.Objects.requireNonNull(result);
        // Deep trees (testdata/malicious/deep-tree) need a deep stack to walk recursively.
        Throwable[] failed = new Throwable[1];
        Thread walker =
            new Thread(
                null,
                () -> {
                  try {
                    assertSameTree(target, v, r, applyOptions.rootless());
                  } catch (Throwable t) {
                    failed[0] = t;
                  }
                },
                "agreement",
                256L << 20);
        walker.start();
        try {
          walker.join();
        } catch (InterruptedException e) {
          throw new java.io.InterruptedIOException();
        }
        if (failed[0] instanceof IOException e) {
          throw e;
        }
        if (failed[0] instanceof Error e) {
          throw e;
        }
        if (failed[0] != null) {
          throw new AssertionError(failed[0]);
        }
        return null;
      } finally {
        if (view != null) {
          view.close();
        }
        try (Stream<Path> left = Files.list(spill)) {
          assertThat(left.toList()).as("the spill directory after close").isEmpty();
        }
      }
    }
  }

  static void assertSameFailure(@Nullable IOException unpack, @Nullable IOException view) {
    if (unpack == null) {
      throw new AssertionError("the view failed where the unpack did not", view);
    }
    if (view == null) {
      throw new AssertionError("the unpack failed where the view did not", unpack);
    }
    assertThat(view)
        .as("the view's failure, the unpack's being %s", unpack)
        .isExactlyInstanceOf(unpack.getClass());
    if (unpack instanceof LayerException u) {
      LayerException v = (LayerException) view;
      assertThat(v.layer()).as("the layer named, %s / %s", u, v).isEqualTo(u.layer());
      assertThat(v.entry()).as("the entry named, %s / %s", u, v).isEqualTo(u.entry());
    }
  }

  static void assertSameTree(
      Path target, ImageView view, ImageUnpacker.Result result, boolean rootless)
      throws IOException {
    Tree disk = Tree.of(target);
    Tree viewed = Tree.of(view.root());
    Tree viewedAsIs = viewed;
    if (rootless) {
      // Rootless, the unpack keeps the image's owners in user.rootlesscontainers; the view has
      // them as owners. Linux allows no user xattrs on symbolic links, FIFOs and devices, so
      // their owners cannot be kept (nor does umoci keep them); nor those of the parents the
      // unpack makes for entries without one (the view's have the epoch for mtime), which a
      // privileged unpack would give a set-group-ID parent's group.
      disk = disk.withRecordedOwners();
      Map<String, Tree.Node> diskNodes = disk.nodes();
      Map<String, Tree.Node> viewNodes = viewed.nodes();
      java.util.function.Predicate<String> unrecordable =
          path -> {
            Tree.Node v = viewNodes.get(path);
            Tree.Node d = diskNodes.get(path);
            if (v == null || d == null) {
              return false;
            }
            return switch (v.type()) {
              case SYMLINK, FIFO, CHAR_DEVICE, BLOCK_DEVICE -> true;
              case DIRECTORY -> v.mtime().toMillis() == 0;
              default -> false;
            };
          };
      disk = disk.withOwnersZeroedWhere(unrecordable);
      viewed = viewed.withOwnersZeroedWhere(unrecordable);
    }
    // Devices and FIFOs the unpack could not make here are missing from the disk only.
    List<String> notes = new ArrayList<>();
    for (ApplyResult r : result.layers()) {
      notes.addAll(r.notes());
    }
    java.util.Set<String> skipped = new java.util.HashSet<>();
    for (Map.Entry<String, Tree.Node> e : viewed.nodes().entrySet()) {
      Tree.Type t = e.getValue().type();
      boolean special =
          t == Tree.Type.CHAR_DEVICE || t == Tree.Type.BLOCK_DEVICE || t == Tree.Type.FIFO;
      if (special
          && !disk.nodes().containsKey(e.getKey())
          && notes.stream().anyMatch(n -> n.contains("skipped"))) {
        skipped.add(e.getKey());
      }
    }
    for (String path : skipped) {
      viewed = viewed.without(path);
      viewedAsIs = viewedAsIs.without(path);
    }
    Tree diskTree = disk;
    List<String> differences =
        disk.differences(
            "unpack",
            viewed,
            "view",
            path -> {
              Tree.Node n = diskTree.nodes().get(path);
              return n != null && n.type() == Tree.Type.DIRECTORY;
            });
    if (!differences.isEmpty()) {
      fail(
          differences.size()
              + " paths differ:\n"
              + String.join("\n", differences)
              + "\n\nunpacked:\n"
              + disk
              + "\nview:\n"
              + viewed);
    }
    // The same through the view's own API.
    for (Map.Entry<String, Tree.Node> e : viewedAsIs.nodes().entrySet()) {
      String path = e.getKey().equals(".") ? "/" : "/" + e.getKey();
      Tree.Node n = e.getValue();
      Optional<ViewEntry> entry = view.entry(path);
      assertThat(entry).as(path).isPresent();
      ViewEntry v = entry.get();
      assertThat(v.path()).isEqualTo(path);
      assertThat(v.type().name()).as(path).isEqualTo(n.type().name());
      assertThat(v.mode()).as(path).isEqualTo(n.mode());
      assertThat((int) v.uid()).as(path).isEqualTo(n.uid());
      assertThat((int) v.gid()).as(path).isEqualTo(n.gid());
      if (v.type() == ViewEntry.Type.FILE) {
        assertThat(v.size()).as(path).isEqualTo(n.size());
        assertThat(sha256(view.readAllBytes(path))).as(path).isEqualTo(n.sha256());
        try (var in = view.open(path)) {
          assertThat(sha256(in.readAllBytes())).as(path).isEqualTo(n.sha256());
        }
      }
      if (v.type() == ViewEntry.Type.SYMLINK) {
        assertThat(Path.of(v.linkTarget()).toString()).as(path).isEqualTo(n.target());
        assertThat(Files.readSymbolicLink(target.resolve(e.getKey())).toString())
            .isEqualTo(n.target());
      }
      if (v.type() == ViewEntry.Type.DIRECTORY) {
        List<String> names = new ArrayList<>();
        for (ViewEntry c : view.list(path)) {
          String child = e.getKey().equals(".") ? c.name() : e.getKey() + "/" + c.name();
          if (!skipped.contains(child)) {
            names.add(c.name());
          }
        }
        List<String> onDisk = new ArrayList<>();
        try (Stream<Path> s = Files.list(target.resolve(e.getKey()))) {
          s.forEach(p -> onDisk.add(p.getFileName().toString()));
        }
        assertThat(names).as(path).containsExactlyInAnyOrderElementsOf(onDisk);
        assertThat(names).as(path).isSortedAccordingTo(Node::compareNames);
      }
    }
    // Files.walk sees the same paths.
    List<String> walked = new ArrayList<>();
    try (Stream<Path> s = Files.walk(view.root())) {
      s.forEach(p -> walked.add(p.toString()));
    }
    List<String> walkedDisk = new ArrayList<>();
    try (Stream<Path> s = Files.walk(target)) {
      s.forEach(p -> walkedDisk.add("/" + target.relativize(p)));
    }
    walkedDisk.replaceAll(p -> p.equals("/") ? "/" : p);
    for (String p : walkedDisk) {
      if (!viewed.nodes().containsKey(p.equals("/") ? "." : p.substring(1))) {
        fail("walk: " + p + " is not in the view");
      }
    }
    assertThat(walked).hasSize(viewed.nodes().size() + skipped.size());
    assertThat(Files.exists(target, LinkOption.NOFOLLOW_LINKS)).isTrue();
  }

  static String sha256(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
