package io.gitconf.cli;

import static io.gitconf.testing.TestGitRepo.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import io.gitconf.core.Json;
import io.gitconf.testing.TestDatabase;
import io.gitconf.testing.TestGitRepo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --output json} of the commands that change or copy the mirror: one JSON document on
 * standard output, progress on standard error, the same exit codes as text.
 */
class MirrorCommandsJsonTest {
  @TempDir Path dir;

  private static String json(Cli.Result result) {
    return Json.canonical(Json.parse("output", result.out()));
  }

  private static String quoted(Object text) {
    return Json.canonical(TextNode.valueOf(text.toString()));
  }

  private static String[] args(String... args) {
    return args;
  }

  private static String[] with(String[] args, String... more) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  @Test
  void rebuildBackupAndRestoreReportTheirCounts() throws Exception {
    try (TestDatabase source = TestDatabase.create();
        TestDatabase target = TestDatabase.create();
        TestGitRepo repo = TestGitRepo.withFirstCommit(dir.resolve("repo"))) {
      repo.file("environments/prod/app.yaml", "limits:\n  max: 5000\n").commit(BOB, "Too much");
      repo.file("environments/prod/app.yaml", "limits:\n  max: 900\n").commit(BOB, "Fix");

      Cli.Result rebuilt =
          Cli.run(
              "rebuild",
              "--repo",
              repo.root().toString(),
              "--db",
              source.jdbcUrl(),
              "--output",
              "json");
      assertThat(rebuilt.exitCode()).as(rebuilt.err()).isZero();
      assertThat(rebuilt.err()).contains("Bob Risk \"Too much\": REJECTED (1 error)");
      assertThat(json(rebuilt))
          .isEqualTo(
              "{\"activeVersions\":{\"dev\":1,\"prod\":3},\"branch\":\"main\",\"commits\":3,"
                  + "\"database\":"
                  + quoted(source.jdbcUrl())
                  + ",\"rejected\":1,\"repo\":"
                  + quoted(repo.root())
                  + "}");

      Path file = dir.resolve("mirror.backup");
      Cli.Result backup =
          Cli.run("backup", "--db", source.jdbcUrl(), "--out", file.toString(), "--output", "json");
      assertThat(backup.exitCode()).as(backup.err()).isZero();
      String progress =
          "  environments: 2 rows\n"
              + "  sync_commits: 3 rows\n"
              + "  config_versions: 5 rows\n"
              + "  config_items: 7 rows\n"
              + "  config_audit: 7 rows\n";
      assertThat(backup.err())
          .isEqualTo(
              progress
                  + "  environment_pins: 0 rows\n"
                  + "  sync_state: 1 rows\n"
                  + "  sync_events: 0 rows\n"
                  + "  release_state: 0 rows\n"
                  + "  instance_reports: 0 rows\n"
                  + "  release_events: 0 rows\n");
      String tables = "{\"config_audit\":7,\"config_items\":7,\"config_versions\":5,";
      assertThat(json(backup))
          .isEqualTo(
              "{\"database\":"
                  + quoted(source.jdbcUrl())
                  + ",\"file\":"
                  + quoted(file)
                  + ",\"rows\":25,\"tables\":"
                  + tables
                  + "\"environment_pins\":0,\"environments\":2,\"instance_reports\":0,"
                  + "\"release_events\":0,\"release_state\":0,\"sync_commits\":3,\"sync_events\":0,"
                  + "\"sync_state\":1}}");

      Cli.Result restored =
          Cli.run("restore", "--db", target.jdbcUrl(), file.toString(), "--output", "json");
      assertThat(restored.exitCode()).as(restored.err()).isZero();
      // Restore reports the tables it wrote rows into.
      assertThat(restored.err()).isEqualTo(progress + "  sync_state: 1 rows\n");
      assertThat(json(restored))
          .isEqualTo(
              "{\"auditRows\":7,\"database\":"
                  + quoted(target.jdbcUrl())
                  + ",\"discrepancies\":[],\"file\":"
                  + quoted(file)
                  + ",\"restored\":true,\"rows\":25,\"tables\":"
                  + tables
                  + "\"environments\":2,\"sync_commits\":3,\"sync_state\":1},\"verified\":true,"
                  + "\"versions\":3}");

      Cli.Result again =
          Cli.run("restore", "--db", target.jdbcUrl(), file.toString(), "--output", "json");
      assertThat(again.exitCode()).isEqualTo(ExitCodes.USAGE);
      assertThat(again.out()).isEmpty();
      assertThat(again.err()).startsWith("gitconf: restore needs an empty mirror; ");
    }
  }

