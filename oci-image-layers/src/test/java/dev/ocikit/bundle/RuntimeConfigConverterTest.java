package dev.ocikit.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ocikit.bundle.RuntimeConfig.Mount;
import dev.ocikit.bundle.RuntimeConfig.Namespace;
import dev.ocikit.json.Parsed;
import dev.ocikit.model.ImageConfig;
import dev.ocikit.model.Platform;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The conversion of conversion.md, field by field, on images built in memory. */
class RuntimeConfigConverterTest {
  private static final ResolvedUser ROOT = new ResolvedUser(0, 0, List.of(), "/root");

  @TempDir Path dir;

  private static ImageConfig image(ImageConfig.Config config) {
    return ImageConfig.builder().platform(Platform.of("linux", "amd64")).config(config).build();
  }

  private static RuntimeConfig convert(ImageConfig image) throws BundleException {
    RuntimeConfig c = RuntimeConfigConverter.convert(image, null, ROOT, ConversionOptions.DEFAULT);
    assertThat(RuntimeSchema.get().validate(c)).as("schema problems").isEmpty();
    return c;
  }

  private static List<String> args(ImageConfig.Config.Builder config) throws BundleException {
    return convert(image(config.build())).process().args();
  }

  @Test
  void argsAreTheEntrypointFollowedByTheCmd() throws BundleException {
    var b = ImageConfig.Config.builder();
    assertThat(args(b.entrypoint(List.of("/app", "-v")))).containsExactly("/app", "-v");
    assertThat(args(ImageConfig.Config.builder().cmd(List.of("sh", "-c", "x"))))
        .containsExactly("sh", "-c", "x");
    assertThat(args(b.cmd(List.of("--serve")))).containsExactly("/app", "-v", "--serve");
    // Neither: runc's default, as umoci does (a runtime needs at least one argument).
    assertThat(args(ImageConfig.Config.builder())).containsExactly("sh");
  }

  @Test
  void theCallerMayReplaceEntrypointAndCmd() throws BundleException {
    ImageConfig image =
        image(
            ImageConfig.Config.builder()
                .entrypoint(List.of("/app"))
                .cmd(List.of("--serve"))
                .build());
    ConversionOptions o = ConversionOptions.DEFAULT;
    assertThat(convertWith(image, o.withCmd(List.of("--check"))))
        .containsExactly("/app", "--check");
    // A new entrypoint drops the image's Cmd, whose arguments were for the entrypoint replaced.
    assertThat(convertWith(image, o.withEntrypoint(List.of("/bin/sh")))).containsExactly("/bin/sh");
    assertThat(convertWith(image, o.withEntrypoint(List.of("/bin/sh")).withCmd(List.of("-c", "x"))))
        .containsExactly("/bin/sh", "-c", "x");
  }

  private static List<String> convertWith(ImageConfig image, ConversionOptions o)
      throws BundleException {
    return RuntimeConfigConverter.convert(image, null, ROOT, o).process().args();
  }

  @Test
  void envIsTheImagesVerbatimThenWhatItDoesNotName() throws BundleException {
    ImageConfig image =
        image(
            ImageConfig.Config.builder()
                .env(List.of("B=2", "PATH=/opt/bin", "A=1", "HOME=/custom", "A=again"))
                .build());
    RuntimeConfig c = convert(image);
    // conversion.md: the converter "SHOULD NOT add entries that have variable names present in
    // Config.Env": PATH and HOME stay the image's; TERM (a terminal) is added.
    assertThat(c.process().env())
        .containsExactly("B=2", "PATH=/opt/bin", "A=1", "HOME=/custom", "A=again", "TERM=xterm");
    RuntimeConfig plain = convert(image(ImageConfig.Config.EMPTY));
    assertThat(plain.process().env())
        .containsExactly("PATH=" + RuntimeConfigConverter.DEFAULT_PATH, "TERM=xterm", "HOME=/root");
    RuntimeConfig noTerminal =
        RuntimeConfigConverter.convert(
            image(ImageConfig.Config.EMPTY),
            null,
            new ResolvedUser(4242, 0, List.of(), null),
            ConversionOptions.DEFAULT.withTerminal(false));
    assertThat(noTerminal.process().terminal()).isFalse();
    assertThat(noTerminal.process().env())
        .containsExactly("PATH=" + RuntimeConfigConverter.DEFAULT_PATH);
  }

