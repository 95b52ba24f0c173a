package io.gitconf.sync;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.gitconf.core.ConfigRepository;
import io.gitconf.core.ConfigSnapshot;
import io.gitconf.core.GitconfException;
import io.gitconf.core.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * The PostgreSQL mirror: writes each commit in one transaction ({@link #mirror}) and answers what
 * the client and the CLI ask (active snapshot, a version's snapshot, history, status). Schema:
 * {@code migrations/V1__mirror.sql}.
 *
 * <p>Thread-safe. Every failure to reach the database is a {@link GitconfException.Unavailable};
 * stored items that do not reproduce their version's checksum are a plain {@link GitconfException}
 * (an integrity failure).
 */
public final class MirrorStore {
  /** Serializes writers of the mirror for the length of one commit's transaction. */
  private static final long WRITE_LOCK = 0x676974636f6e6601L;

  private final DataSource dataSource;
  private final MirrorWriter writer = new MirrorWriter();

  public MirrorStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * Mirrors one commit of {@code branch} in one transaction: validates {@code repository} (the
   * commit's tree), writes a version for every environment whose resolved snapshot changed (or a
   * rejected version in every environment when the commit is invalid), its items and audit rows,
   * activates it, notifies clients and records the branch position. A commit already recorded is
   * not written again ({@link CommitOutcome.Kind#ALREADY_DONE}).
   */
  public CommitOutcome mirror(String branch, CommitInfo commit, ConfigRepository repository) {
    MirrorWriter.Written written =
        inTransaction(
            "mirroring commit " + commit.shortId(),
            conn -> {
              lockWriters(conn);
              return writer.write(conn, branch, commit, repository);
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
                      + " VALUES (?, 'force_push', ?, ?, ?)")) {
            insert.setString(1, branch);
            insert.setString(2, oldHead);
            insert.setString(3, newHead);
            insert.setString(4, detail);
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

  /**
   * Now, at the precision PostgreSQL stores, so an audit row's hash can be recomputed from the row.
   */
  private static java.time.Instant auditTime() {
    return java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
  }

  /** The pin of an environment, if it is pinned: version, who, why, when. */
  public Optional<String> pinDescription(String environment) {
    return inTransaction(
        "reading the pin of " + environment,
        conn ->
            EnvironmentPins.pin(conn, environment)
                .map(
                    p ->
                        "pinned to version "
                            + p.version()
                            + " by "
                            + p.pinnedBy()
                            + " at "
                            + p.pinnedAt()
                            + ": "
                            + p.reason()));
  }

  /** The last commit the syncer of {@code branch} processed, if any. */
  public Optional<String> lastCommit(String branch) {
    return query(
            "reading the position of " + branch,
            "SELECT last_commit_id FROM sync_state WHERE branch = ?",
            rs -> rs.getString(1),
            branch)
        .stream()
        .findFirst();
  }

  /** True when {@code commitId} has been processed (mirrored, unchanged or rejected). */
  public boolean isRecorded(String commitId) {
    return !query(
            "reading commit " + commitId,
            "SELECT 1 FROM sync_commits WHERE commit_id = ?",
            rs -> 1,
            commitId)
        .isEmpty();
  }

  /** Environments mirrored so far, by name. */
  public List<String> environments() {
    return query(
        "listing environments",
        "SELECT name FROM environments ORDER BY name",
        rs -> rs.getString(1));
  }

  /** The snapshot of an environment's active version; empty before its first valid commit. */
  public Optional<ConfigSnapshot> activeSnapshot(String environment) {
    return activeVersion(environment).map(v -> snapshot(environment, v.version()));
  }

  /** The row of an environment's active version. */
  public Optional<VersionRecord> activeVersion(String environment) {
    return versions("environment = ? AND status = 'active'", environment).stream().findFirst();
  }

  /**
   * The snapshot of version {@code version} of an environment, rebuilt from its items and checked
   * against the version's checksum.
   *
   * @throws GitconfException.BadRequest if there is no such version or it was rejected
   * @throws GitconfException if the stored items do not reproduce the checksum
   */
  public ConfigSnapshot snapshot(String environment, int version) {
    VersionRecord row =
        versions("environment = ? AND version = ?", environment, version).stream()
            .findFirst()
            .orElseThrow(
                () ->
                    new GitconfException.BadRequest(
                        "no version "
                            + version
                            + " of environment '"
                            + environment
                            + "' in the mirror"));
    if (row.status() == VersionStatus.REJECTED) {
      throw new GitconfException.BadRequest(
          "version "
              + version
              + " of environment '"
              + environment
              + "' was rejected (commit "
              + row.commitId()
              + "); it has no values");
    }
    Map<String, JsonNode> leaves = new TreeMap<>();
    for (String[] item :
        query(
            "reading version " + version + " of " + environment,
            "SELECT path, value FROM config_items WHERE environment = ? AND valid_from <= ?"
                + " AND (valid_to IS NULL OR valid_to > ?)",
            rs -> new String[] {rs.getString(1), rs.getString(2)},
            environment,
            version,
            version)) {
      leaves.put(item[0], Json.parse("config_items " + item[0], item[1]));
    }
    ConfigSnapshot snapshot = ConfigSnapshot.fromLeaves(environment, leaves);
    if (!snapshot.checksum().equals(row.checksum().orElse(""))) {
      throw new GitconfException.Integrity(
          "mirror integrity: the items of version "
              + version
              + " of '"
              + environment
              + "' give checksum "
              + snapshot.checksum()
              + ", the version row says "
              + row.checksum().orElse("(none)"));
    }
    return snapshot;
  }

  /** Every version of an environment, newest first. */
  public List<VersionRecord> history(String environment) {
    return versions("environment = ? ORDER BY version DESC", environment);
  }

  /** The audit rows of one path in an environment, oldest first: its value over time. */
  public List<AuditRecord> pathHistory(String environment, String path) {
    return audit("environment = ? AND path = ? ORDER BY seq", environment, path);
  }

  /** The audit rows of an environment, oldest first (the hash chain in order). */
  public List<AuditRecord> audit(String environment) {
    return audit("environment = ? ORDER BY seq", environment);
  }

  /** Active versions, branch positions, the latest rejected commits and force pushes. */
  public MirrorStatus status(int recent) {
    List<VersionRecord> active = versions("status = 'active' ORDER BY environment");
    List<MirrorStatus.Position> positions =
        query(
            "reading sync positions",
            "SELECT branch, last_commit_id, updated_at FROM sync_state ORDER BY branch",
            rs ->
                new MirrorStatus.Position(
                    rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant()));
    List<MirrorStatus.RejectedCommit> rejected =
        query(
            "reading rejected commits",
            "SELECT commit_id, author_name, author_email, committed_at, message, errors::text"
                + " FROM sync_commits WHERE outcome = 'rejected' ORDER BY id DESC LIMIT ?",
            rs ->
                new MirrorStatus.RejectedCommit(
                    rs.getString(1),
                    rs.getString(2) + " <" + rs.getString(3) + ">",
                    rs.getTimestamp(4).toInstant(),
                    rs.getString(5),
                    stringList(rs.getString(6))),
            recent);
    List<MirrorStatus.ForcePush> forcePushes =
        query(
            "reading force pushes",
            "SELECT branch, old_head, new_head, detail, recorded_at FROM sync_events"
                + " WHERE kind = 'force_push' ORDER BY id DESC LIMIT ?",
            rs ->
                new MirrorStatus.ForcePush(
                    rs.getString(1),
                    rs.getString(2),
                    rs.getString(3),
                    rs.getString(4),
                    rs.getTimestamp(5).toInstant()),
            recent);
    return new MirrorStatus(active, positions, rejected, forcePushes);
  }

  private List<VersionRecord> versions(String where, Object... parameters) {
    return query(
        "reading versions",
        "SELECT environment, version, commit_id, author_name, author_email, committed_at,"
            + " message, status, errors::text, checksum, item_count, changed_paths"
            + " FROM config_versions WHERE "
            + where,
        rs ->
            new VersionRecord(
                rs.getString(1),
                rs.getInt(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getTimestamp(6).toInstant(),
                rs.getString(7),
                VersionStatus.ofSql(rs.getString(8)),
                stringList(rs.getString(9)),
                Optional.ofNullable(rs.getString(10)),
                rs.getInt(11),
                rs.getInt(12)),
        parameters);
  }

  private List<AuditRecord> audit(String where, Object... parameters) {
    return query(
        "reading the audit trail",
        "SELECT environment, seq, version, commit_id, path, action, old_value, new_value,"
            + " changed_by, reason, changed_at, prev_hash, hash FROM config_audit WHERE "
            + where,
        rs ->
            new AuditRecord(
                rs.getString(1),
                rs.getLong(2),
                rs.getInt(3),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6),
                Optional.ofNullable(rs.getString(7)),
                Optional.ofNullable(rs.getString(8)),
                rs.getString(9),
                rs.getString(10),
                rs.getTimestamp(11).toInstant(),
                rs.getString(12),
                rs.getString(13)),
        parameters);
  }

  private static void lockWriters(Connection conn) throws SQLException {
    try (PreparedStatement lock = conn.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
      lock.setLong(1, WRITE_LOCK);
      lock.execute();
    }
  }

  @FunctionalInterface
  private interface SqlWork<T> {
    T run(Connection conn) throws SQLException;
  }

  @FunctionalInterface
  private interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
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
      throw new GitconfException.Unavailable(what + ": " + e.getMessage(), e);
    }
  }

  private <T> List<T> query(String what, String sql, RowMapper<T> mapper, Object... parameters) {
    try (Connection conn = dataSource.getConnection();
        PreparedStatement select = conn.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        select.setObject(i + 1, parameters[i]);
      }
      List<T> rows = new ArrayList<>();
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          rows.add(mapper.map(rs));
        }
      }
      return rows;
    } catch (SQLException e) {
      throw new GitconfException.Unavailable(what + ": " + e.getMessage(), e);
    }
  }

  private static void rollbackQuietly(Connection conn) {
    try {
      conn.rollback();
    } catch (SQLException e) {
      // The connection is gone; the server rolls the transaction back itself.
    }
  }

  private static List<String> stringList(String json) {
    try {
      return Json.MAPPER.readValue(json, new TypeReference<List<String>>() {});
    } catch (JsonProcessingException e) {
      throw new GitconfException.Integrity(
          "mirror: errors column is not a JSON list of strings: " + json);
    }
  }
}
