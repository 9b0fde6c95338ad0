package dev.ocikit.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ocikit.bundle.RuntimeConfig.Mount;
import dev.ocikit.layers.ApplyOptions;
import dev.ocikit.layers.ProgressListener;
import dev.ocikit.layers.Tools;
import dev.ocikit.layout.ImageRef;
import dev.ocikit.layout.OciLayout;
import dev.ocikit.model.Descriptor;
import dev.ocikit.model.ImageConfig;
import dev.ocikit.model.Manifest;
import dev.ocikit.model.MediaType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * For images built with umoci ({@code umoci new}, {@code insert} of an {@code /etc} with passwd and
 * group, {@code config}), the fields of {@code config.json} that image-spec conversion.md defines
 * are those {@code umoci unpack} writes: {@code process.args}, {@code process.cwd}, {@code
 * process.user} (uid, gid, additionalGids), {@code process.env} (as a set; ocikit keeps {@code
 * Config.Env} first, in its order, see {@link #ocikitKeepsConfigEnvFirstAndInOrder}), the {@code
 * annotations} and the volume mounts. Everything else (hostname, namespaces, capabilities, ...) is
 * implementation-defined and not compared.
 *
 * <p>umoci 0.4.7 departs from conversion.md in the places below; each test says where, and asserts
 * conversion.md:
 *
 * <ol>
 *   <li>it gives a numeric uid the supplementary groups of its {@code /etc/group} memberships
 *       (conversion.md: "SHOULD NOT modify {@code process.user.additionalGids} if the value of user
 *       in {@code Config.User} is numeric");
 *   <li>it writes {@code author}, {@code stopSignal} and {@code exposedPorts} annotations with the
 *       value {@code ""} when the image has no such field (the annotation is the field's value;
 *       there is none to set);
 *   <li>it replaces a {@code HOME} of {@code Config.Env} by the user's home ("SHOULD NOT add
 *       entries that have variable names present in {@code Config.Env}");
 *   <li>its implicit annotations overwrite {@code Config.Labels} of the same key ("the value
 *       specified in {@code Config.Labels} MUST take precedence");
 *   <li>it formats {@code created} again, as Go does, rather than copying it ("MUST extract ...
 *       verbatim"; a fraction {@code .500} and offset {@code +01:00} survive only in ocikit);
 *   <li>it has no {@code variant}, {@code os.version} or {@code os.features} annotations;
 *   <li>it adds volume mounts in Go's random map order (ocikit sorts: a parent before what it
 *       holds);
 *   <li>it reads {@code /etc/passwd} through the host's path resolution, so a link in the image
 *       leading out of the root filesystem makes it read a file of the host; ocikit follows links
 *       inside the root filesystem only, as a runtime does in the container.
 * </ol>
 *
 * <p>As root (CI), both make privileged bundles; otherwise both make rootless ones, where neither
 * sets supplementary groups.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class UmociBundleEquivalenceTest {
  private static final boolean ROOT = Tools.root();

  @TempDir static Path shared;

  private static Path layout;

  @TempDir Path dir;

  @BeforeAll
  static void buildTheBaseImage() throws IOException {
    Tools.require("umoci");
    layout = shared.resolve("layout");
    umoci(shared, "init", "--layout", layout.toString());
    umoci(shared, "new", "--image", layout + ":base");
    Path src = TestImages.rootfsWithUsers(shared.resolve("src"));
    umoci(shared, "insert", "--image", layout + ":base", src.resolve("etc").toString(), "/etc");
  }

  private static String umoci(Path workDir, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("umoci", args[0]));
    if (!ROOT && (args[0].equals("insert") || args[0].equals("unpack"))) {
      command.add("--rootless");
    }
    command.addAll(List.of(args).subList(1, args.length));
    return Tools.run(workDir, command);
  }

  /** Tags {@code tag}: the base image with {@code umoci config} {@code options}. */
  private static void config(String tag, String... options) throws IOException {
    List<String> args = new ArrayList<>(List.of("config", "--image", layout + ":base"));
    args.addAll(List.of("--tag", tag));
    args.addAll(List.of(options));
    umoci(shared, args.toArray(String[]::new));
  }

  // ---- the fields conversion.md defines

  /** The fields of a runtime configuration that conversion.md defines. */
  record Fields(
      List<String> args,
      String cwd,
      long uid,
      long gid,
      List<Long> additionalGids,
      Set<String> env,
      Map<String, String> annotations,
      Set<Mount> volumes) {

    static Fields of(RuntimeConfig c) {
      Set<Mount> volumes = new HashSet<>();
      for (Mount m : c.mounts()) {
        if ("tmpfs".equals(m.type()) && "none".equals(m.source())) {
          volumes.add(m);
        }
      }
      RuntimeConfig.Process p = c.process();
      return new Fields(
          p.args(),
          p.cwd(),
          p.user().uid(),
          p.user().gid(),
          p.user().additionalGids(),
          new HashSet<>(p.env()),
          new LinkedHashMap<>(c.annotations()),
          volumes);
    }

    Fields withAdditionalGids(List<Long> gids) {
      return new Fields(args, cwd, uid, gid, gids, env, annotations, volumes);
    }

    Fields withEnv(String remove, String add) {
      Set<String> e = new HashSet<>(env);
      e.remove(remove);
      e.add(add);
      return new Fields(args, cwd, uid, gid, additionalGids, e, annotations, volumes);
    }

    Fields withAnnotation(String key, String value) {
      Map<String, String> a = new LinkedHashMap<>(annotations);
      if (value == null) {
        a.remove(key);
      } else {
        a.put(key, value);
      }
      return new Fields(args, cwd, uid, gid, additionalGids, env, a, volumes);
    }

    /** Departure 2: umoci's {@code ""} annotations for fields the image does not have. */
    Fields withoutUmocisEmptyAnnotations() {
      Fields f = this;
      for (String key :
          List.of(
              RuntimeConfigConverter.AUTHOR,
              RuntimeConfigConverter.STOP_SIGNAL,
              RuntimeConfigConverter.EXPOSED_PORTS)) {
        if ("".equals(annotations.get(key))) {
          f = f.withAnnotation(key, null);
        }
      }
      return f;
    }
  }

  /** Both bundles of {@code tag}: umoci's and ocikit's configurations. */
  private record Bundles(RuntimeConfig umoci, RuntimeConfig ocikit, ImageConfig image) {}

  private Bundles bundles(String tag) throws IOException {
    Path umociBundle = dir.resolve(tag + "/umoci");
    umoci(dir, "unpack", "--image", layout + ":" + tag, umociBundle.toString());
    RuntimeConfig umoci = RuntimeJson.parse(Files.readAllBytes(umociBundle.resolve("config.json")));

    Path ocikitBundle = dir.resolve(tag + "/ocikit");
    RuntimeConfig ocikit = ocikitBundle(tag, ocikitBundle).config();
    byte[] written = Files.readAllBytes(ocikitBundle.resolve("config.json"));
    assertThat(RuntimeSchema.get().validate(RuntimeSchema.Kind.CONFIG, written))
        .as("schema problems of ocikit's config.json")
        .isEmpty();
    try (OciLayout l = OciLayout.open(layout)) {
      ImageRef ref = l.resolve(tag, null);
      return new Bundles(umoci, ocikit, l.readConfig(ref.manifest().value().config()).value());
    }
  }

  private static BundleCreator.Result ocikitBundle(String tag, Path bundle) throws IOException {
    ConversionOptions options =
        ROOT
            ? ConversionOptions.DEFAULT
            : ConversionOptions.DEFAULT.withRootless(ConversionOptions.Rootless.currentUser());
    BundleCreator creator =
        new BundleCreator(ApplyOptions.DEFAULT.withRootless(!ROOT), options, ProgressListener.NONE);
    try (OciLayout l = OciLayout.open(layout)) {
      return creator.create(l, l.resolve(tag, null), bundle);
    }
  }

  private static void assertSameFields(Fields expected, Fields ocikit) {
    assertThat(ocikit.args()).as("process.args").isEqualTo(expected.args());
    assertThat(ocikit.cwd()).as("process.cwd").isEqualTo(expected.cwd());
    assertThat(ocikit.uid()).as("process.user.uid").isEqualTo(expected.uid());
    assertThat(ocikit.gid()).as("process.user.gid").isEqualTo(expected.gid());
    assertThat(ocikit.additionalGids())
        .as("process.user.additionalGids")
        .isEqualTo(ROOT ? expected.additionalGids() : List.of());
    assertThat(ocikit.env()).as("process.env").isEqualTo(expected.env());
    assertThat(ocikit.annotations())
        .as("annotations")
        .containsExactlyInAnyOrderEntriesOf(expected.annotations());
    assertThat(ocikit.volumes()).as("volume mounts").isEqualTo(expected.volumes());
  }

  // ---- the images

  @Test
  void aNamedUserWithEntrypointEnvWorkdirLabelsPortsStopSignalAndAuthor() throws IOException {
    config(
        "named",
        "--config.user",
        "alice",
        "--config.entrypoint",
        "/bin/app",
        "--config.env",
        "A=1",
        "--config.env",
        "PATH=/bin",
        "--config.workingdir",
        "/work",
        "--config.exposedports",
        "8080/tcp",
        "--config.exposedports",
        "53/udp",
        "--config.label",
        "com.example.x=y",
        "--config.stopsignal",
        "SIGINT",
        "--author",
        "Al <al@example.com>",
        "--architecture",
        "arm64",
        "--os",
        "linux");
    Bundles b = bundles("named");
    assertSameFields(Fields.of(b.umoci()), Fields.of(b.ocikit()));
    assertThat(b.ocikit().process().user().uid()).isEqualTo(1000);
    assertThat(b.ocikit().annotations())
        .containsEntry("org.opencontainers.image.exposedPorts", "53/udp,8080/tcp")
        .containsEntry("org.opencontainers.image.architecture", "arm64");
  }

  @Test
  void aNumericUidOnlyWithCmdOnly() throws IOException {
    config("uid", "--config.user", "1001", "--config.cmd", "sh", "--config.cmd", "-c");
    Bundles b = bundles("uid");
    // Departure 1: umoci adds bob's groups (users, staff); conversion.md says not to for a uid.
    assertThat(b.umoci().process().user().additionalGids())
        .isEqualTo(ROOT ? List.of(100L, 50L) : List.of());
    Fields expected =
        Fields.of(b.umoci()).withAdditionalGids(List.of()).withoutUmocisEmptyAnnotations();
    assertSameFields(expected, Fields.of(b.ocikit()));
    assertThat(b.ocikit().process().user().gid()).isEqualTo(100);
    assertThat(b.ocikit().annotations())
        .doesNotContainKeys(
            RuntimeConfigConverter.AUTHOR,
            RuntimeConfigConverter.STOP_SIGNAL,
            RuntimeConfigConverter.EXPOSED_PORTS);
  }

  @Test
  void userAndGroupNamesWithEntrypointAndCmd() throws IOException {
    config(
        "user-group",
        "--config.user",
        "bob:staff",
        "--config.entrypoint",
        "/bin/sh",
        "--config.cmd",
        "-c",
        "--config.cmd",
        "date");
    Bundles b = bundles("user-group");
    assertSameFields(Fields.of(b.umoci()).withoutUmocisEmptyAnnotations(), Fields.of(b.ocikit()));
    assertThat(b.ocikit().process().args()).containsExactly("/bin/sh", "-c", "date");
    assertThat(b.ocikit().process().user()).isEqualTo(RuntimeConfig.User.of(1001, 50));
  }

  @Test
  void numericUidAndGid() throws IOException {
    config("uid-gid", "--config.user", "1000:10");
    Bundles b = bundles("uid-gid");
    assertSameFields(Fields.of(b.umoci()).withoutUmocisEmptyAnnotations(), Fields.of(b.ocikit()));
    assertThat(b.ocikit().process().user()).isEqualTo(RuntimeConfig.User.of(1000, 10));
  }

  @Test
  void uidAndGroupNameAndUserNameAndGid() throws IOException {
    config("uid-group", "--config.user", "1002:wheel");
    Bundles b = bundles("uid-group");
    assertSameFields(Fields.of(b.umoci()).withoutUmocisEmptyAnnotations(), Fields.of(b.ocikit()));
    assertThat(b.ocikit().process().user()).isEqualTo(RuntimeConfig.User.of(1002, 10));

    config("user-gid", "--config.user", "alice:4343");
    b = bundles("user-gid");
    assertSameFields(Fields.of(b.umoci()).withoutUmocisEmptyAnnotations(), Fields.of(b.ocikit()));
    assertThat(b.ocikit().process().user()).isEqualTo(RuntimeConfig.User.of(1000, 4343));
  }

  @Test
  void aUidTheImageDoesNotDefine() throws IOException {
    config("undefined-uid", "--config.user", "4242");
    Bundles b = bundles("undefined-uid");
    assertSameFields(Fields.of(b.umoci()).withoutUmocisEmptyAnnotations(), Fields.of(b.ocikit()));
    assertThat(b.ocikit().process().user()).isEqualTo(RuntimeConfig.User.of(4242, 0));
    assertThat(b.ocikit().process().env()).noneMatch(e -> e.startsWith("HOME="));
  }

  @Test
  void noUserIsRootWithRootsGroups() throws IOException {
    config("no-user", "--config.cmd", "/bin/true");
    Bundles b = bundles("no-user");
    assertSameFields(Fields.of(b.umoci()).withoutUmocisEmptyAnnotations(), Fields.of(b.ocikit()));
    assertThat(b.ocikit().process().user())
        .isEqualTo(RuntimeConfig.User.of(0, 0, ROOT ? List.of(10L) : List.of()));
    assertThat(b.ocikit().process().env()).contains("HOME=/root");
  }

  @Test
  void aHomeInConfigEnvIsKept() throws IOException {
    config("home", "--config.user", "alice", "--config.env", "HOME=/custom");
    Bundles b = bundles("home");
    // Departure 3: umoci replaces the image's HOME by alice's home.
    assertThat(b.umoci().process().env()).contains("HOME=/home/alice");
    Fields expected =
        Fields.of(b.umoci())
            .withEnv("HOME=/home/alice", "HOME=/custom")
            .withoutUmocisEmptyAnnotations();
    assertSameFields(expected, Fields.of(b.ocikit()));
  }

  @Test
  void labelsWinOverImplicitAnnotations() throws IOException {
    config(
        "labels",
        "--author",
        "implicit",
        "--config.stopsignal",
        "SIGTERM",
        "--config.exposedports",
        "80/tcp",
        "--config.label",
        "org.opencontainers.image.author=label",
        "--config.label",
        "org.opencontainers.image.stopSignal=SIGKILL",
        "--config.label",
        "org.opencontainers.image.exposedPorts=8443/tcp",
        "--config.label",
        "org.opencontainers.image.architecture=label-arch");
    Bundles b = bundles("labels");
    // Departure 4: umoci's implicit annotations overwrite the labels.
    assertThat(b.umoci().annotations())
        .containsEntry("org.opencontainers.image.author", "implicit")
        .containsEntry("org.opencontainers.image.stopSignal", "SIGTERM");
    Fields expected =
        Fields.of(b.umoci())
            .withAnnotation("org.opencontainers.image.author", "label")
            .withAnnotation("org.opencontainers.image.stopSignal", "SIGKILL")
            .withAnnotation("org.opencontainers.image.exposedPorts", "8443/tcp")
            .withAnnotation("org.opencontainers.image.architecture", "label-arch");
    assertSameFields(expected, Fields.of(b.ocikit()));
  }

  @Test
  void volumesAreTmpfsMounts() throws IOException {
    config(
        "volumes",
        "--config.volume",
        "/var/log",
        "--config.volume",
        "/data/cache",
        "--config.volume",
        "/data");
    Bundles b = bundles("volumes");
    assertSameFields(Fields.of(b.umoci()).withoutUmocisEmptyAnnotations(), Fields.of(b.ocikit()));
    // Departure 7: umoci's order is Go's map order; ocikit's puts a parent before its children.
    List<Mount> mounts = b.ocikit().mounts();
    assertThat(mounts.subList(mounts.size() - 3, mounts.size()))
        .extracting(Mount::destination)
        .containsExactly("/data", "/data/cache", "/var/log");
  }

  @Test
  void ocikitKeepsConfigEnvFirstAndInOrder() throws IOException {
    config(
        "env-order",
        "--config.env",
        "Z=26",
        "--config.env",
        "PATH=/opt/bin",
        "--config.env",
        "A=1");
    Bundles b = bundles("env-order");
    assertSameFields(Fields.of(b.umoci()).withoutUmocisEmptyAnnotations(), Fields.of(b.ocikit()));
    // Not a departure, as both keep the entries: umoci puts Config.Env into runc's default list
    // (PATH replaced in place, TERM before the image's own), ocikit writes Config.Env verbatim
    // and adds what it does not name after it.
    assertThat(b.ocikit().process().env())
        .startsWith(b.image().configOrEmpty().env().toArray(String[]::new))
        .containsExactly("Z=26", "PATH=/opt/bin", "A=1", "TERM=xterm", "HOME=/root");
    assertThat(b.umoci().process().env()).startsWith("PATH=/opt/bin", "TERM=xterm", "Z=26");
  }

  @Test
  void createdVariantAndOsVersionAndFeaturesOfAHandWrittenConfig() throws IOException {
    // umoci config has no options for these fields: the config is written by hand, on the base
    // image's layer, as text (ocikit's writer would format created again).
    try (OciLayout l = OciLayout.open(layout)) {
      Manifest base = l.resolve("base", null).manifest().value();
      String diffId = l.readConfig(base.config()).value().rootfs().diffIds().get(0).toString();
      String json =
          "{\"created\":\"2015-10-31T22:22:56.500+01:00\",\"architecture\":\"arm64\","
              + "\"variant\":\"v8\",\"os\":\"linux\",\"os.version\":\"6.1\","
              + "\"os.features\":[\"f1\",\"f2\"],\"config\":{\"User\":\"carol\"},"
              + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
              + diffId
              + "\"]}}";
      Descriptor config =
          l.writeBlob(MediaType.IMAGE_CONFIG, json.getBytes(StandardCharsets.UTF_8));
      l.tag("handwritten", l.writeDocument(base.withConfig(config)));
    }
    Bundles b = bundles("handwritten");
    // Departures 5 and 6: umoci formats created again and has no variant/os.version/os.features.
    assertThat(b.umoci().annotations())
        .containsEntry("org.opencontainers.image.created", "2015-10-31T22:22:56.5+01:00")
        .doesNotContainKeys(
            RuntimeConfigConverter.VARIANT,
            RuntimeConfigConverter.OS_VERSION,
            RuntimeConfigConverter.OS_FEATURES);
    Fields expected =
        Fields.of(b.umoci())
            .withoutUmocisEmptyAnnotations()
            .withAnnotation("org.opencontainers.image.created", "2015-10-31T22:22:56.500+01:00")
            .withAnnotation(RuntimeConfigConverter.VARIANT, "v8")
            .withAnnotation(RuntimeConfigConverter.OS_VERSION, "6.1")
            .withAnnotation(RuntimeConfigConverter.OS_FEATURES, "f1,f2");
    assertSameFields(expected, Fields.of(b.ocikit()));
  }

  @Test
  void aPasswdLinkLeadingOutOfTheRootfsNeverReadsTheHostsFile() throws IOException {
    // The image's /etc/passwd is a link to ../../../host/passwd. From BUNDLE/rootfs/etc on the
    // host that is dir/host/passwd, a file of the host with mallory; in the container it is
    // /host/passwd, which the image does not have.
    Path src = Files.createDirectories(dir.resolve("src/etc"));
    Files.createSymbolicLink(src.resolve("passwd"), Path.of("../../../host/passwd"));
    Path host = Files.createDirectories(dir.resolve("host"));
    Files.writeString(host.resolve("passwd"), "mallory:x:4242:4242::/home/mallory:/bin/sh\n");
    umoci(shared, "new", "--image", layout + ":linked-base");
    umoci(shared, "insert", "--image", layout + ":linked-base", src.toString(), "/etc");
    umoci(
        shared,
        "config",
        "--image",
        layout + ":linked-base",
        "--tag",
        "linked",
        "--config.user",
        "mallory");

    // Departure 8: umoci resolves the link on the host and takes mallory from the host's file.
    Path umociBundle = dir.resolve("umoci");
    umoci(dir, "unpack", "--image", layout + ":linked", umociBundle.toString());
    RuntimeConfig umoci = RuntimeJson.parse(Files.readAllBytes(umociBundle.resolve("config.json")));
    assertThat(umoci.process().user().uid()).isEqualTo(4242);

    Path ocikitBundle = dir.resolve("ocikit");
    assertThatThrownBy(() -> ocikitBundle("linked", ocikitBundle))
        .isInstanceOf(UnknownUserException.class)
        .hasMessage(
            "Config.User: user \"mallory\" is not defined in the image: /etc/passwd is a symbolic"
                + " link to \"../../../host/passwd\", which does not lead to a file inside the"
                + " image (links are followed inside the root filesystem only)");
    assertThat(ocikitBundle).doesNotExist();
  }

  @Test
  void anUnknownUserIsAnErrorForBoth() throws IOException {
    config("unknown", "--config.user", "mallory");
    Path umociBundle = dir.resolve("umoci");
    Process p =
        new ProcessBuilder(
                ROOT
                    ? List.of(
                        "umoci", "unpack", "--image", layout + ":unknown", umociBundle.toString())
                    : List.of(
                        "umoci",
                        "unpack",
                        "--rootless",
                        "--image",
                        layout + ":unknown",
                        umociBundle.toString()))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("umoci.log").toFile())
            .start();
    try {
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    assertThat(p.exitValue()).isNotZero();
    assertThat(Files.readString(dir.resolve("umoci.log"))).contains("mallory");
    assertThatThrownBy(() -> ocikitBundle("unknown", dir.resolve("ocikit")))
        .isInstanceOf(UnknownUserException.class)
        .hasMessageContaining("\"mallory\"");
  }
}
