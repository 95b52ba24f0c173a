package io.gitconf.mirror;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.SortedMap;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * The read side of the mirror, the one place its questions are asked in SQL: the active version of
 * an environment, a version's snapshot rebuilt from its items and checked against its checksum,
 * history, audit trail, pins and status. The client, the syncer and the command line all read
 * through it, so they agree on what "active" means and refuse the same damaged data the same way.
 * Schema: {@code migrations/}; the tables and statuses are described in {@code docs/sync.md}.
 *
 * <p>Thread-safe when made {@linkplain #of from a data source} (each question takes a connection of
 * its own). Made {@linkplain #within within a connection} it reads inside that connection's
 * transaction (what a writer or a restore has not committed yet) and is as thread-safe as the
 * connection, that is, not. Every failure to read is a {@link GitconfException.Unavailable}; stored
 * data that does not add up is a {@link GitconfException.Integrity}.
 */
public final class MirrorReader {
  private static final String VERSION_COLUMNS =
      "SELECT environment, version, commit_id, author_name, author_email, committed_at,"
          + " message, status, errors::text, checksum, item_count, changed_paths"
          + " FROM config_versions WHERE ";
  private static final String AUDIT_COLUMNS =
      "SELECT environment, seq, version, commit_id, path, action, old_value, new_value,"
          + " changed_by, reason, changed_at, prev_hash, hash FROM config_audit WHERE ";
  private static final String PIN_COLUMNS =
      "SELECT environment, version, pinned_by, reason, pinned_at FROM environment_pins";

  /** How a question gets its connection. */
  @FunctionalInterface
  private interface Connector {
    <T> T with(Work<T> work) throws SQLException;
  }

  @FunctionalInterface
  private interface Work<T> {
    T run(Connection conn) throws SQLException;
  }

  @FunctionalInterface
  interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  private final Connector connector;

  private MirrorReader(Connector connector) {
    this.connector = connector;
  }

  /** Reads through connections borrowed from {@code dataSource}, one per question. */
  public static MirrorReader of(DataSource dataSource) {
    return new MirrorReader(
        new Connector() {
          @Override
          public <T> T with(Work<T> work) throws SQLException {
            try (Connection conn = dataSource.getConnection()) {
              return work.run(conn);
            }
          }
        });
  }

  /** Reads inside the caller's connection and transaction, which it never commits or closes. */
  public static MirrorReader within(Connection connection) {
    return new MirrorReader(
        new Connector() {
          @Override
          public <T> T with(Work<T> work) throws SQLException {
            return work.run(connection);
          }
        });
  }

  /** Environments mirrored so far, by name. */
  public List<String> environments() {
    return query(
        "listing environments",
        "SELECT name FROM environments ORDER BY name",
        rs -> rs.getString(1));
  }

  /** The row of an environment's active version; empty before its first valid commit. */
  public Optional<VersionRecord> activeVersion(String environment) {
    return versionIn(environment, VersionStatus.ACTIVE, "the active version");
  }

  /** The active version of every environment that has one, by environment. */
  public List<VersionRecord> activeVersions() {
    return versions(
        "reading the active versions",
        "status = ? ORDER BY environment",
        VersionStatus.ACTIVE.sql());
  }

  /**
   * The newest version of an environment that has items: active, candidate, held, rolled back or
   * superseded, not rejected. The items still open are its items.
   */
  public Optional<VersionRecord> latestVersion(String environment) {
    return firstVersion(
        "reading the latest version of " + environment,
        "environment = ? AND status <> ? ORDER BY version DESC LIMIT 1",
        environment,
        VersionStatus.REJECTED.sql());
  }

  /** The candidate of the release in progress in an environment, if one is being rolled out. */
  public Optional<VersionRecord> candidateVersion(String environment) {
    return versionIn(environment, VersionStatus.CANDIDATE, "the candidate");
  }

  /** One version's row. */
  public Optional<VersionRecord> version(String environment, int version) {
    return firstVersion(
        "reading version " + version + " of " + environment,
        "environment = ? AND version = ?",
        environment,
        version);
  }

  /** Every version of an environment, newest first. */
  public List<VersionRecord> history(String environment) {
    return versions(
        "reading the history of " + environment,
        "environment = ? ORDER BY version DESC",
        environment);
  }

  /** The snapshot of an environment's active version; empty before its first valid commit. */
  public Optional<ConfigSnapshot> activeSnapshot(String environment) {
    return activeVersion(environment).map(this::snapshot);
  }

  /**
   * The snapshot of version {@code version} of an environment, rebuilt from its items and checked
   * against the version's checksum.
   *
   * @throws GitconfException.BadRequest if there is no such version or it was rejected
   * @throws GitconfException.Integrity if the stored items do not reproduce the checksum
   */
  public ConfigSnapshot snapshot(String environment, int version) {
    return snapshot(
        version(environment, version)
            .orElseThrow(
                () ->
                    new GitconfException.BadRequest(
                        "no version "
                            + version
                            + " of environment '"
                            + environment
                            + "' in the mirror")));
  }

  /**
   * The snapshot of a version whose row was read already, checked against the row's checksum.
   *
   * @throws GitconfException.BadRequest if the version was rejected (it has no values)
   * @throws GitconfException.Integrity if the stored items do not reproduce the checksum
   */
  public ConfigSnapshot snapshot(VersionRecord row) {
    String environment = row.environment();
    int version = row.version();
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
    return checkedSnapshot(
        "mirror integrity", environment, version, row.checksum(), items(environment, version));
  }

  /**
   * The snapshot that a version's stored items (canonical JSON by path, as {@link #items} reads
   * them and the relay sends them) make, checked against the version's checksum: the one check
   * every reader of the mirror, near or far, makes before it trusts a version.
   *
   * @param origin starts the message of a failure ("mirror integrity", "relay https://…")
   * @throws GitconfException.Integrity if an item is not JSON, the items do not make one tree, or
   *     they do not reproduce {@code checksum}
   */
  public static ConfigSnapshot checkedSnapshot(
      String origin,
      String environment,
      int version,
      Optional<String> checksum,
      Map<String, String> items) {
    Map<String, JsonNode> leaves = new TreeMap<>();
    try {
      items.forEach((path, value) -> leaves.put(path, Json.parse("config_items " + path, value)));
    } catch (GitconfException e) {
      throw new GitconfException.Integrity(origin + ": " + e.getMessage(), e);
    }
    ConfigSnapshot snapshot = ConfigSnapshot.fromLeaves(environment, leaves);
    if (!snapshot.checksum().equals(checksum.orElse(""))) {
      throw new GitconfException.Integrity(
          origin
              + ": the items of version "
              + version
              + " of '"
              + environment
              + "' give checksum "
              + snapshot.checksum()
              + ", the version row says "
              + checksum.orElse("(none)"));
    }
    return snapshot;
  }

  /**
   * The stored items of a version, canonical JSON by path, as they are (unchecked): the rows valid
   * from a version at or before it and not closed by one at or before it.
   */
  public SortedMap<String, String> items(String environment, int version) {
    SortedMap<String, String> items = new TreeMap<>();
    for (String[] item :
        query(
            "reading version " + version + " of " + environment,
            "SELECT path, value FROM config_items WHERE environment = ? AND valid_from <= ?"
                + " AND (valid_to IS NULL OR valid_to > ?)",
            rs -> new String[] {rs.getString(1), rs.getString(2)},
            environment,
            version,
            version)) {
      items.put(item[0], item[1]);
    }
    return items;
  }

  /** The audit rows of an environment, oldest first (the hash chain in order). */
  public List<AuditRecord> audit(String environment) {
    return audit("environment = ? ORDER BY seq", environment);
  }

  /** The audit rows of one path in an environment, newest first: its value over time. */
  public List<AuditRecord> pathHistory(String environment, String path) {
    return audit("environment = ? AND path = ? ORDER BY seq DESC", environment, path);
  }

  /** The pin of an environment, if it is pinned. */
  public Optional<Pin> pin(String environment) {
    return query(
            "reading the pin of " + environment,
            PIN_COLUMNS + " WHERE environment = ?",
            MirrorReader::pin,
            environment)
        .stream()
        .findFirst();
  }

  /** Every pin, by environment. */
  public List<Pin> pins() {
    return query("reading pins", PIN_COLUMNS + " ORDER BY environment", MirrorReader::pin);
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

  /** Active versions, branch positions, the latest rejected commits and force pushes, pins. */
  public MirrorStatus status(int recent) {
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
                + " FROM sync_commits WHERE outcome = ? ORDER BY id DESC LIMIT ?",
            rs ->
                new MirrorStatus.RejectedCommit(
                    rs.getString(1),
                    rs.getString(2) + " <" + rs.getString(3) + ">",
                    rs.getTimestamp(4).toInstant(),
                    rs.getString(5),
                    Rows.stringList(rs.getString(6))),
            CommitStatus.REJECTED.sql(),
            recent);
    List<MirrorStatus.ForcePush> forcePushes =
        query(
            "reading force pushes",
            "SELECT branch, old_head, new_head, detail, recorded_at FROM sync_events"
                + " WHERE kind = ? ORDER BY id DESC LIMIT ?",
            rs ->
                new MirrorStatus.ForcePush(
                    rs.getString(1),
                    rs.getString(2),
                    rs.getString(3),
                    rs.getString(4),
                    rs.getTimestamp(5).toInstant()),
            MirrorStatus.ForcePush.KIND,
            recent);
    return new MirrorStatus(activeVersions(), positions, rejected, forcePushes, pins());
  }

  private List<VersionRecord> versions(String what, String where, Object... parameters) {
    return query(what, VERSION_COLUMNS + where, Rows::version, parameters);
  }

  private Optional<VersionRecord> firstVersion(String what, String where, Object... parameters) {
    return versions(what, where, parameters).stream().findFirst();
  }

  /**
   * The version of an environment in {@code status}, one of those an environment has at most one of
   * (active, candidate); {@code which} names it in the message of a failure.
   */
  private Optional<VersionRecord> versionIn(
      String environment, VersionStatus status, String which) {
    return firstVersion(
        "reading " + which + " of " + environment,
        "environment = ? AND status = ?",
        environment,
        status.sql());
  }

  private List<AuditRecord> audit(String where, Object... parameters) {
    return query("reading the audit trail", AUDIT_COLUMNS + where, Rows::audit, parameters);
  }

  private static Pin pin(ResultSet rs) throws SQLException {
    return new Pin(
        rs.getString(1),
        rs.getInt(2),
        rs.getString(3),
        rs.getString(4),
        rs.getTimestamp(5).toInstant());
  }

  /** Runs one query; shared with {@link ReleaseReader}, so both fail the same way. */
  <T> List<T> query(String what, String sql, RowMapper<T> mapper, Object... parameters) {
    try {
      return connector.with(
          conn -> {
            try (PreparedStatement select = conn.prepareStatement(sql)) {
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
            }
          });
    } catch (SQLException e) {
      throw new GitconfException.Unavailable(what + ": " + MirrorSql.firstLine(e.getMessage()), e);
    }
  }
}
