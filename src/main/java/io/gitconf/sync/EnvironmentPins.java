package io.gitconf.sync;

import io.gitconf.core.GitconfException;
import io.gitconf.core.SecretMask;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Break-glass activation and the pin it leaves: activating an old version directly in the mirror
 * when Git cannot be used, audited with the user and reason like any change, and holding the
 * environment there until unpinned. Every method runs inside the caller's transaction, after the
 * writers' lock.
 */
final class EnvironmentPins {
  private EnvironmentPins() {}

  /** A pin: the version activated by hand, by whom and why. */
  record Pin(String environment, int version, String pinnedBy, String reason, Instant pinnedAt) {}

  static boolean isPinned(Connection conn, String env) throws SQLException {
    return pin(conn, env).isPresent();
  }

  static Optional<Pin> pin(Connection conn, String env) throws SQLException {
    try (PreparedStatement select =
        conn.prepareStatement(
            "SELECT version, pinned_by, reason, pinned_at FROM environment_pins WHERE environment = ?")) {
      select.setString(1, env);
      try (ResultSet rs = select.executeQuery()) {
        return rs.next()
            ? Optional.of(
                new Pin(
                    env,
                    rs.getInt(1),
                    rs.getString(2),
                    rs.getString(3),
                    rs.getTimestamp(4).toInstant()))
            : Optional.empty();
      }
    }
  }

  /**
   * Activates {@code version} of {@code env} and pins it; returns the version that was active
   * before.
   */
  static int breakGlass(
      Connection conn, String env, int version, String user, String reason, Instant now)
      throws SQLException {
    VersionRow target = version(conn, env, version);
    int active = activeVersion(conn, env);
    if (active == version) {
      throw new GitconfException.BadRequest(
          "version " + version + " of " + env + " is already active");
    }
    activate(conn, env, active, target, user, "break-glass: " + reason, now);
    try (PreparedStatement pin =
        conn.prepareStatement(
            "INSERT INTO environment_pins (environment, version, pinned_by, reason, pinned_at) VALUES (?, ?, ?, ?, ?)"
                + " ON CONFLICT (environment) DO UPDATE SET version = excluded.version,"
                + " pinned_by = excluded.pinned_by, reason = excluded.reason, pinned_at = excluded.pinned_at")) {
      pin.setString(1, env);
      pin.setInt(2, version);
      pin.setString(3, user);
      pin.setString(4, reason);
      pin.setTimestamp(5, Timestamp.from(now));
      pin.executeUpdate();
    }
    return active;
  }

  /**
   * Lifts the pin and activates the newest version mirrored meanwhile (if any is newer than the
   * pinned one); returns the version active afterwards.
   */
  static int unpin(Connection conn, String env, String user, String reason, Instant now)
      throws SQLException {
    Pin pin =
        pin(conn, env).orElseThrow(() -> new GitconfException.BadRequest(env + " is not pinned"));
    try (PreparedStatement delete =
        conn.prepareStatement("DELETE FROM environment_pins WHERE environment = ?")) {
      delete.setString(1, env);
      delete.executeUpdate();
    }
    int latest;
    try (PreparedStatement select =
        conn.prepareStatement(
            "SELECT max(version) FROM config_versions WHERE environment = ? AND status <> 'rejected'")) {
      select.setString(1, env);
      try (ResultSet rs = select.executeQuery()) {
        rs.next();
        latest = rs.getInt(1);
      }
    }
    int active = activeVersion(conn, env);
    if (latest != active) {
      activate(conn, env, active, version(conn, env, latest), user, "unpin: " + reason, now);
    }
    try (PreparedStatement held =
        conn.prepareStatement(
            "UPDATE config_versions SET status = 'superseded' WHERE environment = ? AND status = 'held'")) {
      held.setString(1, env);
      held.executeUpdate();
    }
    return latest;
  }

