package io.gitconf.sync;

import static io.gitconf.sync.SyncerTest.awaitTrue;
import static io.gitconf.testing.TestGitRepo.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import io.gitconf.client.ClientSnapshot;
import io.gitconf.core.ConfigPath;
import io.gitconf.core.GitconfException;
import io.gitconf.core.GoldenRepos;
import io.gitconf.core.SnapshotCheck;
import io.gitconf.mirror.MirrorReader;
import io.gitconf.mirror.MirrorStatus;
import io.gitconf.mirror.VersionRecord;
import io.gitconf.mirror.VersionStatus;
import io.gitconf.testing.TestDatabase;
import io.gitconf.testing.TestGitRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One commit never stops the syncer, and nothing a client cannot load becomes active: a commit that
 * cannot be processed, or whose snapshot fails the check, is recorded as rejected with its reasons,
 * and the next commit is mirrored. Each test runs the syncer's own loop, as in production.
 */
class SyncerRejectionTest {
  @TempDir Path dir;
  TestDatabase testDb;
  Database database;
  Syncer syncer;

  @BeforeEach
  void setUp() {
    testDb = TestDatabase.create();
    database = Database.connect(testDb.jdbcUrl(), Optional.empty());
  }

  @AfterEach
  void tearDown() {
    if (syncer != null) {
      syncer.close();
    }
    database.close();
    testDb.close();
  }

  /** Failures a check (or anything processing a commit) may throw, one of each kind. */
  static List<Throwable> failures() {
    return List.of(
        new IllegalStateException("binding exploded"),
        new NullPointerException(),
        new GitconfException.Integrity("the check's own data is damaged"),
        new StackOverflowError("too deep"));
  }

  @ParameterizedTest
  @MethodSource("failures")
  void aCommitWhoseCheckThrowsIsRejectedWithTheReasonAndTheNextOneIsMirrored(Throwable failure)
      throws Exception {
    try (TestGitRepo repo = TestGitRepo.withFirstCommit(dir.resolve("repo"))) {
      RevCommit poison =
          repo.file("environments/prod/app.yaml", "limits:\n  max: 13\n").commit(BOB, "Poison");
      RevCommit fix =
          repo.file("environments/prod/app.yaml", "limits:\n  max: 14\n").commit(BOB, "Fix");
      SnapshotCheck check =
          snapshot -> {
            if (snapshot.get(ConfigPath.parse("app.limits.max")).orElseThrow().asInt() == 13) {
              sneakyThrow(failure);
            }
            return List.of();
          };

      start(repo.root(), check);

      MirrorReader mirror = awaitMirrored(fix);
      String reason =
          failure instanceof GitconfException
              ? "cannot be processed: " + failure.getMessage()
              : "cannot be processed: "
                  + failure.getClass().getSimpleName()
                  + ": "
                  + (failure.getMessage() == null ? "(no message)" : failure.getMessage());
      assertRejected(mirror, poison, List.of(reason));
      assertThat(mirror.activeVersion("prod").orElseThrow().commitId()).isEqualTo(fix.name());
    }
  }

  @Test
  void aKeyPostgresCannotStoreIsRejectedAtItsLineAndTheNextCommitIsMirrored() throws Exception {
    try (TestGitRepo repo = TestGitRepo.withFirstCommit(dir.resolve("repo"))) {
      // A key with a NUL character, which PostgreSQL text cannot hold: the reader refuses it at its
      // line, so it never reaches the database (which would refuse it too, see MirrorContractTest).
      RevCommit poison =
          repo.file("base/app.yaml", "limits:\n  max: 100\nextra:\n  \"a\\0b\": 1\n")
              .commit(BOB, "A key PostgreSQL cannot store");
      RevCommit fix =
          repo.file("base/app.yaml", "limits:\n  max: 100\nextra:\n  ab: 1\n").commit(BOB, "Fix");

      start(repo.root(), SnapshotCheck.none());

      MirrorReader mirror = awaitMirrored(fix);
      assertRejected(
          mirror,
          poison,
          List.of(
              "app.limits: required key is missing (in environment dev) (required)",
              "base/app.yaml:4: app.extra: character U+0000 is not allowed in keys (a control"
                  + " character or an unpaired surrogate, written as an escape?) (character)"));
      assertThat(mirror.activeSnapshot("dev").orElseThrow().leaves()).containsKey("app.extra.ab");
    }
  }

