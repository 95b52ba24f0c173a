package io.gitconf.cli;

import static io.gitconf.testing.TestGitRepo.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import io.gitconf.client.ConfigChangeEvent;
import io.gitconf.core.GoldenRepos;
import io.gitconf.core.Json;
import io.gitconf.sync.Database;
import io.gitconf.sync.SyncListener;
import io.gitconf.sync.SyncSettings;
import io.gitconf.sync.Syncer;
import io.gitconf.testing.TestDatabase;
import io.gitconf.testing.TestGitRepo;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class WatchCommandTest {
  @TempDir Path dir;

  /** A watch running on another thread; its output can be read while it runs. */
  record Running(CompletableFuture<Integer> exit, StringWriter out, StringWriter err) {
    void awaitStarted() throws InterruptedException {
      for (int i = 0; i < 600 && !err.toString().contains("watching"); i++) {
        Thread.sleep(50);
      }
      assertThat(err.toString()).contains("watching");
    }

    List<String> lines() throws Exception {
      assertThat(exit.get(60, java.util.concurrent.TimeUnit.SECONDS)).as(err.toString()).isZero();
      return out.toString().lines().toList();
    }
  }

  static Running start(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return new Running(CompletableFuture.supplyAsync(() -> cli.execute(args)), out, err);
  }

  @Test
  void watchingAWorkingCopyPrintsEachSavedChange() throws Exception {
    Path repo = GoldenRepos.template(dir.resolve("config"));
    Running watch = start("watch", "--env", "prod", "--repo", repo.toString(), "--count", "2");
    watch.awaitStarted();
    assertThat(watch.err().toString())
        .startsWith("watching prod: ClientSnapshot[prod, directory " + repo);

    Path risk = repo.resolve("environments/prod/risk.yaml");
    Files.writeString(
        risk, Files.readString(risk).replace("maxOpenPositions: 5", "maxOpenPositions: 4"));

    List<String> lines = watch.lines();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0))
        .endsWith("  changed   risk.parameters.maxOpenPositions: 5 -> 4  (directory " + repo + ")");
    assertThat(lines.get(1)).contains("  activated prod directory " + repo + " (checksum ");
  }

  @Test
  void watchingTheMirrorPrintsJsonEventsAsTheSyncerActivatesVersions() throws Exception {
    try (TestDatabase testDb = TestDatabase.create();
        Database database = Database.connect(testDb.jdbcUrl(), Optional.empty());
        TestGitRepo repo = TestGitRepo.withFirstCommit(dir.resolve("repo"));
        Syncer syncer =
            new Syncer(
                database,
                SyncSettings.of(repo.root().toString(), "main", Duration.ofHours(1), dir),
                SyncListener.NONE)) {
      syncer.syncOnce();
      Running watch =
          start(
              "watch",
              "--env",
              "prod",
              "--db",
              testDb.jdbcUrl(),
              "--count",
              "2",
              "--output",
              "json");
      watch.awaitStarted();

      RevCommit commit =
          repo.file("environments/prod/app.yaml", "limits:\n  max: 400\n").commit(BOB, "Lower");
      syncer.syncOnce();

      List<String> lines = watch.lines();
      assertThat(lines).hasSize(2);
      assertThat(lines.get(0))
          .matches(
              "\\{\"after\":400,\"at\":\"[^\"]+\",\"before\":500,\"event\":\"ValueChanged\","
                  + "\"path\":\"app.limits.max\",\"version\":\"version 2, "
                  + commit.name()
                  + "\"}");
      assertThat(lines.get(1))
          .contains("\"event\":\"VersionActivated\"")
          .contains("\"environment\":\"prod\"");
    }
  }

  @Test
  void jsonEventsKeepTheTypesOfTheirValues() {
    assertThat(
            Json.canonical(
                WatchCommand.json(
                    ConfigChangeEvent.ValueChanged.of(
                        "app.x", 2L, List.of(1.5, true, Map.of("k", "v")), "version 3, abc"))))
        .isEqualTo(
            "{\"after\":[1.5,true,{\"k\":\"v\"}],\"before\":2,\"event\":\"ValueChanged\","
                + "\"path\":\"app.x\",\"version\":\"version 3, abc\"}");
    assertThat(
            Json.canonical(
                WatchCommand.json(
                    new ConfigChangeEvent.ValueChanged(
                        "app.y", Optional.empty(), Optional.of("****"), "v"))))
        .isEqualTo(
            "{\"after\":\"****\",\"event\":\"ValueChanged\",\"path\":\"app.y\",\"version\":\"v\"}");
    assertThat(Json.canonical(WatchCommand.json(new ConfigChangeEvent.EventsLost(7))))
        .isEqualTo("{\"count\":7,\"event\":\"EventsLost\"}");
    assertThat(
            Json.canonical(
                WatchCommand.json(
                    new ConfigChangeEvent.RestartRequired(List.of("trader.mode"), "v"))))
        .isEqualTo("{\"event\":\"RestartRequired\",\"paths\":[\"trader.mode\"],\"version\":\"v\"}");
    assertThat(
            Json.canonical(
                WatchCommand.json(new ConfigChangeEvent.ReloadFailed(List.of("mirror: down")))))
        .isEqualTo("{\"event\":\"ReloadFailed\",\"reasons\":[\"mirror: down\"]}");
    assertThat(
            Json.canonical(
                WatchCommand.json(new ConfigChangeEvent.VersionActivated("prod", "v", "abc"))))
        .isEqualTo(
            "{\"checksum\":\"abc\",\"environment\":\"prod\",\"event\":\"VersionActivated\","
                + "\"version\":\"v\"}");
  }

  /** A remote with a name of its own, so that its temporary clones can be told from others'. */
  private TestGitRepo remote() {
    String name = "w" + UUID.randomUUID().toString().substring(0, 8) + ".git";
    return TestGitRepo.withFirstCommit(dir.resolve(name));
  }

  /** The temporary clones of {@code remote} in {@code temporary}. */
  private static List<Path> clonesOf(TestGitRepo remote, Path temporary) throws IOException {
    return temporaryClones(temporary, remote.root().getFileName().toString());
  }

  @Test
  void watchingAGitRemoteRemovesItsTemporaryCloneWhenItEnds() throws Exception {
    Path temporary = Path.of(System.getProperty("java.io.tmpdir"));
    try (TestGitRepo repo = remote()) {
      Running watch =
          start(
              "watch",
              "--env",
              "prod",
              "--git",
              repo.root().toUri().toString(),
              "--ttl",
              "100ms",
              "--count",
              "2");
      watch.awaitStarted();
      assertThat(clonesOf(repo, temporary)).hasSize(1);

      repo.file("environments/prod/app.yaml", "limits:\n  max: 400\n").commit(BOB, "Lower");

      assertThat(watch.lines()).hasSize(2);
      assertThat(clonesOf(repo, temporary)).isEmpty();

      TestGitRepo nowhere = remote();
      nowhere.close();
      Cli.Result failed =
          Cli.run(
              "watch",
              "--env",
              "prod",
              "--git",
              nowhere
                  .root()
                  .resolveSibling("missing-" + nowhere.root().getFileName())
                  .toUri()
                  .toString());
      assertThat(failed.exitCode()).isEqualTo(3);
      assertThat(temporaryClones(temporary, "missing-" + nowhere.root().getFileName())).isEmpty();
    }
  }

  @Test
  void watchStoppedByASignalRemovesItsTemporaryClone() throws Exception {
    Path temporary = Files.createDirectories(dir.resolve("tmp"));
    try (TestGitRepo repo = remote()) {
      Path err = dir.resolve("watch.err");
      List<String> command =
          List.of(
              Path.of(System.getProperty("java.home"), "bin", "java").toString(),
              "-Djava.io.tmpdir=" + temporary,
              "-cp",
              System.getProperty("java.class.path"),
              Main.class.getName(),
              "watch",
              "--env",
              "prod",
              "--git",
              repo.root().toUri().toString());
      Process process =
          new ProcessBuilder(command)
              .redirectOutput(dir.resolve("watch.out").toFile())
              .redirectError(err.toFile())
              .start();
      try {
        for (int i = 0; i < 1200 && !Files.readString(err).contains("watching prod"); i++) {
          Thread.sleep(50);
        }
        assertThat(Files.readString(err)).contains("watching prod");
        assertThat(clonesOf(repo, temporary)).hasSize(1);

        process.destroy();

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(clonesOf(repo, temporary)).isEmpty();
      } finally {
        process.destroyForcibly();
      }
    }
  }

  /** The temporary clones in {@code temporary} of a remote whose folder is {@code remoteName}. */
  private static List<Path> temporaryClones(Path temporary, String remoteName) throws IOException {
    try (Stream<Path> entries = Files.list(temporary)) {
      return entries
          .filter(p -> p.getFileName().toString().startsWith("gitconf-client-" + remoteName + "-"))
          .toList();
    }
  }

  @Test
  void watchNeedsExactlyOneSource() {
    Cli.Result none = Cli.run("watch", "--env", "prod");
    assertThat(none.exitCode()).isEqualTo(2);
    assertThat(none.err())
        .isEqualTo(
            "gitconf: watch needs one source: --db/--embedded-postgres, --server URL, --repo DIR or"
                + " --git URL\n");

    Cli.Result both =
        Cli.run("watch", "--env", "prod", "--repo", dir.toString(), "--git", "file:///x");
    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(both.err()).contains("--repo=DIR, --git=URL are mutually exclusive");
  }

  @Test
  void anUnreachableSourceWithoutACacheIsExitThree() {
    Cli.Result result =
        Cli.run("watch", "--env", "prod", "--git", dir.resolve("nowhere.git").toUri().toString());
    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.err())
        .startsWith("gitconf: git " + dir.resolve("nowhere.git").toUri())
        .contains("cannot load environment prod and there is no last-known-good cache");
  }
}
