package io.gitconf.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import io.gitconf.core.ConfigSnapshot;
import io.gitconf.mirror.InstanceReport;
import io.gitconf.mirror.ReleaseState;
import io.gitconf.testing.MovableClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What an instance reports, and which version it serves, without a database. */
class ReleaseReporterTest {
  private final AtomicReference<ClientSnapshot> served = new AtomicReference<>();
  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  private final ReleaseReporter reporter =
      new ReleaseReporter(
          "prod",
          new InstanceIdentity("trader-01", Map.of("region", "eu")),
          reports -> {},
          Duration.ofSeconds(5));

  private static ClientSnapshot version(int version, List<String> heldBack) {
    ConfigSnapshot snapshot =
        ConfigSnapshot.fromLeaves(
            "prod", Map.<String, JsonNode>of("app.max", IntNode.valueOf(version)));
    return ClientSnapshot.of(
        snapshot, OptionalLong.of(version), "c" + version, snapshot.checksum(), heldBack);
  }

  private InstanceReport report() {
    return reporter.current().orElseThrow();
  }

  @Test
  void aRefusedCandidateIsReportedFailedUntilANewerVersionIsServed() {
    reporter.start(java.util.concurrent.Executors.newSingleThreadScheduledExecutor(), served::get);
    served.set(version(1, List.of()));
    assertThat(report().state()).isEqualTo(InstanceReport.State.APPLIED);
    assertThat(report().labels()).isEqualTo(Map.of("region", "eu"));

    reporter.failed(2, "risk.limits.max: must be <= 1000 (maximum)");
    assertThat(report().version()).isEqualTo(2);
    assertThat(report().state()).isEqualTo(InstanceReport.State.FAILED);
    assertThat(report().failure()).isEqualTo("risk.limits.max: must be <= 1000 (maximum)");

    served.set(version(3, List.of()));
    assertThat(report().version()).isEqualTo(3);
    assertThat(report().state()).isEqualTo(InstanceReport.State.APPLIED);
  }

  @Test
  void healthHoldsForTheVersionItWasGivenForAndRestartRequiredIsSaid() {
    reporter.start(java.util.concurrent.Executors.newSingleThreadScheduledExecutor(), served::get);
    served.set(version(2, List.of()));
    reporter.health(false, "order rejects 12 % since reload");
    assertThat(report().healthy()).isFalse();
    assertThat(report().counterIndication()).isTrue();
    assertThat(report().failure()).isEqualTo("unhealthy: order rejects 12 % since reload");

    served.set(version(3, List.of("trader.mode")));
    assertThat(report().healthy()).isTrue();
    assertThat(report().state()).isEqualTo(InstanceReport.State.RESTART_REQUIRED);
  }

  @Test
  void aReportIsSentWhenItChangesAndOtherwiseOnlyAsTheHeartbeat() throws Exception {
    List<InstanceReport> sent = new java.util.ArrayList<>();
    MovableClock clock = new MovableClock(java.time.Instant.parse("2026-12-01T09:00:00Z"));
    ReleaseReporter counted =
        new ReleaseReporter(
            "prod",
            new InstanceIdentity("trader-01", Map.of()),
            sent::addAll,
            Duration.ofSeconds(5),
            clock);
    served.set(version(1, List.of()));
    counted.start(executor, served::get);
    // The schedule stops; the test plays each poll interval itself from here.
    executor.shutdown();
    assertThat(executor.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    counted.report();
    assertThat(sent).hasSize(1);
    int first = sent.size();
    for (int poll = 0; poll < 11; poll++) {
      clock.advance(Duration.ofSeconds(5));
      counted.report();
    }
    assertThat(sent).hasSize(first);

    served.set(version(2, List.of()));
    counted.report();
    assertThat(sent.get(sent.size() - 1).version()).isEqualTo(2);
    int afterChange = sent.size();
    clock.advance(ReleaseReporter.HEARTBEAT.minusSeconds(1));
    counted.report();
    assertThat(sent).hasSize(afterChange);
    clock.advance(Duration.ofSeconds(1));
    counted.report();
    assertThat(sent).hasSize(afterChange + 1);
    assertThat(sent.get(sent.size() - 1)).isEqualTo(sent.get(afterChange - 1));

    counted.health(false, "order rejects");
    counted.report();
    assertThat(sent.get(sent.size() - 1).healthy()).isFalse();
  }

  @Test
  void theCohortServesTheCandidateOnlyToItsBucketsAndNeverARefusedOne() {
    ReleaseState state =
        new ReleaseState(
            "prod",
            7,
            ReleaseState.Phase.ROLLING,
            0,
            25,
            Optional.of(java.time.Instant.EPOCH),
            "salt",
            new io.gitconf.core.ReleasePolicy(
                List.of(25, 100), Duration.ZERO, 0, 0, Duration.ZERO, List.of()),
            Optional.empty(),
            ReleaseState.Counts.NONE,
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            java.time.Instant.EPOCH,
            java.time.Instant.EPOCH);
    // trader-01's bucket is 1859 (docs/releases.md): inside 25 %, outside 10 %.
    assertThat(Cohort.candidate(Optional.of(state), "trader-01", Set.of())).contains(7);
    assertThat(Cohort.candidate(Optional.of(state), "trader-02", Set.of())).isEmpty();
    assertThat(Cohort.candidate(Optional.of(state), "trader-01", Set.of(7))).isEmpty();
    assertThat(Cohort.candidate(Optional.empty(), "trader-01", Set.of())).isEmpty();
  }

  @Test
  void anInstanceIdComesFromTheBuilderElseTheEnvironmentElseHostAndApplication() {
    assertThat(
            InstanceIdentity.resolve(
                    Optional.of("a-1"), Map.of(InstanceIdentity.VARIABLE, "b-2"), "app", Map.of())
                .id())
        .isEqualTo("a-1");
    assertThat(
            InstanceIdentity.resolve(
                    Optional.empty(), Map.of(InstanceIdentity.VARIABLE, "b-2"), "app", Map.of())
                .id())
        .isEqualTo("b-2");
    assertThat(InstanceIdentity.resolve(Optional.empty(), Map.of(), "trader", Map.of()).id())
        .endsWith("/trader");
  }
}
