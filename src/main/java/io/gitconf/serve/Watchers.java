package io.gitconf.serve;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * The clients waiting for an environment's next activation, or next release state (long polls that
 * name one): long polls and event streams. None holds a thread while it waits: a long poll is a
 * request whose callback is completed later (by the activation, or by its timeout with 304); a
 * stream is a response left open. An activation is written to every waiter without waiting for any
 * of them, as the same bytes; a client that does not read only fills its own connection's buffers
 * until the idle timeout drops it.
 *
 * <p>Thread-safe.
 */
final class Watchers {
  private final Set<LongPoll> polls = ConcurrentHashMap.newKeySet();
  private final Set<EventStream> streams = ConcurrentHashMap.newKeySet();
  private final RelayMetrics metrics;
  private final TokenGate gate;

  /** The fan-out's threads, one per core; slice 0 of each fan-out runs on the caller's. */
  private final List<ExecutorService> writers;

  /** Fewer watchers than this are written by one thread. */
  private static final int MIN_SLICE = 256;

  Watchers(RelayMetrics metrics, TokenGate gate) {
    this.metrics = metrics;
    this.gate = gate;
    int cores = Math.max(1, Runtime.getRuntime().availableProcessors());
    List<ExecutorService> threads = new ArrayList<>();
    for (int i = 0; i < cores; i++) {
      String name = "gitconf-relay-fanout-" + (i + 1);
      threads.add(
          Executors.newSingleThreadExecutor(
              r -> {
                Thread thread = new Thread(r, name);
                thread.setDaemon(true);
                return thread;
              }));
    }
    this.writers = List.copyOf(threads);
  }

  /** The header of a long poll's answer that tags the environment's release state. */
  static final String RELEASE_HEADER = "Gitconf-Release";

  /**
   * Holds {@code request} until {@code environment}'s active version is not {@code known}, or, when
   * {@code release} is not null, its release state's tag is not {@code release}; or for {@code
   * timeout} (then 304). {@code active} and {@code releases} give the active version and release
   * state at any moment; they are asked again once the waiter is registered, so a change between
   * the caller's check and the registration is not missed.
   */
  void poll(
      String environment,
      int known,
      String release,
      Duration timeout,
      String authorization,
      Function<String, Published> active,
      Function<String, ReleaseView> releases,
      Request request,
      Response response,
      Callback callback) {
    LongPoll poll = new LongPoll(environment, known, release, authorization, response, callback);
    // Waiting is the point: the connection's idle timeout must not end it.
    request.addIdleTimeoutListener(timeoutException -> poll.done.get());
    request.addFailureListener(poll::abandon);
    polls.add(poll);
    metrics.longPolls(1);
    Scheduler scheduler = request.getComponents().getScheduler();
    poll.timeout = scheduler.schedule(poll::expire, timeout.toMillis(), TimeUnit.MILLISECONDS);
    Published now = active.apply(environment);
    ReleaseView view = releases.apply(environment);
    if (now != null && now.version() != known) {
      poll.deliver(now, null, view == null ? null : view.tag());
    } else if (now != null && release != null && view != null && !view.tag().equals(release)) {
      poll.deliver(now, null, view.tag());
    }
  }

  /**
   * Answers every long poll of {@code view}'s environment that named another release state with the
   * active version {@code base} and the new tag; returns how many.
   */
  int releaseChanged(ReleaseView view, Published base) {
    int sent = 0;
    for (LongPoll poll : polls) {
      if (poll.environment.equals(view.environment())
          && poll.release != null
          && !poll.release.equals(view.tag())
          && poll.deliver(base, null, view.tag())) {
        sent++;
      }
    }
    metrics.releaseFannedOut(sent);
    return sent;
  }

