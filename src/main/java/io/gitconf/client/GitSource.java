package io.gitconf.client;

import io.gitconf.core.ConfigRepository;
import io.gitconf.core.GitRemotes;
import io.gitconf.core.GitTrees;
import io.gitconf.core.GitconfException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.CredentialsProvider;

/**
 * A branch of a Git remote, cloned into a working folder that gitconf owns and fetched whenever the
 * manager polls. Configuration is read from the fetched commit's objects ({@code
 * refs/remotes/origin/<branch>}), never from the checked-out files, so a fetch that arrives while a
 * change is being made cannot mix two commits. {@link ConfigManager#set} commits in the same clone
 * and pushes.
 *
 * <p>Thread-safe.
 */
final class GitSource implements ConfigSource {
  private final String remote;

  /** The remote as the clone's configuration keeps it: a password in the URL is never on disk. */
  private final String storedRemote;

  private final Optional<CredentialsProvider> credentials;
  private final String branch;
  private final Path workDir;

  /** Also the lock of the clone: a fetch never runs while a change is being committed. */
  private final ChangeWriter writer;

  GitSource(String remote, String branch, Path workDir) {
    this.remote = remote;
    this.storedRemote = GitRemotes.withoutPassword(remote);
    this.credentials = GitRemotes.credentialsFor(remote);
    this.branch = branch;
    this.workDir = workDir.toAbsolutePath().normalize();
    this.writer = new ChangeWriter(this.workDir, Optional.of(branch), credentials);
  }

  @Override
  public Loaded load(String environment) {
    synchronized (writer) {
      return load(environment, openOrClone());
    }
  }

  private Loaded load(String environment, Git opened) {
    try (Git git = opened) {
      GitRemotes.fetch(git, credentials);
      RevCommit head = head(git);
      ConfigRepository repository =
          ConfigRepository.load(GitTrees.commit(git.getRepository(), head));
      return new Loaded(
          ConfigSource.validSnapshot(
              repository, environment, describe() + " commit " + head.abbreviate(10).name()),
          OptionalLong.empty(),
          head.name(),
          repository.schemas(),
          head.name());
    }
  }

  @Override
  public Optional<String> fingerprint(String environment) {
    synchronized (writer) {
      try (Git git = openOrClone()) {
        GitRemotes.fetch(git, credentials);
        return Optional.of(head(git).name());
      }
    }
  }

  private RevCommit head(Git git) {
    String ref = "refs/remotes/origin/" + branch;
    try (RevWalk walk = new RevWalk(git.getRepository())) {
      ObjectId id = git.getRepository().resolve(ref);
      if (id == null) {
        throw new GitconfException.Unavailable(describe() + ": the remote has no branch " + branch);
      }
      return walk.parseCommit(id);
    } catch (IOException e) {
      throw new GitconfException.Unavailable(
          describe() + ": cannot read " + ref + ": " + e.getMessage(), e);
    }
  }

  private Git openOrClone() {
    try {
      if (Files.isDirectory(workDir.resolve(".git"))) {
        Git git = Git.open(workDir.toFile());
        String url = git.getRepository().getConfig().getString("remote", "origin", "url");
        if (!storedRemote.equals(url)) {
          git.close();
          throw new GitconfException.BadRequest(
              workDir
                  + " is a clone of "
                  + GitRemotes.redact(url)
                  + ", not of "
                  + GitRemotes.redact(remote)
                  + "; give another folder");
        }
        return git;
      }
      var clone =
          Git.cloneRepository()
              .setURI(storedRemote)
              .setBranch(branch)
              .setDirectory(workDir.toFile());
      credentials.ifPresent(clone::setCredentialsProvider);
      return clone.call();
    } catch (IOException | GitAPIException | RuntimeException e) {
      if (e instanceof GitconfException gitconf) {
        throw gitconf;
      }
      throw new GitconfException.Unavailable(
          describe() + ": cannot clone into " + workDir + ": " + GitRemotes.redact(e.getMessage()),
          e);
    }
  }

  @Override
  public void watch(Runnable changed) {
    // A remote tells nothing by itself: the manager polls.
  }

  @Override
  public boolean needsPolling() {
    return true;
  }

  @Override
  public Optional<ChangeWriter> writer() {
    return Optional.of(writer);
  }

  @Override
  public String describe() {
    return "git " + GitRemotes.redact(remote) + " (" + branch + ")";
  }

  @Override
  public void close() {
    // Each call opens and closes the repository.
  }
}