  @Test
  void rollbackBreakGlassAndUnpinReportTheirChanges() throws Exception {
    try (TestDatabase testDb = TestDatabase.create();
        TestGitRepo repo = TestGitRepo.withFirstCommit(dir.resolve("repo"))) {
      String first = repo.git().log().call().iterator().next().name();
      repo.file("environments/prod/app.yaml", "limits:\n  max: 400\n").commit(BOB, "Lower prod");
      String db = testDb.jdbcUrl();
      assertThat(Cli.run("rebuild", "--repo", repo.root().toString(), "--db", db).exitCode())
          .isZero();
      String change =
          "\"changes\":[{\"after\":500,\"before\":400,\"kind\":\"changed\",\"path\":\"app.limits.max\"}]";
      String[] rollback =
          args(
              "rollback",
              "--env",
              "prod",
              "--to",
              "1",
              "--db",
              db,
              "--repo",
              repo.root().toString(),
              "--user",
              "Ada Trader <ada@example.com>",
              "--reason",
              "Back to 500",
              "--output",
              "json");

      Cli.Result unconfirmed = Cli.run(rollback);
      assertThat(unconfirmed.exitCode()).isEqualTo(ExitCodes.USAGE);
      assertThat(unconfirmed.err())
          .isEqualTo("gitconf: review the change above, then run again with --yes to commit it\n");
      assertThat(json(unconfirmed))
          .isEqualTo(
              "{"
                  + change
                  + ",\"committed\":false,\"environment\":\"prod\",\"version\":1,\"versionCommit\":\""
                  + first
                  + "\"}");
      assertThat(repo.git().log().call()).hasSize(2);

      Cli.Result done = Cli.run(with(rollback, "--yes"));
      assertThat(done.exitCode()).as(done.err()).isZero();
      assertThat(done.err()).isEmpty();
      RevCommit head = repo.git().log().call().iterator().next();
      assertThat(head.getFullMessage()).isEqualTo("Back to 500\n\nRoll back prod to version 1.");
      assertThat(json(done))
          .isEqualTo(
              "{"
                  + change
                  + ",\"commit\":\""
                  + head.name()
                  + "\",\"committed\":true,\"environment\":\"prod\",\"pushed\":false,\"version\":1,"
                  + "\"versionCommit\":\""
                  + first
                  + "\"}");

      Cli.Result nothing = Cli.run(with(rollback, "--yes"));
      assertThat(nothing.exitCode()).as(nothing.err()).isZero();
      assertThat(json(nothing))
          .isEqualTo(
              "{\"changes\":[],\"committed\":false,\"environment\":\"prod\",\"version\":1,"
                  + "\"versionCommit\":\""
                  + first
                  + "\"}");

      String[] breakGlass =
          args(
              "rollback",
              "--break-glass",
              "--env",
              "prod",
              "--to",
              "1",
              "--db",
              db,
              "--user",
              "Ada Trader <ada@example.com>",
              "--reason",
              "Git is down and 400 is wrong",
              "--output",
              "json");
      Cli.Result asked = Cli.run(breakGlass);
      assertThat(asked.exitCode()).isEqualTo(ExitCodes.USAGE);
      assertThat(asked.err())
          .isEqualTo(
              "gitconf: review the change above, then run again with --yes to activate it\n");
      assertThat(json(asked))
          .isEqualTo(
              "{\"activated\":false,\"breakGlass\":true,"
                  + change
                  + ",\"environment\":\"prod\",\"version\":1}");

      Cli.Result glass = Cli.run(with(breakGlass, "--yes"));
      assertThat(glass.exitCode()).as(glass.err()).isZero();
      assertThat(glass.err()).isEmpty();
      assertThat(json(glass))
          .isEqualTo(
              "{\"activated\":true,\"breakGlass\":true,"
                  + change
                  + ",\"environment\":\"prod\",\"pinned\":true,\"previousVersion\":2,"
                  + "\"user\":\"Ada Trader <ada@example.com>\",\"version\":1}");
      assertThat(Cli.run("get", "app.limits.max", "--env", "prod", "--db", db).out())
          .isEqualTo("500\n");

      Cli.Result unpinned =
          Cli.run(
              "unpin",
              "--env",
              "prod",
              "--db",
              db,
              "--user",
              "Ada Trader",
              "--reason",
              "Git is back",
              "--output",
              "json");
      assertThat(unpinned.exitCode()).as(unpinned.err()).isZero();
      assertThat(json(unpinned))
          .isEqualTo("{\"activeVersion\":2,\"environment\":\"prod\",\"pinned\":false}");
      Cli.Result again =
          Cli.run(
              "unpin",
              "--env",
              "prod",
              "--db",
              db,
              "--user",
              "Ada",
              "--reason",
              "again",
              "--output",
              "json");
      assertThat(again.exitCode()).isEqualTo(ExitCodes.USAGE);
      assertThat(again.out()).isEmpty();
      assertThat(again.err()).isEqualTo("gitconf: prod is not pinned\n");
    }
  }
}
