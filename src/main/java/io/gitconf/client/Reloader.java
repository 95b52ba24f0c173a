package io.gitconf.client;

import io.gitconf.core.GitRemotes;
import io.gitconf.core.GitconfException;
import io.gitconf.core.Problem;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reload state machine of one client: the snapshot served, what the source last gave, whether
 * the last reload failed, and the TTL poll. A reload loads, validates and binds a whole new
 * snapshot before it replaces the served one; any failure on the way (the source's, whatever its
 * kind, or the new snapshot's) leaves the served snapshot as it is and is reported once as {@link
 * ConfigChangeEvent.ReloadFailed} while it repeats.
 *
 * <p>Thread-safe: reloads are serialized by one lock; readers read the served snapshot without it.
 */
final class Reloader {
  private static final Logger LOG = LoggerFactory.getLogger(Reloader.class);

  private final ConfigSource source;
  private final String environment;
  private final ConfigCache cache;
  private final ConfigChangeNotifier notifier;
  private final ClientSnapshot startup;
  private final ReentrantLock lock = new ReentrantLock();
  private volatile ClientSnapshot current;
  private volatile boolean stopped;

  /** What the source last gave, so an unchanged source is not applied (or reported) twice. */
  private String lastFingerprint;

  /**
   * The reasons of the last failed reload, so a source that stays down is reported once; empty once
   * a reload succeeds. Volatile for {@link #status}.
   */
  private volatile List<String> lastFailure;

  /** When a load last succeeded (changed or not); null before the first. For {@link #status}. */
  private volatile Instant lastSuccess;

  /** False while the last attempt could not reach the source. For {@link #status}. */
  private volatile boolean reachable;

  /** Failed reload attempts by cause ({@link #cause}); every attempt counts, repeated or not. */
  private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();

  /**
   * The TTL poll: always for a source that can miss telling of a change, and for any source until a
   * client that started from its last-known-good cache has reached it.
   */
  private volatile ScheduledFuture<?> polling;

  private Reloader(
      ConfigSource source,
      String environment,
      ConfigCache cache,
      ConfigChangeNotifier notifier,
      ClientSnapshot first,
      String fingerprint,
      List<String> failure) {
    this.source = source;
    this.environment = environment;
    this.cache = cache;
    this.notifier = notifier;
    this.startup = first;
    this.current = first;
    this.lastFingerprint = fingerprint;
    this.lastFailure = failure;
    this.reachable = failure.isEmpty();
    if (failure.isEmpty()) {
      this.lastSuccess = Instant.now(CLOCK);
    }
  }

  /** The clock of {@link ClientStatus#lastSuccessfulReload()}. */
  private static final Clock CLOCK = Clock.systemUTC();

  /**
   * Loads the first snapshot; when the source cannot give one, the last-known-good cache's, with a
   * warning.
   *
   * @throws GitconfException.Unavailable with neither
   */
  static Reloader start(
      ConfigSource source, String environment, ConfigCache cache, ConfigChangeNotifier notifier) {
    try {
      ConfigSource.Loaded loaded = guarded(source, () -> source.load(environment));
      ClientSnapshot first =
          guarded(
              source,
              () -> ClientSnapshot.of(loaded.snapshot(), loaded.version(), loaded.commit()));
      cache.write(loaded);
      return new Reloader(
          source, environment, cache, notifier, first, loaded.fingerprint(), List.of());
    } catch (GitconfException e) {
      Optional<ConfigCache.Cached> cached = cache.read(environment);
      if (cached.isEmpty()) {
        throw new GitconfException.Unavailable(
            source.describe()
                + ": cannot load environment "
                + environment
                + " and there is no last-known-good cache"
                + cache.file().map(f -> " at " + f).orElse(" (none configured)")
                + ": "
                + e.getMessage(),
            e);
      }
      String why = firstLine(e);
      Reloader fromCache =
          new Reloader(
              source,
              environment,
              cache,
              notifier,
              cached.get().snapshot(),
              cached.get().fingerprint(),
              List.of(firstLine(e)));
      fromCache.count(e);
      LOG.warn(
          "{}; serving the last-known-good snapshot ({}) until it can be reloaded",
          why.startsWith(source.describe()) ? why : source.describe() + ": " + why,
          cached.get().snapshot());
      return fromCache;
    }
  }

  /** What a health check or a metric shows of this client: see {@link ClientStatus}. */
  ClientStatus status(String sourceDescription, long eventsLost) {
    Map<String, Long> byCause = new TreeMap<>();
    failures.forEach((cause, count) -> byCause.put(cause, count.sum()));
    return new ClientStatus(
        sourceDescription,
        current,
        Optional.ofNullable(lastSuccess),
        lastFailure,
        reachable,
        byCause,
        eventsLost);
  }

  ClientSnapshot current() {
    return current;
  }

