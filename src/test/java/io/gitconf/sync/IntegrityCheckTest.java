package io.gitconf.sync;

import static io.gitconf.testing.TestGitRepo.ALICE;
import static io.gitconf.testing.TestGitRepo.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import io.gitconf.core.ConfigRepository;
import io.gitconf.core.GitTrees;
import io.gitconf.testing.TestDatabase;
import io.gitconf.testing.TestGitRepo;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Optional;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IntegrityCheckTest {
  @TempDir Path dir;
  TestDatabase testDb;
  Database database;
  MirrorStore store;
  TestGitRepo repo;

  @BeforeEach
  void mirrorTwoCommits() {
    testDb = TestDatabase.create();
    database = Database.connect(testDb.jdbcUrl(), Optional.empty());
    store = new MirrorStore(database.dataSource());
    repo = TestGitRepo.create(dir.resolve("repo"));
    mirror(
        repo.file("base/app.yaml", "limits:\n  max: 100\n  min: 1\n")
            .file("environments/prod/app.yaml", "limits:\n  max: 500\n")
            .commit(ALICE, "Initial configuration"));
    mirror(
        repo.file("environments/prod/app.yaml", "limits:\n  max: 400\n").commit(BOB, "Lower prod"));
  }

  @AfterEach
  void tearDown() {
    repo.close();
    database.close();
    testDb.close();
  }

  private void mirror(RevCommit commit) {
    store.mirror(
        "main",
        CommitInfo.of(commit),
        ConfigRepository.load(GitTrees.commit(repo.git().getRepository(), commit)));
  }

  private void sql(String statement) throws Exception {
    try (Connection conn = testDb.connect();
        Statement s = conn.createStatement()) {
      s.execute(statement);
    }
  }

  private IntegrityCheck.Report check() {
    return IntegrityCheck.run(store.reader(), Optional.of(repo.git().getRepository()));
  }

  @Test
  void anUntouchedMirrorVerifies() {
    IntegrityCheck.Report report = check();
    assertThat(report.discrepancies()).isEmpty();
    assertThat(report.versions()).isEqualTo(3);
    assertThat(report.gitComparisons()).isEqualTo(2);
    assertThat(report.auditRows()).isPositive();
  }

  @Test
  void anItemChangedByHandIsCaughtByItsVersionChecksumAndByGit() throws Exception {
    sql(
        "UPDATE config_items SET value = '9999' WHERE environment = 'prod' AND path = 'app.limits.max' AND valid_to IS NULL");
    assertThat(check().discrepancies())
        .extracting(IntegrityCheck.Discrepancy::toString)
        .anySatisfy(d -> assertThat(d).startsWith("prod: version 2: ").contains("checksum"))
        .hasSize(1);
    // Forge the checksum too: the items now agree with it, but no longer with Git.
    String forged =
        io.gitconf.core.ConfigSnapshot.checksumOf(
            new java.util.TreeMap<>(
                java.util.Map.of(
                    "app.limits.max",
                    io.gitconf.core.Json.parse("v", "9999"),
                    "app.limits.min",
                    io.gitconf.core.Json.parse("v", "1"))));
    sql(
        "UPDATE config_versions SET checksum = '"
            + forged
            + "' WHERE environment = 'prod' AND version = 2");
    assertThat(check().discrepancies())
        .extracting(IntegrityCheck.Discrepancy::toString)
        .singleElement()
        .asString()
        .startsWith("prod: active version 2 (commit ")
        .contains("differs from what its commit resolves to in Git");
  }

  @Test
  void anAuditRowChangedByHandIsCaught() throws Exception {
    sql(
        "UPDATE config_audit SET changed_by = 'Mallory <m@example.com>' WHERE environment = 'prod' AND version = 2");
    assertThat(check().discrepancies())
        .extracting(IntegrityCheck.Discrepancy::toString)
        .singleElement()
        .asString()
        .matches(
            "prod: audit row \\d+ \\(app.limits.max, version 2\\): its content does not match its hash: the row was altered");
  }

  @Test
  void aDeletedAuditRowBreaksTheChain() throws Exception {
    sql(
        "DELETE FROM config_audit WHERE environment = 'dev' AND seq = (SELECT min(seq) FROM config_audit WHERE environment = 'dev')");
    assertThat(check().discrepancies())
        .extracting(IntegrityCheck.Discrepancy::toString)
        .anySatisfy(
            d ->
                assertThat(d)
                    .startsWith("dev: audit row ")
                    .endsWith("does not link to the row before it: the chain is broken"));
  }
}
