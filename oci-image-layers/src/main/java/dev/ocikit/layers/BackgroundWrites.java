package dev.ocikit.layers;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Writes of new files, run in order on a thread of their own, so that the syscalls of creating,
 * filling and stamping a file overlap with reading the tar. The applier hands over only what cannot
 * interfere with what it does meanwhile (a new file at a path where nothing is, nor will be, until
 * the write is done) and calls {@link #sync()} before anything that could (removing, linking,
 * creating at a path still to be written). Memory stays bounded: at most {@code maxBytes} of
 * content wait at any time.
 */
final class BackgroundWrites implements AutoCloseable {
  /** One write; its failure is reported as is (the task names its entry). */
  interface Task {
    void run() throws IOException;
  }

  private record Pending(Task task, long bytes) {}

  private final long maxBytes;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private final Thread thread;
  private long queuedBytes;
  private boolean running; // a task taken from the queue and not yet done
  private boolean closed;
  private @Nullable Throwable failure;

  BackgroundWrites(String name, long maxBytes) {
    this.maxBytes = maxBytes;
    this.thread = new Thread(this::loop, name);
    thread.setDaemon(true);
    thread.start();
  }

  /** Queues a task holding {@code bytes} of content, waiting while the queue is full. */
  void submit(Task task, long bytes) throws IOException {
    lock.lock();
    try {
      while (!closed && failure == null && !queue.isEmpty() && queuedBytes + bytes > maxBytes) {
        await();
      }
      rethrow();
      queue.addLast(new Pending(task, bytes));
      queuedBytes += bytes;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Waits until every task queued so far is done; throws the first failure. */
  void sync() throws IOException {
    lock.lock();
    try {
      while ((running || !queue.isEmpty()) && failure == null && !closed) {
        await();
      }
      rethrow();
    } finally {
      lock.unlock();
    }
  }

  /** Stops the thread; tasks not yet run are dropped. */
  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      queue.clear();
      queuedBytes = 0;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    try {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void await() throws InterruptedIOException {
    try {
      changed.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted waiting for file writes");
    }
  }

  private void rethrow() throws IOException {
    Throwable f = failure;
    if (f instanceof IOException e) {
      throw e;
    }
    if (f instanceof RuntimeException e) {
      throw e;
    }
    if (f instanceof Error e) {
      throw e;
    }
  }

  private void loop() {
    while (true) {
      Pending next;
      lock.lock();
      try {
        while (queue.isEmpty() && !closed) {
          changed.awaitUninterruptibly();
        }
        if (closed) {
          return;
        }
        next = queue.pollFirst();
        queuedBytes -= next.bytes();
        running = true;
        if (queuedBytes <= maxBytes / 2) {
          // Room for the applier, waiting in submit when the queue was full: woken once half
          // of it is written, it queues many files at once, rather than one per file written
          // (a wake-up and a wait, two context switches, per file).
          changed.signalAll();
        }
      } finally {
        lock.unlock();
      }
      Throwable failed = null;
      try {
        next.task().run();
      } catch (IOException | RuntimeException | Error e) {
        failed = e;
      }
      lock.lock();
      try {
        running = false;
        if (failed != null) {
          failure = failed;
          queue.clear();
          queuedBytes = 0;
          closed = true;
        }
        if (failed != null || queue.isEmpty()) {
          changed.signalAll(); // for sync(), which waits until every write is done
        }
      } finally {
        lock.unlock();
      }
      if (failed != null) {
        return;
      }
    }
  }
}
