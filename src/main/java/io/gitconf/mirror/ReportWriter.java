package io.gitconf.mirror;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.gitconf.core.GitconfException;
import io.gitconf.core.Json;
import java.io.UncheckedIOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * Where instance reports go: the mirror's {@code instance_reports} (a mirror client writes there
 * itself; a relay writes what its clients send). Reports never add rows per poll: each instance has
 * one row, upserted, and a batch is one statement.
 */
@FunctionalInterface
public interface ReportWriter {

  /**
   * Writes the reports, each replacing its instance's last one, with the database's time; of
   * several reports of one instance in a batch, the last one.
   *
   * @throws GitconfException.Unavailable when the mirror cannot be reached
   */
  void write(List<InstanceReport> reports);

  /** The mirror at {@code dataSource}: one upsert over arrays per batch, one round trip. */
  static ReportWriter mirror(DataSource dataSource) {
    return batch -> {
      // One row per instance: the last of an instance's reports in a batch is the one written.
      Map<List<String>, InstanceReport> last = new LinkedHashMap<>();
      batch.forEach(r -> last.put(List.of(r.environment(), r.instanceId()), r));
      List<InstanceReport> reports = List.copyOf(last.values());
      if (reports.isEmpty()) {
        return;
      }
      try (Connection conn = dataSource.getConnection();
          PreparedStatement upsert =
              conn.prepareStatement(
                  "INSERT INTO instance_reports (environment, instance_id, labels, version, state,"
                      + " reason, healthy, health_reason, reported_at)"
                      + " SELECT e, i, l::jsonb, v, s, r, h, hr, now() FROM unnest(?::text[],"
                      + " ?::text[], ?::text[], ?::int[], ?::text[], ?::text[], ?::boolean[],"
                      + " ?::text[]) AS t (e, i, l, v, s, r, h, hr)"
                      + " ON CONFLICT (environment, instance_id) DO UPDATE SET"
                      + " labels = excluded.labels, version = excluded.version,"
                      + " state = excluded.state, reason = excluded.reason,"
                      + " healthy = excluded.healthy, health_reason = excluded.health_reason,"
                      + " reported_at = excluded.reported_at")) {
        upsert.setArray(1, column(conn, "text", reports, InstanceReport::environment));
        upsert.setArray(2, column(conn, "text", reports, InstanceReport::instanceId));
        upsert.setArray(3, column(conn, "text", reports, ReportWriter::json));
        upsert.setArray(4, column(conn, "int4", reports, InstanceReport::version));
        upsert.setArray(5, column(conn, "text", reports, r -> r.state().sql()));
        upsert.setArray(6, column(conn, "text", reports, r -> r.reason().orElse(null)));
        upsert.setArray(7, column(conn, "bool", reports, InstanceReport::healthy));
        upsert.setArray(8, column(conn, "text", reports, r -> r.healthReason().orElse(null)));
        upsert.executeUpdate();
      } catch (SQLException e) {
        throw MirrorSql.failure("writing " + reports.size() + " instance report(s)", e);
      }
    };
  }

  /** One column of the batch as a SQL array of {@code type}, a value per report. */
  private static Array column(
      Connection conn,
      String type,
      List<InstanceReport> reports,
      Function<InstanceReport, Object> value)
      throws SQLException {
    return conn.createArrayOf(type, reports.stream().map(value).toArray());
  }

  private static String json(InstanceReport report) {
    try {
      return Json.MAPPER.writeValueAsString(report.labels());
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
