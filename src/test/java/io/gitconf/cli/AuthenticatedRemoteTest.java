package io.gitconf.cli;

import static io.gitconf.testing.TestGitRepo.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import io.gitconf.testing.AuthenticatedGitServer;
import io.gitconf.testing.TestDatabase;
import io.gitconf.testing.TestGitRepo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The syncer, the change commands and the client's Git source take Git credentials from {@code
 * GITCONF_GIT_USERNAME} and {@code GITCONF_GIT_PASSWORD}, against an HTTP remote that refuses
 * anyone else, and never print a password. gitconf runs as a child process, since only a child can
 * be given environment variables.
 */
class AuthenticatedRemoteTest {
  private static final String USER = "syncer";
  private static final String PASSWORD = "tok-9f2Kq7-secret";
  private static final String WRONG = "tok-WRONG-4d1x";
  private static final String NO_PROVIDER =
      "Authentication is required but no CredentialsProvider has been registered";

  @TempDir Path dir;

  private TestGitRepo work;
  private RevCommit first;
  private RevCommit second;
  private Path bare;
  private AuthenticatedGitServer server;
  private TestDatabase testDb;

  private record Run(int code, String out, String err) {
    String all() {
      return "stdout:\n" + out + "stderr:\n" + err;
    }
  }

  @BeforeEach
  void serveABareRepository() throws Exception {
    work = TestGitRepo.withFirstCommit(dir.resolve("work"));
    first = work.git().log().call().iterator().next();
    second =
        work.file("environments/prod/app.yaml", "limits:\n  max: 400\n").commit(BOB, "Lower max");
    bare = dir.resolve("config.git");
    git(dir, "clone", "--quiet", "--bare", work.root().toString(), bare.toString());
    git(bare, "update-server-info");
    server = AuthenticatedGitServer.start(bare, "config.git", USER, PASSWORD);
    testDb = TestDatabase.create();
    // Children put their temporary clones here, not in the machine's temporary folder.
    Files.createDirectories(dir.resolve("tmp"));
  }

  @AfterEach
  void stop() {
    server.close();
    testDb.close();
    work.close();
  }

  @Test
  void rebuildMirrorsTheRemoteWithTheCredentialsFromTheEnvironment() throws Exception {
    Run run = gitconf(credentials(PASSWORD), "rebuild", "--repo", server.url(), "--db", url());

    assertThat(run.code()).as(run.all()).isZero();
    assertThat(run.out().lines())
        .contains("Rebuilt " + testDb.jdbcUrl() + " from 2 commits of " + server.url() + " (main)");
    assertThat(versions())
        .containsExactly(
            "dev 1 " + first.name() + " active",
            "prod 1 " + first.name() + " superseded",
            "prod 2 " + second.name() + " active");
    // The remote did ask: the first request went without credentials and got 401.
    assertThat(server.refused()).isPositive();
    assertThat(run.all()).doesNotContain(PASSWORD);
  }

  @Test
  void rebuildWithoutCredentialsFailsAsUnavailableAndMirrorsNothing() throws Exception {
    Run run = gitconf(Map.of(), "rebuild", "--repo", server.url(), "--db", url());

    assertThat(run.code()).as(run.all()).isEqualTo(3);
    assertThat(run.err().lines())
        .contains(
            "gitconf: cannot fetch "
                + server.url()
                + " (main): "
                + server.url()
                + ": "
                + NO_PROVIDER);
    assertThat(versions()).isEmpty();
  }

  @Test
  void rebuildWithAWrongPasswordFailsAsUnavailableWithoutPrintingIt() throws Exception {
    Run run = gitconf(credentials(WRONG), "rebuild", "--repo", server.url(), "--db", url());

    assertThat(run.code()).as(run.all()).isEqualTo(3);
    assertThat(run.err().lines())
        .contains(
            "gitconf: cannot fetch "
                + server.url()
                + " (main): "
                + server.url()
                + ": not authorized");
    assertThat(run.all()).doesNotContain(WRONG);
    assertThat(versions()).isEmpty();
  }

