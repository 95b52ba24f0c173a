package io.gitconf.sync;

import io.gitconf.core.GitconfException;
import io.gitconf.core.SecretMask;
import io.gitconf.mirror.AuditAction;
import io.gitconf.mirror.MirrorReader;
import io.gitconf.mirror.Notification;
import io.gitconf.mirror.Pin;
import io.gitconf.mirror.VersionRecord;
import io.gitconf.mirror.VersionStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeSet;

/**
 * Break-glass activation and the pin it leaves: activating an old version directly in the mirror
 * when Git cannot be used, audited with the user and reason like any change, and holding the
 * environment there until unpinned. Every method runs inside the caller's transaction, after the
 * writers' lock.
 */
final class EnvironmentPins {
  private EnvironmentPins() {}

  /**
   * Activates {@code version} of {@code env} and pins it; returns the version that was active
   * before.
   */
  static int breakGlass(
      Connection conn, String env, int version, String user, String reason, Instant now)
      throws SQLException {
    MirrorReader reader = MirrorReader.within(conn);
    VersionRecord target = activatable(reader, env, version);
    int active = activeVersion(reader, env);
    if (active == version) {
      throw new GitconfException.BadRequest(
          "version " + version + " of " + env + " is already active");
    }
    activate(conn, reader, env, active, target, user, "break-glass: " + reason, now);
    try (PreparedStatement pin =
        conn.prepareStatement(
            "INSERT INTO environment_pins (environment, version, pinned_by, reason, pinned_at)"
                + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (environment) DO UPDATE"
                + " SET version = excluded.version, pinned_by = excluded.pinned_by,"
                + " reason = excluded.reason, pinned_at = excluded.pinned_at")) {
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
    MirrorReader reader = MirrorReader.within(conn);
    Pin pin =
        reader.pin(env).orElseThrow(() -> new GitconfException.BadRequest(env + " is not pinned"));
    MirrorWriter.execute(
        conn, "DELETE FROM environment_pins WHERE environment = ?", pin.environment());
    // History is newest first: the first version that was not rejected is the newest usable one.
    VersionRecord latest =
        reader.history(env).stream()
            .filter(v -> v.status() != VersionStatus.REJECTED)
            .findFirst()
            .orElseThrow(() -> new GitconfException.BadRequest(env + " has no valid version"));
    int active = activeVersion(reader, env);
    if (latest.version() != active) {
      activate(conn, reader, env, active, latest, user, "unpin: " + reason, now);
    }
    VersionRows.setStatus(conn, env, VersionStatus.HELD, VersionStatus.SUPERSEDED);
    return latest.version();
  }

  /**
   * Switches the active version, with an audit row per changed path and a notification to clients.
   */
  static void activate(
      Connection conn,
      MirrorReader reader,
      String env,
      int from,
      VersionRecord to,
      String user,
      String reason,
      Instant now)
      throws SQLException {
    SortedMap<String, String> before = reader.items(env, from);
    SortedMap<String, String> after = reader.items(env, to.version());
    VersionRows.supersedeActive(conn, env);
    VersionRows.activate(conn, env, to.version());
    List<VersionPlan.Change> changes = new ArrayList<>();
    TreeSet<String> paths = new TreeSet<>(before.keySet());
    paths.addAll(after.keySet());
    for (String path : paths) {
      String old = before.get(path);
      String updated = after.get(path);
      if (old != null && old.equals(updated)) {
        continue;
      }
      AuditAction action =
          old == null
              ? AuditAction.CREATE
              : updated == null ? AuditAction.DELETE : AuditAction.UPDATE;
      changes.add(new VersionPlan.Change(path, action, masked(old), masked(updated)));
    }
    String checksum = to.checksum().orElseThrow();
    VersionPlan plan =
        new VersionPlan(
            env,
            to.version(),
            VersionStatus.ACTIVE,
            Optional.of(checksum),
            after.size(),
            after,
            changes);
    String[] name = splitUser(user);
    CommitInfo who = new CommitInfo(to.commitId(), Optional.empty(), name[0], name[1], now, reason);
    VersionRows.writeAudit(conn, who, plan);
    VersionRows.notifyClients(conn, new Notification(env, to.version(), checksum));
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

  /** A version that may be activated by hand: one that exists and was not rejected. */
  private static VersionRecord activatable(MirrorReader reader, String env, int version) {
    VersionRecord row =
        reader
            .version(env, version)
            .orElseThrow(
                () ->
                    new GitconfException.BadRequest(
                        "environment " + env + " has no version " + version));
    if (row.status() == VersionStatus.REJECTED) {
      throw new GitconfException.BadRequest(
          "version " + version + " of " + env + " was rejected; it cannot be activated");
    }
    return row;
  }

  private static int activeVersion(MirrorReader reader, String env) {
    return reader
        .activeVersion(env)
        .orElseThrow(
            () -> new GitconfException.BadRequest("environment " + env + " has no active version"))
        .version();
  }
}
