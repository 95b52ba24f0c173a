package io.gitconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gitconf up}: the quick start's output, and its log through a database outage, as a user
 * sees them (the long test runs the program in a JVM of its own, with the program's logging).
 */
class UpCommandTest {
  private static final Duration LONG = Duration.ofMinutes(3);
  private static final Pattern URL_LINE =
      Pattern.compile(
          "^Mirror database: (jdbc:postgresql://localhost:(\\d+)/postgres\\?user=postgres)$",
          Pattern.MULTILINE);
  private static final PersonIdent ADA = new PersonIdent("Ada Trader", "ada@desk.example");

  @TempDir Path dir;

  @Test
  void upPrintsTheJdbcUrlOfItsMirrorAndHowToReachIt() {
    Path home = dir.resolve("gitconf");

    Cli.Result result = Cli.run("up", "--once", "--dir", home.toString());

    assertThat(result.exitCode()).as(result.all()).isZero();
    Matcher url = URL_LINE.matcher(result.out());
    assertThat(url.find()).as(result.out()).isTrue();
    assertThat(result.out())
        .contains("PostgreSQL ready: embedded PostgreSQL on port " + url.group(2) + "\n")
        .contains("  prod: version 1 active, ")
        // Role changes are the syncer's log lines, not printed a second time.
        .doesNotContain("leader: mirroring");
  }

  @Test
  void upSaysEachFactOnceWithoutStackTracesThroughADatabaseOutage() throws Exception {
    Path home = dir.resolve("gitconf");
    Path repo = home.resolve("demo-repo");
    try (ProgramProcess up =
        ProgramProcess.start(dir, Map.of(), "up", "--dir", home.toString(), "--poll", "200ms")) {
      String url =
          up.awaitOut(line -> URL_LINE.matcher(line).matches(), LONG)
              .substring("Mirror database: ".length());
      up.awaitOut(line -> line.endsWith("Ctrl-C stops."), LONG);
      up.awaitOut(line -> line.equals("  " + url), LONG);
      // The printed URL reaches the mirror, as a client, gitconf --db or psql would.
      assertThat(activeVersions(url)).isEqualTo(3);

      commit(repo, "maxOpenPositions: 5", "maxOpenPositions: 4", "One fewer open position");
      up.awaitOut(mirrored("One fewer open position", "prod version 2 candidate"), LONG);

      // The server ends every session (a failover or a restart looks like this to the syncer).
      terminateOtherSessions(url);
      commit(repo, "maxOpenPositions: 4", "maxOpenPositions: 3", "Three open positions");
      up.awaitOut(mirrored("Three open positions", "prod version 3 candidate"), LONG);

      // The branch is rewritten: a warning of the syncer's, not printed again.
      try (Git git = Git.open(repo.toFile())) {
        git.reset().setMode(ResetCommand.ResetType.HARD).setRef("HEAD~1").call();
      }
      commit(repo, "maxOpenPositions: 4", "maxOpenPositions: 2", "Two open positions");
      up.awaitErr(line -> line.contains("rewritten"), LONG);

      // PostgreSQL stops under the running syncer, which keeps retrying until it is stopped.
      int warningsBefore = warnings(up.err()).size();
      stopPostgres(home.resolve("pg"));
      commit(repo, "maxOpenPositions: 2", "maxOpenPositions: 1", "One open position");
      up.awaitErr(line -> warnings(up.err()).size() > warningsBefore, LONG);
      // Long enough for a dozen retries at a 200 ms poll; each must not be a line of its own.
      Thread.sleep(3_000);
      up.stop(LONG);

      List<String> out = up.out();
      List<String> err = up.err();
      String all = String.join("\n", out) + "\n--- stderr\n" + String.join("\n", err);
      System.out.println(all);
      assertThat(err).as(all).noneMatch(line -> line.startsWith("\tat ") || line.contains("\tat "));
      assertThat(err).as(all).noneMatch(line -> line.startsWith("Caused by:"));
      assertThat(err)
          .as(all)
          .allMatch(line -> line.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} [A-Z]+ +\\S+ - .*"));
      // Each warning once: a retry that fails the same way is not a new fact.
      assertThat(duplicates(warnings(err))).as(all).isEmpty();
      // Each commit printed once, and nothing the log says is printed as well.
      assertThat(out.stream().filter(line -> line.contains("prod version 2 candidate"))).hasSize(1);
      assertThat(out.stream().filter(line -> line.contains("prod version 3 candidate"))).hasSize(1);
      List<String> logged = err.stream().map(line -> line.replaceFirst("^.*? - ", "")).toList();
      assertThat(out)
          .as(all)
          .noneMatch(line -> line.startsWith("leader:") || line.startsWith("standby:"))
          .noneMatch(line -> line.contains("rewritten"))
          .noneMatch(line -> !line.isBlank() && logged.contains(line));
    }
  }

  private static Predicate<String> mirrored(String subject, String outcome) {
    return line -> line.contains("\"" + subject + "\": ") && line.contains(outcome);
  }

  private static List<String> warnings(List<String> err) {
    return err.stream()
        .filter(line -> line.contains(" WARN ") || line.contains(" ERROR "))
        .map(line -> line.substring(13))
        .toList();
  }

  private static Map<String, Long> duplicates(List<String> lines) {
    return lines.stream()
        .collect(Collectors.groupingBy(line -> line, Collectors.counting()))
        .entrySet()
        .stream()
        .filter(e -> e.getValue() > 1)
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }

  private static int activeVersions(String url) throws SQLException {
    try (Connection connection = DriverManager.getConnection(url);
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT count(*) FROM config_versions WHERE status = 'active'")) {
      rows.next();
      return rows.getInt(1);
    }
  }

  private static void terminateOtherSessions(String url) throws SQLException {
    try (Connection connection = DriverManager.getConnection(url);
        Statement statement = connection.createStatement()) {
      statement.execute(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
              + " WHERE pid <> pg_backend_pid() AND backend_type = 'client backend'");
    }
  }

  /** A fast shutdown (SIGINT to the postmaster), as an operator's or a host's stop does it. */
  private static void stopPostgres(Path data) throws IOException, InterruptedException {
    String pid = Files.readAllLines(data.resolve("postmaster.pid")).get(0).strip();
    Process kill = new ProcessBuilder("kill", "-INT", pid).inheritIO().start();
    assertThat(kill.waitFor()).isZero();
  }

  private static void commit(Path repo, String from, String to, String message) throws Exception {
    Path file = repo.resolve("environments/prod/risk.yaml");
    String text = Files.readString(file);
    assertThat(text).contains(from);
    Files.writeString(file, text.replace(from, to));
    try (Git git = Git.open(repo.toFile())) {
      git.add().addFilepattern(".").call();
      git.commit().setAuthor(ADA).setCommitter(ADA).setMessage(message).setSign(false).call();
    }
  }
}
