package io.gitconf.sync;

import io.gitconf.core.ConfigRepository;
import io.gitconf.core.ConfigSnapshot;
import io.gitconf.core.GitconfException;
import io.gitconf.core.SnapshotCheck;
import io.gitconf.mirror.MirrorReader;
import io.gitconf.mirror.MirrorSql;
import io.gitconf.mirror.MirrorStatus;
import io.gitconf.mirror.VersionRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The write side of the PostgreSQL mirror: each commit in one transaction ({@link #mirror}, {@link
 * #reject}), force pushes, break-glass pins. What is read goes through {@link #reader()}, the one
 * read side the client and the command line use too. Schema: {@code migrations/}.
 *
 * <p>Thread-safe. A failure to reach the database is a {@link GitconfException.Unavailable}; data
 * the database refuses (a broken constraint, a value PostgreSQL cannot store) is a {@link
 * GitconfException.Integrity}, which retrying does not change ({@link MirrorSql}).
 */
public final class MirrorStore {
  /** Serializes writers of the mirror for the length of one commit's transaction. */
  private static final long WRITE_LOCK = 0x676974636f6e6601L;

  private final DataSource dataSource;
  private final MirrorReader reader;
  private final MirrorWriter writer;
  private final Clock clock;

  public MirrorStore(DataSource dataSource) {
    this(dataSource, Clock.systemUTC());
  }

  /** A store whose releases read the time from {@code clock} (a test's, to move it on). */
  public MirrorStore(DataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.reader = MirrorReader.of(dataSource);
    this.clock = clock;
    this.writer = new MirrorWriter(clock);
  }

  /** The clock releases are timed with. */
  Clock clock() {
    return clock;
  }

  /** The data source of this mirror. */
  DataSource dataSource() {
    return dataSource;
  }

  /** Runs {@code work} in one transaction that holds the writers' lock. */
  <T> T locked(String what, SqlWork<T> work) {
    return inTransaction(
        what,
        conn -> {
          lockWriters(conn);
          return work.run(conn);
        });
  }

  /** The read side of this mirror. */
  public MirrorReader reader() {
    return reader;
  }

  /** As {@link #mirror(String, CommitInfo, ConfigRepository, SnapshotCheck)} with no check. */
  public CommitOutcome mirror(String branch, CommitInfo commit, ConfigRepository repository) {
    return mirror(branch, commit, repository, SnapshotCheck.none());
  }

  /**
   * Mirrors one commit of {@code branch} in one transaction: validates {@code repository} (the
   * commit's tree) and runs {@code check} on every environment's snapshot (before the transaction,
   * which so holds no lock while they run), then writes a version for every environment whose
   * resolved snapshot changed, or a rejected version in every environment with every reason when
   * anything failed; its items and audit rows, the activation, the notification to clients and the
   * branch position. A commit already recorded is not written again ({@link
   * CommitOutcome.Kind#ALREADY_DONE}).
   */
  public CommitOutcome mirror(
      String branch, CommitInfo commit, ConfigRepository repository, SnapshotCheck check) {
    List<String> errors = CommitVerdict.errors(repository, check);
    return write(branch, commit, Optional.of(repository), errors);
  }

  /**
   * Records a commit that could not be processed at all (its tree could not be read, or processing
   * it failed) as rejected with {@code reasons}, in every environment mirrored so far, so the
   * branch moves on to the next commit. Active versions stay.
   */
  public CommitOutcome reject(String branch, CommitInfo commit, List<String> reasons) {
    if (reasons.isEmpty()) {
      throw new IllegalArgumentException("a rejected commit needs a reason");
    }
    return write(branch, commit, Optional.empty(), reasons);
  }

  private CommitOutcome write(
      String branch,
      CommitInfo commit,
      Optional<ConfigRepository> repository,
      List<String> errors) {
    MirrorWriter.Written written =
        inTransaction(
            "mirroring commit " + commit.shortId(),
            conn -> {
              lockWriters(conn);
              return writer.write(conn, branch, commit, repository, errors);
            });
    writer.committed(written);
    return written.outcome();
  }

  /**
   * Records that {@code branch} was rewritten from {@code oldHead} to {@code newHead} and moves the
   * branch position to {@code newHead} without mirroring it: the active versions stay until a new
   * commit on the new history changes them.
   */
  public void recordForcePush(String branch, String oldHead, String newHead, String detail) {
    inTransaction(
        "recording a force push of " + branch,
        conn -> {
          lockWriters(conn);
          try (PreparedStatement insert =
              conn.prepareStatement(
                  "INSERT INTO sync_events (branch, kind, old_head, new_head, detail)"
                      + " VALUES (?, ?, ?, ?, ?)")) {
            insert.setString(1, branch);
            insert.setString(2, MirrorStatus.ForcePush.KIND);
            insert.setString(3, oldHead);
            insert.setString(4, newHead);
            insert.setString(5, detail);
            insert.executeUpdate();
          }
          MirrorWriter.savePosition(conn, branch, newHead);
          return null;
        });
  }

  /**
   * Break-glass: activates {@code version} of {@code environment} directly in the mirror, without
   * Git, audited with the user and reason, and pins the environment there. Until {@link #unpin},
   * the syncer records later commits of that environment as held versions and activates none of
   * them. Returns the version that was active.
   */
  public int breakGlass(String environment, int version, String user, String reason) {
    return inTransaction(
        "activating version " + version + " of " + environment,
        conn -> {
          lockWriters(conn);
          return EnvironmentPins.breakGlass(conn, environment, version, user, reason, auditTime());
        });
  }

  /**
   * Lifts a pin and activates the newest version mirrored meanwhile; returns the version now
   * active.
   */
  public int unpin(String environment, String user, String reason) {
    return inTransaction(
        "unpinning " + environment,
        conn -> {
          lockWriters(conn);
          return EnvironmentPins.unpin(conn, environment, user, reason, auditTime());
        });
  }

  /** As {@link MirrorReader#environments()}. */
  public List<String> environments() {
    return reader.environments();
  }

  /** As {@link MirrorReader#activeVersion(String)}. */
  public Optional<VersionRecord> activeVersion(String environment) {
    return reader.activeVersion(environment);
  }

  /** As {@link MirrorReader#activeSnapshot(String)}: checked against the version's checksum. */
  public Optional<ConfigSnapshot> activeSnapshot(String environment) {
    return reader.activeSnapshot(environment);
  }

  /** As {@link MirrorReader#history(String)}: newest first. */
  public List<VersionRecord> history(String environment) {
    return reader.history(environment);
  }

  /** As {@link MirrorReader#snapshot(String, int)}: checked against the version's checksum. */
  public ConfigSnapshot snapshot(String environment, int version) {
    return reader.snapshot(environment, version);
  }

  /**
   * Now, at the precision PostgreSQL stores, so an audit row's hash can be recomputed from the row.
   */
  private static Instant auditTime() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }

  private static void lockWriters(Connection conn) throws SQLException {
    try (PreparedStatement lock = conn.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
      lock.setLong(1, WRITE_LOCK);
      lock.execute();
    }
  }

  @FunctionalInterface
  interface SqlWork<T> {
    T run(Connection conn) throws SQLException;
  }

  /**
   * Runs {@code work} in one transaction. A failure rolls it back; a failure of the commit itself
   * leaves the outcome unknown, which is why writers check {@code sync_commits} first on retry.
   */
  private <T> T inTransaction(String what, SqlWork<T> work) {
    try (Connection conn = dataSource.getConnection()) {
      conn.setAutoCommit(false);
      try {
        T result = work.run(conn);
        conn.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(conn);
        throw e;
      }
    } catch (SQLException e) {
      throw MirrorSql.failure(what, e);
    }
  }

  private static void rollbackQuietly(Connection conn) {
    try {
      conn.rollback();
    } catch (SQLException e) {
      // The connection is gone; the server rolls the transaction back itself.
    }
  }
}
