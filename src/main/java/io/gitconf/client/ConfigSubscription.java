package io.gitconf.client;

import java.time.Duration;
import java.util.Optional;

/**
 * A subscriber's own queue of events, taken with {@link #recv()} or {@link #poll(Duration)}.
 * Bounded: when the subscriber falls behind, new events are dropped rather than slowing reloads or
 * other subscribers, and the next event it receives is an {@link ConfigChangeEvent.EventsLost} with
 * the count. Closing the subscription, or the manager, stops new events; those already queued can
 * still be taken.
 *
 * <p>Thread-safe: the manager offers from its reload thread, the subscriber takes from its own.
 */
public final class ConfigSubscription implements AutoCloseable {
  private final EventQueue queue;
  private final ConfigChangeNotifier notifier;

  ConfigSubscription(EventQueue queue, ConfigChangeNotifier notifier) {
    this.queue = queue;
    this.notifier = notifier;
  }

  /**
   * Waits for the next event.
   *
   * @throws IllegalStateException when the subscription (or its manager) is closed and every queued
   *     event has been taken
   */
  public ConfigChangeEvent recv() throws InterruptedException {
    return queue.take("the subscription is closed and holds no more events");
  }

  /**
   * The next event, waiting at most {@code timeout}; empty when none came in time, or at once when
   * the subscription is closed and holds no more.
   */
  public Optional<ConfigChangeEvent> poll(Duration timeout) throws InterruptedException {
    return queue.poll(timeout);
  }

  /** Events dropped so far because the queue was full. */
  public long lost() {
    return queue.lost();
  }

  /** Stops receiving events; idempotent. */
  @Override
  public void close() {
    queue.close();
    notifier.remove(this);
  }

  EventQueue queue() {
    return queue;
  }
}