  @Test
  void aCommitMessageWithANulCharacterIsMirroredWithTheCharacterReplaced() throws Exception {
    try (TestGitRepo repo = TestGitRepo.withFirstCommit(dir.resolve("repo"))) {
      RevCommit odd =
          repo.file("environments/prod/app.yaml", "limits:\n  max: 15\n")
              .commit(BOB, "Written by a tool\0with a NUL");

      start(repo.root(), SnapshotCheck.none());

      MirrorReader mirror = awaitMirrored(odd);
      assertThat(mirror.activeVersion("prod").orElseThrow().message())
          .isEqualTo("Written by a tool\uFFFDwith a NUL");
    }
  }

  @Test
  void aSnapshotNoClientCanBindIsNeverActivated() throws Exception {
    Path root = GoldenRepos.template(dir.resolve("trading"));
    PersonIdent ada = new PersonIdent("Ada Trader", "ada@example.com");
    Path breaker = root.resolve("environments/prod/circuit-breaker.yaml");
    try (Git git = Git.init().setDirectory(root.toFile()).setInitialBranch("main").call()) {
      commit(git, ada, "Trading configuration");
      Files.writeString(breaker, "errorRate:\n  minRequests: 99999999999999999999999\n");
      RevCommit poison = commit(git, ada, "Require more requests");
      Files.writeString(breaker, "errorRate:\n  minRequests: 100\n");
      RevCommit fix = commit(git, ada, "Require 100 requests");
      SnapshotCheck clientCheck = ClientSnapshot.bindingCheck();

      start(root, clientCheck);

      MirrorReader mirror = awaitMirrored(fix);
      VersionRecord rejected = versionOf(mirror, "prod", poison);
      assertThat(rejected.status()).isEqualTo(VersionStatus.REJECTED);
      assertThat(rejected.errors())
          .singleElement()
          .asString()
          .startsWith(
              "environments/prod/circuit-breaker.yaml:2: circuit-breaker.errorRate.minRequests: ")
          .contains("2147483647");
      // Only prod fails to bind; the other environments are rejected with it, and none moved.
      assertThat(versionOf(mirror, "dev", poison).status()).isEqualTo(VersionStatus.REJECTED);
      // The fix is valid: the template's prod releases it gradually, as its candidate.
      VersionRecord fixed = versionOf(mirror, "prod", fix);
      assertThat(fixed.status()).isEqualTo(VersionStatus.CANDIDATE);
      assertThat(
              mirror.snapshot(fixed).get(ConfigPath.parse("circuit-breaker.errorRate.minRequests")))
          .get()
          .asString()
          .isEqualTo("100");
      assertThat(mirror.activeVersion("prod").orElseThrow().version()).isEqualTo(1);
    }
  }

  private void start(Path repo, SnapshotCheck check) {
    syncer =
        new Syncer(
            database,
            SyncSettings.of(repo.toString(), "main", Duration.ofMillis(200), dir.resolve("cache"))
                .withCheck(check),
            SyncListener.NONE);
    syncer.start();
  }

  /** Waits for the syncer to have processed {@code commit}; the mirror's reader. */
  private MirrorReader awaitMirrored(RevCommit commit) throws InterruptedException {
    MirrorReader mirror = MirrorReader.of(database.dataSource());
    awaitTrue(() -> mirror.lastCommit("main").equals(Optional.of(commit.name())));
    return mirror;
  }

  /** The commit is recorded as rejected with exactly these reasons, in every environment. */
  private static void assertRejected(MirrorReader mirror, RevCommit commit, List<String> reasons) {
    MirrorStatus.RejectedCommit recorded =
        mirror.status(10).rejected().stream()
            .filter(r -> r.commitId().equals(commit.name()))
            .findFirst()
            .orElseThrow();
    assertThat(recorded.errors()).isEqualTo(reasons);
    for (String env : List.of("dev", "prod")) {
      VersionRecord version = versionOf(mirror, env, commit);
      assertThat(version.status()).isEqualTo(VersionStatus.REJECTED);
      assertThat(version.errors()).isEqualTo(reasons);
      assertThat(version.errors()).noneMatch(line -> line.contains("\tat "));
    }
  }

  private static VersionRecord versionOf(MirrorReader mirror, String env, RevCommit commit) {
    return mirror.history(env).stream()
        .filter(v -> v.commitId().equals(commit.name()))
        .findFirst()
        .orElseThrow(() -> new AssertionError(env + " has no version of " + commit.name()));
  }

  private static RevCommit commit(Git git, PersonIdent author, String message) throws Exception {
    git.add().addFilepattern(".").call();
    return git.commit()
        .setAuthor(author)
        .setCommitter(author)
        .setMessage(message)
        .setSign(false)
        .call();
  }

  @SuppressWarnings("unchecked")
  private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
    throw (T) t;
  }
}
