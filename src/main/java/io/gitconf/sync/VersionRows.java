package io.gitconf.sync;

import io.gitconf.mirror.AuditAction;
import io.gitconf.mirror.AuditChain;
import io.gitconf.mirror.Notification;
import io.gitconf.mirror.VersionStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the rows of one planned version inside the caller's transaction: the {@code
 * config_versions} row, the items it opens and closes, its audit rows with their hash chain, the
 * switch of the active version and the notification of clients. Each is one statement over arrays
 * ({@code unnest}), so a 10,000-path first version is three round trips, not 20,000.
 */
final class VersionRows {
  private VersionRows() {}

  /** Makes the environment's active version superseded, before another becomes active. */
  static void supersedeActive(Connection conn, String environment) throws SQLException {
    setStatus(conn, environment, VersionStatus.ACTIVE, VersionStatus.SUPERSEDED);
  }

  /** Moves every version of an environment in status {@code from} to {@code to}. */
  static void setStatus(Connection conn, String environment, VersionStatus from, VersionStatus to)
      throws SQLException {
    MirrorWriter.execute(
        conn,
        "UPDATE config_versions SET status = ? WHERE environment = ? AND status = ?",
        to.sql(),
        environment,
        from.sql());
  }

  /** Gives one version of an environment {@code status}. */
  static void setStatus(Connection conn, String environment, int version, VersionStatus status)
      throws SQLException {
    MirrorWriter.execute(
        conn,
        "UPDATE config_versions SET status = ? WHERE environment = ? AND version = ?",
        status.sql(),
        environment,
        version);
  }

  /** Makes one version active; the caller superseded the one that was. */
  static void activate(Connection conn, String environment, int version) throws SQLException {
    setStatus(conn, environment, version, VersionStatus.ACTIVE);
  }

  /** Tells listening clients, once the transaction commits, that a version became active. */
  static void notifyClients(Connection conn, Notification notification) throws SQLException {
    MirrorWriter.execute(
        conn, "SELECT pg_notify(?, ?)", Notification.CHANNEL, notification.payload());
  }

  static void insertVersion(
      Connection conn, CommitInfo commit, VersionPlan plan, List<String> errors)
      throws SQLException {
    try (PreparedStatement insert =
        conn.prepareStatement(
            "INSERT INTO config_versions (environment, version, commit_id, parent_commit_id,"
                + " author_name, author_email, committed_at, message, status, errors, checksum,"
                + " item_count, changed_paths)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?)")) {
      insert.setString(1, plan.environment());
      insert.setInt(2, plan.version());
      insert.setString(3, commit.id());
      insert.setString(4, commit.parentId().orElse(null));
      insert.setString(5, commit.authorName());
      insert.setString(6, commit.authorEmail());
      insert.setTimestamp(7, Timestamp.from(commit.time()));
      insert.setString(8, commit.message());
      insert.setString(9, plan.status().sql());
      insert.setString(
          10, plan.status() == VersionStatus.REJECTED ? MirrorWriter.jsonArray(errors) : "[]");
      insert.setString(11, plan.checksum().orElse(null));
      insert.setInt(12, plan.itemCount());
      insert.setInt(13, plan.changes().size());
      insert.executeUpdate();
    }
  }

  static void writeItems(Connection conn, VersionPlan plan) throws SQLException {
    List<String> closed = new ArrayList<>();
    List<String> openedPaths = new ArrayList<>();
    List<String> openedValues = new ArrayList<>();
    for (VersionPlan.Change change : plan.changes()) {
      if (change.action() != AuditAction.CREATE) {
        closed.add(change.path());
      }
      if (change.action() != AuditAction.DELETE) {
        openedPaths.add(change.path());
        openedValues.add(plan.next().get(change.path()));
      }
    }
    if (!closed.isEmpty()) {
      MirrorWriter.execute(
          conn,
          "UPDATE config_items SET valid_to = ?"
              + " WHERE environment = ? AND valid_to IS NULL AND path = ANY (?)",
          plan.version(),
          plan.environment(),
          MirrorWriter.textArray(conn, closed));
    }
    if (!openedPaths.isEmpty()) {
      MirrorWriter.execute(
          conn,
          "INSERT INTO config_items (environment, path, value, valid_from)"
              + " SELECT ?, p, v, ? FROM unnest(?::text[], ?::text[]) AS t (p, v)",
          plan.environment(),
          plan.version(),
          MirrorWriter.textArray(conn, openedPaths),
          MirrorWriter.textArray(conn, openedValues));
    }
  }

  static void writeAudit(Connection conn, CommitInfo commit, VersionPlan plan) throws SQLException {
    String env = plan.environment();
    String prevHash = AuditChain.GENESIS;
    long seq = 0;
    try (PreparedStatement last =
        conn.prepareStatement(
            "SELECT seq, hash FROM config_audit WHERE environment = ? ORDER BY seq DESC LIMIT 1")) {
      last.setString(1, env);
      try (ResultSet rs = last.executeQuery()) {
        if (rs.next()) {
          seq = rs.getLong(1);
          prevHash = rs.getString(2);
        }
      }
    }
    int n = plan.changes().size();
    Long[] seqs = new Long[n];
    String[] paths = new String[n];
    String[] actions = new String[n];
    String[] olds = new String[n];
    String[] news = new String[n];
    String[] prevs = new String[n];
    String[] hashes = new String[n];
    for (int i = 0; i < n; i++) {
      VersionPlan.Change change = plan.changes().get(i);
      seq++;
      seqs[i] = seq;
      paths[i] = change.path();
      actions[i] = change.action().sql();
      olds[i] = change.oldValue();
      news[i] = change.newValue();
      prevs[i] = prevHash;
      hashes[i] =
          AuditChain.hash(
              prevHash,
              env,
              seq,
              plan.version(),
              commit.id(),
              change.path(),
              change.action().sql(),
              change.oldValue(),
              change.newValue(),
              commit.author(),
              commit.message(),
              commit.time());
      prevHash = hashes[i];
    }
    try (PreparedStatement insert =
        conn.prepareStatement(
            "INSERT INTO config_audit (environment, seq, version, commit_id, path, action,"
                + " old_value, new_value, changed_by, reason, changed_at, prev_hash, hash)"
                + " SELECT ?, s, ?, ?, p, a, o, nv, ?, ?, ?, ph, h"
                + " FROM unnest(?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[],"
                + " ?::text[], ?::text[]) AS t (s, p, a, o, nv, ph, h)")) {
      insert.setString(1, env);
      insert.setInt(2, plan.version());
      insert.setString(3, commit.id());
      insert.setString(4, commit.author());
      insert.setString(5, commit.message());
      insert.setTimestamp(6, Timestamp.from(commit.time()));
      insert.setArray(7, conn.createArrayOf("bigint", seqs));
      insert.setArray(8, conn.createArrayOf("text", paths));
      insert.setArray(9, conn.createArrayOf("text", actions));
      insert.setArray(10, conn.createArrayOf("text", olds));
      insert.setArray(11, conn.createArrayOf("text", news));
      insert.setArray(12, conn.createArrayOf("text", prevs));
      insert.setArray(13, conn.createArrayOf("text", hashes));
      insert.executeUpdate();
    }
  }
}