  /**
   * Switches the active version, with an audit row per changed path and a notification to clients.
   */
  private static void activate(
      Connection conn, String env, int from, VersionRow to, String user, String reason, Instant now)
      throws SQLException {
    SortedMap<String, String> before = items(conn, env, from);
    SortedMap<String, String> after = items(conn, env, to.version());
    try (PreparedStatement supersede =
        conn.prepareStatement(
            "UPDATE config_versions SET status = 'superseded' WHERE environment = ? AND status = 'active'")) {
      supersede.setString(1, env);
      supersede.executeUpdate();
    }
    try (PreparedStatement activate =
        conn.prepareStatement(
            "UPDATE config_versions SET status = 'active' WHERE environment = ? AND version = ?")) {
      activate.setString(1, env);
      activate.setInt(2, to.version());
      activate.executeUpdate();
    }
    List<VersionPlan.Change> changes = new ArrayList<>();
    TreeSet<String> paths = new TreeSet<>(before.keySet());
    paths.addAll(after.keySet());
    for (String path : paths) {
      String old = before.get(path);
      String updated = after.get(path);
      if (old != null && old.equals(updated)) {
        continue;
      }
      String action = old == null ? "create" : updated == null ? "delete" : "update";
      changes.add(new VersionPlan.Change(path, action, masked(old), masked(updated)));
    }
    VersionPlan plan =
        new VersionPlan(
            env,
            to.version(),
            VersionStatus.ACTIVE,
            Optional.of(to.checksum()),
            after.size(),
            after,
            changes);
    String[] name = splitUser(user);
    CommitInfo who = new CommitInfo(to.commitId(), Optional.empty(), name[0], name[1], now, reason);
    VersionRows.writeAudit(conn, who, plan);
    try (PreparedStatement notify = conn.prepareStatement("SELECT pg_notify(?, ?)")) {
      notify.setString(1, MirrorWriter.CHANNEL);
      notify.setString(2, MirrorWriter.notification(env, to.version(), to.checksum()));
      notify.execute();
    }
  }

  private static String masked(String canonical) {
    if (canonical == null) {
      return null;
    }
    return canonical.startsWith("\"ENC[") ? "\"" + SecretMask.MASK + "\"" : canonical;
  }

  /** {@code Name <email>} into its parts; a bare name has an empty email. */
  private static String[] splitUser(String user) {
    int open = user.indexOf('<');
    if (open > 0 && user.endsWith(">")) {
      return new String[] {
        user.substring(0, open).strip(), user.substring(open + 1, user.length() - 1)
      };
    }
    return new String[] {user.strip(), ""};
  }

  private record VersionRow(int version, String commitId, String checksum) {}

  private static VersionRow version(Connection conn, String env, int version) throws SQLException {
    try (PreparedStatement select =
        conn.prepareStatement(
            "SELECT commit_id, checksum, status FROM config_versions WHERE environment = ? AND version = ?")) {
      select.setString(1, env);
      select.setInt(2, version);
      try (ResultSet rs = select.executeQuery()) {
        if (!rs.next()) {
          throw new GitconfException.BadRequest(
              "environment " + env + " has no version " + version);
        }
        if ("rejected".equals(rs.getString(3))) {
          throw new GitconfException.BadRequest(
              "version " + version + " of " + env + " was rejected; it cannot be activated");
        }
        return new VersionRow(version, rs.getString(1), rs.getString(2));
      }
    }
  }

  private static int activeVersion(Connection conn, String env) throws SQLException {
    try (PreparedStatement select =
        conn.prepareStatement(
            "SELECT version FROM config_versions WHERE environment = ? AND status = 'active'")) {
      select.setString(1, env);
      try (ResultSet rs = select.executeQuery()) {
        if (!rs.next()) {
          throw new GitconfException.BadRequest("environment " + env + " has no active version");
        }
        return rs.getInt(1);
      }
    }
  }

  private static SortedMap<String, String> items(Connection conn, String env, int version)
      throws SQLException {
    SortedMap<String, String> items = new TreeMap<>();
    try (PreparedStatement select =
        conn.prepareStatement(
            "SELECT path, value FROM config_items WHERE environment = ? AND valid_from <= ?"
                + " AND (valid_to IS NULL OR valid_to > ?)")) {
      select.setString(1, env);
      select.setInt(2, version);
      select.setInt(3, version);
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          items.put(rs.getString(1), rs.getString(2));
        }
      }
    }
    return items;
  }
}
