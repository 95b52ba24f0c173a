package io.gitconf.client;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything one client starts, and the one order in which it is all released, by {@link
 * ConfigManager#close()} and by a {@link ConfigManager.Builder#build()} that fails half-way: stop
 * reloading (the TTL poll, and wait for a reload in progress), close the source (its watcher or
 * listener), close the subscriptions, shut down and await every executor, wait for every thread the
 * client made, and remove its temporary folders. The whole release is bounded by {@link #BOUND};
 * what outlives it is logged.
 *
 * <p>Thread-safe.
 */
final class ClientResources {
  /** How long closing a client may wait, in all, for its reload, executors and threads. */
  static final Duration BOUND = Duration.ofSeconds(10);

  private static final Logger LOG = LoggerFactory.getLogger(ClientResources.class);

  private final Threads threads = new Threads();
  private final List<ExecutorService> executors = new ArrayList<>();
  private final List<TemporaryDirectory> temporary = new ArrayList<>();
  private Reloader reloader;
  private ConfigSource source;
  private ConfigChangeNotifier notifier;

  Threads threads() {
    return threads;
  }

  synchronized <E extends ExecutorService> E executor(E executor) {
    executors.add(executor);
    return executor;
  }

  synchronized TemporaryDirectory temporaryDirectory(Path root, String label) {
    TemporaryDirectory directory = TemporaryDirectory.create(root, label);
    temporary.add(directory);
    return directory;
  }

  synchronized void source(ConfigSource source) {
    this.source = source;
  }

  synchronized void reloader(Reloader reloader) {
    this.reloader = reloader;
  }

  synchronized void notifier(ConfigChangeNotifier notifier) {
    this.notifier = notifier;
  }

  /** Releases everything, in order; {@code owner} names the client in the log. */
  synchronized void release(String owner) {
    long deadline = System.nanoTime() + BOUND.toNanos();
    boolean interrupted = false;
    try {
      if (reloader != null && !reloader.stop(left(deadline))) {
        LOG.warn("{}: a reload still ran after {} s; closing anyway", owner, BOUND.toSeconds());
      }
    } catch (InterruptedException e) {
      interrupted = true;
    }
    if (source != null) {
      try {
        source.close();
      } catch (RuntimeException e) {
        LOG.warn("{}: closing the source failed: {}", owner, e.toString());
      }
    }
    if (notifier != null) {
      notifier.close();
    }
    executors.forEach(ExecutorService::shutdownNow);
    // A listener that closes its own client runs on a thread this waits for: it must not.
    boolean fromOwnThread = threads.ownsCurrentThread();
    try {
      for (ExecutorService executor : executors) {
        if (!interrupted && !fromOwnThread) {
          executor.awaitTermination(left(deadline), TimeUnit.NANOSECONDS);
        }
      }
      List<Thread> alive = interrupted ? List.of() : threads.awaitAll(deadline);
      if (!alive.isEmpty()) {
        LOG.warn(
            "{}: closed, but {} did not end within {} s (a listener that ignores interrupts?)",
            owner,
            alive.stream().map(Thread::getName).toList(),
            BOUND.toSeconds());
      }
    } catch (InterruptedException e) {
      interrupted = true;
    }
    temporary.forEach(TemporaryDirectory::delete);
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static long left(long deadline) {
    return Math.max(0, deadline - System.nanoTime());
  }
}
