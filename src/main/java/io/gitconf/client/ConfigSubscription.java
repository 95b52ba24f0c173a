package io.gitconf.client;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A subscriber's queue of events. Bounded: when the subscriber falls behind, new events are dropped
 * rather than slowing reloads or other subscribers, and the next event it receives is an {@link
 * ConfigChangeEvent.EventsLost} with the count.
 *
 * <p>Thread-safe: the notifier offers from the reload thread, the subscriber takes from its own.
 */
public final class ConfigSubscription implements AutoCloseable {
  private final BlockingQueue<ConfigChangeEvent> queue;
  private final AtomicLong lost = new AtomicLong();
  private final ConfigChangeNotifier notifier;
  private volatile boolean closed;

  ConfigSubscription(int capacity, ConfigChangeNotifier notifier) {
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.notifier = notifier;
  }

  /** Waits for the next event. */
  public ConfigChangeEvent recv() throws InterruptedException {
    ConfigChangeEvent lostEvent = takeLost();
    return lostEvent != null ? lostEvent : queue.take();
  }

  /** The next event, waiting at most {@code timeout}. */
  public Optional<ConfigChangeEvent> poll(Duration timeout) throws InterruptedException {
    ConfigChangeEvent lostEvent = takeLost();
    if (lostEvent != null) {
      return Optional.of(lostEvent);
    }
    return Optional.ofNullable(queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS));
  }

  /** Events dropped so far because the queue was full. */
  public long lost() {
    return lost.get();
  }

  @Override
  public void close() {
    closed = true;
    notifier.remove(this);
  }

  boolean offer(ConfigChangeEvent event) {
    if (closed) {
      return false;
    }
    if (!queue.offer(event)) {
      lost.incrementAndGet();
      return false;
    }
    return true;
  }

  private final AtomicLong reported = new AtomicLong();

  private ConfigChangeEvent takeLost() {
    long total = lost.get();
    long already = reported.get();
    if (total > already && reported.compareAndSet(already, total)) {
      return new ConfigChangeEvent.EventsLost(total - already);
    }
    return null;
  }
}
