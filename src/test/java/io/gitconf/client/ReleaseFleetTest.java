package io.gitconf.client;

import static io.gitconf.client.TradingDesk.ADA;
import static io.gitconf.client.TradingDesk.BO;
import static org.assertj.core.api.Assertions.assertThat;

import io.gitconf.mirror.AuditRecord;
import io.gitconf.mirror.InstanceReport;
import io.gitconf.mirror.MirrorReader;
import io.gitconf.mirror.ReleaseEvent;
import io.gitconf.mirror.ReleaseReader;
import io.gitconf.mirror.ReleaseState;
import io.gitconf.mirror.VersionStatus;
import io.gitconf.sync.SyncListener;
import io.gitconf.sync.SyncSettings;
import io.gitconf.sync.Syncer;
import io.gitconf.testing.MovableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A release to a fleet of 20 mirror clients with distinct instance ids, end to end: a real Git
 * remote, a real syncer whose releases run on a clock the test moves, real PostgreSQL reports and
 * notifications.
 */
class ReleaseFleetTest {
  static final String RISK = "environments/prod/risk.yaml";
  static final String POSITIONS = "risk.parameters.maxOpenPositions";
  static final Duration BAKE = Duration.ofSeconds(20);

  @TempDir Path dir;
  TradingDesk desk;
  MovableClock clock;
  final List<AutoCloseable> toClose = new ArrayList<>();
  final List<ConfigManager> fleet = new ArrayList<>();

  @BeforeEach
  void open() {
    desk = TradingDesk.open(dir);
    clock = new MovableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
    desk.close();
  }

  /** Gives prod a release policy (with {@code extra} lines), committed, then mirrored. */
  Syncer withPolicy(String extra) {
    desk.releasePolicy("steps: [25, 100]\nbake: 20s\nminReports: 100%\nmaxFailures: 0\n" + extra);
    desk.commit(BO, "Release prod gradually");
    Syncer syncer = syncer();
    syncer.syncOnce();
    return syncer;
  }

  private Syncer syncer() {
    Syncer syncer =
        new Syncer(
            desk.database,
            SyncSettings.of(
                desk.origin.toString(), "main", Duration.ofHours(1), dir.resolve("syncer-cache")),
            SyncListener.NONE,
            clock);
    toClose.add(0, syncer);
    return syncer;
  }

  void startFleet() {
    for (int i = 1; i <= 20; i++) {
      ConfigManager client =
          source(ConfigManager.builder())
              .environment("prod")
              .instanceId(String.format("trader-%02d", i))
              .cacheTtl(Duration.ofMillis(100))
              .build();
      toClose.add(0, client);
      fleet.add(client);
    }
  }

  /**
   * Where the fleet reads: the mirror; {@code RelayReleaseFleetTest} runs it all through a relay.
   */
  ConfigManager.Builder source(ConfigManager.Builder builder) {
    return builder.postgres(desk.testDb.jdbcUrl());
  }

  ReleaseReader releases() {
    return ReleaseReader.of(desk.database.dataSource());
  }

  ReleaseState release() {
    return releases().state("prod").orElseThrow();
  }

  /** The ids of the fleet in the cohort of {@code percent}, by the documented formula. */
  private List<String> cohort(ReleaseState state, int percent) {
    return fleet.stream()
        .map(ConfigManager::instanceId)
        .filter(id -> ReleaseState.bucket("prod", state.salt(), id) < percent * 100)
        .toList();
  }

  private List<String> serving(long positions) {
    return fleet.stream()
        .filter(c -> c.getLong(POSITIONS) == positions)
        .map(ConfigManager::instanceId)
        .toList();
  }

  /** Every instance has reported {@code version} (or the base) as applied. */
  private void awaitReports(ReleaseState state, int percent, int base) throws Exception {
    List<String> cohort = cohort(state, percent);
    awaitTrue(
        () -> {
          List<InstanceReport> reports = releases().reports("prod");
          return reports.size() == 20
              && reports.stream()
                  .allMatch(
                      r ->
                          r.version() == (cohort.contains(r.instanceId()) ? state.version() : base)
                              && r.state() == InstanceReport.State.APPLIED);
        });
  }

