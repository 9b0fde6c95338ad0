package dev.ocikit.layers;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/**
 * The value of an extended attribute, one of the file attributes a layer records (<a
 * href="https://github.com/opencontainers/image-spec/blob/main/layer.md#file-attributes">layer.md,
 * "File Attributes"</a>): bytes, as the kernel stores them, text or not. A file capability ({@code
 * security.capability}) is binary: {@code cap_setuid} alone sets a byte {@code 0x80}, which is not
 * UTF-8. {@link LayerWriter} writes the bytes as they are into the PAX {@code SCHILY.xattr.NAME}
 * record (as GNU tar and Go's archive/tar do), and {@link LayerApplier} sets them so.
 *
 * <p>Immutable: the bytes are copied in and out. Not empty: an empty PAX value means a deletion
 * (POSIX pax: "If the &lt;value&gt; field is zero length, it shall delete any header block field").
 *
 * @param bytes the value
 */
public record XattrValue(byte[] bytes) {

  /**
   * Copies {@code bytes}.
   *
   * @throws IllegalArgumentException if {@code bytes} is empty
   */
  public XattrValue {
    if (bytes.length == 0) {
      throw new IllegalArgumentException(
          "an empty xattr value, which a PAX record cannot carry (it means a deletion)");
    }
    bytes = bytes.clone();
  }

  /** The value {@code text}, encoded as UTF-8. */
  public static XattrValue of(String text) {
    return new XattrValue(text.getBytes(StandardCharsets.UTF_8));
  }

  /** A copy of the bytes. */
  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  /** The bytes themselves, not copied: callers here only read them. */
  byte[] shared() {
    return bytes;
  }

  /** The value as text, or null when its bytes are not UTF-8. */
  public @Nullable String text() {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /** Equal when the bytes are. */
  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof XattrValue v && Arrays.equals(bytes, v.bytes);
  }

  /** Over the bytes. */
  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  /**
   * The text in quotes when it is UTF-8 without control characters, else {@code 0x} and the bytes
   * in hex (as {@code getfattr -e hex} prints them).
   */
  @Override
  public String toString() {
    String text = text();
    if (text != null && text.chars().noneMatch(c -> c < 0x20 || c == 0x7f)) {
      return "\"" + text + "\"";
    }
    return "0x" + HexFormat.of().formatHex(bytes);
  }
}
