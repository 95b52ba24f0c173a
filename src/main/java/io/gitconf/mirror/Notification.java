package io.gitconf.mirror;

import com.fasterxml.jackson.databind.JsonNode;
import io.gitconf.core.GitconfException;
import io.gitconf.core.Json;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * What the mirror tells listening clients when a version becomes active: {@code NOTIFY} on {@link
 * #CHANNEL} with the payload {@code {"checksum":"…","environment":"prod","version":7}}, sent inside
 * the activating transaction so it is delivered only once that commits. Immutable.
 */
public record Notification(String environment, int version, String checksum) {
  /** The one channel every activation is announced on. */
  public static final String CHANNEL = "gitconf_config";

  /**
   * Makes {@code connection} a listener of {@link #CHANNEL}, named {@code applicationName} in
   * {@code pg_stat_activity} so that an operator can tell it apart; notifications then arrive on it
   * (with pgjdbc, through {@code PGConnection.getNotifications}).
   */
  public static void listen(Connection connection, String applicationName) throws SQLException {
    connection.setAutoCommit(true);
    try (Statement statement = connection.createStatement()) {
      statement.execute("SET application_name = '" + applicationName.replace("'", "''") + "'");
      statement.execute("LISTEN " + CHANNEL);
    }
  }

  /** The payload as sent: canonical JSON, so equal notifications are equal text. */
  public String payload() {
    return Json.canonical(
        Json.MAPPER
            .createObjectNode()
            .put("environment", environment)
            .put("version", version)
            .put("checksum", checksum));
  }

  /**
   * The notification a payload carries; empty when it is not one this version of gitconf reads (a
   * listener should then reload to be safe).
   */
  public static Optional<Notification> parse(String payload) {
    JsonNode json;
    try {
      json = Json.parse("notification", payload);
    } catch (GitconfException e) {
      return Optional.empty();
    }
    JsonNode environment = json.path("environment");
    JsonNode version = json.path("version");
    JsonNode checksum = json.path("checksum");
    if (!environment.isTextual()
        || !version.isIntegralNumber()
        || !version.canConvertToInt()
        || !checksum.isTextual()) {
      return Optional.empty();
    }
    return Optional.of(new Notification(environment.asText(), version.asInt(), checksum.asText()));
  }
}
