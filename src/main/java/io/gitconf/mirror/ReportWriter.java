package io.gitconf.mirror;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.gitconf.core.GitconfException;
import io.gitconf.core.Json;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
      int n = reports.size();
      String[] environments = new String[n];
      String[] ids = new String[n];
      String[] labels = new String[n];
      Integer[] versions = new Integer[n];
      String[] states = new String[n];
      String[] reasons = new String[n];
      Boolean[] healthy = new Boolean[n];
      String[] healthReasons = new String[n];
      for (int i = 0; i < n; i++) {
        InstanceReport r = reports.get(i);
        environments[i] = r.environment();
        ids[i] = r.instanceId();
        labels[i] = json(r);
        versions[i] = r.version();
        states[i] = r.state().sql();
        reasons[i] = r.reason().orElse(null);
        healthy[i] = r.healthy();
        healthReasons[i] = r.healthReason().orElse(null);
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
        upsert.setArray(1, conn.createArrayOf("text", environments));
        upsert.setArray(2, conn.createArrayOf("text", ids));
        upsert.setArray(3, conn.createArrayOf("text", labels));
        upsert.setArray(4, conn.createArrayOf("int4", versions));
        upsert.setArray(5, conn.createArrayOf("text", states));
        upsert.setArray(6, conn.createArrayOf("text", reasons));
        upsert.setArray(7, conn.createArrayOf("bool", healthy));
        upsert.setArray(8, conn.createArrayOf("text", healthReasons));
        upsert.executeUpdate();
      } catch (SQLException e) {
        throw MirrorSql.failure("writing " + n + " instance report(s)", e);
      }
    };
  }

  private static String json(InstanceReport report) {
    try {
      return Json.MAPPER.writeValueAsString(report.labels());
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
