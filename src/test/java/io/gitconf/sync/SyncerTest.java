package io.gitconf.sync;

import static io.gitconf.testing.TestGitRepo.ALICE;
import static io.gitconf.testing.TestGitRepo.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import io.gitconf.core.ConfigPath;
import io.gitconf.mirror.AuditRecord;
import io.gitconf.mirror.MirrorStatus;
import io.gitconf.mirror.VersionRecord;
import io.gitconf.mirror.VersionStatus;
import io.gitconf.testing.TestDatabase;
import io.gitconf.testing.TestGitRepo;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyncerTest {
  @TempDir Path dir;
  TestDatabase testDb;
  Database database;
  TestGitRepo repo;
  final List<AutoCloseable> toClose = new CopyOnWriteArrayList<>();
  final List<CommitOutcome> outcomes = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() {
    testDb = TestDatabase.create();
    database = Database.connect(testDb.jdbcUrl(), Optional.empty());
    repo = TestGitRepo.withFirstCommit(dir.resolve("repo"));
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
    repo.close();
    database.close();
    testDb.close();
  }

  Syncer syncer(String source) {
    Syncer syncer =
        new Syncer(
            database,
            SyncSettings.of(source, "main", Duration.ofMillis(200), dir.resolve("cache")),
            new SyncListener() {
              @Override
              public void commitProcessed(CommitOutcome outcome) {
                outcomes.add(outcome);
              }
            });
    toClose.add(0, syncer);
    return syncer;
  }

  Syncer syncer() {
    return syncer(repo.root().toString());
  }

  @Test
  void mirrorsEveryCommitOldestFirstAndRejectsTheInvalidOne() {
    RevCommit bad = repo.file("base/app.yaml", "limits: {max: -5}\n").commit(BOB, "Break it");
    RevCommit fix = repo.file("base/app.yaml", "limits: {max: 5}\n").commit(BOB, "Fix it");

    assertThat(syncer().syncOnce()).isEqualTo(3);

    assertThat(outcomes)
        .extracting(o -> o.commit().subject(), CommitOutcome::kind)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "Initial configuration", CommitOutcome.Kind.MIRRORED),
            org.assertj.core.groups.Tuple.tuple("Break it", CommitOutcome.Kind.REJECTED),
            org.assertj.core.groups.Tuple.tuple("Fix it", CommitOutcome.Kind.MIRRORED));
    MirrorStore store = new MirrorStore(database.dataSource());
    assertThat(store.activeVersion("dev").orElseThrow().commitId()).isEqualTo(fix.name());
    assertThat(store.history("dev"))
        .extracting(VersionRecord::version, VersionRecord::status, VersionRecord::commitId)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(3, VersionStatus.ACTIVE, fix.name()),
            org.assertj.core.groups.Tuple.tuple(2, VersionStatus.REJECTED, bad.name()),
            org.assertj.core.groups.Tuple.tuple(
                1, VersionStatus.SUPERSEDED, bad.getParent(0).name()));
    assertThat(store.reader().lastCommit("main")).contains(fix.name());
  }

  @Test
  void firstRunOverALongHistoryReportsProgressAndLag() {
    for (int i = 1; i <= 24; i++) {
      repo.file("environments/prod/app.yaml", "limits:\n  max: " + (600 + i) + "\n")
          .commit(BOB, "Step " + i);
    }
    List<Long> lags = new CopyOnWriteArrayList<>();
    List<String> progress = new CopyOnWriteArrayList<>();
    java.util.concurrent.atomic.AtomicReference<Syncer> self =
        new java.util.concurrent.atomic.AtomicReference<>();
    Syncer syncer =
        new Syncer(
            database,
            SyncSettings.of(repo.root().toString(), "main", Duration.ofSeconds(1), dir),
            new SyncListener() {
              @Override
              public void commitProcessed(CommitOutcome outcome) {
                lags.add(self.get().metrics().lagCommits());
              }

              @Override
              public void progress(int done, int total, double perSecond) {
                assertThat(perSecond).isPositive();
                progress.add(done + "/" + total);
              }
            });
    self.set(syncer);
    toClose.add(syncer);

    assertThat(syncer.syncOnce()).isEqualTo(25);

    // While a commit is mirrored, the lag counts it and every commit after it up to the head.
    assertThat(lags)
        .containsExactlyElementsOf(
            java.util.stream.LongStream.rangeClosed(1, 25).map(i -> 26 - i).boxed().toList());
    assertThat(syncer.metrics().lagCommits()).isZero();
    assertThat(syncer.metrics().lagSeconds()).isZero();
    // At least the last line; more every 2 s of a longer run.
    assertThat(progress).last().isEqualTo("25/25");
  }

  @Test
  void runningAgainOverTheSameHistoryChangesNothing() throws Exception {
    repo.file("environments/prod/app.yaml", "limits:\n  max: 600\n").commit(BOB, "Raise");
    syncOnceAndStop(syncer());
    String before = tableCounts();

    // A second syncer with no memory of the first, over the same history.
    assertThat(syncOnceAndStop(syncer())).isZero();
    // Even told to start from scratch, every commit is found already done.
    try (Connection conn = testDb.connect();
        Statement s = conn.createStatement()) {
      s.execute("DELETE FROM sync_state");
    }
    outcomes.clear();
    assertThat(syncer().syncOnce()).isEqualTo(2);
    assertThat(outcomes)
        .extracting(CommitOutcome::kind)
        .containsOnly(CommitOutcome.Kind.ALREADY_DONE);
    assertThat(tableCounts()).isEqualTo(before);
  }

  @Test
  void restartResumesAfterTheLastMirroredCommit() {
    Syncer first = syncer();
    first.syncOnce();
    first.close();
    RevCommit later =
        repo.file("environments/prod/app.yaml", "limits:\n  max: 650\n").commit(BOB, "Later");
    outcomes.clear();

    assertThat(syncer().syncOnce()).isEqualTo(1);

    assertThat(outcomes)
        .singleElement()
        .satisfies(o -> assertThat(o.commit().id()).isEqualTo(later.name()));
    assertThat(new MirrorStore(database.dataSource()).activeVersion("prod").orElseThrow().version())
        .isEqualTo(2);
  }

  @Test
  void forcePushIsRecordedAndNotMirroredUntilANewCommitArrives() throws Exception {
    RevCommit first = repo.git().log().call().iterator().next();
    RevCommit second =
        repo.file("environments/prod/app.yaml", "limits:\n  max: 600\n").commit(BOB, "Raise");
    Syncer syncer = syncer();
    syncer.syncOnce();
    MirrorStore store = syncer.store();

    repo.resetHard(first);
    RevCommit rewritten =
        repo.file("environments/prod/app.yaml", "limits:\n  max: 10\n").commit(ALICE, "Rewrite");
    assertThat(syncer.syncOnce()).isZero();

    MirrorStatus.ForcePush event = store.reader().status(5).forcePushes().get(0);
    assertThat(event.oldHead()).isEqualTo(second.name());
    assertThat(event.newHead()).isEqualTo(rewritten.name());
    assertThat(event.detail()).contains("merge base " + first.name());
    assertThat(store.activeVersion("prod").orElseThrow().commitId()).isEqualTo(second.name());
    assertThat(store.reader().isRecorded(rewritten.name())).isFalse();

    RevCommit next =
        repo.file("environments/prod/app.yaml", "limits:\n  max: 20\n").commit(ALICE, "Next");
    assertThat(syncer.syncOnce()).isEqualTo(1);
    assertThat(store.activeVersion("prod").orElseThrow().commitId()).isEqualTo(next.name());
    assertThat(store.activeSnapshot("prod").orElseThrow().get(ConfigPath.parse("app.limits.max")))
        .contains(IntNode.valueOf(20));
    assertThat(store.reader().status(5).forcePushes()).hasSize(1);
  }

  @Test
  void followsARemoteByFetching() throws Exception {
    Syncer syncer = syncer(repo.root().toUri().toString());
    syncer.start();
    awaitTrue(() -> syncer.metrics().lastCommit().isPresent());
    RevCommit change =
        repo.file("environments/prod/app.yaml", "limits:\n  max: 321\n")
            .commit(BOB, "Remote change");
    syncer.trigger();

    awaitTrue(() -> syncer.metrics().lastCommit().equals(Optional.of(change.name())));
    assertThat(syncer.store().activeVersion("prod").orElseThrow().commitId())
        .isEqualTo(change.name());
    assertThat(syncer.metrics().scrape()).contains("gitconf_sync_leader 1.0");
  }

  @Test
  void aPasswordWrittenIntoTheRemoteUrlNeverReachesMessages() {
    String url = "http://syncer:tok3n-secret@127.0.0.1:1/trading/config.git";

    assertThat(SyncSettings.of(url, "main", Duration.ofSeconds(1), dir).redactedSource())
        .isEqualTo("http://syncer:****@127.0.0.1:1/trading/config.git");
    assertThat(io.gitconf.core.GitRemotes.redact("git@example.com:trading/config.git"))
        .isEqualTo("git@example.com:trading/config.git");
    Syncer syncer = syncer(url);
    org.assertj.core.api.Assertions.assertThatThrownBy(syncer::syncOnce)
        .isInstanceOf(io.gitconf.core.GitconfException.Unavailable.class)
        .hasMessageStartingWith(
            "cannot fetch http://syncer:****@127.0.0.1:1/trading/config.git (main): ")
        .hasMessageNotContaining("tok3n-secret");
  }

  @Test
  void killedConnectionMidCommitLeavesNoPartialVersionAndIsRetried() throws Exception {
    holdAuditInserts();
    Syncer syncer = syncer();
    syncer.start();
    awaitTrue(() -> sleepingSessions() > 0);

    long killed =
        query(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                + " WHERE datname = current_database() AND wait_event = 'PgSleep'");
    assertThat(killed).isEqualTo(1);
    assertThat(query("SELECT count(*) FROM config_versions")).isZero();
    assertThat(query("SELECT count(*) FROM sync_commits")).isZero();
    execute("UPDATE test_hold SET held = false");

    awaitTrue(() -> query("SELECT count(*) FROM sync_commits") == 1);
    assertThat(query("SELECT count(*) FROM config_versions")).isEqualTo(2);
    assertThat(query("SELECT count(*) FROM config_versions WHERE status = 'active'")).isEqualTo(2);
    MirrorStore store = syncer.store();
    // The rebuilt snapshot matches the checksum: the retried write is whole.
    assertThat(store.activeSnapshot("prod").orElseThrow().get(ConfigPath.parse("app.limits.max")))
        .contains(IntNode.valueOf(500));
    assertThat(store.reader().audit("prod"))
        .extracting(AuditRecord::seq)
        .containsExactly(1L, 2L, 3L);
  }

  @Test
  void aDatabaseOutageIsLoggedOncePerFactWithoutStackTracesAndTheSyncerCarriesOn()
      throws Exception {
    ch.qos.logback.classic.Logger gitconf =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.gitconf");
    ch.qos.logback.classic.Logger syncerLog =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(Syncer.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs =
        new ch.qos.logback.core.read.ListAppender<>();
    logs.start();
    gitconf.addAppender(logs);
    ch.qos.logback.classic.Level before = syncerLog.getLevel();
    syncerLog.setLevel(ch.qos.logback.classic.Level.DEBUG);
    String admin = testDb.jdbcUrl().replace("/" + testDb.name(), "/postgres");
    try {
      Syncer syncer = syncer();
      syncer.start();
      awaitTrue(() -> syncer.metrics().lastCommit().isPresent());

      // The database goes away: no new connection is accepted and every session is ended.
      try (Connection conn = java.sql.DriverManager.getConnection(admin);
          Statement s = conn.createStatement()) {
        s.execute("ALTER DATABASE " + testDb.name() + " ALLOW_CONNECTIONS false");
        s.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"
                + testDb.name()
                + "'");
      }
      RevCommit change =
          repo.file("environments/prod/app.yaml", "limits:\n  max: 612\n").commit(BOB, "During");
      syncer.trigger();
      // Several attempts fail while it is down (each one a DEBUG line).
      awaitTrue(
          () ->
              logs.list.stream()
                      .filter(e -> e.getLevel() == ch.qos.logback.classic.Level.DEBUG)
                      .filter(e -> e.getFormattedMessage().contains(" failed, next in "))
                      .count()
                  >= 3);
      try (Connection conn = java.sql.DriverManager.getConnection(admin);
          Statement s = conn.createStatement()) {
        s.execute("ALTER DATABASE " + testDb.name() + " ALLOW_CONNECTIONS true");
      }
      awaitTrue(() -> syncer.metrics().lastCommit().equals(Optional.of(change.name())));

      List<ch.qos.logback.classic.spi.ILoggingEvent> shown =
          logs.list.stream()
              .filter(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.INFO))
              .toList();
      assertThat(shown)
          .allSatisfy(
              e -> {
                assertThat(e.getThrowableProxy()).as(e.getFormattedMessage()).isNull();
                assertThat(e.getFormattedMessage()).doesNotContain("\n");
              });
      List<String> warnings =
          shown.stream()
              .filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
              .map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
              .toList();
      // One line per fact: the lock's session ended, then the database refused connections.
      assertThat(warnings).doesNotHaveDuplicates().isNotEmpty();
      assertThat(warnings)
          .anySatisfy(
              w ->
                  assertThat(w)
                      .startsWith("cannot follow " + repo.root() + " (main): ")
                      .contains("is not currently accepting connections"));
      assertThat(shown)
          .extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
          .noneMatch(m -> m.startsWith("standby"))
          .anyMatch(m -> m.matches("working again after \\d+ failed attempts over \\d+ s"));
      // The trace is there for whoever turns DEBUG on.
      assertThat(logs.list)
          .anyMatch(
              e ->
                  e.getLevel() == ch.qos.logback.classic.Level.DEBUG
                      && e.getThrowableProxy() != null);
    } finally {
      syncerLog.setLevel(before);
      gitconf.detachAppender(logs);
      try (Connection conn = java.sql.DriverManager.getConnection(admin);
          Statement s = conn.createStatement()) {
        s.execute("ALTER DATABASE " + testDb.name() + " ALLOW_CONNECTIONS true");
      }
    }
  }

  @Test
  void standbyTakesOverWhenTheLeaderDies() throws Exception {
    Syncer leader = syncer();
    leader.start();
    awaitTrue(() -> leader.metrics().isLeader() && leader.metrics().lastCommit().isPresent());
    Syncer standby = syncer();
    standby.start();
    assertThat(standby.metrics().isLeader()).isFalse();

    leader.close(); // as if its process died: the lock session ends
    RevCommit change =
        repo.file("environments/prod/app.yaml", "limits:\n  max: 777\n")
            .commit(BOB, "After failover");

    awaitTrue(() -> standby.metrics().isLeader());
    awaitTrue(() -> standby.metrics().lastCommit().equals(Optional.of(change.name())));
    assertThat(standby.store().activeVersion("prod").orElseThrow().commitId())
        .isEqualTo(change.name());
    assertThat(query("SELECT count(*) FROM sync_commits")).isEqualTo(2);
  }

  @Test
  void standbyTakesOverWhenTheLeaderProcessIsKilledMidCommit() throws Exception {
    holdAuditInserts();
    Path leaderLog = dir.resolve("leader.log");
    Process leader =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "io.gitconf.cli.Main",
                "sync",
                "--repo",
                repo.root().toString(),
                "--db",
                testDb.jdbcUrl(),
                "--poll",
                "200ms")
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(leaderLog.toFile())
            .start();
    try {
      // The leader process is inside the first commit's transaction, held by the trigger.
      awaitTrue(() -> sleepingSessions() == 1);
      List<Boolean> roles = new CopyOnWriteArrayList<>();
      Syncer standby =
          new Syncer(
              database,
              SyncSettings.of(
                  repo.root().toString(), "main", Duration.ofMillis(200), dir.resolve("cache")),
              new SyncListener() {
                @Override
                public void roleChanged(boolean leading) {
                  roles.add(leading);
                }
              });
      toClose.add(0, standby);
      standby.start();
      awaitTrue(() -> roles.equals(List.of(false)));

      leader.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no rollback sent
      awaitTrue(() -> standby.metrics().isLeader());
      assertThat(roles).containsExactly(false, true);
      assertThat(query("SELECT count(*) FROM sync_commits")).isZero();
      assertThat(query("SELECT count(*) FROM config_versions")).isZero();
      execute("UPDATE test_hold SET held = false");

      awaitTrue(() -> query("SELECT count(*) FROM sync_commits") == 1);
      RevCommit head = repo.git().log().call().iterator().next();
      assertThat(standby.store().reader().lastCommit("main")).contains(head.name());
      assertThat(query("SELECT count(*) FROM config_versions WHERE status = 'active'"))
          .isEqualTo(2);
      assertThat(standby.store().reader().audit("prod"))
          .extracting(AuditRecord::seq)
          .containsExactly(1L, 2L, 3L);
      assertThat(java.nio.file.Files.readString(leaderLog)).contains("leader: mirroring");
    } finally {
      leader.destroyForcibly();
    }
  }

  @Test
  void leaderWhoseLockSessionIsKilledNoticesAndExactlyOneSyncerLeadsAfterwards() throws Exception {
    Syncer leader = syncer();
    leader.start();
    awaitTrue(() -> leader.metrics().isLeader() && leader.metrics().lastCommit().isPresent());
    Syncer standby = syncer();
    standby.start();
    // Both syncers keep a lock session open; only the leader's holds the lock.
    awaitTrue(() -> query(LOCK_SESSIONS) == 2);
    assertThat(query("SELECT count(*)" + LOCK_HOLDER)).isEqualTo(1);
    assertThat(standby.metrics().isLeader()).isFalse();
    long killed = query("SELECT l.pid" + LOCK_HOLDER);

    // As the server does to a session whose client stopped answering its keepalive probes.
    assertThat(query("SELECT pg_terminate_backend(" + killed + ")::int")).isEqualTo(1);
    RevCommit change =
        repo.file("environments/prod/app.yaml", "limits:\n  max: 778\n").commit(BOB, "After kill");
    leader.trigger();
    standby.trigger();

    // Whichever syncer asks first takes the lock on a new session; the other is standby. The old
    // leader does not go on believing it leads: that would make two leaders here.
    awaitTrue(
        () ->
            query("SELECT count(*) FROM sync_commits WHERE commit_id = '" + change.name() + "'")
                == 1);
    awaitTrue(
        () ->
            (leader.metrics().isLeader() ^ standby.metrics().isLeader())
                && query(LOCK_SESSIONS) == 2);
    assertThat(query("SELECT count(*)" + LOCK_HOLDER)).isEqualTo(1);
    assertThat(query("SELECT l.pid" + LOCK_HOLDER)).isNotEqualTo(killed);
    assertThat(query("SELECT count(*) FROM pg_stat_activity WHERE pid = " + killed)).isZero();
    // Mirrored exactly once: one outcome from one syncer, one version, one row.
    assertThat(outcomes)
        .filteredOn(o -> o.commit().id().equals(change.name()))
        .extracting(CommitOutcome::kind)
        .containsExactly(CommitOutcome.Kind.MIRRORED);
    assertThat(
            query("SELECT count(*) FROM config_versions WHERE commit_id = '" + change.name() + "'"))
        .isEqualTo(1);
    Syncer current = leader.metrics().isLeader() ? leader : standby;
    assertThat(current.store().activeVersion("prod").orElseThrow().commitId())
        .isEqualTo(change.name());
  }

  /** Sessions of this database opened by a {@link LeaderLock}. */
  private static final String LOCK_SESSIONS =
      "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
          + " AND application_name = '"
          + LeaderLock.APPLICATION_NAME
          + " main'";

  /** Lock sessions holding an advisory lock (so not a pooled mirror transaction's). */
  private static final String LOCK_HOLDER =
      " FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
          + " WHERE l.locktype = 'advisory' AND l.granted AND a.datname = current_database()"
          + " AND a.application_name = '"
          + LeaderLock.APPLICATION_NAME
          + " main'";

  /**
   * Makes every mirror transaction wait inside its audit insert while {@code test_hold.held} is
   * true, so a test can kill a writer mid-commit.
   */
  private void holdAuditInserts() throws SQLException {
    execute("CREATE TABLE test_hold (held boolean)");
    execute("INSERT INTO test_hold VALUES (true)");
    execute(
        "CREATE FUNCTION test_hold_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
            + " WHILE EXISTS (SELECT 1 FROM test_hold WHERE held) LOOP PERFORM pg_sleep(0.05);"
            + " END LOOP; RETURN NEW; END $$");
    execute(
        "CREATE TRIGGER test_hold_audit BEFORE INSERT ON config_audit"
            + " FOR EACH STATEMENT EXECUTE FUNCTION test_hold_audit()");
  }

  /** Sessions of this database held by the audit trigger. */
  private long sleepingSessions() {
    return query(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            + " AND wait_event = 'PgSleep'");
  }

  private static int syncOnceAndStop(Syncer syncer) {
    try (syncer) {
      return syncer.syncOnce();
    }
  }

  private long query(String sql) {
    try (Connection conn = testDb.connect();
        Statement s = conn.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private void execute(String sql) throws SQLException {
    try (Connection conn = testDb.connect();
        Statement s = conn.createStatement()) {
      s.execute(sql);
    }
  }

  private String tableCounts() {
    StringBuilder text = new StringBuilder();
    for (String table :
        List.of(
            "environments",
            "sync_commits",
            "config_versions",
            "config_items",
            "config_audit",
            "sync_events")) {
      text.append(table).append('=').append(query("SELECT count(*) FROM " + table)).append(' ');
    }
    return text.toString();
  }

  /** Polls a condition for up to 30 seconds. */
  static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 30 s");
      }
      Thread.sleep(50);
    }
  }
}