  /** Starts the TTL poll on {@code poller} if this source or a start from the cache needs it. */
  void startPolling(ScheduledExecutorService poller) {
    lock.lock();
    try {
      if (source.needsPolling() || !lastFailure.isEmpty()) {
        long ttl = cache.ttl().toMillis();
        polling = poller.scheduleWithFixedDelay(this::refresh, ttl, ttl, TimeUnit.MILLISECONDS);
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Loads the source now and applies what changed; false (and {@code ReloadFailed} to subscribers)
   * when the new configuration cannot be loaded, validated or bound, or when reloading has stopped.
   */
  boolean reload() {
    lock.lock();
    try {
      return !stopped && attempt(false);
    } finally {
      lock.unlock();
    }
  }

  /**
   * A reload that first asks the source, cheaply, whether there is anything new: what the watcher
   * and the TTL poll call, from their own threads. Never throws.
   */
  void refresh() {
    if (stopped) {
      return;
    }
    lock.lock();
    try {
      if (!stopped) {
        attempt(true);
      }
    } catch (RuntimeException e) {
      // Keeps the TTL poll alive: an executor runs no more of a task that threw.
      LOG.warn("{}: unexpected failure while reloading: {}", source.describe(), e.toString());
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stops the TTL poll and any later reload, waiting at most {@code nanos} for one in progress to
   * end. Returns false when one was still running then.
   */
  boolean stop(long nanos) throws InterruptedException {
    stopped = true;
    ScheduledFuture<?> poll = polling;
    if (poll != null) {
      poll.cancel(false);
    }
    if (!lock.tryLock(nanos, TimeUnit.NANOSECONDS)) {
      return false;
    }
    lock.unlock();
    return true;
  }

  /**
   * Called with the lock held. A poll ({@code askFirst}) asks for the fingerprint first and reports
   * a failure once while it repeats; an explicit reload always reports its failure.
   */
  private boolean attempt(boolean askFirst) {
    try {
      if (askFirst) {
        Optional<String> fingerprint = guarded(source, () -> source.fingerprint(environment));
        if (fingerprint.isPresent() && fingerprint.get().equals(lastFingerprint)) {
          recovered();
          return true;
        }
      }
      ConfigSource.Loaded loaded = guarded(source, () -> source.load(environment));
      if (!loaded.fingerprint().equals(lastFingerprint)) {
        SnapshotUpdate update = guarded(source, () -> SnapshotUpdate.of(startup, current, loaded));
        current = update.next();
        lastFingerprint = loaded.fingerprint();
        recovered();
        cache.write(loaded);
        notifier.publish(update.events());
      } else {
        recovered();
      }
      return true;
    } catch (GitconfException e) {
      if (!askFirst) {
        lastFailure = List.of();
      }
      failed(e);
      return false;
    }
  }

  /** Reports a failed reload, once while the same failure repeats (a source that stays down). */
  private void failed(GitconfException e) {
    count(e);
    List<String> reasons =
        e instanceof GitconfException.ValidationFailed validation
            ? validation.problems().stream().map(Problem::toString).toList()
            : List.of(firstLine(e));
    if (reasons.equals(lastFailure)) {
      return;
    }
    lastFailure = reasons;
    LOG.warn(
        "{}: reload of {} failed, still serving {}: {}",
        source.describe(),
        environment,
        current,
        reasons);
    notifier.publish(List.of(new ConfigChangeEvent.ReloadFailed(reasons)));
  }

  private void recovered() {
    lastSuccess = Instant.now(CLOCK);
    reachable = true;
    if (!lastFailure.isEmpty()) {
      LOG.info("{}: reachable again, serving {}", source.describe(), current);
      lastFailure = List.of();
      ScheduledFuture<?> poll = polling;
      if (!source.needsPolling() && poll != null) {
        poll.cancel(false);
      }
    }
  }

  /** Counts a failed attempt under its cause, and whether the source could be reached. */
  private void count(GitconfException e) {
    reachable = !(e instanceof GitconfException.Unavailable);
    failures.computeIfAbsent(cause(e), c -> new LongAdder()).increment();
  }

  /**
   * The cause of a failure as metrics name it: the exception's kind in snake case ({@code
   * unavailable}, {@code validation_failed}, {@code decryption}, ...).
   */
  static String cause(GitconfException e) {
    return e.getClass()
        .getSimpleName()
        .replaceAll("([a-z])([A-Z])", "$1_$2")
        .toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * Runs one step of a load; a runtime failure that is not a {@link GitconfException} (a file
   * renamed while it was read, a driver's bug) is one as well: {@link GitconfException.Unavailable}
   * with the source and the failure's message.
   */
  static <T> T guarded(ConfigSource source, Supplier<T> step) {
    try {
      return step.get();
    } catch (GitconfException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new GitconfException.Unavailable(source.describe() + ": " + message(e), e);
    }
  }

  /**
   * The failure's message and its cause's, which is often where the reason is; never a URL
   * password.
   */
  private static String message(Throwable e) {
    String text = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    Throwable cause = e.getCause();
    if (cause != null && cause.getMessage() != null && !text.contains(cause.getMessage())) {
      text = text + ": " + cause.getMessage();
    }
    return GitRemotes.redact(text);
  }

  private static String firstLine(Exception e) {
    return String.valueOf(e.getMessage()).lines().findFirst().orElse("");
  }
}
