package io.gitconf.sync;

import static io.gitconf.testing.TestGitRepo.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import io.gitconf.cli.Main;
import io.gitconf.mirror.VersionRecord;
import io.gitconf.testing.TestDatabase;
import io.gitconf.testing.TestGitRepo;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The sync-related commands, driven through picocli as a user would. */
class CommandLineTest {
  @TempDir Path dir;

  record Result(int exitCode, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void upOnceMirrorsTheDemoRepositoryAndReusesItsDataOnTheNextRun() {
    Path home = dir.resolve(".gitconf");
    // The demo repository exists already (as after a first run), so no template is needed.
    try (TestGitRepo repo = TestGitRepo.withFirstCommit(home.resolve("demo-repo"))) {
      Result first = run("up", "--dir", home.toString(), "--once");

      assertThat(first.exitCode()).as(first.err()).isZero();
      assertThat(first.out())
          .contains("Using the config repository " + home.resolve("demo-repo"))
          .contains("Alice Trader \"Initial configuration\": dev version 1 active (checksum ")
          .contains("Mirrored 1 commit.")
          .containsPattern(
              "  prod: version 1 active, 3 values, commit [0-9a-f]{10} by Alice Trader");

      repo.file("environments/dev/app.yaml", "limits:\n  max: 7\n").commit(BOB, "Lower dev");
      Result second = run("up", "--dir", home.toString(), "--once");

      assertThat(second.exitCode()).as(second.err()).isZero();
      assertThat(second.out())
          .contains("Bob Risk \"Lower dev\": dev version 2 active")
          .contains("1 changed path)")
          .contains("Mirrored 1 commit.")
          .contains("  dev: version 2 active");
    }
  }

  @Test
  void historyAndStatusReadTheMirror() throws Exception {
    try (TestDatabase testDb = TestDatabase.create();
        TestGitRepo repo = TestGitRepo.withFirstCommit(dir.resolve("repo"))) {
      RevCommit bad =
          repo.file("environments/prod/app.yaml", "limits:\n  max: 5000\n").commit(BOB, "Too much");
      repo.file("environments/prod/app.yaml", "limits:\n  max: 900\n").commit(BOB, "Fix\n\nbody");
      try (Database db = Database.connect(testDb.jdbcUrl(), Optional.empty());
          Syncer syncer =
              new Syncer(
                  db,
                  SyncSettings.of(repo.root().toString(), "main", Duration.ofSeconds(1), dir),
                  SyncListener.NONE)) {
        syncer.syncOnce();
      }

      Result history = run("history", "--db", testDb.jdbcUrl(), "--env", "prod");
      assertThat(history.exitCode()).as(history.err()).isZero();
      assertThat(history.out().lines())
          .hasSize(5)
          .element(0)
          .asString()
          .startsWith("VERSION STATUS     COMMIT");
      assertThat(history.out())
          .containsPattern(
              "3 +active +[0-9a-f]{10} 2026-01-05T09:03:00Z +Bob Risk <bob@example.com> +Fix\n")
          .containsPattern("2 +rejected +" + bad.name().substring(0, 10))
          .contains(
              "        environments/prod/app.yaml:2: app.limits.max: must be <= 1000 (maximum)");

      Result path =
          run("history", "--db", testDb.jdbcUrl(), "--env", "prod", "--path", "app.limits.max");
      assertThat(path.out())
          .containsPattern("1 +create +500 +[0-9a-f]{10} 2026-01-05T09:01:00Z +Alice Trader")
          .containsPattern("3 +update +900 ");

      Result status = run("status", "--db", testDb.jdbcUrl());
      assertThat(status.exitCode()).as(status.err()).isZero();
      assertThat(status.out())
          .containsPattern("dev +version 1 ")
          .containsPattern("prod +version 3 ")
          .contains("branch main: last synced commit ")
          .contains("Rejected commits (newest first):")
          .contains(
              bad.name().substring(0, 10) + " Bob Risk <bob@example.com> \"Too much\": 1 error");

      Result json = run("status", "--db", testDb.jdbcUrl(), "--output", "json");
      assertThat(json.out()).contains("\"prod\" : {").contains("\"version\" : 3");

      // get reads any version from the mirror, the active one by default; a rejected one has no
      // values.
      assertThat(
              run(
                      "get",
                      "app.limits.max",
                      "--env",
                      "prod",
                      "--db",
                      testDb.jdbcUrl(),
                      "--version",
                      "1")
                  .out())
          .isEqualTo("500\n");
      assertThat(run("get", "app.limits.max", "--env", "prod", "--db", testDb.jdbcUrl()).out())
          .isEqualTo("900\n");
      Result rejected =
          run("get", "app.limits.max", "--env", "prod", "--db", testDb.jdbcUrl(), "--version", "2");
      assertThat(rejected.exitCode()).isEqualTo(2);
      assertThat(rejected.err()).contains("version 2 of environment 'prod' was rejected");
    }
  }

  @Test
  void historyAndStatusColumnsFitLongAuthorsAndMicrosecondTimesAndNewestComesFirst()
      throws Exception {
    try (TestDatabase testDb = TestDatabase.create();
        TestGitRepo repo = TestGitRepo.withFirstCommit(dir.resolve("repo"))) {
      org.eclipse.jgit.lib.PersonIdent longName =
          new org.eclipse.jgit.lib.PersonIdent(
              "Maximilian Alexander von Risk-Management", "maximilian.alexander@example.com");
      repo.file("environments/prod/app.yaml", "limits:\n  max: 400\n").commit(longName, "Lower");
      String db = testDb.jdbcUrl();
      assertThat(run("rebuild", "--repo", repo.root().toString(), "--db", db).exitCode()).isZero();
      // A break-glass activation is audited at the microsecond.
      Result glass =
          run(
              "rollback",
              "--break-glass",
              "--env",
              "prod",
              "--to",
              "1",
              "--db",
              db,
              "--user",
              "Ada <ada@example.com>",
              "--reason",
              "Back",
              "--yes");
      assertThat(glass.exitCode()).as(glass.err()).isZero();

      List<String> versions = run("history", "--db", db, "--env", "prod").out().lines().toList();
      assertColumns(
          versions,
          "AUTHOR",
          List.of(
              "Maximilian Alexander von Risk-Management <maximilian.alexander@example.com>",
              "Alice Trader <alice@example.com>"));
      assertColumns(versions, "MESSAGE", List.of("Lower", "Initial configuration"));

      List<String> values =
          run("history", "--db", db, "--env", "prod", "--path", "app.limits.max")
              .out()
              .lines()
              .toList();
      // Newest first, as the versions are; the break-glass row carries microseconds.
      assertColumns(values, "VERSION", List.of("1", "2", "1"));
      assertColumns(values, "ACTION", List.of("update", "update", "create"));
      assertColumns(values, "AUTHOR", List.of("Ada <ada@example.com>", "Maximilian", "Alice"));
      assertColumns(values, "MESSAGE", List.of("break-glass: Back", "Lower", "Initial"));
      assertThat(values.get(1)).containsPattern("T\\d\\d:\\d\\d:\\d\\d\\.\\d+Z");

      List<String> status = run("status", "--db", db).out().lines().toList().subList(0, 2);
      assertThat(status)
          .extracting(line -> line.indexOf(" checksum "))
          .containsOnly(status.get(0).indexOf(" checksum "));
      assertThat(status)
          .extracting(line -> line.indexOf(" commit "))
          .containsOnly(status.get(0).indexOf(" commit "));
    }
  }

  /** Every row below the header has the expected text at the start of the header's column. */
  private static void assertColumns(List<String> table, String column, List<String> starts) {
    int at = table.get(0).indexOf(column);
    assertThat(at).as(column + " in " + table.get(0)).isNotNegative();
    List<String> rows = table.subList(1, table.size());
    assertThat(rows).hasSameSizeAs(starts);
    for (int i = 0; i < rows.size(); i++) {
      assertThat(rows.get(i).substring(at)).as(rows.get(i)).startsWith(starts.get(i));
      if (at > 0) {
        assertThat(rows.get(i).charAt(at - 1)).as(rows.get(i)).isEqualTo(' ');
      }
    }
  }

  @Test
  void rebuildMirrorsTheWholeHistoryIntoAnEmptyDatabaseAndVerifyAgreesWithGit() throws Exception {
    try (TestDatabase testDb = TestDatabase.create();
        TestGitRepo repo = TestGitRepo.withFirstCommit(dir.resolve("repo"))) {
      repo.file("environments/prod/app.yaml", "limits:\n  max: 5000\n").commit(BOB, "Too much");
      repo.file("environments/prod/app.yaml", "limits:\n  max: 900\n").commit(BOB, "Fix");
      Result rebuilt = run("rebuild", "--repo", repo.root().toString(), "--db", testDb.jdbcUrl());
      assertThat(rebuilt.exitCode()).as(rebuilt.err()).isZero();
      assertThat(rebuilt.out())
          .contains("REJECTED (1 error)")
          .endsWith(" from 3 commits of " + repo.root() + " (main)\n");
      assertThat(run("get", "app.limits.max", "--env", "prod", "--db", testDb.jdbcUrl()).out())
          .isEqualTo("900\n");

      Result verified = run("verify", "--db", testDb.jdbcUrl(), "--repo", repo.root().toString());
      assertThat(verified.exitCode()).as(verified.out()).isZero();
      assertThat(verified.out())
          .matches(
              "ok: \\d+ versions, \\d+ audit rows, 2 active versions compared with Git verified\n");

      Result again = run("rebuild", "--repo", repo.root().toString(), "--db", testDb.jdbcUrl());
      assertThat(again.exitCode()).isEqualTo(2);
      assertThat(again.err()).contains("rebuild needs an empty database");

      try (java.sql.Connection conn = testDb.connect();
          java.sql.Statement s = conn.createStatement()) {
        s.execute("UPDATE config_audit SET reason = 'forged' WHERE environment = 'prod'");
      }
      Result tampered = run("verify", "--db", testDb.jdbcUrl());
      assertThat(tampered.exitCode()).isEqualTo(1);
      assertThat(tampered.out())
          .contains("prod: audit row ")
          .contains("the row was altered")
          .contains(" discrepancies; ");
    }
  }

  @Test
  void verifyListsATamperedItemATamperedAuditRowAndABrokenChainAndExitsOne() throws Exception {
    try (TestDatabase testDb = TestDatabase.create();
        TestGitRepo repo = TestGitRepo.withFirstCommit(dir.resolve("repo"))) {
      repo.file("environments/prod/app.yaml", "limits:\n  max: 400\n").commit(BOB, "Lower prod");
      String db = testDb.jdbcUrl();
      assertThat(run("rebuild", "--repo", repo.root().toString(), "--db", db).exitCode()).isZero();
      try (java.sql.Connection conn = testDb.connect();
          java.sql.Statement s = conn.createStatement()) {
        s.execute(
            "UPDATE config_items SET value = '999' WHERE environment = 'prod'"
                + " AND path = 'app.limits.max' AND valid_to IS NULL");
        s.execute(
            "UPDATE config_audit SET changed_by = 'Mallory' WHERE environment = 'prod'"
                + " AND version = 2");
        s.execute(
            "DELETE FROM config_audit WHERE environment = 'dev'"
                + " AND seq = (SELECT min(seq) FROM config_audit WHERE environment = 'dev')");
      }

      Result verified = run("verify", "--db", db, "--repo", repo.root().toString());

      assertThat(verified.exitCode()).isEqualTo(1);
      assertThat(verified.out())
          .matches(
              "dev: audit row \\d+ \\(app.limits.max, version 1\\): does not link to the row before"
                  + " it: the chain is broken\n"
                  + "prod: version 2: mirror integrity: the items of version 2 of 'prod' give checksum"
                  + " [0-9a-f]{64}, the version row says [0-9a-f]{64}\n"
                  + "prod: audit row \\d+ \\(app.limits.max, version 2\\): its content does not match"
                  + " its hash: the row was altered\n"
                  + "3 discrepancies; 3 versions, 6 audit rows, 2 active versions compared with Git"
                  + " verified\n");
      Result json = run("verify", "--db", db, "--output", "json");
      assertThat(json.exitCode()).isEqualTo(1);
      assertThat(io.gitconf.core.Json.parse("verify", json.out()).get("ok").asBoolean()).isFalse();
    }
  }

  @Test
  void rollbackCommitsOverlayChangesThatBringTheEnvironmentBackToTheVersion() throws Exception {
    try (TestDatabase testDb = TestDatabase.create();
        TestGitRepo repo = TestGitRepo.withFirstCommit(dir.resolve("repo"))) {
      repo.file(
              "environments/prod/app.yaml",
              "# prod\nlimits:\n  max: 400\n  min: !delete\nhosts: [c]\nextra:\n  retries: 3\n")
          .commit(BOB, "Prod without a minimum");
      repo.file("environments/prod/app.yaml", "# prod\nlimits:\n  max: 300\nextra:\n  retries: 3\n")
          .commit(BOB, "Lower prod again");
      String db = testDb.jdbcUrl();
      assertThat(run("rebuild", "--repo", repo.root().toString(), "--db", db).exitCode()).isZero();
      String[] rollback = {
        "rollback",
        "--env",
        "prod",
        "--to",
        "2",
        "--db",
        db,
        "--repo",
        repo.root().toString(),
        "--user",
        "Ada Trader <ada@example.com>",
        "--reason",
        "Back to the reviewed limits"
      };

      Result unconfirmed = run(rollback);
      assertThat(unconfirmed.exitCode()).isEqualTo(2);
      // app.extra.retries is 3 on both sides (a number read from YAML and from the mirror's JSON):
      // no change.
      assertThat(unconfirmed.out())
          .matches(
              "Rolling prod back to version 2 \\(commit [0-9a-f]{10}, Bob Risk: Prod without a"
                  + " minimum\\):\n"
                  + "prod: 2 changed, 1 removed\n"
                  + "  ~ app.hosts: \\[\"a\",\"b\"\\] -> \\[\"c\"\\]\n"
                  + "  ~ app.limits.max: 300 -> 400\n"
                  + "  - app.limits.min: 1\n");
      assertThat(unconfirmed.err()).contains("run again with --yes");
      assertThat(repo.git().log().call()).hasSize(3);

      String[] confirmed = java.util.Arrays.copyOf(rollback, rollback.length + 1);
      confirmed[rollback.length] = "--yes";
      Result done = run(confirmed);
      assertThat(done.exitCode()).as(done.err()).isZero();
      assertThat(done.out()).containsPattern("Committed [0-9a-f]{8}: prod as of version 2");
      assertThat(java.nio.file.Files.readString(repo.root().resolve("environments/prod/app.yaml")))
          .startsWith("# prod\n")
          .contains("min: !delete");
      RevCommit head = repo.git().log().call().iterator().next();
      assertThat(head.getAuthorIdent().getName()).isEqualTo("Ada Trader");
      assertThat(head.getFullMessage()).startsWith("Back to the reviewed limits");

      try (Database database = Database.connect(db, Optional.empty());
          Syncer syncer =
              new Syncer(
                  database,
                  SyncSettings.of(repo.root().toString(), "main", Duration.ofSeconds(1), dir),
                  SyncListener.NONE)) {
        syncer.syncOnce();
        MirrorStore store = new MirrorStore(database.dataSource());
        VersionRecord active = store.activeVersion("prod").orElseThrow();
        assertThat(active.version()).isEqualTo(4);
        assertThat(active.checksum())
            .isEqualTo(
                store.history("prod").stream()
                    .filter(v -> v.version() == 2)
                    .findFirst()
                    .orElseThrow()
                    .checksum());
        assertThat(store.activeVersion("dev").orElseThrow().version()).isEqualTo(1);
      }
    }
  }

  @Test
  void backupRestoresIntoAnEmptyDatabaseOnlyWhenItsChecksumHolds() throws Exception {
    try (TestDatabase source = TestDatabase.create();
        TestDatabase target = TestDatabase.create();
        TestGitRepo repo = TestGitRepo.withFirstCommit(dir.resolve("repo"))) {
      repo.file("environments/prod/app.yaml", "limits:\n  max: 5000\n").commit(BOB, "Too much");
      repo.file("environments/prod/app.yaml", "limits:\n  max: 900\n").commit(BOB, "Fix");
      assertThat(
              run("rebuild", "--repo", repo.root().toString(), "--db", source.jdbcUrl()).exitCode())
          .isZero();
      java.nio.file.Path file = dir.resolve("mirror.backup");

      Result backup = run("backup", "--db", source.jdbcUrl(), "--out", file.toString());
      assertThat(backup.exitCode()).as(backup.err()).isZero();
      assertThat(backup.out())
          .contains("  config_audit: ")
          .containsPattern("Backed up \\d+ rows of ");

      java.nio.file.Path tampered = dir.resolve("tampered.backup");
      java.nio.file.Files.writeString(
          tampered,
          java.nio.file.Files.readString(file)
              .replace("\"max\":900", "\"max\":901")
              .replace("900", "901"));
      Result refused = run("restore", "--db", target.jdbcUrl(), tampered.toString());
      assertThat(refused.exitCode()).isEqualTo(1);
      assertThat(refused.err())
          .contains("does not match its checksum (altered or truncated); nothing was restored");
      assertThat(run("status", "--db", target.jdbcUrl()).out()).doesNotContain("version 1");

      Result restored = run("restore", "--db", target.jdbcUrl(), file.toString());
      assertThat(restored.exitCode()).as(restored.out() + restored.err()).isZero();
      assertThat(restored.out())
          .containsPattern(
              "Restored \\d+ rows into .*; verified \\d+ versions and \\d+ audit rows\n");
      for (String env : new String[] {"dev", "prod"}) {
        assertThat(run("history", "--db", target.jdbcUrl(), "--env", env).out())
            .isEqualTo(run("history", "--db", source.jdbcUrl(), "--env", env).out());
      }
      assertThat(
              run("verify", "--db", target.jdbcUrl(), "--repo", repo.root().toString()).exitCode())
          .isZero();
      Result again = run("restore", "--db", target.jdbcUrl(), file.toString());
      assertThat(again.exitCode()).isEqualTo(2);
      assertThat(again.err()).contains("restore needs an empty mirror");
      // The restored mirror goes on: the next commit is mirrored after the restored history.
      repo.file("environments/prod/app.yaml", "limits:\n  max: 800\n")
          .commit(BOB, "After the restore");
      try (Database database = Database.connect(target.jdbcUrl(), Optional.empty());
          Syncer syncer =
              new Syncer(
                  database,
                  SyncSettings.of(repo.root().toString(), "main", Duration.ofSeconds(1), dir),
                  SyncListener.NONE)) {
        assertThat(syncer.syncOnce()).isEqualTo(1);
      }
      assertThat(run("get", "app.limits.max", "--env", "prod", "--db", target.jdbcUrl()).out())
          .isEqualTo("800\n");
    }
  }

  @Test
  void breakGlassActivatesAnOldVersionAndPinsItUntilUnpinned() throws Exception {
    try (TestDatabase testDb = TestDatabase.create();
        TestGitRepo repo = TestGitRepo.withFirstCommit(dir.resolve("repo"))) {
      repo.file("environments/prod/app.yaml", "limits:\n  max: 400\n").commit(BOB, "Lower prod");
      String db = testDb.jdbcUrl();
      assertThat(run("rebuild", "--repo", repo.root().toString(), "--db", db).exitCode()).isZero();

      String[] breakGlass = {
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
        "Git is down and 400 is wrong"
      };
      String preview =
          "Break-glass: activate version 1 of prod in the mirror, without Git:\n"
              + "prod: 1 changed\n"
              + "  ~ app.limits.max: 400 -> 500\n";
      Result unconfirmed = run(breakGlass);
      assertThat(unconfirmed.exitCode()).isEqualTo(2);
      assertThat(unconfirmed.out()).isEqualTo(preview);
      assertThat(unconfirmed.err())
          .isEqualTo(
              "gitconf: review the change above, then run again with --yes to activate it\n");
      assertThat(run("get", "app.limits.max", "--env", "prod", "--db", db).out())
          .isEqualTo("400\n");

      String[] confirmed = java.util.Arrays.copyOf(breakGlass, breakGlass.length + 1);
      confirmed[breakGlass.length] = "--yes";
      Result glass = run(confirmed);
      assertThat(glass.exitCode()).as(glass.err()).isZero();
      assertThat(glass.out())
          .isEqualTo(
              preview
                  + "BREAK-GLASS: prod version 1 is active (was 2), 1 changed; audited as Ada Trader"
                  + " <ada@example.com>\n"
                  + "prod is pinned: later commits are mirrored but not activated until gitconf"
                  + " unpin --env prod\n"
                  + "Git still holds the newer configuration: make the rollback a commit too, then"
                  + " unpin.\n");
      assertThat(run("get", "app.limits.max", "--env", "prod", "--db", db).out())
          .isEqualTo("500\n");
      assertThat(run("status", "--db", db).out())
          .contains("PINNED prod: pinned to version 1 by Ada Trader <ada@example.com> at ")
          .contains(": Git is down and 400 is wrong (gitconf unpin --env prod)");
      assertThat(run("history", "--db", db, "--env", "prod", "--path", "app.limits.max").out())
          .containsPattern("update +500 .*Ada Trader");

      // While pinned, a new commit is mirrored but held: prod stays at version 1.
      repo.file("environments/prod/app.yaml", "limits:\n  max: 300\n")
          .commit(BOB, "Lower prod again");
      try (Database database = Database.connect(db, Optional.empty());
          Syncer syncer =
              new Syncer(
                  database,
                  SyncSettings.of(repo.root().toString(), "main", Duration.ofSeconds(1), dir),
                  SyncListener.NONE)) {
        assertThat(syncer.syncOnce()).isEqualTo(1);
      }
      assertThat(run("get", "app.limits.max", "--env", "prod", "--db", db).out())
          .isEqualTo("500\n");
      assertThat(run("history", "--db", db, "--env", "prod").out()).containsPattern("3 +held ");

      Result unpinned =
          run(
              "unpin",
              "--env",
              "prod",
              "--db",
              db,
              "--user",
              "Ada Trader",
              "--reason",
              "Git is back");
      assertThat(unpinned.exitCode()).as(unpinned.err()).isZero();
      assertThat(unpinned.out()).isEqualTo("prod is no longer pinned; version 3 is active\n");
      assertThat(run("get", "app.limits.max", "--env", "prod", "--db", db).out())
          .isEqualTo("300\n");
      assertThat(run("status", "--db", db).out()).doesNotContain("PINNED");
      Result verified = run("verify", "--db", db, "--repo", repo.root().toString());
      assertThat(verified.exitCode()).as(verified.out()).isZero();
      assertThat(
              run("unpin", "--env", "prod", "--db", db, "--user", "Ada", "--reason", "again").err())
          .contains("prod is not pinned");
    }
  }

  @Test
  void diffAndExportReadVersionsFromTheMirror() throws Exception {
    try (TestDatabase testDb = TestDatabase.create();
        TestGitRepo repo = TestGitRepo.withFirstCommit(dir.resolve("repo"))) {
      repo.file("environments/prod/app.yaml", "limits:\n  max: 400\nhosts: [c]\n")
          .commit(BOB, "Lower prod");
      String db = testDb.jdbcUrl();
      assertThat(run("rebuild", "--repo", repo.root().toString(), "--db", db).exitCode()).isZero();

      Result diff = run("diff", "--db", db, "--env", "prod", "--from", "1", "--to", "2");
      assertThat(diff.exitCode()).as(diff.err()).isZero();
      assertThat(diff.out())
          .isEqualTo(
              "--- prod version 1\n+++ prod version 2\nprod: 2 changed\n"
                  + "  ~ app.hosts: [\"a\",\"b\"] -> [\"c\"]\n  ~ app.limits.max: 500 -> 400\n");
      assertThat(run("diff", "--db", db, "--env", "prod", "--from", "2", "--exit-code").exitCode())
          .isZero();
      assertThat(run("diff", "--db", db, "--env", "prod", "--from", "one").err())
          .contains("is not a version number");

      Result export =
          run("export", "--env", "prod", "--db", db, "--version", "1", "--format", "json");
      assertThat(export.exitCode()).as(export.err()).isZero();
      assertThat(io.gitconf.core.Json.parse("export", export.out()).at("/app/limits/max").asInt())
          .isEqualTo(500);
      assertThat(run("export", "--env", "prod", "--db", db).out()).contains("max: 400");
    }
  }

  @Test
  void unknownEnvironmentAndMissingDatabaseAreUsageErrors() throws Exception {
    try (TestDatabase testDb = TestDatabase.create()) {
      Result unknown = run("history", "--db", testDb.jdbcUrl(), "--env", "nope");
      assertThat(unknown.exitCode()).isEqualTo(2);
      assertThat(unknown.err()).contains("no environment 'nope' in the mirror");
    }
    Result unreachable =
        run("status", "--db", "jdbc:postgresql://127.0.0.1:1/none?connectTimeout=2");
    assertThat(unreachable.exitCode()).isEqualTo(3);
    assertThat(unreachable.err()).startsWith("gitconf: cannot connect to the mirror database");
  }
}
