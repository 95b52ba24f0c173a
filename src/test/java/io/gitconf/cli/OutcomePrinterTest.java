package io.gitconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gitconf.mirror.ReleaseEvent;
import io.gitconf.mirror.VersionStatus;
import io.gitconf.sync.CommitInfo;
import io.gitconf.sync.CommitOutcome;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OutcomePrinterTest {
  static final CommitInfo COMMIT =
      new CommitInfo(
          "48eca2dc4f0123456789abcdef0123456789abcd",
          Optional.empty(),
          "Ada Trader",
          "ada@desk.example",
          Instant.parse("2026-11-24T01:25:18Z"),
          "Lower the limits\n\nTicket RISK-12");

  final StringWriter text = new StringWriter();
  final OutcomePrinter printer = new OutcomePrinter(new PrintWriter(text));

  @Test
  void aReleaseMoveIsOneLineWithItsCause() {
    printer.releaseChanged(
        new ReleaseEvent(
            12,
            "prod",
            7,
            ReleaseEvent.Kind.ROLLED_BACK,
            Optional.of(50),
            "reports",
            "1 failed report(s), more than maxFailures 0: trader-4: unhealthy: rejects",
            false,
            Instant.parse("2026-11-24T01:25:18Z")));

    assertThat(text.toString())
        .isEqualTo(
            "prod version 7 rolled back at 50 % by reports: 1 failed report(s), more than"
                + " maxFailures 0: trader-4: unhealthy: rejects\n");
  }

  @Test
  void mirroredCommitShowsEachEnvironmentWithItsOwnStatus() {
    printer.commitProcessed(
        new CommitOutcome(
            COMMIT,
            CommitOutcome.Kind.MIRRORED,
            List.of(
                new CommitOutcome.EnvironmentVersion(
                    "dev", 4, VersionStatus.ACTIVE, "cfce2996f064aa", 1),
                new CommitOutcome.EnvironmentVersion(
                    "prod", 7, VersionStatus.HELD, "ff893b8a1234bb", 2)),
            List.of()));

    assertThat(text.toString())
        .isEqualTo(
            "48eca2dc4f Ada Trader \"Lower the limits\": dev version 4 active (checksum cfce2996,"
                + " 1 changed path), prod version 7 held (checksum ff893b8a, 2 changed paths)\n");
  }

  @Test
  void rejectedCommitShowsEveryError() {
    printer.commitProcessed(
        new CommitOutcome(
            COMMIT,
            CommitOutcome.Kind.REJECTED,
            List.of(),
            List.of(
                "environments/prod/risk.yaml:7: risk.parameters.maxOpenPositions: must be >= 1"
                    + " (minimum)")));

    assertThat(text.toString())
        .isEqualTo(
            "48eca2dc4f Ada Trader \"Lower the limits\": REJECTED (1 error); active versions"
                + " unchanged\n"
                + "    environments/prod/risk.yaml:7: risk.parameters.maxOpenPositions: must be >= 1"
                + " (minimum)\n");
  }

  @Test
  void whatTheSyncerLogsItselfIsNotPrinted() {
    printer.progress(10, 25, 12.345);
    printer.roleChanged(false);
    printer.roleChanged(true);
    printer.forcePush(COMMIT.id(), COMMIT.id(), Optional.empty());

    assertThat(text.toString()).isEmpty();
  }
}
