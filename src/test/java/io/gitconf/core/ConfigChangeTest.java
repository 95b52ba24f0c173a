package io.gitconf.core;

import static io.gitconf.testing.TestGitRepo.ALICE;
import static io.gitconf.testing.TestGitRepo.BOB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.gitconf.testing.TestGitRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.Status;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The change service on real Git repositories: what a commit holds, locks, pushes, rollbacks. */
class ConfigChangeTest {
  private static final ChangeRequest ADA = ChangeRequest.of("Ada Trader <ada@desk.example>", "r");

  @TempDir Path dir;

  private static Change setMax(int value) {
    return Change.set("prod", ConfigPath.parse("app.limits.max"), IntNode.valueOf(value));
  }

  @Test
  void aCommitHoldsOnlyTheFilesTheChangeWroteWhateverElseIsStagedOrEdited() throws Exception {
    try (TestGitRepo repo = TestGitRepo.withFirstCommit(dir.resolve("repo"))) {
      repo.file("environments/dev/app.yaml", "limits:\n  max: 7\n");
      repo.git().add().addFilepattern("environments/dev/app.yaml").call();
      repo.file("base/app.yaml", "limits:\n  max: 100\n  min: 2\nhosts: [a, b]\n");

      ConfigChange.Result result =
          ConfigChange.apply(ChangeTarget.of(repo.git(), repo.root()), ADA, setMax(400));

      RevCommit head = repo.git().log().call().iterator().next();
      assertThat(result.commit()).contains(head.name());
      assertThat(result.files()).containsExactly("environments/prod/app.yaml");
      assertThat(changedFiles(repo.git(), head)).containsExactly("environments/prod/app.yaml");
      assertThat(head.getFullMessage()).isEqualTo("r");
      assertThat(head.getAuthorIdent().getEmailAddress()).isEqualTo("ada@desk.example");
      Status status = repo.git().status().call();
      assertThat(status.getAdded()).containsExactly("environments/dev/app.yaml");
      assertThat(status.getModified()).containsExactly("base/app.yaml");
      assertThat(Files.readString(repo.root().resolve("environments/prod/app.yaml")))
          .isEqualTo("limits:\n  max: 400\n");
    }
  }

