package io.gitconf.sync;

import static io.gitconf.sync.CommandLineTest.run;
import static io.gitconf.testing.TestGitRepo.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gitconf.core.Json;
import io.gitconf.mirror.MirrorReader;
import io.gitconf.mirror.Pin;
import io.gitconf.mirror.VersionRecord;
import io.gitconf.mirror.VersionStatus;
import io.gitconf.sync.CommandLineTest.Result;
import io.gitconf.testing.TestDatabase;
import io.gitconf.testing.TestGitRepo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backup and restore of the whole mirror: every table the migrations create, and a restore that is
 * all or nothing, checked inside its transaction, whatever the file's trailer says.
 */
class BackupRestoreTest {
  @TempDir Path dir;
  TestDatabase source;
  TestDatabase target;
  TestGitRepo repo;
  Path backup;

  @BeforeEach
  void mirrorAHistoryWithAPinAndAHeldVersion() {
    source = TestDatabase.create();
    target = TestDatabase.create();
    repo = TestGitRepo.withFirstCommit(dir.resolve("repo"));
    repo.file("environments/prod/app.yaml", "limits:\n  max: 400\n").commit(BOB, "Lower prod");
    assertThat(
            run("rebuild", "--repo", repo.root().toString(), "--db", source.jdbcUrl()).exitCode())
        .isZero();
    Result glass =
        run(
            "rollback",
            "--break-glass",
            "--env",
            "prod",
            "--to",
            "1",
            "--db",
            source.jdbcUrl(),
            "--user",
            "Ada Trader <ada@example.com>",
            "--reason",
            "Git is down",
            "--yes");
    assertThat(glass.exitCode()).as(glass.err()).isZero();
    repo.file("environments/prod/app.yaml", "limits:\n  max: 300\n").commit(BOB, "While pinned");
    try (Database db = Database.connect(source.jdbcUrl(), Optional.empty());
        Syncer syncer =
            new Syncer(
                db,
                SyncSettings.of(repo.root().toString(), "main", Duration.ofSeconds(1), dir),
                SyncListener.NONE)) {
      assertThat(syncer.syncOnce()).isEqualTo(1);
    }
    backup = dir.resolve("mirror.backup");
    Result done = run("backup", "--db", source.jdbcUrl(), "--out", backup.toString());
    assertThat(done.exitCode()).as(done.err()).isZero();
  }

  @AfterEach
  void tearDown() {
    repo.close();
    source.close();
    target.close();
  }

