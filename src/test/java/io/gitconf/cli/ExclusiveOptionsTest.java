package io.gitconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gitconf.core.GoldenRepos;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Options that name two ways of doing one thing are refused by the parser itself, before the
 * command runs: a usage error (exit 2) naming both options, followed by the command's usage.
 */
class ExclusiveOptionsTest {
  @TempDir Path dir;

  private static void assertRefused(Cli.Result result, String options) {
    assertThat(result.exitCode()).as(result.all()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.out()).isEmpty();
    assertThat(result.err())
        .startsWith("Error: " + options + " are mutually exclusive (specify only one)\n")
        .contains("Usage: gitconf ");
  }

  @Test
  void diffRefusesAnOldSideGivenTwice() throws Exception {
    Path repo = GoldenRepos.template(dir.resolve("repo"));
    Cli.Result result =
        Cli.run("diff", "--repo", repo.toString(), "--from", "HEAD~1", "--base", "main");
    assertRefused(result, "--from=REV, --base=BRANCH");
  }

  @Test
  void everyDatabaseCommandRefusesAnExternalAndAnEmbeddedDatabaseAtOnce() {
    String db = "jdbc:postgresql://127.0.0.1:1/none";
    String embedded = dir.resolve("pg").toString();
    for (String[] command :
        new String[][] {
          {"status"},
          {"history", "--env", "prod"},
          {"get", "risk.parameters.maxOpenPositions", "--env", "prod"},
          {"diff", "--env", "prod", "--from", "1"},
          {"verify"},
        }) {
      String[] args = new String[command.length + 4];
      System.arraycopy(command, 0, args, 0, command.length);
      args[command.length] = "--db";
      args[command.length + 1] = db;
      args[command.length + 2] = "--embedded-postgres";
      args[command.length + 3] = embedded;
      Cli.Result result = Cli.run(args);
      assertRefused(result, "--db=JDBC_URL, --embedded-postgres=DIR");
    }
    assertThat(dir.resolve("pg")).doesNotExist();
  }

  @Test
  void readingCommandsRefuseTheIndexAndACommitAtOnce() throws Exception {
    Path repo = GoldenRepos.template(dir.resolve("repo"));
    Cli.Result result =
        Cli.run("validate", "--repo", repo.toString(), "--staged", "--commit", "HEAD");
    assertRefused(result, "--staged, --commit=REV");
  }

  @Test
  void watchRefusesAWorkingCopyAndARemoteAtOnce() throws Exception {
    Path repo = GoldenRepos.template(dir.resolve("repo"));
    Cli.Result result =
        Cli.run("watch", "--env", "prod", "--repo", repo.toString(), "--git", "file://" + repo);
    assertRefused(result, "--repo=DIR, --git=URL");
  }
}
