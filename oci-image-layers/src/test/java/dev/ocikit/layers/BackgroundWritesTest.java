package dev.ocikit.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class BackgroundWritesTest {
  @Test
  void tasksRunInOrderAndSyncWaitsForThemAll() throws IOException {
    List<Integer> done = Collections.synchronizedList(new ArrayList<>());
    try (BackgroundWrites writes = new BackgroundWrites("test", 1000)) {
      for (int i = 0; i < 5000; i++) {
        int n = i;
        writes.submit(() -> done.add(n), 1 + n % 300);
        if (i % 997 == 0) {
          writes.sync();
          assertThat(done).hasSize(i + 1);
        }
      }
      writes.sync();
    }
    assertThat(done).hasSize(5000);
    for (int i = 0; i < done.size(); i++) {
      assertThat(done.get(i)).isEqualTo(i);
    }
  }

  @Test
  void noMoreThanTheBoundWaitsAtAnyTime() throws IOException {
    AtomicLong queued = new AtomicLong();
    AtomicLong most = new AtomicLong();
    try (BackgroundWrites writes = new BackgroundWrites("test", 1000)) {
      for (int i = 0; i < 3000; i++) {
        long bytes = 1 + i % 250;
        most.accumulateAndGet(queued.addAndGet(bytes), Math::max);
        writes.submit(
            () -> {
              queued.addAndGet(-bytes);
              if (bytes % 50 == 0) {
                Thread.onSpinWait(); // a slower write now and then
              }
            },
            bytes);
      }
      writes.sync();
    }
    // What waits in the queue, plus the task being run and the one being submitted.
    assertThat(most.get()).isLessThanOrEqualTo(1000 + 2 * 250);
    assertThat(queued.get()).isZero();
  }

  @Test
  void theFirstFailureIsThrownBySyncAndLaterSubmits() throws IOException {
    try (BackgroundWrites writes = new BackgroundWrites("test", 100)) {
      writes.submit(() -> {}, 10);
      writes.submit(
          () -> {
            throw new IOException("disk full");
          },
          10);
      assertThatThrownBy(writes::sync).isInstanceOf(IOException.class).hasMessage("disk full");
      assertThatThrownBy(() -> writes.submit(() -> {}, 10)).hasMessage("disk full");
    }
  }
}