  @Test
  void aPasswordWrittenIntoTheUrlIsMaskedInEveryOutputAndEveryFile() throws Exception {
    String masked = server.url(USER + ":****");

    Run right =
        gitconf(Map.of(), "rebuild", "--repo", server.url(USER + ":" + PASSWORD), "--db", url());
    assertThat(right.code()).as(right.all()).isZero();
    assertThat(right.out().lines())
        .contains("Rebuilt " + testDb.jdbcUrl() + " from 2 commits of " + masked + " (main)");
    assertThat(right.err()).contains("leader: mirroring " + masked + " (main)");
    assertThat(right.all()).doesNotContain(PASSWORD);
    assertThat(versions()).hasSize(3);

    try (TestDatabase empty = TestDatabase.create()) {
      Run wrong =
          gitconf(
              Map.of(),
              "rebuild",
              "--repo",
              server.url(USER + ":" + WRONG),
              "--db",
              empty.jdbcUrl());
      assertThat(wrong.code()).as(wrong.all()).isEqualTo(3);
      // JGit names the remote with the user only; gitconf masks that too.
      assertThat(wrong.err().lines())
          .contains(
              "gitconf: cannot fetch "
                  + masked
                  + " (main): "
                  + server.url("****")
                  + ": "
                  + NO_PROVIDER);
      assertThat(wrong.all()).doesNotContain(WRONG);
    }
    // The syncer's bare clone (--cache-dir) keeps no password either.
    assertThat(filesContaining(dir.resolve(".gitconf"), PASSWORD)).isEmpty();
    assertThat(filesContaining(dir.resolve(".gitconf"), WRONG)).isEmpty();
  }

  @Test
  void setClonesWithTheCredentialsFromTheEnvironment() throws Exception {
    String[] set = {
      "set",
      "app.limits.max",
      "300",
      "--env",
      "prod",
      "--repo",
      server.url(),
      "--user",
      "Ada Trader <ada@desk.example>",
      "--reason",
      "Lower again"
    };

    Run without = gitconf(Map.of(), set);
    assertThat(without.code()).as(without.all()).isEqualTo(3);
    assertThat(without.out()).isEmpty();
    assertThat(without.err())
        .isEqualTo(
            "gitconf: cannot clone "
                + server.url()
                + ": "
                + server.url()
                + ": "
                + NO_PROVIDER
                + "\n");

    // The clone authenticates and the commit is made; this test remote is read-only, so the push
    // is refused, which a real Git host would accept. The commit was made in a temporary clone:
    // the message says it is gone, and nothing announces it as made.
    Run with = gitconf(credentials(PASSWORD), set);
    assertThat(with.code()).as(with.all()).isEqualTo(3);
    assertThat(with.out()).isEmpty();
    assertThat(with.err())
        .isEqualTo(
            "gitconf: cannot push to "
                + server.url()
                + ": remote does not support smart HTTP push; the commit was made in a temporary"
                + " clone and is discarded with it: nothing changed on the remote; run the command"
                + " again\n");
    assertThat(with.all()).doesNotContain(PASSWORD);
  }

