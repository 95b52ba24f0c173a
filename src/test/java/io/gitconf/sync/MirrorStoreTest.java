package io.gitconf.sync;

import static io.gitconf.testing.TestGitRepo.ALICE;
import static io.gitconf.testing.TestGitRepo.BOB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.IntNode;
import io.gitconf.core.ConfigPath;
import io.gitconf.core.ConfigRepository;
import io.gitconf.core.GitTrees;
import io.gitconf.core.GitconfException;
import io.gitconf.mirror.AuditAction;
import io.gitconf.mirror.AuditChain;
import io.gitconf.mirror.AuditRecord;
import io.gitconf.mirror.VersionRecord;
import io.gitconf.mirror.VersionStatus;
import io.gitconf.testing.TestDatabase;
import io.gitconf.testing.TestGitRepo;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

class MirrorStoreTest {
  @TempDir Path dir;
  TestDatabase testDb;
  Database database;
  MirrorStore store;
  TestGitRepo repo;

  @BeforeEach
  void setUp() {
    testDb = TestDatabase.create();
    database = Database.connect(testDb.jdbcUrl(), Optional.empty());
    store = new MirrorStore(database.dataSource());
    repo = TestGitRepo.create(dir.resolve("repo"));
  }

  @AfterEach
  void tearDown() {
    repo.close();
    database.close();
    testDb.close();
  }

  CommitOutcome mirror(RevCommit commit) {
    ConfigRepository config =
        ConfigRepository.load(GitTrees.commit(repo.git().getRepository(), commit));
    return store.mirror("main", CommitInfo.of(commit), config);
  }

  RevCommit firstCommit() {
    return repo.file("base/app.yaml", "limits:\n  max: 100\n  min: 1\nhosts: [a, b]\n")
        .file("environments/prod/app.yaml", "limits:\n  max: 500\n")
        .commit(ALICE, "Initial configuration");
  }

  @Test
  void firstCommitActivatesVersionOneOfEveryEnvironmentWithAuthorAndMessageInAudit() {
    RevCommit first = firstCommit();

    CommitOutcome outcome = mirror(first);

    assertThat(outcome.kind()).isEqualTo(CommitOutcome.Kind.MIRRORED);
    assertThat(outcome.environments())
        .extracting(
            CommitOutcome.EnvironmentVersion::environment, e -> e.version(), e -> e.status())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("dev", 1, VersionStatus.ACTIVE),
            org.assertj.core.groups.Tuple.tuple("prod", 1, VersionStatus.ACTIVE));
    VersionRecord prod = store.activeVersion("prod").orElseThrow();
    assertThat(prod.commitId()).isEqualTo(first.name());
    assertThat(prod.authorName()).isEqualTo("Alice Trader");
    assertThat(prod.authorEmail()).isEqualTo("alice@example.com");
    assertThat(prod.message()).isEqualTo("Initial configuration");
    assertThat(prod.committedAt()).isEqualTo(first.getAuthorIdent().getWhenAsInstant());
    assertThat(store.activeSnapshot("prod").orElseThrow().get(ConfigPath.parse("app.limits.max")))
        .contains(IntNode.valueOf(500));
    assertThat(store.activeSnapshot("dev").orElseThrow().checksum())
        .isEqualTo(
            prod.checksum().isPresent()
                ? store.activeVersion("dev").orElseThrow().checksum().get()
                : "");

