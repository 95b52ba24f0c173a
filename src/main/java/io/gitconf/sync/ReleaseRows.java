package io.gitconf.sync;

import io.gitconf.core.Json;
import io.gitconf.core.ReleasePolicy;
import io.gitconf.core.ReleasePolicyReader;
import io.gitconf.mirror.MirrorReader;
import io.gitconf.mirror.Notification;
import io.gitconf.mirror.ReleaseEvent;
import io.gitconf.mirror.ReleaseReader;
import io.gitconf.mirror.ReleaseState;
import io.gitconf.mirror.VersionRecord;
import io.gitconf.mirror.VersionStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rows of releases, written inside the caller's transaction (after the writers' lock): the
 * state row, the events with their {@code NOTIFY}, the versions' statuses, and the decision whether
 * a new version starts at once or is held.
 */
final class ReleaseRows {
  private static final Pattern EMERGENCY =
      Pattern.compile("(?m)^Gitconf-Emergency:[ \\t]*(\\S.*?)\\s*$");

  private ReleaseRows() {}

  /**
   * Whether a version arriving now starts or waits, and why.
   *
   * @param holdUntil when it may start; empty to start now
   * @param emergency the {@code Gitconf-Emergency:} trailer's reason, which skips freeze and pacing
   */
  record Start(
      Optional<Instant> holdUntil, Optional<String> holdReason, Optional<String> emergency) {}

  /** The reason of a {@code Gitconf-Emergency: <reason>} trailer in a commit message. */
  static Optional<String> emergency(String message) {
    Matcher m = EMERGENCY.matcher(message);
    Optional<String> found = Optional.empty();
    while (m.find()) {
      found = Optional.of(m.group(1));
    }
    return found;
  }

  /**
   * Whether a release of {@code env} under {@code policy} may start at {@code now}: not inside a
   * freeze window, not sooner than {@code minInterval} after the last completed release; an
   * emergency skips both.
   */
  static Start start(
      Connection conn, String env, ReleasePolicy policy, Optional<String> emergency, Instant now)
      throws SQLException {
    if (emergency.isPresent()) {
      return new Start(Optional.empty(), Optional.empty(), emergency);
    }
    Optional<Instant> until = Optional.empty();
    Optional<String> reason = Optional.empty();
    Optional<Instant> frozen = policy.frozenUntil(now);
    if (frozen.isPresent()) {
      until = frozen;
      reason = Optional.of("freeze window until " + frozen.get());
    }
    Optional<Instant> last = lastActivation(conn, env);
    if (last.isPresent() && !policy.minInterval().isZero()) {
      Instant allowed = last.get().plus(policy.minInterval());
      if (allowed.isAfter(now) && (until.isEmpty() || allowed.isAfter(until.get()))) {
        until = Optional.of(allowed);
        reason =
            Optional.of(
                "minInterval "
                    + ReleasePolicyReader.format(policy.minInterval())
                    + " after the last activation at "
                    + last.get());
      }
    }
    return new Start(until, reason, emergency);
  }

  /** When the last release of {@code env} completed, if any did. */
  private static Optional<Instant> lastActivation(Connection conn, String env) throws SQLException {
    try (PreparedStatement select =
        conn.prepareStatement(
            "SELECT max(recorded_at) FROM release_events WHERE environment = ? AND event = ?")) {
      select.setString(1, env);
      select.setString(2, ReleaseEvent.Kind.COMPLETED.sql());
      try (ResultSet rs = select.executeQuery()) {
        rs.next();
        return Optional.ofNullable(rs.getTimestamp(1)).map(Timestamp::toInstant);
      }
    }
  }

  /**
   * Ends the release in progress in {@code env}, if any, because version {@code by} replaces it:
   * its version becomes superseded. Call before the new version is inserted.
   */
  static void replace(Connection conn, String env, int by, String commit, Instant now)
      throws SQLException {
    // A candidate no release holds any more (none should be) must not block the new one.
    VersionRows.setStatus(conn, env, VersionStatus.CANDIDATE, VersionStatus.SUPERSEDED);
    Optional<ReleaseState> current = ReleaseReader.within(conn).state(env);
    if (current.isEmpty()) {
      return;
    }
    ReleaseState old = current.get();
    VersionRows.setStatus(conn, env, old.version(), VersionStatus.SUPERSEDED);
    delete(conn, env);
    event(
        conn,
        old,
        ReleaseEvent.Kind.REPLACED,
        "syncer",
        "replaced by version " + by + " (commit " + commit + "); the new release starts again",
        now);
  }

  /**
   * Takes the candidate of the release in progress back, once its event is recorded: the version is
   * rolled back and never released again, the release ends, and the clients of its environment
   * return to the active version.
   */
  static void rollBack(Connection conn, ReleaseState state) throws SQLException {
    String env = state.environment();
    VersionRows.setStatus(conn, env, state.version(), VersionStatus.ROLLED_BACK);
    delete(conn, env);
    Optional<VersionRecord> active = MirrorReader.within(conn).activeVersion(env);
    if (active.isPresent()) {
      notifyClients(conn, env, active.get().version());
    }
  }

