package io.gitconf.mirror;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.gitconf.core.GitconfException;
import io.gitconf.core.Json;
import io.gitconf.core.ReleasePolicyReader;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * The read side of releases: the state of the release in progress, the reports of an environment's
 * instances and the release events. Reads as {@link MirrorReader} does (same connections, same
 * failures). Thread-safe when made from a data source.
 */
public final class ReleaseReader {
  private static final String STATE_COLUMNS =
      "SELECT environment, version, phase, step, percent, step_started_at, salt, policy::text,"
          + " emergency, cohort, applied, failed, restart_required, silent, paused_reason,"
          + " hold_reason, hold_until, created_at, updated_at FROM release_state";
  private static final String REPORT_COLUMNS =
      "SELECT environment, instance_id, labels::text, version, state, reason, healthy,"
          + " health_reason, reported_at FROM instance_reports WHERE environment = ?";

  /** As {@link #REPORT_COLUMNS}, with every instance's labels read as none. */
  private static final String REPORT_COLUMNS_WITHOUT_LABELS =
      REPORT_COLUMNS.replace("labels::text", "'{}'");

  private static final String EVENT_COLUMNS =
      "SELECT id, environment, version, event, percent, actor, cause, emergency, recorded_at"
          + " FROM release_events WHERE ";

  /** SQLSTATE of a missing table. */
  private static final String UNDEFINED_TABLE = "42P01";

  private final MirrorReader mirror;

  private ReleaseReader(MirrorReader mirror) {
    this.mirror = mirror;
  }

  public static ReleaseReader of(DataSource dataSource) {
    return new ReleaseReader(MirrorReader.of(dataSource));
  }

  public static ReleaseReader within(Connection connection) {
    return new ReleaseReader(MirrorReader.within(connection));
  }

  /** The release in progress in an environment (rolling, paused or held), if any. */
  public Optional<ReleaseState> state(String environment) {
    return mirror
        .query(
            "reading the release of " + environment,
            STATE_COLUMNS + " WHERE environment = ?",
            ReleaseReader::state,
            environment)
        .stream()
        .findFirst();
  }

  /** Every release in progress, by environment. */
  public List<ReleaseState> states() {
    return mirror.query(
        "reading releases", STATE_COLUMNS + " ORDER BY environment", ReleaseReader::state);
  }

  /**
   * {@link #state}, for readers that also serve a mirror migrated by a gitconf without releases (no
   * release tables): nothing is being released there.
   */
  public Optional<ReleaseState> stateIfReleases(String environment) {
    return withoutReleases(() -> state(environment), Optional.empty());
  }

  /** {@link #states}, empty on a mirror without release tables, as {@link #stateIfReleases}. */
  public List<ReleaseState> statesIfReleases() {
    return withoutReleases(this::states, List.of());
  }

  private static <T> T withoutReleases(Supplier<T> read, T none) {
    try {
      return read.get();
    } catch (GitconfException.Unavailable e) {
      if (e.getCause() instanceof SQLException sql && UNDEFINED_TABLE.equals(sql.getSQLState())) {
        return none;
      }
      throw e;
    }
  }

  /** The last report of every instance of an environment, by instance id. */
  public List<InstanceReport> reports(String environment) {
    return reports(environment, REPORT_COLUMNS);
  }

  /**
   * As {@link #reports}, without the labels, which no release decision reads: what the leader's
   * evaluation reads at every tick, over every instance of the fleet.
   */
  public List<InstanceReport> reportsWithoutLabels(String environment) {
    return reports(environment, REPORT_COLUMNS_WITHOUT_LABELS);
  }

  private List<InstanceReport> reports(String environment, String columns) {
    return mirror.query(
        "reading the reports of " + environment,
        columns + " ORDER BY instance_id",
        ReleaseReader::report,
        environment);
  }

