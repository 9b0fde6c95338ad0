package dev.ocikit.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BufferPoolTest {
  @Test
  void anArrayGivenBackIsTakenAgainForASizeOfItsClass() {
    BufferPool pool = new BufferPool(256 * 1024, 1 << 20);
    byte[] a = pool.take(3000);
    assertThat(a.length).isEqualTo(4096);
    pool.give(a);
    assertThat(pool.pooled()).isEqualTo(4096);
    assertThat(pool.take(2049)).isSameAs(a);
    assertThat(pool.pooled()).isZero();
    assertThat(pool.take(2049)).isNotSameAs(a); // taken once only
  }

  @Test
  void sizesRoundUpToPowersOfTwoFrom512Bytes() {
    BufferPool pool = new BufferPool(256 * 1024, 1 << 20);
    assertThat(pool.take(0).length).isEqualTo(512);
    assertThat(pool.take(1).length).isEqualTo(512);
    assertThat(pool.take(512).length).isEqualTo(512);
    assertThat(pool.take(513).length).isEqualTo(1024);
    assertThat(pool.take(256 * 1024).length).isEqualTo(256 * 1024);
    assertThatThrownBy(() -> pool.take(256 * 1024 + 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("262145");
  }

  @Test
  void thePoolHoldsNoMoreThanItsBound() {
    BufferPool pool = new BufferPool(4096, 8192);
    byte[] a = pool.take(4096);
    byte[] b = pool.take(4096);
    byte[] c = pool.take(4096);
    pool.give(a);
    pool.give(b);
    pool.give(c); // dropped: the pool is full
    assertThat(pool.pooled()).isEqualTo(8192);
    pool.give(new byte[1000]); // not one of its sizes: dropped
    assertThat(pool.pooled()).isEqualTo(8192);
  }
}
