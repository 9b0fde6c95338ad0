/**
 * AssertJ assertions on OCI images in an image layout: the files of the image's merged filesystem,
 * its config, platform, annotations and layers, size budgets, and the layout's deep check. Start
 * with {@link dev.ocikit.assertj.OciAssertions}; soft assertions with {@link
 * dev.ocikit.assertj.OciSoftAssertions}.
 */
module dev.ocikit.assertj {
  requires transitive dev.ocikit.layers;
  requires transitive org.assertj.core;

  exports dev.ocikit.assertj;

  // AssertJ's soft assertions define their proxies of the assert classes in this package, through
  // a private lookup into it (see OciSoftAssertions for what else the module path needs).
  opens dev.ocikit.assertj to
      org.assertj.core;
}