  /**
   * The state row of a new release of {@code version}, held or at its first step, with its event.
   */
  static ReleaseState begin(
      Connection conn,
      String env,
      int version,
      String salt,
      ReleasePolicy policy,
      Start start,
      String cause,
      Instant now)
      throws SQLException {
    boolean held = start.holdUntil().isPresent();
    ReleaseState state =
        new ReleaseState(
            env,
            version,
            held ? ReleaseState.Phase.HELD : ReleaseState.Phase.ROLLING,
            0,
            policy.percent(0),
            held ? Optional.empty() : Optional.of(now),
            salt,
            policy,
            start.emergency(),
            ReleaseState.Counts.NONE,
            Optional.empty(),
            start.holdReason(),
            start.holdUntil(),
            now,
            now);
    save(conn, state);
    String why =
        start
            .emergency()
            .map(e -> cause + "; emergency, freeze and pacing skipped: " + e)
            .orElse(cause);
    if (held) {
      event(
          conn,
          state,
          ReleaseEvent.Kind.HELD,
          "syncer",
          why + "; held (" + start.holdReason().orElseThrow() + ")",
          now);
    } else {
      event(conn, state, ReleaseEvent.Kind.STARTED, "syncer", why, now);
      notifyClients(conn, env, version);
    }
    return state;
  }

  /** Writes (inserts or replaces) the state row. */
  static void save(Connection conn, ReleaseState s) throws SQLException {
    try (PreparedStatement upsert =
        conn.prepareStatement(
            "INSERT INTO release_state (environment, version, phase, step, percent,"
                + " step_started_at, salt, policy, emergency, cohort, applied, failed,"
                + " restart_required, silent, paused_reason, hold_reason, hold_until, created_at,"
                + " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                + " ?, ?) ON CONFLICT (environment) DO UPDATE SET version = excluded.version,"
                + " phase = excluded.phase, step = excluded.step, percent = excluded.percent,"
                + " step_started_at = excluded.step_started_at, salt = excluded.salt,"
                + " policy = excluded.policy, emergency = excluded.emergency,"
                + " cohort = excluded.cohort, applied = excluded.applied,"
                + " failed = excluded.failed, restart_required = excluded.restart_required,"
                + " silent = excluded.silent, paused_reason = excluded.paused_reason,"
                + " hold_reason = excluded.hold_reason, hold_until = excluded.hold_until,"
                + " created_at = excluded.created_at, updated_at = excluded.updated_at")) {
      int i = 1;
      upsert.setString(i++, s.environment());
      upsert.setInt(i++, s.version());
      upsert.setString(i++, s.phase().sql());
      upsert.setInt(i++, s.step());
      upsert.setInt(i++, s.percent());
      upsert.setTimestamp(i++, s.stepStartedAt().map(Timestamp::from).orElse(null));
      upsert.setString(i++, s.salt());
      upsert.setString(i++, Json.canonical(ReleasePolicyReader.toJson(s.policy())));
      upsert.setString(i++, s.emergency().orElse(null));
      upsert.setInt(i++, s.counts().cohort());
      upsert.setInt(i++, s.counts().applied());
      upsert.setInt(i++, s.counts().failed());
      upsert.setInt(i++, s.counts().restartRequired());
      upsert.setInt(i++, s.counts().silent());
      upsert.setString(i++, s.pausedReason().orElse(null));
      upsert.setString(i++, s.holdReason().orElse(null));
      upsert.setTimestamp(i++, s.holdUntil().map(Timestamp::from).orElse(null));
      upsert.setTimestamp(i++, Timestamp.from(s.createdAt()));
      upsert.setTimestamp(i, Timestamp.from(s.updatedAt()));
      upsert.executeUpdate();
    }
  }

  static void delete(Connection conn, String env) throws SQLException {
    MirrorWriter.execute(conn, "DELETE FROM release_state WHERE environment = ?", env);
  }

  /** Records a transition and announces it on {@link ReleaseEvent#CHANNEL}. */
  static void event(
      Connection conn,
      ReleaseState state,
      ReleaseEvent.Kind kind,
      String actor,
      String cause,
      Instant now)
      throws SQLException {
    try (PreparedStatement insert =
        conn.prepareStatement(
            "INSERT INTO release_events (environment, version, event, percent, actor, cause,"
                + " emergency, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      insert.setString(1, state.environment());
      insert.setInt(2, state.version());
      insert.setString(3, kind.sql());
      if (state.serving() || kind == ReleaseEvent.Kind.STARTED) {
        insert.setInt(4, state.percent());
      } else {
        insert.setNull(4, java.sql.Types.INTEGER);
      }
      insert.setString(5, actor);
      insert.setString(6, cause);
      insert.setBoolean(7, state.emergency().isPresent());
      insert.setTimestamp(8, Timestamp.from(now));
      insert.executeUpdate();
    }
    ReleaseEvent announced =
        new ReleaseEvent(
            0,
            state.environment(),
            state.version(),
            kind,
            Optional.of(state.percent()),
            actor,
            cause,
            state.emergency().isPresent(),
            now);
    MirrorWriter.execute(conn, "SELECT pg_notify(?, ?)", ReleaseEvent.CHANNEL, announced.payload());
  }

  /**
   * Tells clients of {@code env} to look again at what they serve (a cohort grew, a candidate came
   * or went): the usual notification, naming {@code version}.
   */
  static void notifyClients(Connection conn, String env, int version) throws SQLException {
    VersionRecord row = MirrorReader.within(conn).version(env, version).orElseThrow();
    VersionRows.notifyClients(conn, new Notification(env, version, row.checksum().orElse("")));
  }
}
