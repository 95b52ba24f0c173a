package io.gitconf.client;

import io.gitconf.mirror.MirrorSql;
import io.gitconf.mirror.Notification;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens on the mirror's notification channel with a dedicated connection and calls {@code
 * changed} when a new version of the environment is activated. When the connection is lost it
 * reconnects with exponential backoff, and on every (re)connection it calls {@code changed} once,
 * since a notification sent while nobody listened is gone. Notifications can still be lost, which
 * is why the manager also polls every TTL.
 *
 * <p>Thread-safe: one thread of its own does the listening.
 */
final class MirrorListener implements AutoCloseable {
  /** Shown in {@code pg_stat_activity}, so an operator can tell the listeners apart. */
  static final String APPLICATION_NAME = "gitconf-client-listener";

  private static final Logger LOG = LoggerFactory.getLogger(MirrorListener.class);
  private static final int WAIT_MILLIS = 250;

  private final javax.sql.DataSource dataSource;
  private final String environment;
  private final Runnable changed;
  private final Duration firstBackoff;
  private final Duration maxBackoff;
  private final Thread thread;
  private volatile boolean closed;
  private volatile boolean listening;

  MirrorListener(
      javax.sql.DataSource dataSource,
      String environment,
      Runnable changed,
      Duration firstBackoff,
      Duration maxBackoff) {
    this.dataSource = dataSource;
    this.environment = environment;
    this.changed = changed;
    this.firstBackoff = firstBackoff;
    this.maxBackoff = maxBackoff;
    this.thread = new Thread(this::run, "gitconf-mirror-listener-" + environment);
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  boolean listening() {
    return listening;
  }

  private void run() {
    Duration backoff = firstBackoff;
    boolean first = true;
    while (!closed) {
      Connection conn = null;
      try {
        conn = dataSource.getConnection();
        Notification.listen(conn, APPLICATION_NAME);
        PGConnection pg = conn.unwrap(PGConnection.class);
        listening = true;
        if (!first) {
          LOG.info("listening for {} changes again", environment);
        }
        backoff = firstBackoff;
        changed.run();
        first = false;
        while (!closed) {
          PGNotification[] notifications = pg.getNotifications(WAIT_MILLIS);
          if (notifications != null && concernsEnvironment(notifications)) {
            changed.run();
          }
        }
      } catch (SQLException | RuntimeException e) {
        listening = false;
        if (closed) {
          break;
        }
        LOG.warn(
            "mirror notifications for {} unavailable ({}); reconnecting in {} ms",
            environment,
            firstLine(e),
            backoff.toMillis());
        release(conn);
        conn = null;
        if (!Backoff.sleep(backoff)) {
          break;
        }
        backoff =
            backoff.multipliedBy(2).compareTo(maxBackoff) > 0
                ? maxBackoff
                : backoff.multipliedBy(2);
      } finally {
        release(conn);
      }
    }
    listening = false;
  }

  /**
   * Gives the connection back in the state it was lent: no LISTEN, the default application name.
   * The statements go through the pool's proxy (the notifications were read from the unwrapped
   * connection, which a pool does not see), so a connection that died makes them fail and a pool
   * evicts it rather than lending it out again.
   */
  private static void release(Connection conn) {
    if (conn == null) {
      return;
    }
    try (Statement statement = conn.createStatement()) {
      statement.execute("UNLISTEN *");
      statement.execute("RESET application_name");
    } catch (SQLException e) {
      // Broken: the pool has seen the failure now.
    }
    try {
      conn.close();
    } catch (SQLException e) {
      // Nothing more to give back.
    }
  }

  private boolean concernsEnvironment(PGNotification[] notifications) {
    for (PGNotification notification : notifications) {
      // A payload this client cannot read (another gitconf version's) is a reason to reload too.
      if (Notification.parse(notification.getParameter())
          .map(n -> n.environment().equals(environment))
          .orElse(true)) {
        return true;
      }
    }
    return false;
  }

  private static String firstLine(Exception e) {
    return e.getMessage() == null
        ? e.getClass().getSimpleName()
        : MirrorSql.firstLine(e.getMessage());
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
