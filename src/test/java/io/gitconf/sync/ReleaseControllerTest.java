package io.gitconf.sync;

import static io.gitconf.testing.TestGitRepo.ALICE;
import static io.gitconf.testing.TestGitRepo.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import io.gitconf.core.ConfigRepository;
import io.gitconf.core.GitTrees;
import io.gitconf.mirror.InstanceReport;
import io.gitconf.mirror.MirrorReader;
import io.gitconf.mirror.ReleaseEvent;
import io.gitconf.mirror.ReleaseReader;
import io.gitconf.mirror.ReleaseState;
import io.gitconf.mirror.ReportWriter;
import io.gitconf.mirror.VersionStatus;
import io.gitconf.testing.MovableClock;
import io.gitconf.testing.TestDatabase;
import io.gitconf.testing.TestGitRepo;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release controller's rules on a real mirror, with reports written as clients write them and a
 * clock the test moves: replacement, silence, pacing and pins.
 */
class ReleaseControllerTest {
  @TempDir Path dir;
  TestDatabase testDb;
  Database database;
  TestGitRepo repo;
  MovableClock clock;
  MirrorStore store;
  ReleaseController releases;
  ReportWriter reports;

  @BeforeEach
  void setUp() {
    testDb = TestDatabase.create();
    database = Database.connect(testDb.jdbcUrl(), Optional.empty());
    repo = TestGitRepo.withFirstCommit(dir.resolve("repo"));
    clock = new MovableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    store = new MirrorStore(database.dataSource(), clock);
    releases = new ReleaseController(store);
    reports = ReportWriter.mirror(database.dataSource());
    mirror(head());
  }

  @AfterEach
  void tearDown() {
    repo.close();
    database.close();
    testDb.close();
  }