    List<AuditRecord> audit = store.reader().audit("prod");
    assertThat(audit)
        .extracting(AuditRecord::path)
        .containsExactly("app.hosts", "app.limits.max", "app.limits.min");
    assertThat(audit)
        .allSatisfy(
            row -> {
              assertThat(row.action()).isEqualTo(AuditAction.CREATE);
              assertThat(row.changedBy()).isEqualTo("Alice Trader <alice@example.com>");
              assertThat(row.reason()).isEqualTo("Initial configuration");
              assertThat(row.oldValue()).isEmpty();
            });
    assertThat(audit.get(1).newValue()).contains("500");
  }

  @Test
  void changingOnePathWritesOneItemAndOneAuditRowAndLeavesOtherEnvironmentsAlone()
      throws Exception {
    mirror(firstCommit());
    long itemsBefore = count("SELECT count(*) FROM config_items");

    RevCommit change =
        repo.file("environments/prod/app.yaml", "limits:\n  max: 600\n")
            .commit(BOB, "Raise the prod limit\n\nTicket RISK-12");
    CommitOutcome outcome = mirror(change);

    assertThat(outcome.environments())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.environment()).isEqualTo("prod");
              assertThat(e.version()).isEqualTo(2);
              assertThat(e.changedPaths()).isEqualTo(1);
            });
    assertThat(count("SELECT count(*) FROM config_items")).isEqualTo(itemsBefore + 1);
    assertThat(store.history("dev")).hasSize(1);
    assertThat(store.history("prod"))
        .extracting(VersionRecord::version, VersionRecord::status)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(2, VersionStatus.ACTIVE),
            org.assertj.core.groups.Tuple.tuple(1, VersionStatus.SUPERSEDED));
    assertThat(store.reader().pathHistory("prod", "app.limits.max"))
        .extracting(
            AuditRecord::action,
            AuditRecord::oldValue,
            AuditRecord::newValue,
            AuditRecord::changedBy,
            AuditRecord::reason)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                AuditAction.UPDATE,
                Optional.of("500"),
                Optional.of("600"),
                "Bob Risk <bob@example.com>",
                "Raise the prod limit\n\nTicket RISK-12"),
            org.assertj.core.groups.Tuple.tuple(
                AuditAction.CREATE,
                Optional.empty(),
                Optional.of("500"),
                "Alice Trader <alice@example.com>",
                "Initial configuration"));
    // The old version is still readable and still matches its checksum.
    assertThat(store.snapshot("prod", 1).get(ConfigPath.parse("app.limits.max")))
        .contains(IntNode.valueOf(500));
    assertThat(store.snapshot("prod", 2).get(ConfigPath.parse("app.limits.max")))
        .contains(IntNode.valueOf(600));
  }

  @Test
  void deletedPathIsClosedAndAudited() {
    mirror(firstCommit());
    RevCommit change =
        repo.file("base/app.yaml", "limits:\n  max: 100\n  min: 1\n").commit(BOB, "Drop hosts");

    mirror(change);

    assertThat(store.activeSnapshot("dev").orElseThrow().leaves()).doesNotContainKey("app.hosts");
    assertThat(store.snapshot("dev", 1).leaves()).containsKey("app.hosts");
    assertThat(store.reader().pathHistory("dev", "app.hosts"))
        .extracting(AuditRecord::action)
        .containsExactly(AuditAction.DELETE, AuditAction.CREATE);
  }

  @Test
  void rejectedCommitKeepsTheActiveVersionAndAFixActivatesNormally() {
    mirror(firstCommit());
    RevCommit broken =
        repo.file("environments/prod/app.yaml", "limits:\n  max: 5000\n  min: -1\n")
            .commit(BOB, "Oops");

    CommitOutcome rejected = mirror(broken);

    assertThat(rejected.kind()).isEqualTo(CommitOutcome.Kind.REJECTED);
    assertThat(rejected.errors())
        .containsExactly(
            "environments/prod/app.yaml:2: app.limits.max: must be <= 1000 (maximum)",
            "environments/prod/app.yaml:3: app.limits.min: must be >= 0 (minimum)");
    VersionRecord prodRejected = store.history("prod").get(0);
    assertThat(prodRejected.status()).isEqualTo(VersionStatus.REJECTED);
    assertThat(prodRejected.version()).isEqualTo(2);
    assertThat(prodRejected.authorName()).isEqualTo("Bob Risk");
    assertThat(prodRejected.errors()).isEqualTo(rejected.errors());
    assertThat(store.activeVersion("prod").orElseThrow().version()).isEqualTo(1);
    assertThat(store.reader().status(10).rejected())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.commitId()).isEqualTo(broken.name());
              assertThat(r.author()).isEqualTo("Bob Risk <bob@example.com>");
              assertThat(r.errors()).hasSize(2);
            });
    assertThatThrownBy(() -> store.snapshot("prod", 2))
        .isInstanceOf(GitconfException.BadRequest.class)
        .hasMessageContaining("was rejected");

    RevCommit fix =
        repo.file("environments/prod/app.yaml", "limits:\n  max: 700\n").commit(BOB, "Fix");
    CommitOutcome fixed = mirror(fix);

    assertThat(fixed.kind()).isEqualTo(CommitOutcome.Kind.MIRRORED);
    VersionRecord active = store.activeVersion("prod").orElseThrow();
    assertThat(active.version()).isEqualTo(3);
    assertThat(active.commitId()).isEqualTo(fix.name());
    assertThat(store.reader().pathHistory("prod", "app.limits.max"))
        .extracting(AuditRecord::oldValue, AuditRecord::newValue)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(Optional.of("500"), Optional.of("700")),
            org.assertj.core.groups.Tuple.tuple(Optional.empty(), Optional.of("500")));
  }

  @Test
  void commitWithABrokenManifestIsRejectedInEveryMirroredEnvironment() {
    mirror(firstCommit());
    RevCommit broken = repo.file("gitconf.yaml", "version: 2\n").commit(BOB, "Break the manifest");

    CommitOutcome outcome = mirror(broken);

    assertThat(outcome.kind()).isEqualTo(CommitOutcome.Kind.REJECTED);
    assertThat(outcome.errors()).anyMatch(e -> e.startsWith("gitconf.yaml:1: version: must be 1"));
    assertThat(outcome.environments())
        .extracting(
            CommitOutcome.EnvironmentVersion::environment, CommitOutcome.EnvironmentVersion::status)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("dev", VersionStatus.REJECTED),
            org.assertj.core.groups.Tuple.tuple("prod", VersionStatus.REJECTED));
    assertThat(store.history("prod").get(0).checksum()).isEmpty();
    assertThat(store.activeVersion("prod").orElseThrow().version()).isEqualTo(1);
  }

  @Test
  void mirroringTheSameCommitsAgainChangesNothing() throws Exception {
    RevCommit first = firstCommit();
    RevCommit second =
        repo.file("environments/prod/app.yaml", "limits:\n  max: 600\n").commit(BOB, "Raise");
    mirror(first);
    mirror(second);
    String before = dump();

    MirrorStore fresh = new MirrorStore(database.dataSource());
    ConfigRepository config =
        ConfigRepository.load(GitTrees.commit(repo.git().getRepository(), first));
    CommitOutcome again = fresh.mirror("main", CommitInfo.of(first), config);
    CommitOutcome againSecond = mirror(second);

    assertThat(again.kind()).isEqualTo(CommitOutcome.Kind.ALREADY_DONE);
    assertThat(againSecond.kind()).isEqualTo(CommitOutcome.Kind.ALREADY_DONE);
    assertThat(dump()).isEqualTo(before);
  }

  @Test
  void commitThatChangesNothingResolvedIsRecordedAsUnchanged() {
    mirror(firstCommit());
    RevCommit cosmetic =
        repo.file("base/app.yaml", "# comment\nlimits:\n  max: 100\n  min: 1\nhosts: [a, b]\n")
            .commit(ALICE, "Comment only");

    CommitOutcome outcome = mirror(cosmetic);

    assertThat(outcome.kind()).isEqualTo(CommitOutcome.Kind.UNCHANGED);
    assertThat(outcome.environments()).isEmpty();
    assertThat(store.history("dev")).hasSize(1);
    assertThat(store.reader().lastCommit("main")).contains(cosmetic.name());
  }

  @Test
  void databaseRefusesASecondActiveVersionUnderConcurrentActivation() throws Exception {
    mirror(firstCommit());
    try (Connection a = testDb.connect();
        Connection b = testDb.connect()) {
      a.setAutoCommit(false);
      b.setAutoCommit(false);
      activateVersion(a, 2, "c2");
      // b does the same from another session: its UPDATE waits for a's row lock, then finds
      // nothing active left to supersede, and the one-active index refuses its INSERT.
      Thread bThread =
          new Thread(
              () -> {
                try {
                  activateVersion(b, 3, "c3");
                  b.commit();
                } catch (SQLException e) {
                  failures.add(e);
                }
              });
      bThread.start();
      awaitBlockedSession();
      a.commit();
      bThread.join(30_000);
    }
    assertThat(failures)
        .singleElement()
        .satisfies(e -> assertThat(e.getSQLState()).isEqualTo("23505"));
    assertThat(failures.get(0).getMessage()).contains("config_versions_one_active");
    assertThat(
            count(
                "SELECT count(*) FROM config_versions WHERE environment = 'dev' AND status = 'active'"))
        .isEqualTo(1);
  }

  @Test
  void twoWritersOfTheSameCommitMirrorItOnce() throws Exception {
    RevCommit first = firstCommit();
    ConfigRepository config =
        ConfigRepository.load(GitTrees.commit(repo.git().getRepository(), first));
    List<CommitOutcome.Kind> kinds = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<Thread> writers = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      MirrorStore own = new MirrorStore(database.dataSource());
      writers.add(
          new Thread(() -> kinds.add(own.mirror("main", CommitInfo.of(first), config).kind())));
    }
    writers.forEach(Thread::start);
    for (Thread writer : writers) {
      writer.join(30_000);
    }

    assertThat(kinds)
        .containsExactlyInAnyOrder(CommitOutcome.Kind.MIRRORED, CommitOutcome.Kind.ALREADY_DONE);
    assertThat(count("SELECT count(*) FROM config_versions")).isEqualTo(2);
    assertThat(count("SELECT count(*) FROM config_audit")).isEqualTo(6);
  }

  /** Waits until some session of this database waits for a lock. */
  private void awaitBlockedSession() throws Exception {
    for (int i = 0; i < 300; i++) {
      if (count(
              "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                  + " AND wait_event_type = 'Lock'")
          > 0) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the second session never waited for the first");
  }

  private final List<SQLException> failures = new java.util.concurrent.CopyOnWriteArrayList<>();

  private static void activateVersion(Connection conn, int version, String commitId)
      throws SQLException {
    try (Statement s = conn.createStatement()) {
      s.execute(
          "INSERT INTO sync_commits (commit_id, branch, author_name, author_email, committed_at,"
              + " message, outcome) VALUES ('"
              + commitId
              + "', 'main', 'x', 'x@x', now(), 'm', 'mirrored')");
      s.execute(
          "UPDATE config_versions SET status = 'superseded' WHERE environment = 'dev' AND status = 'active'");
      s.execute(
          "INSERT INTO config_versions (environment, version, commit_id, author_name,"
              + " author_email, committed_at, message, status, checksum) VALUES ('dev', "
              + version
              + ", '"
              + commitId
              + "', 'x', 'x@x', now(), 'm', 'active', 'c')");
    }
  }

  @Test
  void secretsStayCiphertextInItemsAndMaskedInTheAudit() throws Exception {
    io.gitconf.core.crypto.SecretCipher cipher =
        io.gitconf.core.crypto.SecretCipher.of(
            io.gitconf.core.crypto.EncryptionKeys.from(
                java.util.Map.of(
                    "GITCONF_MASTER_KEY", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")));
    io.gitconf.core.ConfigPath password = io.gitconf.core.ConfigPath.parse("app.password");
    String v1 =
        cipher.encrypt("prod", password, io.gitconf.core.crypto.Secret.of("first-password"));
    String v2 =
        cipher.encrypt("prod", password, io.gitconf.core.crypto.Secret.of("second-password"));
    repo.file("base/app.yaml", "limits:\n  max: 100\n")
        .file("environments/prod/app.yaml", "password: '" + v1 + "'\n")
        .commit(ALICE, "Add the prod password");
    mirror(repo.git().getRepository().parseCommit(repo.git().getRepository().resolve("HEAD")));
    RevCommit rotate =
        repo.file("environments/prod/app.yaml", "password: '" + v2 + "'\n").commit(BOB, "Rotate");
    mirror(rotate);

    assertThat(store.snapshot("prod", 1).leaves().get("app.password").asText()).isEqualTo(v1);
    assertThat(store.activeSnapshot("prod").orElseThrow().leaves().get("app.password").asText())
        .isEqualTo(v2);
    assertThat(store.reader().pathHistory("prod", "app.password"))
        .extracting(AuditRecord::oldValue, AuditRecord::newValue)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(Optional.of("\"****\""), Optional.of("\"****\"")),
            org.assertj.core.groups.Tuple.tuple(Optional.empty(), Optional.of("\"****\"")));
    // A commit that puts a plaintext at the secret path is rejected, and its errors do not
    // repeat the value.
    RevCommit leak =
        repo.file("environments/prod/app.yaml", "password: plaintext-that-must-not-leak\n")
            .commit(BOB, "Oops, clear text");
    assertThat(mirror(leak).kind()).isEqualTo(CommitOutcome.Kind.REJECTED);

    // Every column of every table, as text: ciphertext only in config_items, plaintext nowhere.
    for (String table : tables()) {
      String rows = allRows(table);
      assertThat(rows)
          .as(table)
          .doesNotContain("first-password")
          .doesNotContain("second-password")
          .doesNotContain("plaintext-that-must-not-leak");
      if (!table.equals("config_items")) {
        assertThat(rows).as(table).doesNotContain("ENC[").doesNotContain(v1.substring(16, 40));
      }
    }
    assertThat(tables())
        .contains(
            "config_audit",
            "config_items",
            "config_versions",
            "environment_pins",
            "sync_commits",
            "sync_events",
            "sync_state");
    assertThat(allRows("sync_commits")).contains("app.password: holds plaintext");
    assertThat(
            count(
                "SELECT count(*) FROM config_items WHERE path = 'app.password' AND value NOT LIKE '\"ENC[%'"))
        .isZero();
  }

  /** Every table of the mirror's schema, Flyway's own included. */
  private List<String> tables() throws SQLException {
    List<String> names = new ArrayList<>();
    try (Connection conn = testDb.connect();
        Statement s = conn.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT table_name FROM information_schema.tables"
                    + " WHERE table_schema = current_schema() ORDER BY table_name")) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    }
    return names;
  }

  /** Every row of {@code table}, every column, as PostgreSQL prints a row. */
  private String allRows(String table) throws SQLException {
    StringBuilder text = new StringBuilder();
    try (Connection conn = testDb.connect();
        Statement s = conn.createStatement();
        ResultSet rs = s.executeQuery("SELECT t::text FROM " + table + " t")) {
      while (rs.next()) {
        text.append(rs.getString(1)).append('\n');
      }
    }
    return text.toString();
  }

  @Test
  void notificationArrivesAfterCommitWithEnvironmentVersionAndChecksum() throws Exception {
    try (Connection listener = testDb.connect()) {
      try (Statement s = listener.createStatement()) {
        s.execute("LISTEN gitconf_config");
      }
      mirror(firstCommit());

      List<String> payloads = new ArrayList<>();
      PGConnection pg = listener.unwrap(PGConnection.class);
      for (int i = 0; i < 50 && payloads.size() < 2; i++) {
        PGNotification[] notes = pg.getNotifications(200);
        if (notes != null) {
          for (PGNotification note : notes) {
            payloads.add(note.getParameter());
          }
        }
      }
      String devChecksum = store.activeVersion("dev").orElseThrow().checksum().orElseThrow();
      assertThat(payloads)
          .contains("{\"checksum\":\"" + devChecksum + "\",\"environment\":\"dev\",\"version\":1}");
      assertThat(payloads).hasSize(2);
    }
  }

  @Test
  void auditChainOfEveryEnvironmentVerifies() {
    mirror(firstCommit());
    mirror(repo.file("environments/prod/app.yaml", "limits:\n  max: 42\n").commit(BOB, "Lower"));

    for (String env : List.of("dev", "prod")) {
      String prev = AuditChain.GENESIS;
      for (AuditRecord row : store.reader().audit(env)) {
        assertThat(row.prevHash()).isEqualTo(prev);
        assertThat(AuditChain.hash(row)).isEqualTo(row.hash());
        prev = row.hash();
      }
    }
  }

  private long count(String sql) throws SQLException {
    try (Connection conn = testDb.connect();
        PreparedStatement s = conn.prepareStatement(sql);
        ResultSet rs = s.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Every mirror table as text (without server-set timestamps), to compare states. */
  private String dump() throws SQLException {
    StringBuilder text = new StringBuilder();
    String[][] tables = {
      {"environments", "name"},
      {"sync_commits", "commit_id, outcome, errors::text, author_name, message"},
      {
        "config_versions",
        "environment, version, commit_id, status, errors::text, checksum, message"
      },
      {"config_items", "environment, path, value, valid_from, valid_to"},
      {"config_audit", "environment, seq, path, old_value, new_value, changed_by, reason, hash"},
      {"sync_state", "branch, last_commit_id"},
      {"sync_events", "old_head, new_head, detail"},
    };
    try (Connection conn = testDb.connect()) {
      for (String[] table : tables) {
        text.append(table[0]).append(":\n");
        try (Statement s = conn.createStatement();
            ResultSet rs =
                s.executeQuery(
                    "SELECT " + table[1] + " FROM " + table[0] + " ORDER BY " + table[1])) {
          int columns = rs.getMetaData().getColumnCount();
          while (rs.next()) {
            for (int i = 1; i <= columns; i++) {
              text.append(rs.getString(i)).append(" | ");
            }
            text.append('\n');
          }
        }
        text.append("==\n");
      }
    }
    return text.toString();
  }
}
