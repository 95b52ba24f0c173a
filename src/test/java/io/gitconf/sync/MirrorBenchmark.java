package io.gitconf.sync;

import io.gitconf.core.ConfigRepository;
import io.gitconf.core.GitTrees;
import io.gitconf.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;

/**
 * The mirroring figures of {@code docs/benchmarks.md}: a 10,000-path first version, a one-path
 * change of that snapshot, and a back-fill of a 1,000-commit history. Uses the embedded PostgreSQL
 * unless {@code GITCONF_TEST_JDBC_URL} is set. Run it as that document says; not a JUnit test.
 */
public final class MirrorBenchmark {
  static final String BENCH_SCHEMA =
      "{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\", \"type\": \"object\"}";
  static final PersonIdent AUTHOR = new PersonIdent("Bench Mark", "bench@example.com");

  private MirrorBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path work = Files.createTempDirectory("gitconf-bench");
    try (TestDatabase db = TestDatabase.create();
        Database database = Database.connect(db.jdbcUrl(), Optional.empty())) {
      largeSnapshot(work.resolve("large"), database);
    }
    try (TestDatabase db = TestDatabase.create();
        Database database = Database.connect(db.jdbcUrl(), Optional.empty())) {
      backfill(work.resolve("history"), database);
    }
  }

  /** First version of 10,000 paths, then one-path changes of it. */
  static void largeSnapshot(Path dir, Database database) throws Exception {
    Clock clock = new Clock();
    try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
      write(
          dir,
          "gitconf.yaml",
          "version: 1\nenvironments:\n  prod: {}\ncategories:\n  bench: {schema: schemas/bench.schema.json}\n");
      write(dir, "schemas/bench.schema.json", BENCH_SCHEMA);
      write(dir, "base/bench.yaml", largeYaml(-1));
      RevCommit first = commit(git, clock, "10,000 paths");
      MirrorStore store = new MirrorStore(database.dataSource());

      long t0 = System.nanoTime();
      ConfigRepository firstTree = load(git, first);
      long t1 = System.nanoTime();
      CommitOutcome outcome = store.mirror("main", CommitInfo.of(first), firstTree);
      long t2 = System.nanoTime();
      check(
          outcome.activated() == 1 && outcome.environments().get(0).changedPaths() == 10_000,
          outcome);
      System.out.printf(
          "first version, 10,000 paths: %.0f ms (validate + one transaction);"
              + " with reading the tree from Git, parsing and resolving: %.0f ms%n",
          (t2 - t1) / 1e6, (t2 - t0) / 1e6);

      List<Double> mirrorMs = new ArrayList<>();
      List<Double> totalMs = new ArrayList<>();
      long rowsBefore = rows(database);
      for (int i = 0; i < 21; i++) {
        write(dir, "base/bench.yaml", largeYaml(i));
        RevCommit change = commit(git, clock, "change one path (" + i + ")");
        long t3 = System.nanoTime();
        ConfigRepository tree = load(git, change);
        long t4 = System.nanoTime();
        CommitOutcome changed = store.mirror("main", CommitInfo.of(change), tree);
        long t5 = System.nanoTime();
        mirrorMs.add((t5 - t4) / 1e6);
        totalMs.add((t5 - t3) / 1e6);
        check(changed.environments().get(0).changedPaths() == 1, changed);
      }
      // Per commit: one version row, one item row opened (one closed), one audit row.
      long written = rows(database) - rowsBefore;
      check(written == 21 * 3, written + " rows for 21 one-path commits");
      Collections.sort(mirrorMs);
      Collections.sort(totalMs);
      System.out.printf(
          "one-path change of 10,000: median %.1f ms, max %.1f ms over %d commits (validate + one"
              + " transaction); with reading, parsing and resolving: median %.1f ms;"
              + " %d rows inserted per commit%n",
          mirrorMs.get(mirrorMs.size() / 2),
          mirrorMs.get(mirrorMs.size() - 1),
          mirrorMs.size(),
          totalMs.get(totalMs.size() / 2),
          written / 21);
    }
  }

  /** Rows in the tables a version writes to. */
  private static long rows(Database database) throws Exception {
    try (var conn = database.dataSource().getConnection();
        var s = conn.createStatement();
        var rs =
            s.executeQuery(
                "SELECT (SELECT count(*) FROM config_versions) + (SELECT count(*) FROM"
                    + " config_items) + (SELECT count(*) FROM config_audit)")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** 100 groups of 100 integer keys; {@code changed} >= 0 bumps one key per call. */
  static String largeYaml(int changed) {
    StringBuilder yaml = new StringBuilder();
    for (int g = 0; g < 100; g++) {
      yaml.append("group").append(g).append(":\n");
      for (int k = 0; k < 100; k++) {
        int value = g * 100 + k;
        if (changed >= 0 && g == 42 && k == 7) {
          value = 1_000_000 + changed;
        }
        yaml.append("  key").append(k).append(": ").append(value).append('\n');
      }
    }
    return yaml.toString();
  }

  /** 1,000 commits over a 3-environment repository of ~300 paths, each changing one value. */
  static void backfill(Path dir, Database database) throws Exception {
    Clock clock = new Clock();
    try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
      write(
          dir,
          "gitconf.yaml",
          "version: 1\nenvironments:\n  dev: {}\n  test: {}\n  prod: {}\ncategories:\n  bench: {schema: schemas/bench.schema.json}\n");
      write(dir, "schemas/bench.schema.json", BENCH_SCHEMA);
      StringBuilder base = new StringBuilder();
      for (int g = 0; g < 10; g++) {
        base.append("group").append(g).append(":\n");
        for (int k = 0; k < 30; k++) {
          base.append("  key").append(k).append(": ").append(g * 30 + k).append('\n');
        }
      }
      write(dir, "base/bench.yaml", base.toString());
      String[] envs = {"dev", "test", "prod"};
      for (int i = 0; i < 1_000; i++) {
        String env = envs[i % 3];
        write(
            dir,
            "environments/" + env + "/bench.yaml",
            "group" + (i % 10) + ":\n  key" + (i % 30) + ": " + (10_000 + i) + "\n");
        commit(git, clock, "commit " + i);
      }
    }
    try (Syncer syncer =
        new Syncer(
            database,
            SyncSettings.of(dir.toString(), "main", Duration.ofSeconds(1), dir.resolve("cache")),
            SyncListener.NONE)) {
      long t0 = System.nanoTime();
      int processed = syncer.syncOnce();
      double seconds = (System.nanoTime() - t0) / 1e9;
      check(processed == 1_000, processed);
      System.out.printf(
          "back-fill of 1,000 commits (3 environments, 300 paths): %.1f s (%.0f commits/s)%n",
          seconds, processed / seconds);
    }
  }

  private static ConfigRepository load(Git git, RevCommit commit) {
    return ConfigRepository.load(GitTrees.commit(git.getRepository(), commit));
  }

  private static void write(Path dir, String path, String content) throws Exception {
    Path file = dir.resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content, StandardCharsets.UTF_8);
  }

  private static RevCommit commit(Git git, Clock clock, String message) throws Exception {
    PersonIdent at = new PersonIdent(AUTHOR, clock.tick(), ZoneOffset.UTC);
    git.add().addFilepattern(".").call();
    return git.commit().setAuthor(at).setCommitter(at).setMessage(message).setSign(false).call();
  }

  private static void check(boolean condition, Object detail) {
    if (!condition) {
      throw new IllegalStateException("benchmark did not do what it measures: " + detail);
    }
  }

  /** Commit times a second apart, so first-parent order and timestamps agree. */
  private static final class Clock {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    Instant tick() {
      now = now.plusSeconds(1);
      return now;
    }
  }
}