  private RevCommit head() {
    try {
      return repo.git().log().setMaxCount(1).call().iterator().next();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private CommitOutcome mirror(RevCommit commit) {
    ConfigRepository config =
        ConfigRepository.load(GitTrees.commit(repo.git().getRepository(), commit));
    return store.mirror("main", CommitInfo.of(commit), config);
  }

  /** Declares prod's release policy (and mirrors the commit, which changes no snapshot). */
  private void policy(String release) {
    mirror(
        repo.file(
                "gitconf.yaml",
                "version: 1\nenvironments:\n  dev: {}\n  prod:\n    release:\n"
                    + release.indent(6)
                    + "categories:\n  app: {schema: schemas/app.schema.json}\n")
            .commit(BOB, "Release prod gradually"));
  }

  private void change(int max) {
    mirror(
        repo.file("environments/prod/app.yaml", "limits:\n  max: " + max + "\n")
            .commit(ALICE, "Max " + max));
  }

  private void report(String instance, int version) {
    reports.write(
        List.of(
            new InstanceReport(
                "prod",
                instance,
                Map.of(),
                version,
                InstanceReport.State.APPLIED,
                Optional.empty(),
                true,
                Optional.empty(),
                Instant.EPOCH)));
  }

  private ReleaseState state() {
    return ReleaseReader.of(database.dataSource()).state("prod").orElseThrow();
  }

  private ReleaseEvent lastEvent() {
    return ReleaseReader.of(database.dataSource()).events("prod", 1).get(0);
  }

  @Test
  void aNewerCommitReplacesTheCandidateAndStartsAgainFromTheFirstStep() {
    policy("steps: [10, 100]\nbake: 1m\nminReports: 0%\n");
    report("trader-1", 1);
    change(400);
    assertThat(state().version()).isEqualTo(2);
    clock.advance(Duration.ofMinutes(1));
    assertThat(releases.tick()).containsExactly(ReleaseEvent.Kind.STEP_ADVANCED);
    assertThat(state().percent()).isEqualTo(100);

    change(300);

    ReleaseState restarted = state();
    assertThat(restarted.version()).isEqualTo(3);
    assertThat(restarted.step()).isZero();
    assertThat(restarted.percent()).isEqualTo(10);
    MirrorReader mirror = store.reader();
    assertThat(mirror.version("prod", 2).orElseThrow().status())
        .isEqualTo(VersionStatus.SUPERSEDED);
    assertThat(mirror.version("prod", 3).orElseThrow().status()).isEqualTo(VersionStatus.CANDIDATE);
    List<ReleaseEvent> events = ReleaseReader.of(database.dataSource()).events("prod", 2);
    assertThat(events.get(1).kind()).isEqualTo(ReleaseEvent.Kind.REPLACED);
    assertThat(events.get(1).cause()).startsWith("replaced by version 3 (commit ");
    assertThat(events.get(0).kind()).isEqualTo(ReleaseEvent.Kind.STARTED);
  }

  @Test
  void theEvaluationReadsEveryReportAsWrittenButItsLabels() {
    policy("steps: [100]\n");
    reports.write(
        List.of(
            new InstanceReport(
                "prod",
                "trader-9",
                Map.of("region", "fra"),
                1,
                InstanceReport.State.FAILED,
                Optional.of("risk.yaml: bad limit"),
                false,
                Optional.of("order rejects"),
                Instant.EPOCH)));
    ReleaseReader reader = ReleaseReader.of(database.dataSource());

    InstanceReport full = reader.reports("prod").get(0);
    assertThat(full.labels()).isEqualTo(Map.of("region", "fra"));
    assertThat(reader.reportsWithoutLabels("prod"))
        .containsExactly(
            new InstanceReport(
                full.environment(),
                full.instanceId(),
                Map.of(),
                full.version(),
                full.state(),
                full.reason(),
                full.healthy(),
                full.healthReason(),
                full.reportedAt()));
  }

  @Test
  void aSilentCohortPausesTheReleaseAndItsReportsResumeIt() {
    policy("steps: [100]\nbake: 1m\n");
    report("trader-1", 1);
    change(400);
    clock.advance(Duration.ofMinutes(1));
    assertThat(releases.tick()).isEmpty();
    clock.advance(Duration.ofMinutes(2));

    assertThat(releases.tick()).containsExactly(ReleaseEvent.Kind.PAUSED);
    assertThat(state().phase()).isEqualTo(ReleaseState.Phase.PAUSED);
    assertThat(state().pausedReason())
        .contains(
            "silent: 0 of 1 instance(s) of the 100 % cohort reported the candidate applied, 80%"
                + " needed after 3m");
    assertThat(state().counts()).isEqualTo(new ReleaseState.Counts(1, 0, 0, 0, 1));

    report("trader-1", 2);
    assertThat(releases.tick()).containsExactly(ReleaseEvent.Kind.RESUMED);
    assertThat(lastEvent().actor()).isEqualTo("reports");
    assertThat(releases.tick()).containsExactly(ReleaseEvent.Kind.COMPLETED);
    assertThat(store.activeVersion("prod").orElseThrow().version()).isEqualTo(2);
  }

  @Test
  void aVersionSoonerThanMinIntervalIsHeldUntilItHasPassed() {
    policy("steps: [100]\nbake: 0s\nminInterval: 10m\n");
    report("trader-1", 1);
    change(400);
    report("trader-1", 2);
    assertThat(releases.tick()).containsExactly(ReleaseEvent.Kind.COMPLETED);
    Instant completed = clock.instant();
    clock.advance(Duration.ofMinutes(4));

    change(300);

    ReleaseState held = state();
    assertThat(held.phase()).isEqualTo(ReleaseState.Phase.HELD);
    assertThat(held.holdUntil()).contains(completed.plus(Duration.ofMinutes(10)));
    assertThat(held.holdReason())
        .contains("minInterval 10m after the last activation at " + completed);
    assertThat(store.reader().version("prod", 3).orElseThrow().status())
        .isEqualTo(VersionStatus.HELD);
    assertThat(releases.tick()).isEmpty();

    clock.advance(Duration.ofMinutes(6));
    assertThat(releases.tick())
        .containsExactly(ReleaseEvent.Kind.RELEASED_FROM_HOLD, ReleaseEvent.Kind.STARTED);
    assertThat(store.reader().version("prod", 3).orElseThrow().status())
        .isEqualTo(VersionStatus.CANDIDATE);
  }

  @Test
  void aBreakGlassPinFreezesTheRelease() {
    change(450);
    policy("steps: [100]\nbake: 0s\nminReports: 0%\n");
    report("trader-1", 1);
    change(400);
    store.breakGlass("prod", 1, "Bo Risk", "exchange outage");
    clock.advance(Duration.ofMinutes(5));

    assertThat(releases.tick()).isEmpty();
    assertThat(state().phase()).isEqualTo(ReleaseState.Phase.ROLLING);
    assertThat(store.activeVersion("prod").orElseThrow().version()).isEqualTo(1);

    // Unpinned past the candidate: the release ends, and the next commit starts a new one.
    change(300);
    assertThat(store.unpin("prod", "Bo Risk", "exchange back")).isEqualTo(4);
    assertThat(releases.tick()).containsExactly(ReleaseEvent.Kind.REPLACED);
    assertThat(store.reader().version("prod", 3).orElseThrow().status())
        .isEqualTo(VersionStatus.SUPERSEDED);
    change(200);
    assertThat(state().version()).isEqualTo(5);
  }

  @Test
  void theEmergencyTrailerIsALineOfItsOwn() {
    assertThat(ReleaseRows.emergency("Cut\n\nGitconf-Emergency: exchange outage\n"))
        .contains("exchange outage");
    assertThat(ReleaseRows.emergency("Cut the Gitconf-Emergency: not a trailer")).isEmpty();
  }
}
