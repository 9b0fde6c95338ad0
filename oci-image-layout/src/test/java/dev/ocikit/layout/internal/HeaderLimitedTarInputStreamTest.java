package dev.ocikit.layout.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
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
}