  @Test
  void aStepServesTheCandidateToExactlyTheDocumentedBucketsAndOneFailureRollsAllBack()
      throws Exception {
    Syncer syncer = withPolicy("");
    startFleet();
    RevCommit change =
        desk.edit(RISK, "maxOpenPositions: 5", "maxOpenPositions: 4")
            .commit(ADA, "One fewer open position");
    syncer.syncOnce();

    ReleaseState state = release();
    assertThat(state.phase()).isEqualTo(ReleaseState.Phase.ROLLING);
    assertThat(state.percent()).isEqualTo(25);
    assertThat(state.salt()).isEqualTo(change.name());
    assertThat(syncer.metrics().scrape())
        .contains("gitconf_release_percent{environment=\"prod\"} 25.0")
        .contains("gitconf_release_version{environment=\"prod\"} " + state.version() + ".0");
    List<String> cohort = cohort(state, 25);
    awaitTrue(() -> serving(4).equals(cohort));
    assertThat(serving(5)).hasSize(20 - cohort.size());
    MirrorReader mirror = MirrorReader.of(desk.database.dataSource());
    assertThat(mirror.activeVersion("prod").orElseThrow().version()).isEqualTo(1);
    assertThat(mirror.version("prod", state.version()).orElseThrow().status())
        .isEqualTo(VersionStatus.CANDIDATE);
    awaitReports(state, 25, 1);

    if (cohort.isEmpty()) {
      // The salt (a commit id) left no instance under 25 % (a chance of 0.75^20): go to 100 %.
      clock.advance(BAKE);
      assertThat(syncer.releases().tick()).containsExactly(ReleaseEvent.Kind.STEP_ADVANCED);
      awaitTrue(() -> serving(4).size() == 20);
    }
    List<String> served = serving(4);
    ConfigManager failing =
        fleet.stream().filter(c -> served.contains(c.instanceId())).findFirst().orElseThrow();
    failing.reportHealth(false, "order rejects 12 % since reload");
    awaitTrue(
        () ->
            releases().reports("prod").stream()
                .anyMatch(r -> r.instanceId().equals(failing.instanceId()) && !r.healthy()));
    assertThat(syncer.releases().tick()).containsExactly(ReleaseEvent.Kind.ROLLED_BACK);

    awaitTrue(() -> serving(5).size() == 20);
    assertThat(releases().state("prod")).isEmpty();
    assertThat(mirror.version("prod", state.version()).orElseThrow().status())
        .isEqualTo(VersionStatus.ROLLED_BACK);
    ReleaseEvent rolledBack = releases().events("prod", 1).get(0);
    assertThat(rolledBack.kind()).isEqualTo(ReleaseEvent.Kind.ROLLED_BACK);
    assertThat(rolledBack.actor()).isEqualTo("reports");
    assertThat(rolledBack.cause())
        .isEqualTo(
            "1 failed report(s), more than maxFailures 0: "
                + failing.instanceId()
                + ": unhealthy: order rejects 12 % since reload");

    // The same content is never released again; the next change starts a new release.
    desk.edit("gitconf.yaml", "Developer sandbox.", "Developer sandbox:").commit(ADA, "Reword dev");
    syncer.syncOnce();
    assertThat(releases().state("prod")).isEmpty();
  }

  @Test
  void aCandidateTheCohortCannotValidateIsReportedFailedAndRolledBack() throws Exception {
    // The repository loosens its risk schema: the syncer accepts what the clients' schemas refuse.
    desk.looseRiskSchema();
    Syncer syncer = withPolicy("");
    startFleet();
    desk.edit(RISK, "maxExposurePercent: 20", "maxExposurePercent: 150").commit(BO, "All in");
    syncer.syncOnce();
    ReleaseState state = release();
    if (cohort(state, 25).isEmpty()) {
      clock.advance(BAKE);
      assertThat(syncer.releases().tick()).containsExactly(ReleaseEvent.Kind.STEP_ADVANCED);
    }
    awaitTrue(
        () ->
            releases().reports("prod").stream()
                .anyMatch(r -> r.state() == InstanceReport.State.FAILED));
    InstanceReport refused =
        releases().reports("prod").stream()
            .filter(r -> r.state() == InstanceReport.State.FAILED)
            .findFirst()
            .orElseThrow();
    assertThat(refused.version()).isEqualTo(state.version());
    assertThat(refused.reason())
        .contains("risk.parameters.maxExposurePercent: must be <= 100 (maximum)");

    assertThat(syncer.releases().tick()).containsExactly(ReleaseEvent.Kind.ROLLED_BACK);
    assertThat(releases().events("prod", 1).get(0).cause())
        .contains(
            refused.instanceId()
                + ": risk.parameters.maxExposurePercent: must be <= 100 (maximum)");
    assertThat(fleet)
        .allSatisfy(
            c -> assertThat(c.getDouble("risk.parameters.maxExposurePercent")).isEqualTo(20.0));
  }

