package io.gitconf.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import io.gitconf.core.GitconfException;
import io.gitconf.sync.Database;
import io.gitconf.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The contract between the mirror's schema and the code that reads and writes it: every stored
 * status is named once in Java, and that name is exactly what the schema's constraints allow.
 */
class MirrorContractTest {
  static TestDatabase testDb;
  static Database database;

  @BeforeAll
  static void migrate() {
    testDb = TestDatabase.create();
    database = Database.connect(testDb.jdbcUrl(), Optional.empty());
  }

  @AfterAll
  static void drop() {
    database.close();
    testDb.close();
  }

  @Test
  void dataTheDatabaseRefusesIsAnIntegrityFailureAndALostConnectionIsUnavailable()
      throws Exception {
    GitconfException refused;
    try (Connection conn = database.dataSource().getConnection();
        PreparedStatement select = conn.prepareStatement("SELECT ?::text")) {
      select.setString(1, "a\0b");
      refused = MirrorSql.failure("storing a value", catchSql(select));
    }
    assertThat(refused)
        .isInstanceOf(GitconfException.Integrity.class)
        .hasMessageStartingWith(
            "storing a value: the database refused the data (SQLSTATE 22021): ");

    GitconfException lost;
    try (Connection conn = database.dataSource().getConnection();
        PreparedStatement select = conn.prepareStatement("SELECT 1")) {
      conn.unwrap(org.postgresql.PGConnection.class);
      try (PreparedStatement kill =
          conn.prepareStatement("SELECT pg_terminate_backend(pg_backend_pid())")) {
        catchSql(kill);
      }
      lost = MirrorSql.failure("reading versions", catchSql(select));
    }
    assertThat(lost)
        .isInstanceOf(GitconfException.Unavailable.class)
        .hasMessageStartingWith("reading versions: ");
  }

  private static SQLException catchSql(PreparedStatement statement) {
    try {
      statement.executeQuery().close();
    } catch (SQLException e) {
      return e;
    }
    throw new AssertionError("the statement did not fail");
  }

  @Test
  void everyVersionStatusIsOneTheSchemaAllowsAndTheOtherWayRound() throws Exception {
    assertThat(allowed("config_versions_status_check"))
        .containsExactlyInAnyOrderElementsOf(
            Arrays.stream(VersionStatus.values()).map(VersionStatus::sql).toList());
  }

  @Test
  void everyCommitStatusIsOneTheSchemaAllowsAndTheOtherWayRound() throws Exception {
    assertThat(allowed("sync_commits_outcome_check"))
        .containsExactlyInAnyOrderElementsOf(
            Arrays.stream(CommitStatus.values()).map(CommitStatus::sql).toList());
  }

  @Test
  void everyAuditActionIsOneTheSchemaAllowsAndTheOtherWayRound() throws Exception {
    assertThat(allowed("config_audit_action_check"))
        .containsExactlyInAnyOrderElementsOf(
            Arrays.stream(AuditAction.values()).map(AuditAction::sql).toList());
  }

  @Test
  void everyReleaseNameIsOneTheSchemaAllowsAndTheOtherWayRound() throws Exception {
    assertThat(allowed("release_state_phase_check"))
        .containsExactlyInAnyOrderElementsOf(
            Arrays.stream(ReleaseState.Phase.values()).map(ReleaseState.Phase::sql).toList());
    assertThat(allowed("instance_reports_state_check"))
        .containsExactlyInAnyOrderElementsOf(
            Arrays.stream(InstanceReport.State.values()).map(InstanceReport.State::sql).toList());
    assertThat(allowed("release_events_event_check"))
        .containsExactlyInAnyOrderElementsOf(
            Arrays.stream(ReleaseEvent.Kind.values()).map(ReleaseEvent.Kind::sql).toList());
  }

  @Test
  void bucketsFollowTheDocumentedFormula() {
    // The test vectors of docs/releases.md.
    assertThat(ReleaseState.bucket("prod", "salt", "trader-01")).isEqualTo(1859);
    assertThat(ReleaseState.bucket("prod", "salt", "trader-02")).isEqualTo(3860);
    assertThat(ReleaseState.bucket("prod", "9f2c1e", "host-17/trader")).isEqualTo(1669);
  }

  @Test
  void theOnlyEventKindIsAForcePush() throws Exception {
    assertThat(allowed("sync_events_kind_check")).containsExactly(MirrorStatus.ForcePush.KIND);
  }

  @Test
  void aNotificationIsCanonicalJsonAndReadsBack() {
    Notification sent = new Notification("prod", 7, "ab12");

    assertThat(sent.payload())
        .isEqualTo("{\"checksum\":\"ab12\",\"environment\":\"prod\",\"version\":7}");
    assertThat(Notification.parse(sent.payload())).contains(sent);
    assertThat(Notification.CHANNEL).isEqualTo("gitconf_config");
  }

  @Test
  void aPayloadThisVersionCannotReadIsNoNotification() {
    assertThat(Notification.parse("not json")).isEmpty();
    assertThat(Notification.parse("{\"environment\":\"prod\"}")).isEmpty();
    assertThat(Notification.parse("{\"environment\":1,\"version\":2,\"checksum\":\"c\"}"))
        .isEmpty();
    assertThat(Notification.parse("{\"environment\":\"e\",\"version\":\"2\",\"checksum\":\"c\"}"))
        .isEmpty();
  }

  /** The values a {@code CHECK (column IN (...))} constraint of the migrated schema allows. */
  private static List<String> allowed(String constraint) throws Exception {
    try (Connection conn = database.dataSource().getConnection();
        PreparedStatement select =
            conn.prepareStatement(
                "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = ?")) {
      select.setString(1, constraint);
      try (ResultSet rs = select.executeQuery()) {
        assertThat(rs.next()).as(constraint).isTrue();
        List<String> values = new ArrayList<>();
        Matcher m = Pattern.compile("'([^']*)'::text").matcher(rs.getString(1));
        while (m.find()) {
          values.add(m.group(1));
        }
        return values;
      }
    }
  }
}