  // "try": the holder thread keeps the lock by keeping it open; it never calls it.
  @SuppressWarnings("try")
  @Test
  void aLockHeldByAnotherThreadIsAConflictAfterABoundedWait() throws Exception {
    try (TestGitRepo repo = TestGitRepo.withFirstCommit(dir.resolve("repo"))) {
      CountDownLatch held = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      Thread holder =
          new Thread(
              () -> {
                try (CloneLock lock =
                    CloneLock.acquire(repo.git().getRepository(), Duration.ofSeconds(5))) {
                  held.countDown();
                  release.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      holder.start();
      held.await();
      Path lockFile = repo.git().getRepository().getDirectory().toPath().resolve(CloneLock.FILE);
      try {
        assertThatThrownBy(
                () ->
                    ConfigChange.apply(
                        ChangeTarget.of(repo.git(), repo.root()).lockWait(Duration.ofMillis(300)),
                        ADA,
                        setMax(400)))
            .isInstanceOf(GitconfException.Conflict.class)
            .hasMessage(
                "another change to this clone is in progress (another thread of this process"
                    + " holds "
                    + lockFile.toRealPath().getParent().resolve(CloneLock.FILE)
                    + "); gave up after 300 ms and changed nothing. Try again; if no gitconf is"
                    + " running there, delete that file");
      } finally {
        release.countDown();
        holder.join();
      }
      assertThat(repo.git().log().call()).hasSize(1);
      assertThat(lockFile).doesNotExist();
      assertThat(
              ConfigChange.apply(ChangeTarget.of(repo.git(), repo.root()), ADA, setMax(400))
                  .commit())
          .isPresent();
    }
  }

  @Test
  void aLockFileOfAnotherProcessIsNamedWithWhetherThatProcessStillRuns() throws Exception {
    try (TestGitRepo repo = TestGitRepo.withFirstCommit(dir.resolve("repo"))) {
      Path lockFile =
          repo.git().getRepository().getDirectory().toPath().toRealPath().resolve(CloneLock.FILE);
      Files.writeString(lockFile, "pid 4242 on trading-host-7 since 2026-11-30T09:00:00Z\n");
      ChangeTarget target =
          ChangeTarget.of(repo.git(), repo.root()).lockWait(Duration.ofMillis(200));
      assertThatThrownBy(() -> ConfigChange.apply(target, ADA, setMax(400)))
          .isInstanceOf(GitconfException.Conflict.class)
          .hasMessageStartingWith(
              "another change to this clone is in progress (pid 4242 on trading-host-7 since"
                  + " 2026-11-30T09:00:00Z holds "
                  + lockFile
                  + ")");

      Process ended = new ProcessBuilder("true").start();
      ended.waitFor();
      Files.writeString(
          lockFile,
          "pid " + ended.pid() + " on " + CloneLock.host() + " since 2026-11-30T09:00Z\n");
      assertThatThrownBy(() -> ConfigChange.apply(target, ADA, setMax(400)))
          .isInstanceOf(GitconfException.Conflict.class)
          .hasMessageContaining(
              "since 2026-11-30T09:00Z, a process that is no longer running, holds " + lockFile)
          .hasMessageEndingWith("if no gitconf is running there, delete that file");
      assertThat(repo.git().log().call()).hasSize(1);
    }
  }

  @Test
  void aChangeThatMayBePushedFromACloneWithoutOriginStaysThereAndSaysSo() throws Exception {
    try (TestGitRepo repo = TestGitRepo.withFirstCommit(dir.resolve("repo"))) {
      ConfigChange.Result result =
          ConfigChange.apply(
              ChangeTarget.of(repo.git(), repo.root()).push(ChangeTarget.Push.IF_ORIGIN),
              ADA,
              setMax(400));
      assertThat(result.pushedTo()).isEmpty();
      assertThat(result.notPushed())
          .contains(
              repo.root()
                  + " has no remote named origin: commit "
                  + result.commit().orElseThrow().substring(0, 8)
                  + " stays in this clone and reaches no other until it is pushed");

      assertThatThrownBy(
              () ->
                  ConfigChange.apply(
                      ChangeTarget.of(repo.git(), repo.root()).push(ChangeTarget.Push.ALWAYS),
                      ADA,
                      setMax(300)))
          .isInstanceOf(GitconfException.BadRequest.class)
          .hasMessage(
              repo.root()
                  + " has no remote named origin, so the change cannot be pushed; nothing was"
                  + " changed (add the remote with git remote add origin URL, or make the change"
                  + " without pushing it)");
    }
  }

  @Test
  void aFailedPushSaysWhatBecameOfTheCommit() throws Exception {
    Path origin = dir.resolve("origin.git");
    try (TestGitRepo seed = TestGitRepo.withFirstCommit(dir.resolve("seed"))) {
      Git.cloneRepository()
          .setBare(true)
          .setURI(seed.root().toUri().toString())
          .setDirectory(origin.toFile())
          .call()
          .close();
    }
    Path clone = dir.resolve("clone");
    try (Git git =
        Git.cloneRepository()
            .setURI(origin.toUri().toString())
            .setDirectory(clone.toFile())
            .call()) {
      // Fetching works; pushing goes to a remote that is not there.
      StoredConfig config = git.getRepository().getConfig();
      Path gone = dir.resolve("gone.git");
      config.setString("remote", "origin", "pushurl", gone.toUri().toString());
      config.save();
      String before = git.getRepository().resolve("HEAD").name();

      ChangeTarget person = ChangeTarget.of(git, clone).push(ChangeTarget.Push.ALWAYS);
      Throwable kept = catchThrowable(() -> ConfigChange.apply(person, ADA, setMax(400)));
      String made = git.getRepository().resolve("HEAD").name();
      assertThat(made).isNotEqualTo(before);
      assertThat(kept)
          .isInstanceOf(GitconfException.Unavailable.class)
          .hasMessageStartingWith("cannot push to " + origin.toUri() + ": ")
          .hasMessageEndingWith(
              "; the commit "
                  + made.substring(0, 8)
                  + " is kept in "
                  + clone
                  + "; push it with git push origin when the remote can take it");

      ChangeTarget owned = person.owned("main");
      Throwable discarded = catchThrowable(() -> ConfigChange.apply(owned, ADA, setMax(300)));
      assertThat(discarded)
          .isInstanceOf(GitconfException.Unavailable.class)
          .hasMessageEndingWith(
              "; the commit is discarded (this clone follows origin/main): nothing changed on the"
                  + " remote; make the change again");
      assertThat(git.getRepository().resolve("HEAD").name()).isEqualTo(before);
      assertThat(git.status().call().isClean()).isTrue();
    }
  }

  @Test
  void aRollbackToAVersionWithPlaintextAtASecretPathIsRefusedLikeAnyOtherChange() throws Exception {
    try (TestGitRepo repo = TestGitRepo.withFirstCommit(dir.resolve("repo"))) {
      ConfigRepository head = ConfigChange.head(ChangeTarget.of(repo.git(), repo.root()));
      Map<String, com.fasterxml.jackson.databind.JsonNode> leaves =
          new java.util.TreeMap<>(head.snapshot("prod").leaves());
      // A version from before the schema marked the path secret.
      leaves.put("app.password", TextNode.valueOf("hunter2-plain"));
      ConfigSnapshot version = ConfigSnapshot.fromLeaves("prod", leaves);
      RollbackPlan plan = RollbackPlan.of(head, "prod", version, 1);
      assertThat(plan.diff().changes()).hasSize(1);

      assertThatThrownBy(
              () ->
                  ConfigChange.apply(ChangeTarget.of(repo.git(), repo.root()), ADA, plan.change()))
          .isInstanceOf(GitconfException.BadRequest.class)
          .hasMessage(
              "app.password is a secret: set it with gitconf secrets encrypt (the value is read"
                  + " from standard input)");
      assertThat(repo.git().log().call()).hasSize(1);
    }
  }

  @Test
  void aRollbackShownBeforeAnotherChangeLandedIsRefusedNotMerged() throws Exception {
    try (TestGitRepo repo = TestGitRepo.withFirstCommit(dir.resolve("repo"))) {
      ConfigSnapshot version1 =
          ConfigChange.head(ChangeTarget.of(repo.git(), repo.root())).snapshot("prod");
      repo.file("environments/prod/app.yaml", "limits:\n  max: 400\n").commit(BOB, "400");
      RollbackPlan shown =
          RollbackPlan.of(
              ConfigChange.head(ChangeTarget.of(repo.git(), repo.root())), "prod", version1, 1);
      assertThat(shown.edits())
          .isEqualTo(Map.of("environments/prod/app.yaml", "limits:\n  max: 500\n"));
      repo.file("environments/prod/app.yaml", "limits:\n  max: 300\n  min: 2\n")
          .commit(ALICE, "300");

      assertThatThrownBy(
              () ->
                  ConfigChange.apply(ChangeTarget.of(repo.git(), repo.root()), ADA, shown.change()))
          .isInstanceOf(GitconfException.Conflict.class)
          .hasMessage(
              "prod changed since the rollback to version 1 was shown; nothing was changed: run it"
                  + " again to review the new change");
      assertThat(repo.git().log().call().iterator().next().getFullMessage()).isEqualTo("300");
    }
  }

  @Test
  void aRollbackThatRemovesAFileDeletesItInTheCommitAndTheWorkTree() throws Exception {
    try (TestGitRepo repo = TestGitRepo.withFirstCommit(dir.resolve("repo"))) {
      ConfigSnapshot version1 =
          ConfigChange.head(ChangeTarget.of(repo.git(), repo.root())).snapshot("dev");
      repo.file("environments/dev/app.yaml", "extra:\n  note: trial\n").commit(BOB, "Dev note");
      RollbackPlan plan =
          RollbackPlan.of(
              ConfigChange.head(ChangeTarget.of(repo.git(), repo.root())), "dev", version1, 1);
      assertThat(plan.edits()).isEqualTo(Map.of("environments/dev/app.yaml", ""));

      ConfigChange.Result result =
          ConfigChange.apply(ChangeTarget.of(repo.git(), repo.root()), ADA, plan.change());

      RevCommit head = repo.git().log().call().iterator().next();
      assertThat(result.commit()).contains(head.name());
      assertThat(head.getFullMessage()).isEqualTo("r\n\nRoll back dev to version 1.");
      assertThat(changedFiles(repo.git(), head)).containsExactly("environments/dev/app.yaml");
      assertThat(repo.root().resolve("environments/dev/app.yaml")).doesNotExist();
      assertThat(repo.git().status().call().isClean()).isTrue();
    }
  }

  static List<String> changedFiles(Git git, RevCommit commit) throws Exception {
    try (var reader = git.getRepository().newObjectReader()) {
      CanonicalTreeParser parent = new CanonicalTreeParser();
      parent.reset(reader, commit.getParent(0).getTree());
      CanonicalTreeParser tree = new CanonicalTreeParser();
      tree.reset(reader, commit.getTree());
      return git.diff().setOldTree(parent).setNewTree(tree).call().stream()
          .map(d -> d.getNewPath().equals("/dev/null") ? d.getOldPath() : d.getNewPath())
          .sorted()
          .toList();
    }
  }

  private static Throwable catchThrowable(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable callable) {
    return org.assertj.core.api.Assertions.catchThrowable(callable);
  }
}