  /**
   * Opens an event stream on {@code response}: the active version (if any) at once, then one event
   * per activation, and a comment every so often so that proxies keep the connection.
   */
  void stream(
      String environment,
      String authorization,
      Published now,
      Request request,
      Response response,
      Callback callback) {
    EventStream stream = new EventStream(environment, authorization, response, callback);
    request.addIdleTimeoutListener(timeoutException -> false);
    request.addFailureListener(failure -> stream.end(failure));
    response.setStatus(HttpStatus.OK_200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
    streams.add(stream);
    metrics.streams(1);
    stream.send(now == null ? ": no active version yet\n\n" : event(now));
  }

  /** Writes {@code version} to every waiter of its environment; returns how many. */
  int fanOut(Published version, long noticedNanos) {
    FanOut tracker = new FanOut(noticedNanos);
    List<LongPoll> due = new ArrayList<>();
    for (LongPoll poll : polls) {
      if (poll.environment.equals(version.environment()) && poll.known != version.version()) {
        due.add(poll);
      }
    }
    AtomicInteger sent = new AtomicInteger();
    // One slice per core: a write costs the relay a header, a system call and the exchange's
    // completion, and 10,000 of them in a row on one thread would leave the other cores idle.
    int slices = due.size() < MIN_SLICE ? 1 : Math.min(writers.size(), due.size() / MIN_SLICE);
    CountDownLatch written = new CountDownLatch(slices - 1);
    for (int slice = 1; slice < slices; slice++) {
      List<LongPoll> part =
          due.subList(slice * due.size() / slices, (slice + 1) * due.size() / slices);
      writers
          .get(slice)
          .execute(
              () -> {
                try {
                  deliver(part, version, tracker, sent);
                } finally {
                  written.countDown();
                }
              });
    }
    deliver(due.subList(0, due.size() / slices), version, tracker, sent);
    try {
      written.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    String event = event(version);
    for (EventStream stream : streams) {
      if (stream.environment.equals(version.environment())) {
        sent.incrementAndGet();
        stream.send(event);
      }
    }
    tracker.armed(sent.get() > 0);
    metrics.fannedOut(sent.get());
    return sent.get();
  }

  private void deliver(List<LongPoll> part, Published version, FanOut tracker, AtomicInteger sent) {
    for (LongPoll poll : part) {
      tracker.pending.incrementAndGet();
      if (poll.deliver(version, tracker, null)) {
        sent.incrementAndGet();
      } else {
        tracker.done();
      }
    }
  }

  /** Stops the fan-out threads. */
  void close() {
    writers.forEach(ExecutorService::shutdownNow);
  }

  /** A comment on every stream, which keeps them through proxies that drop silent connections. */
  void keepAlive() {
    for (EventStream stream : streams) {
      stream.send(": keep-alive\n\n");
    }
  }

  int size() {
    return polls.size() + streams.size();
  }

  private static String event(Published version) {
    return "id: " + version.version() + "\nevent: activated\ndata: " + version.event() + "\n\n";
  }

  /**
   * Whether the bearer of {@code authorization} may still read {@code environment}; within one
   * fan-out each token is checked once (a fleet shares a few tokens), not once per watcher.
   */
  private boolean allowed(String authorization, String environment, FanOut fanOut) {
    if (fanOut == null) {
      return gate.check(authorization, environment) instanceof TokenGate.Verdict.Allowed;
    }
    return fanOut.verdicts.computeIfAbsent(
        authorization == null ? "" : authorization,
        a -> gate.check(authorization, environment) instanceof TokenGate.Verdict.Allowed);
  }

  /** The responses of one activation: when the last is written, its latency is recorded. */
  private final class FanOut {
    private final long noticedNanos;
    final Map<String, Boolean> verdicts = new ConcurrentHashMap<>();
    private volatile boolean recorded = true;

    /** Responses not written yet, plus one until every response has been started. */
    final AtomicInteger pending = new AtomicInteger(1);

    FanOut(long noticedNanos) {
      this.noticedNanos = noticedNanos;
    }

    /** Every response has been started; {@code any} says whether there was one to time. */
    void armed(boolean any) {
      recorded = any;
      done();
    }

    void done() {
      if (pending.decrementAndGet() == 0 && recorded) {
        metrics.fanOutTook(Duration.ofNanos(System.nanoTime() - noticedNanos));
      }
    }
  }

  /** One waiting long poll. */
  private final class LongPoll {
    final String environment;
    final int known;
    final String release;
    final String authorization;
    final Response response;
    final Callback callback;
    final AtomicBoolean done = new AtomicBoolean();
    volatile Scheduler.Task timeout;

    LongPoll(
        String environment,
        int known,
        String release,
        String authorization,
        Response response,
        Callback callback) {
      this.environment = environment;
      this.known = known;
      this.release = release;
      this.authorization = authorization;
      this.response = response;
      this.callback = callback;
    }

    /**
     * Answers with {@code version} (and the release tag {@code release}, when not null) unless
     * answered already; false then.
     */
    boolean deliver(Published version, FanOut tracker, String release) {
      if (!finish()) {
        return false;
      }
      Callback written =
          tracker == null
              ? callback
              : Callback.from(
                  () -> {
                    callback.succeeded();
                    tracker.done();
                  },
                  failure -> {
                    callback.failed(failure);
                    tracker.done();
                  });
      // A token revoked while its bearer waited reads nothing more.
      if (allowed(authorization, environment, tracker)) {
        if (release != null) {
          response.getHeaders().put(RELEASE_HEADER, release);
        }
        Replies.version(response, written, version);
      } else {
        Replies.error(response, written, HttpStatus.UNAUTHORIZED_401, "unknown or revoked token");
      }
      return true;
    }

    void expire() {
      if (finish()) {
        Replies.notModified(response, callback, null);
      }
    }

    /** The connection failed (closed, reset): nothing can be sent; the exchange ends failed. */
    void abandon(Throwable failure) {
      if (finish()) {
        callback.failed(failure);
      }
    }

    private boolean finish() {
      if (!done.compareAndSet(false, true)) {
        return false;
      }
      polls.remove(this);
      metrics.longPolls(-1);
      Scheduler.Task task = timeout;
      if (task != null) {
        task.cancel();
      }
      return true;
    }
  }

  /**
   * One open event stream. One write at a time: what arrives while a write is pending waits, and
   * only the newest of those is sent, so a slow reader costs one pending event, never a queue.
   */
  private final class EventStream {
    final String environment;
    final String authorization;
    final Response response;
    final Callback callback;
    private boolean writing;
    private String next;
    private boolean ended;

    EventStream(String environment, String authorization, Response response, Callback callback) {
      this.environment = environment;
      this.authorization = authorization;
      this.response = response;
      this.callback = callback;
    }

    void send(String text) {
      synchronized (this) {
        if (ended) {
          return;
        }
        if (writing) {
          // An activation outranks a keep-alive comment; a newer activation outranks an older one.
          if (next == null || !text.startsWith(":")) {
            next = text;
          }
          return;
        }
        writing = true;
      }
      write(text);
    }

    private void write(String text) {
      if (!(gate.check(authorization, environment) instanceof TokenGate.Verdict.Allowed)) {
        end(null);
        return;
      }
      response.write(
          false,
          ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)),
          Callback.from(this::written, this::end));
    }

    private void written() {
      String following;
      synchronized (this) {
        following = next;
        next = null;
        writing = following != null && !ended;
      }
      if (following != null) {
        write(following);
      }
    }

    void end(Throwable failure) {
      synchronized (this) {
        if (ended) {
          return;
        }
        ended = true;
      }
      if (streams.remove(this)) {
        metrics.streams(-1);
      }
      if (failure == null) {
        callback.succeeded();
      } else {
        callback.failed(failure);
      }
    }
  }
}
