package io.gitconf.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.gitconf.testing.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {
  @TempDir Path dir;

  @Test
  void embeddedFolderInUseByARunningServerIsReadThroughThatServer() throws Exception {
    Path data = dir.resolve("pg");
    try (Database running = Database.embedded(data)) {
      execute(running, "CREATE TABLE marker (note text)");
      execute(running, "INSERT INTO marker VALUES ('written by the running syncer')");
      String port = running.describe().replace("embedded PostgreSQL on port ", "");

      // As `gitconf status --embedded-postgres DIR` while `gitconf up` runs on DIR.
      try (Database reader = Database.embedded(data)) {
        assertThat(reader.describe())
            .isEqualTo("jdbc:postgresql://localhost:" + port + "/postgres?user=postgres");
        assertThat(note(reader)).isEqualTo("written by the running syncer");
      }

      // Closing the reader left the server of the first one running.
      assertThat(note(running)).isEqualTo("written by the running syncer");
    }
    // Stopped and started again over the same folder: the data is still there.
    try (Database restarted = Database.embedded(data)) {
      assertThat(restarted.describe()).startsWith("embedded PostgreSQL on port ");
      assertThat(note(restarted)).isEqualTo("written by the running syncer");
    }
  }

  @Test
  void dedicatedSessionsEndWithinSecondsOfTheirPeerGoingSilent() throws Exception {
    try (TestDatabase testDb = TestDatabase.create();
        Database database = Database.connect(testDb.jdbcUrl(), Optional.empty());
        Connection session = database.openDedicated()) {
      assertThat(
              show(
                  session,
                  "tcp_keepalives_idle",
                  "tcp_keepalives_interval",
                  "tcp_keepalives_count",
                  "tcp_user_timeout",
                  "idle_in_transaction_session_timeout"))
          .containsExactly("10", "5", "3", "25000", "1min");
      assertThat(Database.DEAD_PEER_SECONDS).isEqualTo(25);
      // The pool keeps the server's defaults (keepalive timing from the operating system, often
      // 7200 s): its connections hold nothing that outlives a transaction.
      try (Connection pooled = database.dataSource().getConnection()) {
        assertThat(show(pooled, "tcp_user_timeout", "idle_in_transaction_session_timeout"))
            .containsExactly("0", "0");
      }
    }
  }

  private static List<String> show(Connection connection, String... settings) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Statement s = connection.createStatement()) {
      for (String setting : settings) {
        try (ResultSet rs = s.executeQuery("SHOW " + setting)) {
          rs.next();
          values.add(rs.getString(1));
        }
      }
    }
    return values;
  }

  private static void execute(Database database, String sql) throws SQLException {
    try (Connection conn = database.dataSource().getConnection();
        Statement s = conn.createStatement()) {
      s.execute(sql);
    }
  }

  private static String note(Database database) throws SQLException {
    try (Connection conn = database.dataSource().getConnection();
        Statement s = conn.createStatement();
        ResultSet rs = s.executeQuery("SELECT note FROM marker")) {
      rs.next();
      return rs.getString(1);
    }
  }
}
