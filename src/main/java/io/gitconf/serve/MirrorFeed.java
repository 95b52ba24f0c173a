package io.gitconf.serve;

import io.gitconf.core.GitconfException;
import io.gitconf.core.Json;
import io.gitconf.mirror.MirrorReader;
import io.gitconf.mirror.MirrorSql;
import io.gitconf.mirror.Notification;
import io.gitconf.mirror.ReleaseEvent;
import io.gitconf.mirror.ReleaseReader;
import io.gitconf.mirror.ReleaseState;
import io.gitconf.mirror.VersionRecord;
import io.gitconf.mirror.VersionStatus;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the relay knows of the mirror: each environment's active version, as {@link Published}
 * bytes, and the state of its release ({@link ReleaseView}, with the candidate's bytes), kept
 * current by one {@code LISTEN} connection on the activation and release channels. When that
 * connection is lost the feed polls the mirror once a second through the pool, says so in {@link
 * #state()}, and keeps trying to listen again; on every (re)connection it reads every active
 * version and release, since a notification sent while nobody listened is gone. Every new version
 * is handed to {@link Watchers#fanOut}, every new release state to {@link Watchers#releaseChanged}.
 *
 * <p>Thread-safe: one thread of its own listens and polls; readers read a concurrent map.
 */
final class MirrorFeed implements AutoCloseable {
  /** What {@code /health} tells. */
  record State(boolean listening, Optional<String> databaseProblem, long staleNanos) {}

  /** Shown in {@code pg_stat_activity}, so an operator can tell a relay's session apart. */
  static final String APPLICATION_NAME = "gitconf-relay-listener";

  private static final Logger LOG = LoggerFactory.getLogger(MirrorFeed.class);
  static final Duration POLL = Duration.ofSeconds(1);
  private static final Duration CHECK_LISTENER = Duration.ofSeconds(5);

  private final MirrorReader mirror;
  private final ReleaseReader releaseReader;
  private final Map<String, ReleaseView> releases = new ConcurrentHashMap<>();
  private final ListenConnections listen;
  private final Watchers watchers;
  private final Map<String, Published> active = new ConcurrentHashMap<>();
  private volatile Set<String> environments = Set.of();
  private final Thread thread;
  private volatile boolean closed;
  private volatile boolean listening;
  private volatile String databaseProblem;
  private volatile long syncedAtNanos = System.nanoTime();

  MirrorFeed(DataSource pool, ListenConnections listen, Watchers watchers) {
    this.mirror = MirrorReader.of(pool);
    this.releaseReader = ReleaseReader.of(pool);
    this.listen = listen;
    this.watchers = watchers;
    this.thread = new Thread(this::run, "gitconf-relay-feed");
    this.thread.setDaemon(true);
  }

  /**
   * Reads every active version (a database it cannot reach is reported, not fatal), then listens.
   */
  void start() {
    catchUp();
    thread.start();
  }

  /** The active version of {@code environment}; null before its first, or for an unknown one. */
  Published active(String environment) {
    return active.get(environment);
  }

  /** The release state of {@code environment}; null before its first active version. */
  ReleaseView release(String environment) {
    return releases.get(environment);
  }

  /** True when the mirror has this environment (with or without an active version). */
  boolean knows(String environment) {
    return environments.contains(environment) || active.containsKey(environment);
  }

  /**
   * Version {@code version} of {@code environment} as stored, read now through the pool; empty when
   * there is no such version or it was rejected.
   */
  Optional<Published> version(String environment, int version) {
    Published current = active.get(environment);
    if (current != null && current.version() == version) {
      return Optional.of(current);
    }
    ReleaseView release = releases.get(environment);
    if (release != null
        && release.candidate().isPresent()
        && release.candidate().get().version() == version) {
      return release.candidate();
    }
    Optional<VersionRecord> row = mirror.version(environment, version);
    if (row.isEmpty() || row.get().status() == VersionStatus.REJECTED) {
      return Optional.empty();
    }
    return Optional.of(Published.of(row.get(), mirror.items(environment, version)));
  }

  /** The environments with an active version held, by name. */
  SortedSet<String> environmentNames() {
    return new TreeSet<>(active.keySet());
  }

  State state() {
    long stale = listening && databaseProblem == null ? 0 : System.nanoTime() - syncedAtNanos;
    return new State(listening, Optional.ofNullable(databaseProblem), stale);
  }

  boolean listening() {
    return listening;
  }

  private void run() {
    boolean lost = false;
    while (!closed) {
      Connection connection = null;
      try {
        connection = listen.open();
        Notification.listen(connection, APPLICATION_NAME);
        try (Statement statement = connection.createStatement()) {
          statement.execute("LISTEN " + ReleaseEvent.CHANNEL);
        }
        PGConnection pg = connection.unwrap(PGConnection.class);
        listening = true;
        if (lost) {
          LOG.info("relay: listening for activations again; catching up");
          lost = false;
        }
        catchUp();
        long checked = System.nanoTime();
        while (!closed) {
          PGNotification[] notifications = pg.getNotifications((int) POLL.toMillis());
          long noticed = System.nanoTime();
          if (notifications != null) {
            for (PGNotification notification : notifications) {
              if (ReleaseEvent.CHANNEL.equals(notification.getName())) {
                releaseChanged(notification.getParameter());
                continue;
              }
              Optional<Notification> parsed = Notification.parse(notification.getParameter());
              if (parsed.isPresent()) {
                refresh(parsed.get().environment(), noticed);
              } else {
                catchUp();
              }
            }
          }
          if (noticed - checked > CHECK_LISTENER.toNanos()) {
            if (!connection.isValid((int) CHECK_LISTENER.toSeconds())) {
              throw new SQLException("the LISTEN connection stopped answering");
            }
            checked = noticed;
            syncedAtNanos = noticed;
          }
        }
      } catch (SQLException | RuntimeException e) {
        listening = false;
        if (closed) {
          break;
        }
        if (!lost) {
          LOG.warn(
              "relay: activations no longer arrive by LISTEN ({}); polling the mirror every {} s",
              firstLine(e),
              POLL.toSeconds());
          lost = true;
        }
        closeQuietly(connection);
        connection = null;
        catchUp();
        if (!sleep(POLL)) {
          break;
        }
      } finally {
        closeQuietly(connection);
      }
    }
    listening = false;
  }

  /** Reads every active version and publishes the ones that changed. Never throws. */
  void catchUp() {
    long noticed = System.nanoTime();
    try {
      List<VersionRecord> rows = mirror.activeVersions();
      environments = Set.copyOf(mirror.environments());
      for (VersionRecord row : rows) {
        Published held = active.get(row.environment());
        if (held == null || !held.sameAs(row)) {
          publish(row, noticed);
        }
      }
      Map<String, ReleaseState> states = new HashMap<>();
      releaseReader.statesIfReleases().forEach(state -> states.put(state.environment(), state));
      for (VersionRecord row : rows) {
        updateRelease(row.environment(), Optional.ofNullable(states.get(row.environment())));
      }
      reachable(noticed);
    } catch (GitconfException e) {
      unreachable(e);
    }
  }

  /** Reads the active version of one environment and publishes it if it changed. Never throws. */
  private void refresh(String environment, long noticed) {
    try {
      Optional<VersionRecord> row = mirror.activeVersion(environment);
      if (!environments.contains(environment)) {
        environments = Set.copyOf(mirror.environments());
      }
      Published held = active.get(environment);
      if (row.isPresent() && (held == null || !held.sameAs(row.get()))) {
        publish(row.get(), noticed);
        updateRelease(environment, releaseReader.stateIfReleases(environment));
      }
      reachable(noticed);
    } catch (GitconfException e) {
      unreachable(e);
    }
  }

  /** A release event of the environment its payload names: its release state is read again. */
  private void releaseChanged(String payload) {
    String environment;
    try {
      environment = Json.parse("release notification", payload).path("environment").asText("");
    } catch (GitconfException e) {
      environment = "";
    }
    if (environment.isEmpty()) {
      catchUp();
      return;
    }
    // A promotion activates the candidate in the same transaction: the active version is read
    // first, so that the release's end is never sent with the old base.
    refresh(environment, System.nanoTime());
    try {
      updateRelease(environment, releaseReader.stateIfReleases(environment));
    } catch (GitconfException e) {
      unreachable(e);
    }
  }

  /**
   * Makes {@code environment}'s release view of its active version and {@code state}; when its tag
   * changed, tells the watchers. The candidate's document is read once per candidate version.
   */
  private void updateRelease(String environment, Optional<ReleaseState> state) {
    Published base = active.get(environment);
    if (base == null) {
      return;
    }
    ReleaseView held = releases.get(environment);
    Optional<ReleaseState> serving = state.filter(s -> s.version() != base.version());
    Optional<Published> candidate = Optional.empty();
    Optional<Integer> wanted = serving.filter(ReleaseState::serving).map(ReleaseState::version);
    if (wanted.isPresent()) {
      if (held != null
          && held.candidate().isPresent()
          && held.candidate().get().version() == wanted.get()) {
        candidate = held.candidate();
      } else {
        Optional<VersionRecord> row = mirror.version(environment, wanted.get());
        if (row.isPresent()) {
          candidate = Optional.of(Published.of(row.get(), mirror.items(environment, wanted.get())));
        }
      }
    }
    ReleaseView view = ReleaseView.of(environment, base.version(), serving, candidate);
    if (held == null || !held.tag().equals(view.tag())) {
      releases.put(environment, view);
      if (held != null) {
        int sent = watchers.releaseChanged(view, base);
        LOG.debug("relay: release {} sent to {} watchers", view, sent);
      }
    }
  }

  private void publish(VersionRecord row, long noticed) {
    Published version = Published.of(row, mirror.items(row.environment(), row.version()));
    Published previous = active.put(row.environment(), version);
    if (previous == null || previous.version() != version.version()) {
      int sent = watchers.fanOut(version, noticed);
      LOG.debug("relay: {} sent to {} watchers", version, sent);
    }
  }

  private void reachable(long at) {
    if (databaseProblem != null) {
      LOG.info("relay: the mirror database answers again");
    }
    databaseProblem = null;
    syncedAtNanos = at;
  }

  private void unreachable(GitconfException e) {
    String problem = firstLine(e);
    if (databaseProblem == null) {
      LOG.warn("relay: cannot read the mirror ({}); serving the versions held", problem);
    }
    databaseProblem = problem;
  }

  private static String firstLine(Exception e) {
    return e.getMessage() == null
        ? e.getClass().getSimpleName()
        : MirrorSql.firstLine(e.getMessage());
  }

  private static void closeQuietly(Connection connection) {
    if (connection == null) {
      return;
    }
    try {
      connection.close();
    } catch (SQLException e) {
      // A connection that is gone needs no closing.
    }
  }

  private static boolean sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(POLL.toMillis() * 3);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