  @Test
  void aGoodReleaseReachesEveryInstanceAndBecomesActive() throws Exception {
    Syncer syncer = withPolicy("");
    startFleet();
    desk.edit(RISK, "maxOpenPositions: 5", "maxOpenPositions: 4")
        .commit(ADA, "One fewer open position");
    syncer.syncOnce();
    ReleaseState state = release();
    awaitReports(state, 25, 1);

    assertThat(syncer.releases().tick()).isEmpty();
    assertThat(release().counts())
        .isEqualTo(
            new ReleaseState.Counts(cohort(state, 25).size(), cohort(state, 25).size(), 0, 0, 0));
    clock.advance(BAKE);
    assertThat(syncer.releases().tick()).containsExactly(ReleaseEvent.Kind.STEP_ADVANCED);
    assertThat(release().percent()).isEqualTo(100);
    awaitTrue(() -> serving(4).size() == 20);
    awaitReports(release(), 100, 1);

    clock.advance(BAKE);
    assertThat(syncer.releases().tick()).containsExactly(ReleaseEvent.Kind.COMPLETED);
    MirrorReader mirror = MirrorReader.of(desk.database.dataSource());
    assertThat(mirror.activeVersion("prod").orElseThrow().version()).isEqualTo(state.version());
    assertThat(releases().state("prod")).isEmpty();
    List<AuditRecord> audit = mirror.pathHistory("prod", POSITIONS);
    assertThat(audit.get(0).version()).isEqualTo(state.version());
    assertThat(audit.get(0).changedBy()).isEqualTo("Ada Trader <ada@desk.example>");
    assertThat(serving(4)).hasSize(20);
  }

  @Test
  void operatorsPromoteAndAbort() throws Exception {
    Syncer syncer = withPolicy("");
    startFleet();
    desk.edit(RISK, "maxOpenPositions: 5", "maxOpenPositions: 4")
        .commit(ADA, "One fewer open position");
    syncer.syncOnce();
    ReleaseState state = release();

    assertThat(syncer.releases().promote("prod", Optional.of(60), "Bo Risk", "looks fine"))
        .containsExactly(ReleaseEvent.Kind.PROMOTED);
    assertThat(release().percent()).isEqualTo(60);
    List<String> cohort = cohort(state, 60);
    awaitTrue(() -> serving(4).equals(cohort));

    assertThat(syncer.releases().abort("prod", "Bo Risk", "wrong limit"))
        .containsExactly(ReleaseEvent.Kind.ABORTED);
    awaitTrue(() -> serving(5).size() == 20);
    ReleaseEvent aborted = releases().events("prod", 1).get(0);
    assertThat(aborted.actor()).isEqualTo("Bo Risk");
    assertThat(aborted.cause()).isEqualTo("wrong limit");

    desk.edit(RISK, "maxOpenPositions: 4", "maxOpenPositions: 3").commit(ADA, "Two fewer");
    syncer.syncOnce();
    assertThat(syncer.releases().promote("prod", Optional.empty(), "Bo Risk", "urgent"))
        .containsExactly(ReleaseEvent.Kind.PROMOTED, ReleaseEvent.Kind.COMPLETED);
    awaitTrue(() -> serving(3).size() == 20);
  }

