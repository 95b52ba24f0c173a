package io.gitconf.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Waits between attempts to reach a source again: {@code first}, doubling up to {@code max}, each
 * wait drawn at random between half and all of that (jitter), so that the clients of a source that
 * comes back do not all return in the same moment. Immutable.
 */
record Backoff(Duration first, Duration max) {

  /** The wait before attempt {@code failures + 1}, after {@code failures} failures in a row. */
  Duration delay(int failures) {
    long ceiling = first.toMillis() << Math.min(Math.max(failures - 1, 0), 20);
    long bounded = Math.min(Math.max(ceiling, 1), max.toMillis());
    long half = bounded / 2;
    return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(bounded - half + 1));
  }

  /** Sleeps {@code wait}; false (and the interrupt kept) when interrupted. */
  static boolean sleep(Duration wait) {
    try {
      Thread.sleep(wait.toMillis());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
