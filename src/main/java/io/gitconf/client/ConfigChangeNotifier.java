package io.gitconf.client;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Delivers change events to subscriptions (bounded queues) and to listeners (on their executors),
 * never blocking the reload that publishes them.
 *
 * <p>Thread-safe.
 */
public final class ConfigChangeNotifier {
  static final int DEFAULT_CAPACITY = 1024;

  private final List<ConfigSubscription> subscriptions = new CopyOnWriteArrayList<>();
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();

  private record Listener(String prefix, Consumer<ConfigChangeEvent> callback, Executor executor) {}

  public ConfigSubscription subscribe(int capacity) {
    ConfigSubscription subscription = new ConfigSubscription(capacity, this);
    subscriptions.add(subscription);
    return subscription;
  }

  /**
   * Calls {@code listener} on {@code executor} for every event about a path under {@code prefix}
   * (and for version, restart and failure events). A slow listener delays only its own executor.
   */
  public void subscribe(String prefix, Consumer<ConfigChangeEvent> listener, Executor executor) {
    listeners.add(new Listener(prefix, listener, executor));
  }

  void publish(List<ConfigChangeEvent> events) {
    for (ConfigChangeEvent event : events) {
      for (ConfigSubscription subscription : subscriptions) {
        subscription.offer(event);
      }
      for (Listener listener : listeners) {
        if (matches(listener.prefix(), event)) {
          listener.executor().execute(() -> listener.callback().accept(event));
        }
      }
    }
  }

  void remove(ConfigSubscription subscription) {
    subscriptions.remove(subscription);
  }

  private static boolean matches(String prefix, ConfigChangeEvent event) {
    if (!(event instanceof ConfigChangeEvent.ValueChanged changed) || prefix.isEmpty()) {
      return true;
    }
    return changed.path().equals(prefix) || changed.path().startsWith(prefix + ".");
  }
}