  @Test
  void watchFollowsTheRemoteWithTheCredentialsFromTheEnvironment() throws Exception {
    Path err = dir.resolve("watch.err");
    Path out = dir.resolve("watch.out");
    Process watch =
        start(
            credentials(PASSWORD),
            out,
            err,
            "watch",
            "--env",
            "prod",
            "--git",
            server.url(),
            "--ttl",
            "200ms",
            "--count",
            "1");
    try {
      for (int i = 0; i < 600 && !Files.readString(err).contains("watching"); i++) {
        Thread.sleep(50);
      }
      assertThat(Files.readString(err))
          .isEqualTo(
              "watching prod: ClientSnapshot[prod, "
                  + second.name()
                  + ", 3 values] (Ctrl-C stops)\n");

      RevCommit change =
          work.file("environments/prod/app.yaml", "limits:\n  max: 300\n").commit(BOB, "Lower");
      git(work.root(), "push", "--quiet", bare.toString(), "main");
      git(bare, "update-server-info");

      assertThat(watch.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(watch.exitValue()).as(Files.readString(err)).isZero();
      assertThat(Files.readString(out))
          .matches(
              "\\S+  changed   app.limits.max: 400 -> 300  \\("
                  + change.name().substring(0, 10)
                  + "\\)\n");
      assertThat(Files.readString(out) + Files.readString(err)).doesNotContain(PASSWORD);
    } finally {
      watch.destroyForcibly().waitFor();
    }
  }

  @Test
  void aPasswordWrittenIntoTheWatchedUrlNeverReachesTheClientsClone() throws Exception {
    Path err = dir.resolve("watch-url.err");
    Process watch =
        start(
            Map.of(),
            dir.resolve("watch-url.out"),
            err,
            "watch",
            "--env",
            "prod",
            "--git",
            server.url(USER + ":" + PASSWORD),
            "--cache",
            dir.resolve("prod.cache.json").toString());
    try {
      for (int i = 0; i < 600 && !Files.readString(err).contains("watching"); i++) {
        Thread.sleep(50);
      }
      assertThat(Files.readString(err))
          .startsWith("watching prod: ClientSnapshot[prod, " + second.name());
    } finally {
      watch.destroyForcibly().waitFor();
    }
    assertThat(Files.readString(err)).doesNotContain(PASSWORD);
    // The clone's .git/config names the remote with the user only; the password stays in memory.
    List<Path> leaking = filesContaining(dir.resolve("tmp"), PASSWORD);
    assertThat(leaking)
        .as(leaking.isEmpty() ? "" : Files.readString(leaking.get(0)).replace(PASSWORD, "<pw>"))
        .isEmpty();
    assertThat(filesContaining(dir.resolve("tmp"), server.url(USER))).isNotEmpty();
    assertThat(Files.readString(dir.resolve("prod.cache.json"))).doesNotContain(PASSWORD);
  }

  @Test
  void watchWithoutCredentialsFailsAsUnavailable() throws Exception {
    Run run = gitconf(Map.of(), "watch", "--env", "prod", "--git", server.url(), "--count", "1");

    assertThat(run.code()).as(run.all()).isEqualTo(3);
    assertThat(run.out()).isEmpty();
    String source = "git " + server.url() + " (main)";
    assertThat(run.err())
        .startsWith(
            "gitconf: "
                + source
                + ": cannot load environment prod and there is no last-known-good cache (none"
                + " configured): "
                + source
                + ": cannot clone into "
                + dir.resolve("tmp").resolve("gitconf-client-"))
        .endsWith(": " + server.url() + ": " + NO_PROVIDER + "\n");
  }

  private String url() {
    return testDb.jdbcUrl();
  }

  /** The mirrored versions, as {@code "<environment> <version> <commit> <status>"}. */
  private List<String> versions() throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection connection = testDb.connect();
        Statement statement = connection.createStatement()) {
      try (ResultSet exists =
          statement.executeQuery("SELECT to_regclass('config_versions') IS NOT NULL")) {
        exists.next();
        if (!exists.getBoolean(1)) {
          return rows;
        }
      }
      try (ResultSet result =
          statement.executeQuery(
              "SELECT environment, version, commit_id, status FROM config_versions"
                  + " ORDER BY environment, version")) {
        while (result.next()) {
          rows.add(
              result.getString(1)
                  + " "
                  + result.getInt(2)
                  + " "
                  + result.getString(3)
                  + " "
                  + result.getString(4));
        }
      }
    }
    return rows;
  }

  private static List<Path> filesContaining(Path root, String text) throws IOException {
    if (!Files.exists(root)) {
      return List.of();
    }
    byte[] needle = text.getBytes(StandardCharsets.UTF_8);
    try (Stream<Path> files = Files.walk(root)) {
      List<Path> hits = new ArrayList<>();
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        if (new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)
            .contains(new String(needle, StandardCharsets.ISO_8859_1))) {
          hits.add(file);
        }
      }
      return hits;
    }
  }

  private static Map<String, String> credentials(String password) {
    return Map.of("GITCONF_GIT_USERNAME", USER, "GITCONF_GIT_PASSWORD", password);
  }

  /** Runs {@code gitconf args} to its end, with no GITCONF_ variable but those of {@code env}. */
  private Run gitconf(Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    int code = start(env, out, err, args).waitFor();
    return new Run(code, Files.readString(out), Files.readString(err));
  }

  /** Starts {@code gitconf args} in {@link #dir}, its outputs going to the two files. */
  private Process start(Map<String, String> env, Path out, Path err, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Djava.io.tmpdir=" + dir.resolve("tmp"));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("GITCONF_"));
    builder.environment().putAll(env);
    return builder.start();
  }

  /** Runs the real git binary in {@code where}; fails the test if git fails. */
  private static void git(Path where, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("git", "-C", where.toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as(String.join(" ", command) + ": " + output).isZero();
  }
}
