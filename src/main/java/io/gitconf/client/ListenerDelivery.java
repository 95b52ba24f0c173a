package io.gitconf.client;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one listener's events from its own bounded queue, one at a time and in order, by handing
 * a drain task to the listener's executor whenever events are waiting and no drain is running.
 * Whatever the listener does stays with it: if it blocks, only its queue fills (and then drops,
 * reported as {@link ConfigChangeEvent.EventsLost}); if it throws, the failure is logged and
 * delivery goes on; if its executor rejects the task, its events wait in its queue and the next
 * event tries again.
 *
 * <p>Thread-safe: offered from a reload thread, drained on the executor's threads, at most one
 * drain at a time.
 */
final class ListenerDelivery {
  private static final Logger LOG = LoggerFactory.getLogger(ListenerDelivery.class);

  private final String prefix;
  private final Consumer<ConfigChangeEvent> listener;
  private final Executor executor;
  private final EventQueue queue;
  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicBoolean rejected = new AtomicBoolean();

  ListenerDelivery(
      String prefix, Consumer<ConfigChangeEvent> listener, Executor executor, EventQueue queue) {
    this.prefix = prefix;
    this.listener = listener;
    this.executor = executor;
    this.queue = queue;
  }

  void offer(ConfigChangeEvent event) {
    queue.offer(event);
    schedule();
  }

  long lost() {
    return queue.lost();
  }

  void close() {
    queue.close();
  }

  private void schedule() {
    if (queue.isClosed() || queue.isEmpty() || !draining.compareAndSet(false, true)) {
      return;
    }
    try {
      executor.execute(this::drain);
      rejected.set(false);
    } catch (RejectedExecutionException e) {
      draining.set(false);
      if (rejected.compareAndSet(false, true)) {
        LOG.warn(
            "the executor of the listener to {} refused its events ({}); they wait in its queue",
            describe(),
            e.toString());
      }
    }
  }

  private void drain() {
    try {
      ConfigChangeEvent event;
      while (!queue.isClosed() && (event = queue.poll()) != null) {
        deliver(event);
      }
    } finally {
      draining.set(false);
    }
    // An event offered after the last poll but before the flag was cleared found a drain running.
    schedule();
  }

  private void deliver(ConfigChangeEvent event) {
    try {
      listener.accept(event);
    } catch (RuntimeException e) {
      LOG.warn(
          "the listener to {} failed on {}: {}",
          describe(),
          event.getClass().getSimpleName(),
          e.toString());
      LOG.debug("the listener's failure", e);
    }
  }

  private String describe() {
    return prefix.isEmpty() ? "every event" : "events under " + prefix;
  }
}
