package io.gitconf.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReleasePolicyTest {
  @TempDir Path dir;

  private ConfigRepository repo(String release) {
    return TestRepo.app(dir)
        .file(
            "gitconf.yaml",
            "version: 1\nenvironments:\n  dev:\n  prod:\n    release:\n"
                + release.indent(6)
                + "categories:\n  app: {schema: schemas/app.schema.json}\n")
        .file("base/app.yaml", "limits:\n  max: 10\n")
        .load();
  }

  private static List<String> lines(List<Problem> problems) {
    return problems.stream().map(Problem::toString).toList();
  }

  @Test
  void aDeclaredPolicyIsReadWithItsDefaults() {
    ConfigRepository repo =
        repo(
            """
            steps: [5, 25, 100]
            bake: 10m
            minReports: 80%
            maxFailures: 1
            minInterval: 15m
            freeze:
              - {days: [sat, sun], timezone: UTC}
              - {from: "2026-12-24T00:00Z", to: "2026-12-27T00:00Z"}
            """);
    assertThat(lines(repo.problems())).isEmpty();
    ReleasePolicy policy = repo.requireManifest().releasePolicy("prod").orElseThrow();
    assertThat(policy.steps()).containsExactly(5, 25, 100);
    assertThat(policy.bake()).isEqualTo(Duration.ofMinutes(10));
    assertThat(policy.minReportsPercent()).isEqualTo(80);
    assertThat(policy.maxFailures()).isEqualTo(1);
    assertThat(policy.minInterval()).isEqualTo(Duration.ofMinutes(15));
    assertThat(policy.freeze()).hasSize(2);
    assertThat(repo.requireManifest().releasePolicy("dev")).isEmpty();
    assertThat(ReleasePolicyReader.fromJson(ReleasePolicyReader.toJson(policy))).isEqualTo(policy);
  }

  @Test
  void everyProblemOfAPolicyNamesItsLine() {
    ConfigRepository repo =
        repo(
            """
            steps: [25, 5]
            bake: ten minutes
            minReports: 180%
            maxFailures: -1
            freeze:
              - {days: [someday], timezone: Mars/Base}
              - {from: "2026-12-27T00:00Z", to: "2026-12-24T00:00Z"}
            paced: yes
            """);
    assertThat(repo.manifest()).isEmpty();
    assertThat(lines(repo.problems()))
        .containsExactly(
            "gitconf.yaml:13: environments.prod.release.paced: unknown key (allowed: bake, freeze,"
                + " maxFailures, minInterval, minReports, steps) (additionalProperties)",
            "gitconf.yaml:6: environments.prod.release.steps: steps must increase (5 after 25)"
                + " (order)",
            "gitconf.yaml:7: environments.prod.release.bake: a duration such as 250ms, 20s, 10m, 2h"
                + " or 1d, not \"ten minutes\" (duration)",
            "gitconf.yaml:8: environments.prod.release.minReports: a percent from 0% to 100%, not"
                + " \"180%\" (percent)",
            "gitconf.yaml:9: environments.prod.release.maxFailures: a whole number, 0 or more, not"
                + " -1 (type)",
            "gitconf.yaml:10: environments.prod.release.freeze: days are mon, tue, wed, thu, fri,"
                + " sat, sun, not \"someday\" (enum)",
            "gitconf.yaml:10: environments.prod.release.freeze: unknown timezone 'Mars/Base'"
                + " (timezone)",
            "gitconf.yaml:10: environments.prod.release.freeze: a window ends after it starts"
                + " (2026-12-27T00:00:00Z to 2026-12-24T00:00:00Z) (order)");
  }

  @Test
  void theLastStepIsEveryInstance() {
    assertThat(lines(repo("steps: [10, 50]\n").problems()))
        .containsExactly(
            "gitconf.yaml:6: environments.prod.release.steps: the last step must be 100 (every"
                + " instance), not 50 (last-step)");
  }

  @Test
  void freezeWindowsThatFollowOneAnotherAreCrossedInOneGo() {
    ReleasePolicy policy =
        new ReleasePolicy(
            List.of(100),
            Duration.ZERO,
            0,
            0,
            Duration.ZERO,
            List.of(
                ReleasePolicy.FreezeWindow.days(
                    Set.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY), java.time.ZoneId.of("UTC")),
                ReleasePolicy.FreezeWindow.span(
                    Instant.parse("2026-12-27T12:00:00Z"), Instant.parse("2026-12-28T06:00:00Z"))));
    // Saturday 26 December 2026, 10:00: the weekend, then the span that starts on Sunday.
    assertThat(policy.frozenUntil(Instant.parse("2026-12-26T10:00:00Z")))
        .contains(Instant.parse("2026-12-28T06:00:00Z"));
    assertThat(policy.frozenUntil(Instant.parse("2026-12-29T10:00:00Z"))).isEmpty();
  }
}
