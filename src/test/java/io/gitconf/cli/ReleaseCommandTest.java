package io.gitconf.cli;

import static io.gitconf.testing.TestGitRepo.ALICE;
import static io.gitconf.testing.TestGitRepo.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gitconf.core.Json;
import io.gitconf.testing.TestDatabase;
import io.gitconf.testing.TestGitRepo;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gitconf release}: status, and the operators' actions, audited, in text and JSON. */
class ReleaseCommandTest {
  @TempDir Path dir;

  @Test
  void statusShowsTheCandidateAndOperatorsPromotePauseResumeAndAbort() throws Exception {
    try (TestDatabase testDb = TestDatabase.create();
        TestGitRepo repo = TestGitRepo.withFirstCommit(dir.resolve("repo"))) {
      String db = testDb.jdbcUrl();
      repo.file(
              "gitconf.yaml",
              "version: 1\nenvironments:\n  dev: {}\n  prod:\n    release:\n"
                  + "      steps: [10, 50, 100]\n      bake: 5m\n"
                  + "categories:\n  app: {schema: schemas/app.schema.json}\n")
          .commit(BOB, "Release prod gradually");
      repo.file("environments/prod/app.yaml", "limits:\n  max: 400\n").commit(ALICE, "Lower prod");
      assertThat(Cli.run("rebuild", "--repo", repo.root().toString(), "--db", db).exitCode())
          .isZero();

      Cli.Result status = Cli.run("release", "status", "--env", "prod", "--db", db);
      assertThat(status.exitCode()).as(status.err()).isZero();
      assertThat(status.out())
          .startsWith("prod: release of version 2 (")
          .contains(" by Alice Trader: Lower prod)\n")
          .contains("  step       1 of 3, 10 % of instances since ")
          .contains(
              "  cohort     0 instance(s): 0 applied, 0 failed, 0 restart-required, 0 silent\n")
          .contains(
              "  policy     steps [10, 50, 100], bake 5m, minReports 80%, maxFailures 0,"
                  + " minInterval 0s, freeze none\n");

      Cli.Result promoted =
          Cli.run(
              "release",
              "promote",
              "--env",
              "prod",
              "--to",
              "50",
              "--user",
              "Bo Risk",
              "--reason",
              "clean metrics",
              "--db",
              db);
      assertThat(promoted.exitCode()).as(promoted.err()).isZero();
      assertThat(promoted.out())
          .matches(
              "prod: \\S+  version 2 promoted at 50 % by Bo Risk: clean metrics \\(promoted to 50 %\\)\n");

      assertThat(
              Cli.run(
                      "release",
                      "pause",
                      "--env",
                      "prod",
                      "--user",
                      "Bo Risk",
                      "--reason",
                      "lunch",
                      "--db",
                      db)
                  .exitCode())
          .isZero();
      Cli.Result again =
          Cli.run(
              "release",
              "pause",
              "--env",
              "prod",
              "--user",
              "Bo Risk",
              "--reason",
              "x",
              "--db",
              db);
      assertThat(again.exitCode()).isEqualTo(ExitCodes.USAGE);
      assertThat(again.err()).isEqualTo("gitconf: the release of prod is paused, not rolling\n");
      assertThat(
              Cli.run(
                      "release",
                      "resume",
                      "--env",
                      "prod",
                      "--user",
                      "Bo Risk",
                      "--reason",
                      "back",
                      "--db",
                      db)
                  .exitCode())
          .isZero();

      Cli.Result json =
          Cli.run("release", "status", "--env", "prod", "--db", db, "--output", "json");
      JsonNode root = Json.parse("status", json.out());
      assertThat(root.path("baseVersion").asInt()).isEqualTo(1);
      assertThat(root.path("release").path("candidateVersion").asInt()).isEqualTo(2);
      assertThat(root.path("release").path("phase").asText()).isEqualTo("rolling");
      assertThat(root.path("release").path("percent").asInt()).isEqualTo(50);
      assertThat(root.path("events").get(0).path("event").asText()).isEqualTo("resumed");

      Cli.Result aborted =
          Cli.run(
              "release",
              "abort",
              "--env",
              "prod",
              "--user",
              "Bo Risk",
              "--reason",
              "wrong limit",
              "--db",
              db,
              "--output",
              "json");
      assertThat(aborted.exitCode()).as(aborted.err()).isZero();
      JsonNode event = Json.parse("abort", aborted.out()).path("events").get(0);
      assertThat(event.path("event").asText()).isEqualTo("aborted");
      assertThat(event.path("actor").asText()).isEqualTo("Bo Risk");
      assertThat(event.path("cause").asText()).isEqualTo("wrong limit");

      Cli.Result none = Cli.run("release", "status", "--env", "prod", "--db", db);
      assertThat(none.out()).startsWith("prod: no release in progress; active version 1 (");

      Cli.Result history = Cli.run("history", "--env", "prod", "--db", db);
      assertThat(history.out())
          .contains("rolled_back")
          .contains("version 2 aborted at 50 % by Bo Risk: wrong limit");
    }
  }
}