  @Test
  void aMalformedEnvEntryOrAnotherOsCannotBeConverted() {
    assertThatThrownBy(() -> convert(image(ImageConfig.Config.builder().env(List.of("A")).build())))
        .isInstanceOf(BundleException.class)
        .hasMessageContaining("Config.Env[0] \"A\"");
    assertThatThrownBy(
            () -> convert(ImageConfig.builder().platform(Platform.of("windows", "amd64")).build()))
        .isInstanceOf(BundleException.class)
        .hasMessageContaining("os \"windows\"");
  }

  @Test
  void cwdIsTheWorkingDirOrTheRoot() throws BundleException {
    assertThat(
            convert(image(ImageConfig.Config.builder().workingDir("/srv").build())).process().cwd())
        .isEqualTo("/srv");
    assertThat(convert(image(ImageConfig.Config.EMPTY)).process().cwd()).isEqualTo("/");
    assertThat(convert(image(ImageConfig.Config.builder().workingDir("").build())).process().cwd())
        .isEqualTo("/");
  }

  @Test
  void theUserIsTheResolvedOne() throws BundleException {
    RuntimeConfig c =
        RuntimeConfigConverter.convert(
            image(ImageConfig.Config.EMPTY),
            null,
            new ResolvedUser(1000, 100, List.of(10L, 50L), "/home/alice"),
            ConversionOptions.DEFAULT);
    assertThat(c.process().user()).isEqualTo(RuntimeConfig.User.of(1000, 100, List.of(10L, 50L)));
    assertThat(c.process().env()).contains("HOME=/home/alice");
  }

