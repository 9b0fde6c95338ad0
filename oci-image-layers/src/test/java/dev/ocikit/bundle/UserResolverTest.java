package dev.ocikit.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Config.User} resolved in a root filesystem (conversion.md, "Config.User"), with the
 * confined lookup: {@code /etc/passwd} and {@code /etc/group} are found as inside the container, so
 * a symbolic link can never make ocikit read a file of the host.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class UserResolverTest {
  @TempDir Path dir;

  private Path rootfs;

  /** A file outside the root filesystem, where a link leading out of it would arrive. */
  private Path hostPasswd;

  @BeforeEach
  void makeRootfsAndAHostFile() throws IOException {
    rootfs = TestImages.rootfsWithUsers(Files.createDirectories(dir.resolve("image/rootfs")));
    hostPasswd = Files.createDirectories(dir.resolve("host")).resolve("passwd");
    Files.writeString(hostPasswd, "mallory:x:4242:4242::/home/mallory:/bin/sh\n");
    Files.writeString(hostPasswd.resolveSibling("group"), "evil:x:4343:mallory\n");
  }

  private ResolvedUser resolve(String user) throws IOException {
    return UserResolver.resolve(rootfs, user);
  }

  private void replacePasswdByLinkTo(String target) throws IOException {
    Files.delete(rootfs.resolve("etc/passwd"));
    Files.createSymbolicLink(rootfs.resolve("etc/passwd"), Path.of(target));
  }

  @Test
  void aNameGivesItsIdsHomeAndSupplementaryGroupsInFileOrder() throws IOException {
    assertThat(resolve("alice"))
        .isEqualTo(new ResolvedUser(1000, 1000, List.of(10L, 100L, 50L), "/home/alice"));
    assertThat(resolve("carol")).isEqualTo(new ResolvedUser(1002, 1002, List.of(), "/home/carol"));
  }

  @Test
  void aNumericUidIsCopiedWithTheGroupAndHomeOfItsEntryButNoSupplementaryGroups()
      throws IOException {
    // conversion.md: "The converter SHOULD NOT modify process.user.additionalGids if the value of
    // user in Config.User is numeric".
    assertThat(resolve("1001")).isEqualTo(new ResolvedUser(1001, 100, List.of(), "/home/bob"));
  }

  @Test
  void aNumericUidWithoutEntryIsFine() throws IOException {
    assertThat(resolve("4242")).isEqualTo(new ResolvedUser(4242, 0, List.of(), null));
    Files.delete(rootfs.resolve("etc/passwd"));
    assertThat(resolve("1000")).isEqualTo(new ResolvedUser(1000, 0, List.of(), null));
  }

  @Test
  void aGroupGivesTheGidAndNoSupplementaryGroups() throws IOException {
    assertThat(resolve("bob:staff")).isEqualTo(new ResolvedUser(1001, 50, List.of(), "/home/bob"));
    assertThat(resolve("1000:10")).isEqualTo(new ResolvedUser(1000, 10, List.of(), "/home/alice"));
    assertThat(resolve("alice:100"))
        .isEqualTo(new ResolvedUser(1000, 100, List.of(), "/home/alice"));
    assertThat(resolve("1002:wheel"))
        .isEqualTo(new ResolvedUser(1002, 10, List.of(), "/home/carol"));
    assertThat(resolve("4242:4343")).isEqualTo(new ResolvedUser(4242, 4343, List.of(), null));
  }

  @Test
  void noUserIsRootWithTheGroupsOfRootsEntry() throws IOException {
    assertThat(resolve(null)).isEqualTo(new ResolvedUser(0, 0, List.of(10L), "/root"));
    assertThat(resolve("")).isEqualTo(resolve(null));
    Files.delete(rootfs.resolve("etc/passwd"));
    assertThat(resolve(null)).isEqualTo(new ResolvedUser(0, 0, List.of(), null));
  }

  @Test
  void anUnknownUserNameIsAnErrorNamingTheUserAndTheFile() {
    assertThatThrownBy(() -> resolve("mallory"))
        .isInstanceOfSatisfying(
            UnknownUserException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(UnknownUserException.Kind.USER);
              assertThat(e.name()).isEqualTo("mallory");
              assertThat(e.file()).isEqualTo("/etc/passwd");
            })
        .hasMessage(
            "Config.User: user \"mallory\" is not defined in the image: /etc/passwd has no user"
                + " of that name");
    // A line whose uid is not a number is skipped, not read as uid 0.
    assertThatThrownBy(() -> resolve("broken")).isInstanceOf(UnknownUserException.class);
  }

  @Test
  void anUnknownGroupNameIsAnErrorNamingTheGroupAndTheFile() {
    assertThatThrownBy(() -> resolve("alice:evil"))
        .isInstanceOfSatisfying(
            UnknownUserException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(UnknownUserException.Kind.GROUP);
              assertThat(e.name()).isEqualTo("evil");
              assertThat(e.file()).isEqualTo("/etc/group");
            })
        .hasMessageContaining("group \"evil\"");
  }

  @Test
  void aNameInAnImageWithoutPasswdIsAnError() throws IOException {
    Files.delete(rootfs.resolve("etc/passwd"));
    assertThatThrownBy(() -> resolve("alice"))
        .isInstanceOf(UnknownUserException.class)
        .hasMessageEndingWith("the image has no /etc/passwd");
  }

  @Test
  void anAbsoluteLinkIsFollowedInsideTheRootfs() throws IOException {
    Files.move(rootfs.resolve("etc/passwd"), rootfs.resolve("etc/alt-passwd"));
    Files.createSymbolicLink(rootfs.resolve("etc/passwd"), Path.of("/etc/alt-passwd"));
    assertThat(resolve("bob").uid()).isEqualTo(1001);
  }

  @Test
  void aLinkClimbingPastTheTopIsClampedAtTheRootfs() throws IOException {
    Files.createDirectories(rootfs.resolve("usr/lib"));
    Files.move(rootfs.resolve("etc/passwd"), rootfs.resolve("usr/lib/passwd"));
    Files.createSymbolicLink(rootfs.resolve("etc/passwd"), Path.of("../../../../usr/lib/passwd"));
    assertThat(resolve("bob").uid()).isEqualTo(1001);
  }

  @Test
  void aRelativeLinkToAHostFileNeverReadsIt() throws IOException {
    // On the host, rootfs/etc/../../../host/passwd is the file with mallory; in the container,
    // .. stops at the root, so the link names /host/passwd, which the image does not have.
    replacePasswdByLinkTo("../../../host/passwd");
    assertThat(rootfs.resolve("etc/passwd")).exists(); // as the host would follow it
    assertThatThrownBy(() -> resolve("mallory"))
        .isInstanceOf(UnknownUserException.class)
        .hasMessageContaining("mallory")
        .hasMessageContaining("/etc/passwd is a symbolic link to \"../../../host/passwd\"")
        .hasMessageContaining("links are followed inside the root filesystem only");
    // A uid the host file defines gets nothing from it: no gid 4242, no /home/mallory.
    assertThat(resolve("4242")).isEqualTo(new ResolvedUser(4242, 0, List.of(), null));
  }

  @Test
  void anAbsoluteLinkToAHostFileNeverReadsIt() throws IOException {
    replacePasswdByLinkTo(hostPasswd.toString());
    assertThat(rootfs.resolve("etc/passwd")).exists();
    assertThatThrownBy(() -> resolve("mallory")).isInstanceOf(UnknownUserException.class);
    assertThat(resolve("4242")).isEqualTo(new ResolvedUser(4242, 0, List.of(), null));
  }

  @Test
  void anEtcLinkedOutOfTheRootfsIsClampedToo() throws IOException {
    Path etc = rootfs.resolve("etc");
    Files.delete(etc.resolve("passwd"));
    Files.delete(etc.resolve("group"));
    Files.delete(etc);
    Files.createSymbolicLink(etc, Path.of("../../host"));
    assertThatThrownBy(() -> resolve("mallory")).isInstanceOf(UnknownUserException.class);
    assertThatThrownBy(() -> resolve("4242:evil")).isInstanceOf(UnknownUserException.class);
  }

  @Test
  void aLinkLoopIsAnError() throws IOException {
    replacePasswdByLinkTo("../etc/passwd");
    assertThatThrownBy(() -> resolve("alice"))
        .isInstanceOf(BundleException.class)
        .hasMessageContaining("/etc/passwd")
        .hasMessageContaining("loop");
  }

  @Test
  void somethingOtherThanAFileIsNeverOpened() throws Exception {
    Files.delete(rootfs.resolve("etc/passwd"));
    Files.createDirectory(rootfs.resolve("etc/passwd"));
    assertThatThrownBy(() -> resolve("alice"))
        .isInstanceOf(BundleException.class)
        .hasMessageContaining("/etc/passwd in the image is a directory");

    Files.delete(rootfs.resolve("etc/passwd"));
    Process mkfifo =
        new ProcessBuilder("mkfifo", rootfs.resolve("etc/passwd").toString()).inheritIO().start();
    assertThat(mkfifo.waitFor()).isZero();
    // Opening a FIFO would block until a writer came: the lookup must not open it.
    assertThatThrownBy(() -> resolve("alice"))
        .isInstanceOf(BundleException.class)
        .hasMessageContaining("not a regular file");
  }

  @Test
  void malformedUsersAreErrors() {
    assertThatThrownBy(() -> resolve(":staff")).isInstanceOf(BundleException.class);
    assertThatThrownBy(() -> resolve("99999999999"))
        .isInstanceOf(BundleException.class)
        .hasMessageContaining("not a uint32");
  }
}
