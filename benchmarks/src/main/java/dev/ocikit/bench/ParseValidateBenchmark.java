package dev.ocikit.bench;

import dev.ocikit.digest.Digest;
import dev.ocikit.json.InvalidDocumentException;
import dev.ocikit.json.OciJson;
import dev.ocikit.json.Parsed;
import dev.ocikit.model.Descriptor;
import dev.ocikit.model.ImageConfig;
import dev.ocikit.model.ImageConfig.History;
import dev.ocikit.model.ImageConfig.RootFs;
import dev.ocikit.model.Manifest;
import dev.ocikit.model.MediaType;
import dev.ocikit.validation.DocumentType;
import dev.ocikit.validation.Problem;
import dev.ocikit.validation.Validator;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import tools.jackson.databind.JsonNode;

/**
 * Measures the cost of reading, checking and writing the two JSON documents every image pull and
 * push handles: a typical OCI image manifest (a config and five gzip layers, two annotations, about
 * 1 KB) and a typical image config (a Debian-based application image with Env, Cmd, Labels,
 * ExposedPorts, eight history entries and five DiffIDs, about 3 KB).
 *
 * <p>For each document, in microseconds per operation:
 *
 * <ul>
 *   <li>{@code parse}: {@link OciJson#parseManifest} / {@link OciJson#parseConfig} of the bytes;
 *   <li>{@code validate}: {@link Validator#validate(DocumentType, byte[])} of the bytes (JSON
 *       schema plus the spec's own rules);
 *   <li>{@code parseAndValidate}: both, as a registry client does with a document it received;
 *   <li>{@code write}: {@link OciJson#toBytes} of the parsed model (canonical serialisation).
 * </ul>
 *
 * <p>The documents are built once with the model builders and serialised canonically (compact JSON,
 * as registries serve them); the manifest's config descriptor carries the real digest and size of
 * the config bytes. {@link #setUp()} refuses to run when either document does not validate cleanly,
 * since timing the rejection of a broken document would measure something else.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar ParseValidate}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
public class ParseValidateBenchmark {

  private static final OffsetDateTime BASE_CREATED = OffsetDateTime.parse("2025-06-10T00:00:00Z");
  private static final OffsetDateTime APP_CREATED =
      OffsetDateTime.parse("2025-06-23T14:07:31.482913Z");

  /** The manifest bytes, about 1 KB. */
  byte[] manifestBytes;

  /** The config bytes, about 3 KB. */
  byte[] configBytes;

  /** The parsed manifest, for {@code write}. */
  Manifest manifest;

  /** The parsed config, for {@code write}. */
  ImageConfig config;

  /**
   * Builds the documents and checks that they are valid.
   *
   * @throws IllegalStateException if a document does not validate, or is far from its intended size
   * @throws InvalidDocumentException if a document does not parse
   */
  @Setup(Level.Trial)
  public void setUp() throws InvalidDocumentException {
    configBytes = OciJson.toBytes(typicalConfig());
    manifestBytes = OciJson.toBytes(typicalManifest(configBytes));

    requireValid(DocumentType.CONFIG, configBytes);
    requireValid(DocumentType.MANIFEST, manifestBytes);
    requireSize("manifest", manifestBytes, 700, 1500);
    requireSize("config", configBytes, 2500, 4000);

    manifest = OciJson.parseManifest(manifestBytes).value();
    config = OciJson.parseConfig(configBytes).value();
  }

  // --- manifest -------------------------------------------------------------------------------

  /** Parses the manifest into the model. */
  @Benchmark
  public Parsed<Manifest> manifestParse() throws InvalidDocumentException {
    return OciJson.parseManifest(manifestBytes);
  }

  /** Validates the manifest bytes against the schema and spec rules. */
  @Benchmark
  public List<Problem> manifestValidate() {
    return Validator.get().validate(DocumentType.MANIFEST, manifestBytes);
  }

  /** Validates the manifest bytes, then parses them. */
  @Benchmark
  public void manifestParseAndValidate(Blackhole bh) throws InvalidDocumentException {
    bh.consume(Validator.get().validate(DocumentType.MANIFEST, manifestBytes));
    bh.consume(OciJson.parseManifest(manifestBytes));
  }

  /**
   * Validates and parses the manifest from a single JSON tree: {@code OciJson.readTree}, then
   * {@code Validator.validate(type, tree)} and {@code OciJson.fromTree}, so the bytes are parsed
   * once.
   */
  @Benchmark
  public void manifestParseAndValidateOneTree(Blackhole bh) throws InvalidDocumentException {
    JsonNode tree = OciJson.readTree(manifestBytes);
    bh.consume(Validator.get().validate(DocumentType.MANIFEST, tree));
    bh.consume(OciJson.fromTree(tree, Manifest.class));
  }

  /** Serialises the parsed manifest canonically. */
  @Benchmark
  public byte[] manifestWrite() {
    return OciJson.toBytes(manifest);
  }

  // --- config ---------------------------------------------------------------------------------

  /** Parses the config into the model. */
  @Benchmark
  public Parsed<ImageConfig> configParse() throws InvalidDocumentException {
    return OciJson.parseConfig(configBytes);
  }

  /** Validates the config bytes against the schema and spec rules. */
  @Benchmark
  public List<Problem> configValidate() {
    return Validator.get().validate(DocumentType.CONFIG, configBytes);
  }

  /** Validates the config bytes, then parses them. */
  @Benchmark
  public void configParseAndValidate(Blackhole bh) throws InvalidDocumentException {
    bh.consume(Validator.get().validate(DocumentType.CONFIG, configBytes));
    bh.consume(OciJson.parseConfig(configBytes));
  }

  /** Validates and parses the config from a single JSON tree (see the manifest variant). */
  @Benchmark
  public void configParseAndValidateOneTree(Blackhole bh) throws InvalidDocumentException {
    JsonNode tree = OciJson.readTree(configBytes);
    bh.consume(Validator.get().validate(DocumentType.CONFIG, tree));
    bh.consume(OciJson.fromTree(tree, ImageConfig.class));
  }

  /** Serialises the parsed config canonically. */
  @Benchmark
  public byte[] configWrite() {
    return OciJson.toBytes(config);
  }

  // --- the documents --------------------------------------------------------------------------

  /**
   * A Debian bookworm based application image, as BuildKit produces it: the base image's rootfs, a
   * package install, a user, dependencies and the application, five layers in all.
   */
  static ImageConfig typicalConfig() {
    ImageConfig.Config exec =
        ImageConfig.Config.builder()
            .user("app")
            .exposedPort("8080/tcp")
            .exposedPort("9090/tcp")
            .env(
                "PATH", "/srv/app/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
            .env("LANG", "C.UTF-8")
            .env("TZ", "Etc/UTC")
            .env("APP_HOME", "/srv/app")
            .env("APP_ENV", "production")
            .env("SSL_CERT_FILE", "/etc/ssl/certs/ca-certificates.crt")
            .entrypoint(List.of("/usr/bin/tini", "--"))
            .cmd(List.of("/srv/app/bin/server", "--config", "/etc/app/config.yaml"))
            .workingDir("/srv/app")
            .label("maintainer", "Platform Team <platform@example.com>")
            .label("org.opencontainers.image.title", "orders-service")
            .label("org.opencontainers.image.description", "Order management API")
            .label("org.opencontainers.image.version", "2.14.3")
            .label("org.opencontainers.image.revision", "9f2c1e7b4a6d8035c2e1f4b7a9d0c3e5f6a7b8c9")
            .label("org.opencontainers.image.source", "https://git.example.com/shop/orders-service")
            .label("org.opencontainers.image.licenses", "Apache-2.0")
            .label("org.opencontainers.image.vendor", "Example Shop Ltd.")
            .label("org.opencontainers.image.url", "https://shop.example.com/docs/orders-service")
            .label("org.opencontainers.image.created", "2025-06-23T14:07:31Z")
            .stopSignal("SIGTERM")
            .build();
    return ImageConfig.builder()
        .created(APP_CREATED)
        .architecture("amd64")
        .os("linux")
        .config(exec)
        .rootfs(
            RootFs.of(
                List.of(
                    sha256("58a83c29dfbbd44b1b09faae18fd9e43c22d15385c44a66429fffcb721afebc5"),
                    sha256("507c144f75023d657992c16a2ee57f7c1d2bc7b508a36d0566f69d6724991707"),
                    sha256("e11d2f0a110cac409620dc7c2ba4e4936e7bf24ea3902dfa3facf23caeb96364"),
                    sha256("15af7d445d6aaeb2f2bfa93400d23a406409db4924fbf2f0824dc3642a4d5d0e"),
                    sha256("c8f58c6b8aaa0ce82e6eacf5d9bffa9c815ec1da3da7a71ca3b1b2e982a11aae"))))
        .addHistory(
            History.of(BASE_CREATED, "# debian.sh --arch 'amd64' out/ 'bookworm' '@1749513600'"))
        .addHistory(
            new History(
                BASE_CREATED, null, "/bin/sh -c #(nop)  CMD [\"bash\"]", null, true, Map.of()))
        .addHistory(
            new History(
                APP_CREATED,
                null,
                "ENV LANG=C.UTF-8 TZ=Etc/UTC APP_HOME=/srv/app APP_ENV=production",
                "buildkit.dockerfile.v0",
                true,
                Map.of()))
        .addHistory(
            buildkit(
                "RUN /bin/sh -c apt-get update && apt-get install -y --no-install-recommends"
                    + " ca-certificates curl tzdata libpq5 && rm -rf /var/lib/apt/lists/*"
                    + " # buildkit"))
        .addHistory(
            buildkit(
                "RUN /bin/sh -c groupadd --system --gid 10001 app && useradd --system --uid 10001"
                    + " --gid app --home-dir /srv/app --shell /usr/sbin/nologin app # buildkit"))
        .addHistory(buildkit("COPY --chown=app:app vendor/ /srv/app/vendor/ # buildkit"))
        .addHistory(buildkit("COPY --chown=app:app build/dist/ /srv/app/ # buildkit"))
        .addHistory(
            new History(
                APP_CREATED,
                null,
                "CMD [\"/srv/app/bin/server\" \"--config\" \"/etc/app/config.yaml\"]",
                "buildkit.dockerfile.v0",
                true,
                Map.of()))
        .build();
  }

  /** The image manifest of {@link #typicalConfig()}: its config and five gzip layers. */
  static Manifest typicalManifest(byte[] configBytes) {
    return Manifest.builder()
        .config(
            Descriptor.of(MediaType.IMAGE_CONFIG, Digest.sha256(configBytes), configBytes.length))
        .addLayer(
            layer("1568303c1065bdd5878596176bf766d871cfe9458a996c5b7c9f6bd81cb36356", 28_231_374))
        .addLayer(
            layer("cea94266f2fc3523715accb4b4ec48e7e030fac9d76aca043c058e61ea6d770d", 11_902_482))
        .addLayer(layer("a06908229b4210730523b0e2357941943adc1796847a2c8febe4ce6e1843cb01", 1_853))
        .addLayer(
            layer("82a3375103fa5f6b0b414c88c396e000a457a15ca4237a9796145fee51c874d5", 47_310_925))
        .addLayer(
            layer("0ecb85e70b741758605fc12e843f83c995babeae48808f5cd4255e6d8441b8cb", 6_481_207))
        .annotation("org.opencontainers.image.base.name", "docker.io/library/debian:bookworm-slim")
        .annotation("org.opencontainers.image.created", "2025-06-23T14:07:31Z")
        .build();
  }

  private static History buildkit(String createdBy) {
    return new History(APP_CREATED, null, createdBy, "buildkit.dockerfile.v0", null, Map.of());
  }

  private static Descriptor layer(String hex, long size) {
    return Descriptor.of(MediaType.IMAGE_LAYER_GZIP, sha256(hex), size);
  }

  private static Digest sha256(String hex) {
    return Digest.parse("sha256:" + hex);
  }

  private static void requireValid(DocumentType type, byte[] bytes) {
    List<Problem> problems = Validator.get().validate(type, bytes);
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          "the sample " + type.cliName() + " does not validate: " + problems);
    }
  }

  private static void requireSize(String what, byte[] bytes, int min, int max) {
    if (bytes.length < min || bytes.length > max) {
      throw new IllegalStateException(
          "the sample "
              + what
              + " is "
              + bytes.length
              + " bytes, not in ["
              + min
              + ", "
              + max
              + "]");
    }
  }
}