  @Test
  void aVersionHeldByAFreezeWindowStartsWhenTheWindowEnds() throws Exception {
    Instant from = clock.instant().minus(Duration.ofHours(1));
    Instant to = clock.instant().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
    Syncer syncer = withPolicy("freeze:\n  - {from: \"" + from + "\", to: \"" + to + "\"}\n");
    startFleet();
    desk.edit(RISK, "maxOpenPositions: 5", "maxOpenPositions: 4")
        .commit(ADA, "One fewer open position");
    syncer.syncOnce();

    ReleaseState held = release();
    assertThat(held.phase()).isEqualTo(ReleaseState.Phase.HELD);
    assertThat(held.holdUntil()).contains(to);
    assertThat(held.holdReason()).contains("freeze window until " + to);
    assertThat(syncer.releases().tick()).isEmpty();

    clock.advance(Duration.ofHours(1).plusSeconds(1));
    assertThat(syncer.releases().tick())
        .containsExactly(ReleaseEvent.Kind.RELEASED_FROM_HOLD, ReleaseEvent.Kind.STARTED);
    List<String> cohort = cohort(release(), 25);
    awaitTrue(() -> serving(4).equals(cohort));
  }

  @Test
  void anEmergencyTrailerSkipsTheFreezeAndSaysSo() {
    Instant from = clock.instant().minus(Duration.ofHours(1));
    Instant to = clock.instant().plus(Duration.ofHours(1));
    Syncer syncer = withPolicy("freeze:\n  - {from: \"" + from + "\", to: \"" + to + "\"}\n");
    desk.edit(RISK, "maxOpenPositions: 5", "maxOpenPositions: 4")
        .commit(ADA, "Cut positions now\n\nGitconf-Emergency: exchange outage");
    syncer.syncOnce();

    assertThat(release().phase()).isEqualTo(ReleaseState.Phase.ROLLING);
    assertThat(release().emergency()).contains("exchange outage");
    ReleaseEvent started = releases().events("prod", 1).get(0);
    assertThat(started.kind()).isEqualTo(ReleaseEvent.Kind.STARTED);
    assertThat(started.emergency()).isTrue();
    assertThat(started.cause()).endsWith("; emergency, freeze and pacing skipped: exchange outage");
  }

  @Test
  void aStandbyContinuesAtTheStepTheKilledLeaderReached() throws Exception {
    Syncer leader = withPolicy("");
    startFleet();
    desk.edit(RISK, "maxOpenPositions: 5", "maxOpenPositions: 4")
        .commit(ADA, "One fewer open position");
    leader.syncOnce();
    awaitReports(release(), 25, 1);
    clock.advance(BAKE);
    leader.syncOnce();
    ReleaseState atBoundary = release();
    assertThat(atBoundary.percent()).isEqualTo(100);
    // The leader dies: its lock session ends (as when its process is killed), and it acts no more.
    try (java.sql.Connection conn = desk.testDb.connect();
        java.sql.Statement kill = conn.createStatement()) {
      kill.execute(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
              + " WHERE datname = current_database() AND application_name LIKE 'gitconf leader lock%'");
    }

    List<ReleaseEvent> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
    Syncer standby =
        new Syncer(
            desk.database,
            SyncSettings.of(
                desk.origin.toString(), "main", Duration.ofHours(1), dir.resolve("syncer-cache")),
            new SyncListener() {
              @Override
              public void releaseChanged(ReleaseEvent event) {
                heard.add(event);
              }
            },
            clock);
    toClose.add(0, standby);
    awaitReports(release(), 100, 1);
    standby.syncOnce();
    assertThat(release().stepStartedAt()).isEqualTo(atBoundary.stepStartedAt());
    clock.advance(BAKE);
    standby.syncOnce();
    // The standby, now leading, tells what it does: the completion, not the history before it.
    assertThat(heard).extracting(ReleaseEvent::kind).containsExactly(ReleaseEvent.Kind.COMPLETED);
    assertThat(
            MirrorReader.of(desk.database.dataSource())
                .activeVersion("prod")
                .orElseThrow()
                .version())
        .isEqualTo(atBoundary.version());
    awaitTrue(() -> serving(4).size() == 20);
  }

  /** Polls a condition for up to 30 seconds. */
  static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 30 s");
      }
      Thread.sleep(20);
    }
  }
}
