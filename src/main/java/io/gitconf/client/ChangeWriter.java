package io.gitconf.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.gitconf.core.ChangeRateLimit;
import io.gitconf.core.ConfigChange;
import io.gitconf.core.ConfigPath;
import io.gitconf.core.GitRemotes;
import io.gitconf.core.GitconfException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.MergeCommand;
import org.eclipse.jgit.api.ResetCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.CredentialsProvider;

/**
 * Makes {@link ConfigManager#set} changes as commits in a Git working copy of the config repository
 * (through {@link ConfigChange}, as {@code gitconf set} does) and pushes them to {@code origin}
 * when there is one. Before each change the working copy catches up with {@code origin}: a clone
 * that gitconf owns is reset to the remote branch, a clone that a person owns is fast-forwarded
 * (and a change refused when it has diverged), so the commit always lands on top of the remote
 * branch.
 *
 * <p>Thread-safe: changes are serialized.
 */
final class ChangeWriter {
  private final Path workTree;
  private final Optional<String> ownedBranch;
  private final Optional<CredentialsProvider> credentials;

  /**
   * @param ownedBranch for a clone that gitconf owns, the branch it follows; such a clone is reset
   *     to {@code origin/<branch>} before each change
   * @param credentials for fetching and pushing
   */
  ChangeWriter(
      Path workTree, Optional<String> ownedBranch, Optional<CredentialsProvider> credentials) {
    this.workTree = workTree;
    this.ownedBranch = ownedBranch;
    this.credentials = credentials;
  }

  /** The commit id, or empty when the path already had the value. */
  synchronized Optional<String> set(
      String environment,
      ConfigPath path,
      JsonNode value,
      String user,
      String reason,
      ChangeRateLimit limit) {
    try (Git git = Git.open(workTree.toFile())) {
      boolean remote = GitRemotes.hasOrigin(git);
      if (remote) {
        catchUp(git);
      }
      ConfigChange.Result result =
          ConfigChange.set(
              git, workTree, environment, path, value, ConfigChange.author(user), reason, limit);
      if (result.commit().isPresent() && remote) {
        GitRemotes.push(git, "the commit is kept locally", credentials);
      }
      return result.commit().map(RevCommit::name);
    } catch (IOException e) {
      throw new GitconfException.Unavailable(
          workTree + ": not a Git working copy, so set() cannot commit: " + e.getMessage(), e);
    }
  }

  private void catchUp(Git git) throws IOException {
    GitRemotes.fetch(git, credentials);
    try {
      if (ownedBranch.isPresent()) {
        git.reset()
            .setMode(ResetCommand.ResetType.HARD)
            .setRef("refs/remotes/origin/" + ownedBranch.get())
            .call();
        return;
      }
      String tracking = "refs/remotes/origin/" + git.getRepository().getBranch();
      if (git.getRepository().resolve(tracking) == null) {
        return;
      }
      var merge =
          git.merge()
              .include(git.getRepository().resolve(tracking))
              .setFastForward(MergeCommand.FastForwardMode.FF_ONLY)
              .setCommit(true)
              .call();
      if (!merge.getMergeStatus().isSuccessful()) {
        throw new GitconfException.Unavailable(
            workTree
                + " has diverged from "
                + tracking
                + " ("
                + merge.getMergeStatus()
                + "); bring it up to date before changing configuration");
      }
    } catch (GitAPIException e) {
      throw new GitconfException.Unavailable(
          "cannot bring "
              + workTree
              + " up to date with origin: "
              + GitRemotes.redact(e.getMessage()),
          e);
    }
  }

  Path workTree() {
    return workTree;
  }
}
