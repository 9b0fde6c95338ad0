package dev.ocikit.layers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class RootlessOwnerTest {
  private static String hex(long uid, long gid) {
    byte[] v = RootlessOwner.encode(uid, gid);
    return v == null ? null : HexFormat.of().formatHex(v);
  }

  private static RootlessOwner.Owner decode(String hex) {
    return RootlessOwner.decode(HexFormat.of().parseHex(hex));
  }

  @Test
  void ownersAreEncodedAsUmociRootlessWritesThem() {
    // The values umoci 0.4.7 --rootless wrote for these owners (checked by hand).
    assertThat(hex(1000, 1000)).isEqualTo("08e80710e807");
    assertThat(hex(33, 33)).isEqualTo("08211021");
    assertThat(hex(0, 50)).isEqualTo("08ffffffff0f1032"); // uid 0: NoopID, the container's root
    assertThat(hex(65534, 65534)).isEqualTo("08feff0310feff03");
    assertThat(hex(0, 0)).isNull(); // root-owned: no record
  }

  @Test
  void recordsAreDecodedWithNoopAsRootAndUnknownFieldsSkipped() {
    assertThat(decode("08e80710e807")).isEqualTo(new RootlessOwner.Owner(1000, 1000));
    assertThat(decode("08ffffffff0f1032")).isEqualTo(new RootlessOwner.Owner(0, 50));
    assertThat(decode("1032")).isEqualTo(new RootlessOwner.Owner(0, 50)); // uid absent
    assertThat(decode("")).isEqualTo(new RootlessOwner.Owner(0, 0));
    assertThat(decode("08211021" + "1805")).isEqualTo(new RootlessOwner.Owner(33, 33));
    assertThat(decode("0a0141")).isNull(); // a length-delimited field: not a Resource
    assertThat(decode("08ff")).isNull(); // truncated varint
  }
}
