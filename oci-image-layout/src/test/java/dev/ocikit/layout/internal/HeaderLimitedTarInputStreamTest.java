package dev.ocikit.layout.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;

class HeaderLimitedTarInputStreamTest {
  private static String disagreement(String name, char type, long size) {
    TarArchiveEntry e = new TarArchiveEntry(name, (byte) type, true);
    e.setSize(size);
    return HeaderLimitedTarInputStream.dataReadersDisagreeOn(e);
  }

  @Test
  void readersDisagreeWhereOneReadsDataAndTheOtherHeaders() {
    // commons-compress: a directory (type 5 or a name ending with /) has no data.
    // Go's archive/tar: types 1-6 have none, and type \0 with a trailing slash is a directory.
    assertThat(disagreement("innocent/", '0', 1024)).contains("disagree");
    assertThat(disagreement("x/", '7', 1)).contains("disagree");
    assertThat(disagreement("dump/", 'D', 512)).contains("disagree");
    assertThat(disagreement("s", '2', 1)).contains("disagree");
    assertThat(disagreement("h", '1', 10)).contains("disagree");
    assertThat(disagreement("p", '6', 1)).contains("disagree");
  }

  @Test
  void readersAgreeOnEverythingElse() {
    assertThat(disagreement("f", '0', 100)).isNull();
    assertThat(disagreement("d", '5', 100)).isNull(); // neither reads data
    assertThat(disagreement("old/", '\0', 100)).isNull(); // a V7 directory to both
    assertThat(disagreement("s/", '2', 1)).isNull(); // neither reads data
    assertThat(disagreement("innocent/", '0', 0)).isNull(); // no data to disagree on
    assertThat(disagreement("h", '1', 0)).isNull();
  }

