package io.gitconf.sync;

import io.gitconf.core.GitconfException;
import io.gitconf.mirror.MirrorSql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leadership among the syncers of one branch: a PostgreSQL session-level advisory lock held on a
 * dedicated connection outside the pool. The lock lives exactly as long as that session, so a
 * leader that dies (or whose connection is killed) frees it, and a standby's next {@link
 * #tryAcquire} takes over.
 *
 * <p>A leader cut off from the database by a partition leaves a half-open connection: the server
 * ends that session, and frees the lock, once its keepalive probes go unanswered ({@link
 * Database#openDedicated}, at most {@value Database#DEAD_PEER_SECONDS} s). The leader itself finds
 * out at its next check: {@link #isHeld} and {@link #tryAcquire} ask the server, and give up after
 * {@value #CHECK_TIMEOUT_SECONDS} s without an answer. Its session is named {@value
 * #APPLICATION_NAME} and the branch in {@code pg_stat_activity}.
 *
 * <p>Not thread-safe: the syncer thread owns it.
 */
final class LeaderLock implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LeaderLock.class);
  static final String APPLICATION_NAME = "gitconf leader lock";
  static final int CHECK_TIMEOUT_SECONDS = 2;

  /** The lock's queries answer at once; a read waiting longer means the server is gone. */
  private static final int QUERY_TIMEOUT_MILLIS = 10_000;

  private final Database database;
  private final String branch;
  private final long key;
  private Connection connection;
  private boolean held;

  LeaderLock(Database database, String branch) {
    this.database = database;
    this.branch = branch;
    // One lock per branch; the prefix keeps it apart from other users of advisory locks.
    this.key = ((long) "gitconf-sync".hashCode() << 32) | (branch.hashCode() & 0xffffffffL);
  }

  /**
   * True when this syncer is the leader: it already held the lock and its session is alive, or it
   * just took the lock. False when another session holds it.
   *
   * @throws GitconfException.Unavailable when the database cannot be reached, so no one can tell
   *     who leads (this syncer is then not the leader)
   */
  boolean tryAcquire() {
    if (held && alive()) {
      return true;
    }
    if (held) {
      log.warn("lost the leader lock: its database session ended");
      drop();
    }
    try {
      if (connection == null) {
        connection = open();
      }
      try (PreparedStatement lock = connection.prepareStatement("SELECT pg_try_advisory_lock(?)");
          ResultSet rs = executeWith(lock)) {
        rs.next();
        held = rs.getBoolean(1);
      }
    } catch (SQLException e) {
      drop();
      throw new GitconfException.Unavailable(
          "cannot reach the database to take the leader lock: "
              + MirrorSql.firstLine(e.getMessage()),
          e);
    }
    return held;
  }

  /** True while this syncer holds the lock and its session is alive. */
  boolean isHeld() {
    return held && alive();
  }

  private Connection open() throws SQLException {
    Connection opened = database.openDedicated();
    try (PreparedStatement name =
        opened.prepareStatement("SELECT set_config('application_name', ?, false)")) {
      name.setString(1, APPLICATION_NAME + " " + branch);
      name.execute();
      opened.setNetworkTimeout(Runnable::run, QUERY_TIMEOUT_MILLIS);
      return opened;
    } catch (SQLException e) {
      opened.close();
      throw e;
    }
  }

  private ResultSet executeWith(PreparedStatement lock) throws SQLException {
    lock.setLong(1, key);
    return lock.executeQuery();
  }

  private boolean alive() {
    try {
      return connection != null && connection.isValid(CHECK_TIMEOUT_SECONDS);
    } catch (SQLException e) {
      return false;
    }
  }

  private void drop() {
    held = false;
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        // Already broken; the server has freed the lock with the session.
      }
      connection = null;
    }
  }

  /** Gives up leadership by ending the session that holds the lock. */
  @Override
  public void close() {
    drop();
  }
}
