package io.gitconf.client;

import io.gitconf.core.ConfigPath;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each published event to every subscription whose prefix it concerns, each subscription with
 * its own bounded queue: publishing never waits for a subscriber, and no subscriber waits for
 * another. Counts every event any queue dropped.
 *
 * <p>Thread-safe.
 */
final class ConfigChangeNotifier {
  static final int DEFAULT_CAPACITY = 1024;

  private static final Logger LOG = LoggerFactory.getLogger(ConfigChangeNotifier.class);

  private final int capacity;
  private final LongAdder lost = new LongAdder();
  private final List<Target> targets = new CopyOnWriteArrayList<>();
  private boolean closed;

  /** One subscription as the notifier sees it: where its events go and how it stops. */
  private record Target(
      Object owner, String prefix, Consumer<ConfigChangeEvent> offer, Runnable close) {}

  ConfigChangeNotifier(int capacity) {
    if (capacity < 1) {
      throw new io.gitconf.core.GitconfException.BadRequest(
          "a subscription must hold at least 1 event, not " + capacity);
    }
    this.capacity = capacity;
  }

  ConfigSubscription subscribe() {
    EventQueue queue = new EventQueue(capacity, lost);
    ConfigSubscription subscription = new ConfigSubscription(queue, this);
    add(new Target(subscription, "", queue::offer, queue::close));
    return subscription;
  }

  /** Calls {@code listener} on {@code executor} for every event that concerns {@code prefix}. */
  void subscribe(String prefix, Consumer<ConfigChangeEvent> listener, Executor executor) {
    if (!prefix.isEmpty()) {
      ConfigPath.parse(prefix);
    }
    ListenerDelivery delivery =
        new ListenerDelivery(prefix, listener, executor, new EventQueue(capacity, lost));
    add(new Target(delivery, prefix, delivery::offer, delivery::close));
  }

  private synchronized void add(Target target) {
    if (closed) {
      target.close().run();
      throw new IllegalStateException("the manager is closed: no more subscriptions");
    }
    targets.add(target);
  }

  void publish(List<ConfigChangeEvent> events) {
    for (ConfigChangeEvent event : events) {
      for (Target target : targets) {
        Optional<ConfigChangeEvent> concerning = concerning(target.prefix(), event);
        if (concerning.isPresent()) {
          try {
            target.offer().accept(concerning.get());
          } catch (RuntimeException e) {
            // An executor running the listener on this thread, and the listener failed.
            LOG.warn("delivering {} failed: {}", event.getClass().getSimpleName(), e.toString());
          }
        }
      }
    }
  }

  /** Events dropped so far by every subscription, closed ones included. */
  long lost() {
    return lost.sum();
  }

  void remove(Object owner) {
    targets.removeIf(target -> target.owner() == owner);
  }

  /** Closes every subscription; new ones are refused. */
  synchronized void close() {
    closed = true;
    targets.forEach(target -> target.close().run());
    targets.clear();
  }

  /**
   * What of {@code event} a subscription to {@code prefix} receives: a value change under it, the
   * restart paths under it, and every event about the whole snapshot or the subscription.
   */
  static Optional<ConfigChangeEvent> concerning(String prefix, ConfigChangeEvent event) {
    if (prefix.isEmpty()) {
      return Optional.of(event);
    }
    if (event instanceof ConfigChangeEvent.ValueChanged changed) {
      return under(prefix, changed.path()) ? Optional.of(event) : Optional.empty();
    }
    if (event instanceof ConfigChangeEvent.RestartRequired restart) {
      List<String> paths = restart.paths().stream().filter(p -> under(prefix, p)).toList();
      if (paths.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(
          paths.size() == restart.paths().size()
              ? event
              : new ConfigChangeEvent.RestartRequired(paths, restart.version()));
    }
    return Optional.of(event);
  }

  private static boolean under(String prefix, String path) {
    return path.equals(prefix) || path.startsWith(prefix + ".");
  }
}