  /** A tar of empty files named by the bytes of each name (ISO-8859-1: one char a byte). */
  private static byte[] tar(int longFileMode, String... latin1Names) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(out, "ISO-8859-1")) {
      t.setLongFileMode(longFileMode);
      for (String n : latin1Names) {
        t.putArchiveEntry(new TarArchiveEntry(n));
        t.closeArchiveEntry();
      }
    }
    return out.toByteArray();
  }

  private static String latin1(String utf8Text) {
    return new String(utf8Text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
  }

  private static List<String> names(byte[] tar, boolean strict) throws IOException {
    List<String> names = new ArrayList<>();
    try (HeaderLimitedTarInputStream in =
        new HeaderLimitedTarInputStream(new ByteArrayInputStream(tar), IOException::new, strict)) {
      for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
        names.add(e.getName() + (e.isSymbolicLink() ? " -> " + e.getLinkName() : ""));
      }
    }
    return names;
  }

  @Test
  void utf8NamesInUstarFieldsAndGnuLongNamesAreReadAsUtf8() throws IOException {
    String longName = "dir/" + "é".repeat(80) + "/file"; // GNU long name: more than 100 bytes
    byte[] tar =
        tar(
            TarArchiveOutputStream.LONGFILE_GNU,
            latin1("café.txt"),
            latin1("日本語/ファイル"),
            latin1(longName));
    assertThat(names(tar, true)).containsExactly("café.txt", "日本語/ファイル", longName);
  }

  @Test
  void aNameThatIsNotUtf8IsRefusedRatherThanReadAsAnotherName() throws IOException {
    // commons-compress's UTF-8 decoding reads caf\xe9 and caf\xff both as "caf?"; Go's
    // archive/tar keeps the bytes; a JVM can create neither name as it is.
    byte[] tar = tar(TarArchiveOutputStream.LONGFILE_GNU, "caf\u00e9", "caf\u00ff");
    assertThatThrownBy(() -> names(tar, true))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("name \"caf\\xe9\" is not UTF-8");
    // An archive's index is lenient: such a name is no blob's anyway.
    assertThat(names(tar, false)).containsExactly("caf\ufffd", "caf\ufffd");
  }

  @Test
  void aPaxPathOrLinkpathThatIsNotUtf8IsRefused() throws IOException {
    for (String key : List.of("path", "linkpath")) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (TarArchiveOutputStream t = new TarArchiveOutputStream(out, "ISO-8859-1")) {
        // "LENGTH KEY=x\xe9\n": the value's last byte is not UTF-8.
        String body = " " + key + "=x\u00e9\n";
        String record = (body.length() + 2) + body; // two digits
        byte[] data = record.getBytes(StandardCharsets.ISO_8859_1);
        TarArchiveEntry pax =
            new TarArchiveEntry("PaxHeaders/s", TarArchiveEntry.LF_PAX_EXTENDED_HEADER_LC);
        pax.setSize(data.length);
        t.putArchiveEntry(pax);
        t.write(data);
        t.closeArchiveEntry();
        TarArchiveEntry link = new TarArchiveEntry("s", TarArchiveEntry.LF_SYMLINK);
        link.setLinkName("target");
        t.putArchiveEntry(link);
        t.closeArchiveEntry();
      }
      assertThatThrownBy(() -> names(out.toByteArray(), true))
          .as(key)
          .isInstanceOf(IOException.class)
          .hasMessageContaining("x\\xe9\" is not UTF-8");
    }
  }

  @Test
  void aTarCutInsideARecordIsRefusedAndOneEndingBetweenRecordsIsNot() throws IOException {
    // Go's archive/tar: exactly 0 bytes where a header would be is the end (umoci's layers have
    // no end-of-archive records); 1 to 511 bytes is "unexpected EOF".
    byte[] tar = tar(TarArchiveOutputStream.LONGFILE_GNU, "a", "b");
    byte[] noEnd = java.util.Arrays.copyOf(tar, 1024); // two headers, no end-of-archive
    assertThat(names(noEnd, true)).containsExactly("a", "b");
    assertThatThrownBy(() -> names(java.util.Arrays.copyOf(tar, 1024 + 100), true))
        .isInstanceOf(java.io.EOFException.class)
        .hasMessageContaining("inside a header record (100 of 512 bytes)");
    byte[] shortEnd = java.util.Arrays.copyOf(tar, 1024 + 512 + 10); // one zero record, 10 bytes
    assertThatThrownBy(() -> names(shortEnd, true))
        .isInstanceOf(java.io.EOFException.class)
        .hasMessageContaining("second end-of-archive record (10 of 512 bytes)");
    assertThatThrownBy(() -> names("{\"not\":\"a tar\"}".getBytes(StandardCharsets.UTF_8), true))
        .isInstanceOf(java.io.EOFException.class);
  }

  @Test
  void gnuTarSparseFilesKeepTheirNonAsciiNamesInEverySparseFormat(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    // GNU tar's PAX sparse formats name the file in a GNU.sparse.name record (decoded as UTF-8 by
    // commons-compress), not in the ustar name (./GNUSparseFile.N/...).
    java.nio.file.Path src = java.nio.file.Files.createDirectories(dir.resolve("src"));
    try (java.nio.channels.FileChannel f =
        java.nio.channels.FileChannel.open(
            src.resolve("spärse"),
            java.nio.file.StandardOpenOption.CREATE_NEW,
            java.nio.file.StandardOpenOption.WRITE)) {
      f.write(java.nio.ByteBuffer.wrap("data".getBytes(StandardCharsets.US_ASCII)), 4_000_000);
    }
    for (List<String> format :
        List.of(
            List.of("--format=gnu", "--sparse-version=0.0"),
            List.of("--format=pax", "--sparse-version=0.0"),
            List.of("--format=pax", "--sparse-version=0.1"),
            List.of("--format=pax", "--sparse-version=1.0"))) {
      java.nio.file.Path tar = dir.resolve("sparse.tar");
      List<String> command = new ArrayList<>(List.of("tar", "-C", src.toString(), "--sparse"));
      command.addAll(format);
      command.addAll(List.of("-cf", tar.toString(), "spärse"));
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      assertThat(p.waitFor())
          .as(command + ": " + new String(p.getInputStream().readAllBytes()))
          .isZero();
      assertThat(names(java.nio.file.Files.readAllBytes(tar), true))
          .as(format.toString())
          .containsExactly("spärse");
    }
  }

  /** A tar of files named by their sizes, each of bytes counting up from its size. */
  private static byte[] filesOfSizes(int... sizes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(out)) {
      for (int size : sizes) {
        TarArchiveEntry e = new TarArchiveEntry("f" + size);
        e.setSize(size);
        t.putArchiveEntry(e);
        for (int i = 0; i < size; i++) {
          t.write(size + i);
        }
        t.closeArchiveEntry();
      }
    }
    return out.toByteArray();
  }

  @Test
  void entriesReadInPartOrNotAtAllAreFollowedByTheRightNextEntry() throws IOException {
    int[] sizes = {0, 1, 511, 512, 513, 1024, 10_000, 3};
    byte[] tar = filesOfSizes(sizes);
    for (int readAtMost : new int[] {0, 1, 100, Integer.MAX_VALUE}) {
      try (HeaderLimitedTarInputStream in =
          new HeaderLimitedTarInputStream(new ByteArrayInputStream(tar), IOException::new)) {
        for (int size : sizes) {
          TarArchiveEntry e = in.getNextEntry();
          assertThat(e.getName()).isEqualTo("f" + size);
          byte[] data = in.readNBytes(Math.min(size, readAtMost));
          for (int i = 0; i < data.length; i++) {
            assertThat(data[i]).isEqualTo((byte) (size + i));
          }
          // the padding after the data is passed over here, not by commons-compress
          assertThat(in.getBytesRead()).isLessThanOrEqualTo(tar.length);
        }
        assertThat(in.getNextEntry()).isNull();
      }
    }
  }

  @Test
  void aTarCutInsideTheLastRecordsPaddingIsTruncated() throws IOException {
    byte[] tar = filesOfSizes(1, 2);
    // the header of f1, its byte, and 10 of the 511 bytes of padding
    byte[] cut = java.util.Arrays.copyOf(tar, 512 + 1 + 10);
    try (HeaderLimitedTarInputStream in =
        new HeaderLimitedTarInputStream(new ByteArrayInputStream(cut), IOException::new)) {
      assertThat(in.getNextEntry().getName()).isEqualTo("f1");
      assertThatThrownBy(in::getNextEntry)
          .isInstanceOf(IOException.class)
          .hasMessageContaining("Truncated TAR archive");
    }
  }
}
