/**
 * Validation of the image spec's documents against the published JSON schemas (bundled from
 * image-spec, see {@code schema/SOURCE}) and against the spec's rules that the schemas do not
 * express. The result is a list of {@link dev.ocikit.validation.Problem}s, each with a JSON
 * Pointer.
 */
@NullMarked
package dev.ocikit.validation;

import org.jspecify.annotations.NullMarked;
