package io.gitconf.client;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads of one client, named {@code gitconf-...} so they show up in a thread dump, and
 * daemons so a client never keeps a JVM alive. The client remembers every thread it made, so that
 * closing it can wait until each one has ended rather than only until its executor says so.
 *
 * <p>Thread-safe.
 */
final class Threads {
  private final Set<Thread> started = ConcurrentHashMap.newKeySet();
  private final AtomicInteger sequence = new AtomicInteger();

  /**
   * A factory of daemon threads called {@code name}; with {@code numbered}, {@code name-1}, {@code
   * name-2}... for a pool.
   */
  ThreadFactory factory(String name, boolean numbered) {
    return runnable -> {
      Thread thread =
          new Thread(runnable, numbered ? name + "-" + sequence.incrementAndGet() : name);
      thread.setDaemon(true);
      started.add(thread);
      return thread;
    };
  }

  /** True when the calling thread is one of this client's (a listener that closes its client). */
  boolean ownsCurrentThread() {
    return started.contains(Thread.currentThread());
  }

  /**
   * Waits until every thread this client made has ended, at most until {@code deadline} (a {@link
   * System#nanoTime()} value), never for the calling thread itself. Returns those still alive.
   */
  List<Thread> awaitAll(long deadline) throws InterruptedException {
    for (Thread thread : started) {
      long left = deadline - System.nanoTime();
      if (thread != Thread.currentThread() && left > 0) {
        thread.join(Math.max(1, Duration.ofNanos(left).toMillis()));
      }
    }
    started.removeIf(thread -> !thread.isAlive());
    return started.stream().filter(t -> t != Thread.currentThread()).toList();
  }
}
