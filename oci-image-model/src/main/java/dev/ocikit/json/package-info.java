/**
 * Lossless JSON for the image spec's documents, with Jackson 3: {@link dev.ocikit.json.OciJson}
 * parses strictly (one JSON value, no duplicate keys: "Keys MUST be unique", annotations.md) into
 * the {@link dev.ocikit.model} records while keeping unknown properties and the exact bytes read (a
 * {@link dev.ocikit.json.Parsed} document, whose digest is over those bytes), and writes
 * canonically: the same value always gives the same bytes.
 */
@NullMarked
package dev.ocikit.json;

import org.jspecify.annotations.NullMarked;