  /** The release events of an environment, newest first, at most {@code limit}. */
  public List<ReleaseEvent> events(String environment, int limit) {
    return eventsOf(environment, "ORDER BY id DESC LIMIT ?", limit);
  }

  /** The release events of an environment after event {@code afterId}, oldest first. */
  public List<ReleaseEvent> eventsAfter(String environment, long afterId) {
    return eventsOf(environment, "AND id > ? ORDER BY id", afterId);
  }

  /** The release events of every environment after event {@code afterId}, oldest first. */
  public List<ReleaseEvent> eventsSince(long afterId) {
    return eventRows("reading release events", "id > ? ORDER BY id", afterId);
  }

  /** The events of one environment; {@code rest} goes on from {@code WHERE environment = ?}. */
  private List<ReleaseEvent> eventsOf(String environment, String rest, Object parameter) {
    return eventRows(
        "reading the release events of " + environment,
        "environment = ? " + rest,
        environment,
        parameter);
  }

  private List<ReleaseEvent> eventRows(String what, String where, Object... parameters) {
    return mirror.query(what, EVENT_COLUMNS + where, ReleaseReader::event, parameters);
  }

  /** The id of the last release event recorded, 0 when there is none. */
  public long lastEventId() {
    return mirror
        .query(
            "reading release events",
            "SELECT coalesce(max(id), 0) FROM release_events",
            rs -> rs.getLong(1))
        .get(0);
  }

  private static ReleaseState state(ResultSet rs) throws SQLException {
    return new ReleaseState(
        rs.getString(1),
        rs.getInt(2),
        StoredName.parse(ReleaseState.Phase.class, rs.getString(3)),
        rs.getInt(4),
        rs.getInt(5),
        instant(rs.getTimestamp(6)),
        rs.getString(7),
        ReleasePolicyReader.fromJson(Json.parse("release_state.policy", rs.getString(8))),
        Optional.ofNullable(rs.getString(9)),
        new ReleaseState.Counts(
            rs.getInt(10), rs.getInt(11), rs.getInt(12), rs.getInt(13), rs.getInt(14)),
        Optional.ofNullable(rs.getString(15)),
        Optional.ofNullable(rs.getString(16)),
        instant(rs.getTimestamp(17)),
        rs.getTimestamp(18).toInstant(),
        rs.getTimestamp(19).toInstant());
  }

  private static InstanceReport report(ResultSet rs) throws SQLException {
    return new InstanceReport(
        rs.getString(1),
        rs.getString(2),
        labels(rs.getString(3)),
        rs.getInt(4),
        StoredName.parse(InstanceReport.State.class, rs.getString(5)),
        Optional.ofNullable(rs.getString(6)),
        rs.getBoolean(7),
        Optional.ofNullable(rs.getString(8)),
        rs.getTimestamp(9).toInstant());
  }

  private static ReleaseEvent event(ResultSet rs) throws SQLException {
    int percent = rs.getInt(5);
    return new ReleaseEvent(
        rs.getLong(1),
        rs.getString(2),
        rs.getInt(3),
        StoredName.parse(ReleaseEvent.Kind.class, rs.getString(4)),
        rs.wasNull() ? Optional.empty() : Optional.of(percent),
        rs.getString(6),
        rs.getString(7),
        rs.getBoolean(8),
        rs.getTimestamp(9).toInstant());
  }

  private static Optional<Instant> instant(Timestamp timestamp) {
    return Optional.ofNullable(timestamp).map(Timestamp::toInstant);
  }

  private static Map<String, String> labels(String json) {
    if (json.equals("{}")) {
      // Most instances have none, and the leader's evaluation reads none.
      return Map.of();
    }
    try {
      return Json.MAPPER.readValue(json, new TypeReference<Map<String, String>>() {});
    } catch (JsonProcessingException e) {
      throw new GitconfException.Integrity(
          "mirror integrity: instance labels are not a JSON map of strings: " + json);
    }
  }
}
