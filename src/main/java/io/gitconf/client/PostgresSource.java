package io.gitconf.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.gitconf.core.ConfigSchemaValidator;
import io.gitconf.core.ConfigSnapshot;
import io.gitconf.core.GitconfException;
import io.gitconf.core.Json;
import io.gitconf.core.Problem;
import io.gitconf.core.SchemaSet;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * The mirror the syncer writes: loads the active version of an environment from PostgreSQL, checks
 * that its items reproduce the version's checksum, and validates it against the schemas shipped
 * with this client before it may be served (a mirror written by another gitconf version is thus
 * checked against what this client's typed records expect). Changes arrive through {@link
 * MirrorListener} ({@code LISTEN}), and the manager also polls every TTL in case a notification was
 * lost.
 *
 * <p>Thread-safe. Reads only; the schema is {@code migrations/V1__mirror.sql}.
 */
final class PostgresSource implements ConfigSource {
  private static final String ACTIVE =
      "SELECT version, commit_id, checksum FROM config_versions"
          + " WHERE environment = ? AND status = 'active'";
  private static final String ITEMS =
      "SELECT path, value FROM config_items WHERE environment = ? AND valid_from <= ?"
          + " AND (valid_to IS NULL OR valid_to > ?)";

  private record Active(int version, String commit, String checksum) {
    String fingerprint() {
      return version + ":" + commit + ":" + checksum;
    }
  }

  private final DataSource dataSource;
  private final String environment;
  private final Duration firstBackoff;
  private final Duration maxBackoff;
  private MirrorListener listener;

  PostgresSource(
      DataSource dataSource, String environment, Duration firstBackoff, Duration maxBackoff) {
    this.dataSource = dataSource;
    this.environment = environment;
    this.firstBackoff = firstBackoff;
    this.maxBackoff = maxBackoff;
  }

  @Override
  public Loaded load(String environment) {
    try (Connection conn = dataSource.getConnection()) {
      conn.setReadOnly(true);
      Active active =
          active(conn, environment)
              .orElseThrow(
                  () ->
                      new GitconfException.Unavailable(
                          describe()
                              + ": environment "
                              + environment
                              + " has no active version (has the syncer mirrored it?)"));
      SortedMap<String, JsonNode> leaves = new TreeMap<>();
      try (PreparedStatement items = conn.prepareStatement(ITEMS)) {
        items.setString(1, environment);
        items.setInt(2, active.version());
        items.setInt(3, active.version());
        try (ResultSet rs = items.executeQuery()) {
          while (rs.next()) {
            leaves.put(
                rs.getString(1), Json.parse("config_items " + rs.getString(1), rs.getString(2)));
          }
        }
      }
      ConfigSnapshot snapshot = ConfigSnapshot.fromLeaves(environment, leaves);
      String origin = describe() + " " + environment + " version " + active.version();
      if (!snapshot.checksum().equals(active.checksum())) {
        throw new GitconfException.ValidationFailed(
            origin,
            List.of(
                Problem.error(
                    null,
                    "",
                    "the stored items give checksum "
                        + snapshot.checksum()
                        + " but the version says "
                        + active.checksum(),
                    "mirror-integrity")));
      }
      Set<String> categories = new HashSet<>();
      snapshot.tree().fieldNames().forEachRemaining(categories::add);
      SchemaSet schemas = SchemaSet.shipped().only(categories);
      List<Problem> errors =
          ConfigSchemaValidator.of(schemas).validate(snapshot).stream()
              .filter(Problem::isError)
              .toList();
      if (!errors.isEmpty()) {
        throw new GitconfException.ValidationFailed(origin, errors);
      }
      return new Loaded(
          snapshot,
          OptionalLong.of(active.version()),
          active.commit(),
          schemas,
          active.fingerprint());
    } catch (SQLException e) {
      throw unavailable(e);
    }
  }

  @Override
  public Optional<String> fingerprint(String environment) {
    try (Connection conn = dataSource.getConnection()) {
      return active(conn, environment).map(Active::fingerprint);
    } catch (SQLException e) {
      throw unavailable(e);
    }
  }

  private static Optional<Active> active(Connection conn, String environment) throws SQLException {
    try (PreparedStatement select = conn.prepareStatement(ACTIVE)) {
      select.setString(1, environment);
      try (ResultSet rs = select.executeQuery()) {
        return rs.next()
            ? Optional.of(new Active(rs.getInt(1), rs.getString(2), rs.getString(3)))
            : Optional.empty();
      }
    }
  }

  @Override
  public synchronized void watch(Runnable changed) {
    listener = new MirrorListener(dataSource, environment, changed, firstBackoff, maxBackoff);
    listener.start();
  }

  @Override
  public boolean needsPolling() {
    return true;
  }

  /** True while the listener holds a connection with {@code LISTEN} in effect. */
  synchronized boolean listening() {
    return listener != null && listener.listening();
  }

  @Override
  public String describe() {
    return "mirror";
  }

  private GitconfException.Unavailable unavailable(SQLException e) {
    return new GitconfException.Unavailable(
        describe() + ": cannot read environment " + environment + ": " + e.getMessage(), e);
  }

  @Override
  public synchronized void close() {
    if (listener != null) {
      listener.close();
    }
  }
}