  @Test
  void theBackupHoldsEveryTableTheMigrationsCreate() throws Exception {
    try (Database db = Database.connect(source.jdbcUrl(), Optional.empty());
        Connection conn = db.dataSource().getConnection()) {
      List<String> schema = new ArrayList<>(MirrorBackup.schemaTables(conn));
      schema.remove("flyway_schema_history");
      assertThat(MirrorBackup.tables()).containsExactlyInAnyOrderElementsOf(schema);
    }
    // Every row of every table, pins included.
    List<String> lines = Files.readAllLines(backup);
    try (Connection conn = source.connect();
        Statement s = conn.createStatement()) {
      for (String table : MirrorBackup.tables()) {
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
          rs.next();
          assertThat(lines.stream().filter(l -> l.endsWith(",\"table\":\"" + table + "\"}")))
              .as(table)
              .hasSize(rs.getInt(1));
        }
      }
    }
    assertThat(lines).anyMatch(l -> l.endsWith(",\"table\":\"environment_pins\"}"));
  }

  @Test
  void aPinAndAHeldVersionSurviveBackupAndRestore() throws Exception {
    Result restored = run("restore", "--db", target.jdbcUrl(), backup.toString());

    assertThat(restored.exitCode()).as(restored.out() + restored.err()).isZero();
    try (Database db = Database.connect(target.jdbcUrl(), Optional.empty())) {
      MirrorReader mirror = MirrorReader.of(db.dataSource());
      assertThat(mirror.pin("prod"))
          .get()
          .extracting(Pin::version, Pin::pinnedBy, Pin::reason)
          .containsExactly(1, "Ada Trader <ada@example.com>", "Git is down");
      assertThat(mirror.history("prod"))
          .extracting(VersionRecord::version, VersionRecord::status)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(3, VersionStatus.HELD),
              org.assertj.core.groups.Tuple.tuple(2, VersionStatus.SUPERSEDED),
              org.assertj.core.groups.Tuple.tuple(1, VersionStatus.ACTIVE));
    }
    for (String env : List.of("dev", "prod")) {
      assertThat(run("history", "--db", target.jdbcUrl(), "--env", env).out())
          .isEqualTo(run("history", "--db", source.jdbcUrl(), "--env", env).out());
    }
    assertThat(run("status", "--db", target.jdbcUrl()).out())
        .contains("PINNED prod: pinned to version 1 by Ada Trader <ada@example.com> at ");
    // The restored pin is a pin like any other: unpinning activates the held version.
    Result unpinned =
        run(
            "unpin",
            "--env",
            "prod",
            "--db",
            target.jdbcUrl(),
            "--user",
            "Ada",
            "--reason",
            "Git is back");
    assertThat(unpinned.out()).isEqualTo("prod is no longer pinned; version 3 is active\n");
    assertThat(run("verify", "--db", target.jdbcUrl()).exitCode()).isZero();
  }

  @Test
  void anItemEditedWithARecomputedTrailerIsRolledBackAndTheDatabaseStaysEmpty() throws Exception {
    Result refused =
        restoreEdited(
            row ->
                row.path("table").asText().equals("config_items")
                        && row.at("/row/path").asText().equals("app.limits.max")
                        && row.at("/row/value").asText().equals("500")
                    ? withRow(row, "value", "999")
                    : row);

    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.out())
        .contains(": mirror integrity: the items of version 1 of 'prod' give checksum ")
        .endsWith("every row was rolled back and " + target.jdbcUrl() + " is as empty as before\n");
    assertEmpty(target);
  }

  @Test
  void anAuditRowEditedWithARecomputedTrailerIsRolledBack() throws Exception {
    Result refused =
        restoreEdited(
            row ->
                row.path("table").asText().equals("config_audit")
                    ? withRow(row, "reason", "forged")
                    : row);

    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.out()).contains("its content does not match its hash: the row was altered");
    assertEmpty(target);
  }

  @Test
  void aSecondActiveVersionIsRefusedByTheDatabaseAndNothingIsRestored() throws Exception {
    Result refused =
        restoreEdited(
            row ->
                row.path("table").asText().equals("config_versions")
                    ? withRow(row, "status", VersionStatus.ACTIVE.sql())
                    : row);

    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.err())
        .startsWith("gitconf: " + backupEdited() + ": cannot restore into the mirror; nothing was")
        .contains("the database refused the data (SQLSTATE 23505)")
        .contains("config_versions_one_active");
    assertEmpty(target);
  }

  @Test
  void anEnvironmentLeftWithoutAnActiveVersionOrAPinOnAnotherIsRolledBack() throws Exception {
    Result refused =
        restoreEdited(
            row ->
                row.path("table").asText().equals("config_versions")
                        && row.at("/row/environment").asText().equals("dev")
                    ? withRow(row, "status", VersionStatus.SUPERSEDED.sql())
                    : row.path("table").asText().equals("environment_pins")
                        ? withRow(row, "version", "2")
                        : row);

    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.out())
        .contains("dev: active version: no version is active, though dev has valid versions\n")
        .contains("prod: pin: pinned to version 2, but the active version is [1]\n");
    assertEmpty(target);
  }

  @Test
  void aBackupOfADatabaseWithATableItDoesNotKnowIsRefused() throws Exception {
    try (Connection conn = source.connect();
        Statement s = conn.createStatement()) {
      s.execute("CREATE TABLE release_steps (id bigint)");
    }

    Result refused =
        run("backup", "--db", source.jdbcUrl(), "--out", dir.resolve("new.backup").toString());

    assertThat(refused.exitCode()).isEqualTo(2);
    assertThat(refused.err())
        .isEqualTo(
            "gitconf: the mirror has tables this gitconf does not back up (release_steps): it was"
                + " migrated by a newer gitconf; back it up with that one\n");
  }

  private Path backupEdited() {
    return dir.resolve("edited.backup");
  }

  /**
   * Restores the backup with every row line passed through {@code edit} and a trailer recomputed to
   * match, as someone who can rewrite the file would.
   */
  private Result restoreEdited(UnaryOperator<JsonNode> edit) throws Exception {
    List<String> lines = Files.readAllLines(backup, StandardCharsets.UTF_8);
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    StringBuilder text = new StringBuilder();
    int rows = lines.size() - 1;
    for (String line : lines.subList(0, rows)) {
      String edited = Json.canonical(edit.apply(Json.parse("backup", line)));
      digest.update((edited + "\n").getBytes(StandardCharsets.UTF_8));
      text.append(edited).append('\n');
    }
    ObjectNode trailer = Json.MAPPER.createObjectNode();
    trailer.put("format", MirrorBackup.FORMAT);
    trailer.put("rows", rows);
    trailer.put("sha256", HexFormat.of().formatHex(digest.digest()));
    text.append(Json.canonical(trailer)).append('\n');
    Files.writeString(backupEdited(), text.toString());
    assertThat(MirrorBackup.verifyFile(backupEdited())).isEqualTo(rows);
    return run("restore", "--db", target.jdbcUrl(), backupEdited().toString());
  }

  private static JsonNode withRow(JsonNode line, String column, String value) {
    ObjectNode copy = line.deepCopy();
    JsonNode old = copy.path("row").path(column);
    ((ObjectNode) copy.get("row"))
        .set(column, old.isNumber() ? Json.parse(column, value) : Json.MAPPER.valueToTree(value));
    return copy;
  }

  /** Every table a backup holds has no row. */
  private static void assertEmpty(TestDatabase database) throws Exception {
    try (Connection conn = database.connect();
        Statement s = conn.createStatement()) {
      for (String table : MirrorBackup.tables()) {
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
          rs.next();
          assertThat(rs.getLong(1)).as(table).isZero();
        }
      }
    }
  }
}
