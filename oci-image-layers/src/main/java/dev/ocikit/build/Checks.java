package dev.ocikit.build;

import dev.ocikit.blob.BlobNotFoundException;
import dev.ocikit.json.OciJson;
import dev.ocikit.json.Parsed;
import dev.ocikit.layout.ImageLayout;
import dev.ocikit.layout.OciLayout;
import dev.ocikit.model.Annotations;
import dev.ocikit.model.Descriptor;
import dev.ocikit.model.MediaType;
import dev.ocikit.model.OciDocument;
import dev.ocikit.validation.DocumentType;
import dev.ocikit.validation.Problem;
import dev.ocikit.validation.Validator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/** Argument checks and the steps every builder shares: validation and blobs before documents. */
final class Checks {
  private Checks() {}

  /** {@code value}, which must not be null or empty. */
  static String nonEmpty(@Nullable String value, String what) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(
          what + " must not be " + (value == null ? "null" : "empty"));
    }
    return value;
  }

  /** A copy of {@code list}, which must not be or contain null. */
  static List<String> strings(@Nullable List<String> list, String what) {
    if (list == null) {
      throw new IllegalArgumentException(what + " must not be null");
    }
    List<String> copy = new ArrayList<>(list.size());
    for (String s : list) {
      if (s == null) {
        throw new IllegalArgumentException(what + " must not contain null");
      }
      copy.add(s);
    }
    return List.copyOf(copy);
  }

  /** An annotation or label key: not empty, and its value not null (annotations.md, "Rules"). */
  static void annotation(@Nullable String key, @Nullable String value, String what) {
    nonEmpty(key, what + " key");
    if (value == null) {
      throw new IllegalArgumentException(
          what + " \"" + key + "\" must have a value (it MAY be empty, not null)");
    }
  }

  /**
   * An annotation of a manifest or index: as {@link #annotation}, and not the ref name, which
   * belongs on {@code index.json} entries only.
   */
  static void documentAnnotation(@Nullable String key, @Nullable String value) {
    annotation(key, value, "annotation");
    if (Annotations.REF_NAME.equals(key)) {
      throw new IllegalArgumentException(
          Annotations.REF_NAME
              + " is only valid on descriptors in index.json (annotations.md); give the ref to"
              + " build(target, ref) instead");
    }
  }

  /** A media type or artifact type complying with RFC 6838, section 4.2 (descriptor.md). */
  static String mediaType(@Nullable String mediaType, String what) {
    nonEmpty(mediaType, what);
    if (!MediaType.isValid(mediaType)) {
      throw new IllegalArgumentException(
          what
              + " \""
              + mediaType
              + "\" does not comply with RFC 6838 section 4.2 (type/subtype of letters, digits"
              + " and !#$&^_.+-)");
    }
    return mediaType;
  }

  /** A ref name of {@code index.json}, in the grammar of annotations.md. */
  static String ref(@Nullable String ref) {
    nonEmpty(ref, "ref");
    if (!Annotations.isValidRefName(ref)) {
      throw new IllegalArgumentException(
          "invalid ref name \""
              + ref
              + "\": expected components of [A-Za-z0-9] separated by - . _ : @ + or --, joined"
              + " by / (annotations.md, org.opencontainers.image.ref.name)");
    }
    return ref;
  }

  /**
   * {@code document} serialised canonically, as it will be written, once it passes the validator
   * without errors.
   *
   * @throws IllegalArgumentException listing the errors, which come from the builder's arguments
   */
  static <T extends OciDocument> Parsed<T> valid(T document, DocumentType type) {
    Parsed<T> serialized = OciJson.serialize(document);
    List<Problem> problems = Validator.get().validate(type, serialized.bytes());
    if (!Validator.isValid(problems)) {
      throw new IllegalArgumentException(
          "the "
              + type.cliName()
              + " would not be valid: "
              + problems.stream()
                  .filter(Problem::isError)
                  .map(Problem::toString)
                  .collect(Collectors.joining("; ")));
    }
    return serialized;
  }

  /**
   * Makes sure {@code target} holds the blob of each descriptor before a document refers to it:
   * present already; else copied, verified, from {@code source} when that has it; else written from
   * the descriptor's embedded {@code data}. A foreign layer (with {@code urls}, or of a
   * non-distributable type) may be absent, as layouts do not store those.
   *
   * @throws BlobNotFoundException if a blob is in neither layout
   */
  static void blobsPresent(
      OciLayout target, @Nullable ImageLayout source, List<Descriptor> descriptors)
      throws IOException {
    for (Descriptor d : descriptors) {
      Objects.requireNonNull(d, "descriptor");
      if (target.contains(d.digest())) {
        continue;
      }
      if (source != null && source.contains(d.digest())) {
        target.copyFrom(source, d);
      } else if (d.data() != null) {
        target.writeBlob(d, new java.io.ByteArrayInputStream(d.decodedData().orElseThrow()));
      } else if (!d.urls().isEmpty() || MediaType.isNonDistributable(d.mediaType())) {
        continue; // foreign: fetched from its URLs, never stored in layouts
      } else {
        throw new BlobNotFoundException(
            d.digest(),
            target.name()
                + (source != null ? " or " + source.name() : "")
                + "; write it first (OciLayout.writeBlob)");
      }
    }
  }
}
