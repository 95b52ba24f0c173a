package io.gitconf.testing;

import java.util.function.BooleanSupplier;

/** Waits for a condition, checking it every 20 ms, and fails after a minute. */
public final class Awaits {
  private Awaits() {}

  public static void until(BooleanSupplier condition) {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within a minute");
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
