package io.gitconf.client;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One subscription's bounded queue of events. Offering never waits: when the queue is full the
 * event is dropped and counted, and the next event taken is an {@link ConfigChangeEvent.EventsLost}
 * with the number dropped since the last one. Closing wakes every waiting taker.
 *
 * <p>Thread-safe: the notifier offers from a reload thread, the subscriber takes from its own.
 */
final class EventQueue {
  private final int capacity;
  private final LongAdder lostByClient;
  private final ArrayDeque<ConfigChangeEvent> events = new ArrayDeque<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private long lost;
  private long reported;
  private boolean closed;

  /**
   * @param lostByClient the client-wide count of dropped events, which this queue adds to
   */
  EventQueue(int capacity, LongAdder lostByClient) {
    if (capacity < 1) {
      throw new IllegalArgumentException("a subscription holds at least 1 event, not " + capacity);
    }
    this.capacity = capacity;
    this.lostByClient = lostByClient;
  }

  /** Queues {@code event}; false when it was dropped (queue full) or the queue is closed. */
  boolean offer(ConfigChangeEvent event) {
    lock.lock();
    try {
      if (closed) {
        return false;
      }
      if (events.size() >= capacity) {
        lost++;
        lostByClient.increment();
        return false;
      }
      events.add(event);
      changed.signal();
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** The next event without waiting, or null when there is none. */
  ConfigChangeEvent poll() {
    lock.lock();
    try {
      return next();
    } finally {
      lock.unlock();
    }
  }

  /** The next event, waiting at most {@code timeout}; empty when none came or the queue closed. */
  Optional<ConfigChangeEvent> poll(Duration timeout) throws InterruptedException {
    long nanos = timeout.toNanos();
    lock.lock();
    try {
      ConfigChangeEvent event;
      while ((event = next()) == null && !closed && nanos > 0) {
        nanos = changed.awaitNanos(nanos);
      }
      return Optional.ofNullable(event);
    } finally {
      lock.unlock();
    }
  }

  /**
   * The next event, waiting as long as it takes.
   *
   * @throws IllegalStateException when the queue is closed and holds nothing more
   */
  ConfigChangeEvent take(String closedMessage) throws InterruptedException {
    lock.lock();
    try {
      ConfigChangeEvent event;
      while ((event = next()) == null) {
        if (closed) {
          throw new IllegalStateException(closedMessage);
        }
        changed.await();
      }
      return event;
    } finally {
      lock.unlock();
    }
  }

  /** Events dropped so far because the queue was full. */
  long lost() {
    lock.lock();
    try {
      return lost;
    } finally {
      lock.unlock();
    }
  }

  boolean isEmpty() {
    lock.lock();
    try {
      return events.isEmpty() && lost == reported;
    } finally {
      lock.unlock();
    }
  }

  /** Stops accepting events; what is queued can still be taken. */
  void close() {
    lock.lock();
    try {
      closed = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  boolean isClosed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }

  /** Called with the lock held: a loss report first, then the oldest event. */
  private ConfigChangeEvent next() {
    if (lost > reported) {
      long count = lost - reported;
      reported = lost;
      return new ConfigChangeEvent.EventsLost(count);
    }
    return events.poll();
  }
}
