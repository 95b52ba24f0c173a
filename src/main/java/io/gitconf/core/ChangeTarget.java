package io.gitconf.core;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.transport.CredentialsProvider;

/**
 * Where a change is made: a Git working copy of the config repository (the repository may be a
 * folder of a larger Git work tree), whether the commit is pushed to {@code origin}, and what kind
 * of clone it is, which decides what becomes of a commit whose push fails.
 *
 * <p>Immutable; the {@link Git} it names is opened and closed by the caller.
 */
public final class ChangeTarget {
  /**
   * How long a change waits for other changes to the same clone before it gives up: long enough for
   * several changes queued on a busy machine, where one takes seconds.
   */
  public static final Duration DEFAULT_LOCK_WAIT = Duration.ofSeconds(60);

  /** Whether the commit goes to {@code origin}. */
  public enum Push {
    /** The commit stays in the clone. */
    NEVER,
    /** Pushed when the clone has an {@code origin}; otherwise it stays, and the result says so. */
    IF_ORIGIN,
    /** Pushed; a clone without {@code origin} is refused before anything is committed. */
    ALWAYS
  }

  private final Git git;
  private final Path configDir;
  private final Push push;
  private final Optional<String> ownedBranch;
  private final boolean temporary;
  private final Optional<CredentialsProvider> credentials;
  private final Duration lockWait;

  private ChangeTarget(
      Git git,
      Path configDir,
      Push push,
      Optional<String> ownedBranch,
      boolean temporary,
      Optional<CredentialsProvider> credentials,
      Duration lockWait) {
    this.git = git;
    this.configDir = configDir;
    this.push = push;
    this.ownedBranch = ownedBranch;
    this.temporary = temporary;
    this.credentials = credentials;
    this.lockWait = lockWait;
  }

  /**
   * A person's clone ({@code git} opened on it) whose config repository is {@code configDir}: not
   * pushed, credentials from the environment.
   */
  public static ChangeTarget of(Git git, Path configDir) {
    return new ChangeTarget(
        git,
        configDir,
        Push.NEVER,
        Optional.empty(),
        false,
        GitRemotes.credentials(),
        DEFAULT_LOCK_WAIT);
  }

  public ChangeTarget push(Push push) {
    return new ChangeTarget(git, configDir, push, ownedBranch, temporary, credentials, lockWait);
  }

  /**
   * A clone that gitconf owns and that follows {@code branch}: it is reset to {@code
   * origin/<branch>} before each change, so a commit whose push fails is discarded with it.
   */
  public ChangeTarget owned(String branch) {
    return new ChangeTarget(
        git, configDir, push, Optional.of(branch), temporary, credentials, lockWait);
  }

  /** A clone made for this change alone and deleted after it: its commit lives only if pushed. */
  public ChangeTarget temporary() {
    return new ChangeTarget(git, configDir, push, ownedBranch, true, credentials, lockWait);
  }

  public ChangeTarget credentials(Optional<CredentialsProvider> credentials) {
    return new ChangeTarget(git, configDir, push, ownedBranch, temporary, credentials, lockWait);
  }

  /** How long to wait for other changes to this clone (default 60 s). */
  public ChangeTarget lockWait(Duration lockWait) {
    return new ChangeTarget(git, configDir, push, ownedBranch, temporary, credentials, lockWait);
  }

  public Git git() {
    return git;
  }

  /** The config repository's directory, as the caller named it (for messages). */
  public Path configDir() {
    return configDir;
  }

  Push pushMode() {
    return push;
  }

  Optional<String> ownedBranch() {
    return ownedBranch;
  }

  Optional<CredentialsProvider> credentials() {
    return credentials;
  }

  Duration lockWait() {
    return lockWait;
  }

  /** What becomes of a commit that could not be pushed, for the message that says so. */
  String keptWhere(String commit) {
    if (temporary) {
      return "the commit was made in a temporary clone and is discarded with it: nothing changed"
          + " on the remote; run the command again";
    }
    if (ownedBranch.isPresent()) {
      return "the commit is discarded (this clone follows origin/"
          + ownedBranch.get()
          + "): nothing changed on the remote; make the change again";
    }
    return "the commit "
        + commit
        + " is kept in "
        + configDir
        + "; push it with git push origin when the remote can take it";
  }

  /**
   * Where the config repository lies inside the Git work tree, as a {@code /}-separated folder;
   * empty at the top. Git trees hold paths from the top.
   */
  String folder() {
    Path top = git.getRepository().getWorkTree().toPath().toAbsolutePath().normalize();
    Path here = configDir.toAbsolutePath().normalize();
    try {
      top = top.toRealPath();
      here = here.toRealPath();
    } catch (IOException e) {
      // Unresolvable: compare the normalised paths instead.
    }
    if (!here.startsWith(top)) {
      throw new GitconfException.BadRequest(configDir + " is not inside the Git work tree " + top);
    }
    return top.relativize(here).toString().replace(java.io.File.separatorChar, '/');
  }

  /** A config repository file as Git names it: the folder, then the file. */
  String gitPath(String file) {
    String folder = folder();
    return folder.isEmpty() ? file : folder + "/" + file;
  }
}