  @Test
  void everyAnnotationFieldBecomesItsAnnotation() throws IOException {
    // created as written (not as Go or Java would format it again): "MUST extract verbatim".
    Parsed<ImageConfig> image =
        TestImages.config(
            "{\"created\":\"2015-10-31T22:22:56.500+01:00\",\"author\":\"A <a@example.com>\","
                + "\"architecture\":\"arm64\",\"os\":\"linux\",\"os.version\":\"5.15\","
                + "\"os.features\":[\"f1\",\"f2\"],\"variant\":\"v8\",\"config\":{"
                + "\"StopSignal\":\"SIGINT\",\"ExposedPorts\":{\"8080/tcp\":{},\"53/udp\":{}},"
                + "\"Labels\":{\"com.example.x\":\"y\"}},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}");
    RuntimeConfig c =
        RuntimeConfigConverter.convert(
            image, TestImages.rootfsWithUsers(dir), ConversionOptions.DEFAULT);
    assertThat(c.annotations())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "org.opencontainers.image.os", "linux",
                "org.opencontainers.image.architecture", "arm64",
                "org.opencontainers.image.variant", "v8",
                "org.opencontainers.image.os.version", "5.15",
                "org.opencontainers.image.os.features", "f1,f2",
                "org.opencontainers.image.author", "A <a@example.com>",
                "org.opencontainers.image.created", "2015-10-31T22:22:56.500+01:00",
                "org.opencontainers.image.stopSignal", "SIGINT",
                "org.opencontainers.image.exposedPorts", "53/udp,8080/tcp",
                "com.example.x", "y"));
  }

  @Test
  void absentFieldsGiveNoAnnotation() throws BundleException {
    assertThat(convert(image(ImageConfig.Config.EMPTY)).annotations())
        .containsOnlyKeys("org.opencontainers.image.os", "org.opencontainers.image.architecture");
  }

  @Test
  void labelsWinOverImplicitAnnotations() throws BundleException {
    ImageConfig image =
        ImageConfig.builder()
            .platform(Platform.of("linux", "amd64"))
            .author("implicit")
            .config(
                ImageConfig.Config.builder()
                    .stopSignal("SIGTERM")
                    .exposedPort("80/tcp")
                    .label("org.opencontainers.image.author", "label")
                    .label("org.opencontainers.image.stopSignal", "SIGKILL")
                    .label("org.opencontainers.image.exposedPorts", "")
                    .label("org.opencontainers.image.architecture", "label-arch")
                    .build())
            .build();
    assertThat(convert(image).annotations())
        .containsEntry("org.opencontainers.image.author", "label")
        .containsEntry("org.opencontainers.image.stopSignal", "SIGKILL")
        .containsEntry("org.opencontainers.image.exposedPorts", "")
        .containsEntry("org.opencontainers.image.architecture", "label-arch");
  }

  @Test
  void volumesAreTmpfsMountsParentsFirst() throws BundleException {
    ImageConfig image =
        image(
            ImageConfig.Config.builder()
                .volume("/var/log")
                .volume("/data/cache")
                .volume("/data")
                .volume("/data-2")
                .build());
    List<Mount> mounts = convert(image).mounts();
    List<Mount> volumes = mounts.subList(mounts.size() - 4, mounts.size());
    assertThat(volumes)
        .extracting(Mount::destination)
        .containsExactly("/data", "/data-2", "/data/cache", "/var/log");
    assertThat(volumes)
        .allSatisfy(
            m -> {
              assertThat(m.type()).isEqualTo("tmpfs");
              assertThat(m.options()).isEqualTo(RuntimeConfigConverter.VOLUME_OPTIONS);
            });
  }

  @Test
  void theDefaultsAreRuncs() throws BundleException {
    RuntimeConfig c = convert(image(ImageConfig.Config.EMPTY));
    assertThat(c.ociVersion()).isEqualTo("1.0.2");
    assertThat(c.root()).isEqualTo(RuntimeConfig.Root.of("rootfs"));
    assertThat(c.hostname()).isEqualTo("ocikit");
    assertThat(c.process().terminal()).isTrue();
    assertThat(c.process().noNewPrivileges()).isTrue();
    assertThat(c.process().capabilities().bounding())
        .containsExactly("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE");
    assertThat(c.process().rlimits())
        .containsExactly(RuntimeConfig.Rlimit.of("RLIMIT_NOFILE", 1024, 1024));
    assertThat(c.mounts())
        .extracting(Mount::destination)
        .containsExactly(
            "/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/sys/fs/cgroup");
    assertThat(c.linux().namespaces())
        .extracting(Namespace::type)
        .containsExactly("pid", "network", "ipc", "uts", "mount", "cgroup");
    assertThat(c.linux().maskedPaths()).contains("/proc/kcore", "/sys/firmware");
    assertThat(c.linux().readonlyPaths()).contains("/proc/sys", "/proc/sysrq-trigger");
    assertThat(c.linux().unknownProperties().get("resources").toString())
        .isEqualTo("{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]}");
  }

  @Test
  void rootlessIsRuncSpecRootlessWithoutSupplementaryGroups() throws BundleException {
    RuntimeConfig c =
        RuntimeConfigConverter.convert(
            image(ImageConfig.Config.EMPTY),
            null,
            new ResolvedUser(1000, 100, List.of(10L), "/home/alice"),
            ConversionOptions.DEFAULT.withRootless(new ConversionOptions.Rootless(1234, 5678)));
    assertThat(RuntimeSchema.get().validate(c)).isEmpty();
    assertThat(c.process().user()).isEqualTo(RuntimeConfig.User.of(1000, 100));
    assertThat(c.linux().namespaces())
        .extracting(Namespace::type)
        .containsExactly("pid", "ipc", "uts", "mount", "cgroup", "user");
    assertThat(c.linux().uidMappings()).containsExactly(RuntimeConfig.IdMapping.of(0, 1234, 1));
    assertThat(c.linux().gidMappings()).containsExactly(RuntimeConfig.IdMapping.of(0, 5678, 1));
    assertThat(c.linux().unknownProperties()).doesNotContainKey("resources");
    assertThat(c.mounts())
        .filteredOn(m -> m.destination().equals("/sys"))
        .containsExactly(
            Mount.of("/sys", "none", "/sys", List.of("rbind", "nosuid", "noexec", "nodev", "ro")));
    assertThat(c.mounts())
        .allSatisfy(m -> assertThat(m.options()).noneMatch(o -> o.startsWith("gid=")));
  }
}
