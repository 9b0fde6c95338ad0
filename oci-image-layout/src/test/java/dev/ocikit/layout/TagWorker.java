package dev.ocikit.layout;

import dev.ocikit.model.Descriptor;
import dev.ocikit.model.MediaType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** A child process for the cross-process tests: writes blobs and tags them in a layout. */
public final class TagWorker {
  private TagWorker() {}

  /** Arguments: layout directory, ref prefix, count. */
  public static void main(String[] args) throws Exception {
    OciLayout layout = OciLayout.open(Path.of(args[0]));
    int count = Integer.parseInt(args[2]);
    for (int i = 0; i < count; i++) {
      String ref = args[1] + "-" + i;
      Descriptor d =
          layout.writeBlob(MediaType.IMAGE_MANIFEST, ref.getBytes(StandardCharsets.UTF_8));
      layout.tag(ref, d);
      System.out.println(ref + " " + d.digest());
    }
  }
}
