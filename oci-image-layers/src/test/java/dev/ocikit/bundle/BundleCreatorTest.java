package dev.ocikit.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ocikit.layers.ApplyOptions;
import dev.ocikit.layers.ProgressListener;
import dev.ocikit.layers.Tools;
import dev.ocikit.layout.OciLayout;
import dev.ocikit.model.ImageConfig;
import dev.ocikit.model.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bundle is {@code rootfs/} and a {@code config.json} made of the image (bundle.md). */
class BundleCreatorTest {
  @TempDir Path dir;

  private final BundleCreator creator =
      new BundleCreator(
          ApplyOptions.DEFAULT.withRootless(!Tools.root()),
          Tools.root()
              ? ConversionOptions.DEFAULT
              : ConversionOptions.DEFAULT.withRootless(new ConversionOptions.Rootless(1000, 1000)),
          ProgressListener.NONE);

  private Path layout(String user) throws IOException {
    Path rootfs = TestImages.rootfsWithUsers(dir.resolve("src"));
    Files.writeString(rootfs.resolve("hello.txt"), "hello\n");
    Path layout = dir.resolve("layout");
    TestImages.writeImage(
        layout,
        "t",
        ImageConfig.builder()
            .platform(Platform.of("linux", "amd64"))
            .config(
                ImageConfig.Config.builder()
                    .user(user)
                    .entrypoint(List.of("/bin/hello"))
                    .env(List.of("A=1"))
                    .build())
            .build(),
        rootfs);
    return layout;
  }

  private BundleCreator.Result create(Path layout, Path bundle) throws IOException {
    try (OciLayout l = OciLayout.open(layout)) {
      return creator.create(l, TestImages.resolve(l, "t"), bundle);
    }
  }

  @Test
  void aBundleIsTheRootfsAndItsConfigJson() throws IOException {
    Path bundle = dir.resolve("bundle");
    BundleCreator.Result r = create(layout("alice"), bundle);
    assertThat(bundle.resolve("rootfs/hello.txt")).hasContent("hello");
    byte[] json = Files.readAllBytes(bundle.resolve("config.json"));
    assertThat(RuntimeSchema.get().validate(RuntimeSchema.Kind.CONFIG, json)).isEmpty();
    assertThat(json).isEqualTo(RuntimeJson.toBytes(r.config()));
    RuntimeConfig c = RuntimeJson.parse(json);
    assertThat(c.root().path()).isEqualTo("rootfs");
    assertThat(c.process().args()).containsExactly("/bin/hello");
    assertThat(c.process().user().uid()).isEqualTo(1000);
    assertThat(c.process().env()).startsWith("A=1").contains("HOME=/home/alice");
    assertThat(r.unpack().layers()).hasSize(1);
    try (var files = Files.list(bundle)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("rootfs", "config.json");
    }
  }

  @Test
  void anEmptyDirectoryIsFineANonEmptyOneOrALinkToOneIsNot() throws IOException {
    Path layout = layout("1000");
    Path bundle = Files.createDirectory(dir.resolve("empty"));
    create(layout, bundle);
    assertThat(bundle.resolve("config.json")).exists();
    assertThatThrownBy(() -> create(layout, bundle))
        .isInstanceOf(java.nio.file.FileSystemException.class)
        .hasMessageContaining("not empty");
    Path link =
        Files.createSymbolicLink(dir.resolve("link"), Files.createDirectory(dir.resolve("e")));
    assertThatThrownBy(() -> create(layout, link))
        .isInstanceOf(java.nio.file.FileSystemException.class)
        .hasMessageContaining("is a symbolic link");
    assertThat(dir.resolve("e")).isEmptyDirectory();
  }

  @Test
  void anUnknownUserFailsAndLeavesNoHalfBundle() throws IOException {
    Path layout = layout("mallory");
    Path bundle = dir.resolve("bundle");
    assertThatThrownBy(() -> create(layout, bundle))
        .isInstanceOf(UnknownUserException.class)
        .hasMessageContaining("\"mallory\"");
    assertThat(bundle).doesNotExist();

    Path existing = Files.createDirectory(dir.resolve("existing"));
    assertThatThrownBy(() -> create(layout, existing)).isInstanceOf(UnknownUserException.class);
    assertThat(existing).isEmptyDirectory();
  }

  @Test
  void anImageOfAnotherOsFailsBeforeAnythingIsUnpacked() throws IOException {
    Path layout = dir.resolve("windows");
    TestImages.writeImage(
        layout,
        "t",
        ImageConfig.builder().platform(Platform.of("windows", "amd64")).build(),
        TestImages.rootfsWithUsers(dir.resolve("src")));
    Path bundle = dir.resolve("bundle");
    assertThatThrownBy(() -> create(layout, bundle))
        .isInstanceOf(BundleException.class)
        .hasMessageContaining("windows");
    assertThat(bundle).doesNotExist();
  }

  /** An image whose /etc/passwd and /etc/group are symbolic links to {@code target}s. */
  private Path imageWithLinkedPasswd(String user, String passwdTarget, String groupTarget)
      throws IOException {
    Path src = dir.resolve("linked");
    Path etc = Files.createDirectories(src.resolve("etc"));
    Files.createSymbolicLink(etc.resolve("passwd"), Path.of(passwdTarget));
    Files.createSymbolicLink(etc.resolve("group"), Path.of(groupTarget));
    Path layout = dir.resolve("linked-layout");
    TestImages.writeImage(
        layout,
        "t",
        ImageConfig.builder()
            .platform(Platform.of("linux", "amd64"))
            .config(ImageConfig.Config.builder().user(user).build())
            .build(),
        src);
    return layout;
  }

  @Test
  void aPasswdLinkedOutOfTheRootfsNeverReadsTheHostsFile() throws IOException {
    // dir/bundle/rootfs/etc/../../../host/passwd is dir/host/passwd on the host; in the container
    // .. stops at the root and the link names /host/passwd, which the image does not have.
    Path host = Files.createDirectories(dir.resolve("host"));
    Files.writeString(host.resolve("passwd"), "mallory:x:4242:4242::/home/mallory:/bin/sh\n");
    Files.writeString(host.resolve("group"), "evil:x:4343:mallory\n");
    Path layout = imageWithLinkedPasswd("mallory", "../../../host/passwd", "../../../host/group");
    Path bundle = dir.resolve("bundle");
    assertThatThrownBy(() -> create(layout, bundle))
        .isInstanceOf(UnknownUserException.class)
        .hasMessageContaining("user \"mallory\"")
        .hasMessageContaining("/etc/passwd is a symbolic link to \"../../../host/passwd\"");
    assertThat(bundle).doesNotExist();
  }

  @Test
  void aPasswdLinkedToTheAbsoluteEtcPasswdIsResolvedInsideTheRootfs() throws IOException {
    // /etc/passwd -> /etc/passwd is the host's file to a reader that lets the OS follow the link
    // from outside the root; inside the root it is the link itself, a loop.
    assertThat(Path.of("/etc/passwd")).exists();
    Path layout = imageWithLinkedPasswd("root", "/etc/passwd", "/etc/group");
    assertThatThrownBy(() -> create(layout, dir.resolve("bundle")))
        .isInstanceOf(BundleException.class)
        .hasMessage("/etc/passwd in the image: too many levels of symbolic links (a loop)");
  }
}
