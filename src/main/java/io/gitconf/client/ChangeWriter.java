package io.gitconf.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.gitconf.core.Change;
import io.gitconf.core.ChangeRateLimit;
import io.gitconf.core.ChangeRequest;
import io.gitconf.core.ChangeTarget;
import io.gitconf.core.ConfigChange;
import io.gitconf.core.ConfigPath;
import io.gitconf.core.GitconfException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes {@link ConfigManager#set} changes through {@link ConfigChange}, as {@code gitconf set}
 * does, in a Git working copy of the config repository. The clone decides how the commit is
 * published:
 *
 * <ul>
 *   <li>a clone gitconf owns (the Git source's) is reset to {@code origin/<branch>} before each
 *       change, and the commit is pushed;
 *   <li>a clone given with {@code configRepository} must have an {@code origin}, since its commit
 *       reaches the mirror only when pushed; it is fast-forwarded before each change, and refused
 *       when it has diverged;
 *   <li>a directory source's working copy is pushed when it has an {@code origin}; without one the
 *       commit stays there (the directory source reloads it), and a warning says so.
 * </ul>
 *
 * <p>Thread-safe: changes are serialized, here and with every other change to the same clone (in
 * this process or another). The Git source also holds this object's monitor while it fetches.
 */
final class ChangeWriter {
  private static final Logger LOG = LoggerFactory.getLogger(ChangeWriter.class);

  private final Path workTree;
  private final Optional<String> ownedBranch;
  private final Optional<CredentialsProvider> credentials;
  private final ChangeTarget.Push push;

  /**
   * @param ownedBranch for a clone that gitconf owns, the branch it follows; such a clone is reset
   *     to {@code origin/<branch>} before each change, and its changes are always pushed
   * @param credentials for fetching and pushing
   */
  ChangeWriter(
      Path workTree, Optional<String> ownedBranch, Optional<CredentialsProvider> credentials) {
    this(
        workTree,
        ownedBranch,
        credentials,
        ownedBranch.isPresent() ? ChangeTarget.Push.ALWAYS : ChangeTarget.Push.IF_ORIGIN);
  }

  private ChangeWriter(
      Path workTree,
      Optional<String> ownedBranch,
      Optional<CredentialsProvider> credentials,
      ChangeTarget.Push push) {
    this.workTree = workTree;
    this.ownedBranch = ownedBranch;
    this.credentials = credentials;
    this.push = push;
  }

  /** A person's clone whose changes must be pushed to its {@code origin}. */
  static ChangeWriter pushing(Path workTree, Optional<CredentialsProvider> credentials) {
    return new ChangeWriter(workTree, Optional.empty(), credentials, ChangeTarget.Push.ALWAYS);
  }

  /** The commit id, or empty when the path already had the value. */
  synchronized Optional<String> set(
      String environment,
      ConfigPath path,
      JsonNode value,
      String user,
      String reason,
      ChangeRateLimit limit) {
    ChangeRequest request = new ChangeRequest(user, reason, limit);
    try (Repository repository = open();
        Git git = new Git(repository)) {
      ChangeTarget target = ChangeTarget.of(git, workTree).push(push).credentials(credentials);
      if (ownedBranch.isPresent()) {
        target = target.owned(ownedBranch.get());
      }
      ConfigChange.Result result =
          ConfigChange.apply(target, request, Change.set(environment, path, value));
      result
          .notPushed()
          .ifPresent(
              why -> LOG.warn("{} set {} in {}, not pushed: {}", user, path, environment, why));
      return result.commit();
    }
  }

  /** The repository that holds the work tree (which may be a folder of it). */
  private Repository open() {
    try {
      FileRepositoryBuilder builder =
          new FileRepositoryBuilder().findGitDir(workTree.toAbsolutePath().normalize().toFile());
      if (builder.getGitDir() == null) {
        throw new GitconfException.Unavailable(
            workTree + ": not a Git working copy, so set() cannot commit");
      }
      return builder.setMustExist(true).build();
    } catch (IOException e) {
      throw new GitconfException.Unavailable(
          workTree + ": not a Git working copy, so set() cannot commit: " + e.getMessage(), e);
    }
  }

  Path workTree() {
    return workTree;
  }
}
