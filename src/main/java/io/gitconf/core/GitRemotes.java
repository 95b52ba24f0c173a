package io.gitconf.core;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.MergeCommand;
import org.eclipse.jgit.api.ResetCommand;
import org.eclipse.jgit.api.TransportCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.JGitInternalException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/**
 * Talking to the config repository's Git remote ({@code origin}). Credentials come from {@code
 * GITCONF_GIT_USERNAME} and {@code GITCONF_GIT_PASSWORD} (a token goes in the password), never from
 * a command line, and never appear in a message.
 *
 * <p>Stateless and thread-safe.
 */
public final class GitRemotes {
  public static final String USERNAME_VARIABLE = "GITCONF_GIT_USERNAME";
  public static final String PASSWORD_VARIABLE = "GITCONF_GIT_PASSWORD";

  private GitRemotes() {}

  /** Credentials from the environment, if a password (or token) is set. */
  public static Optional<CredentialsProvider> credentials() {
    String user = System.getenv(USERNAME_VARIABLE);
    String password = System.getenv(PASSWORD_VARIABLE);
    if (password == null || password.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new UsernamePasswordCredentialsProvider(user == null ? "git" : user, password));
  }

  /** True when the working copy has a remote named {@code origin}. */
  public static boolean hasOrigin(Git git) {
    return git.getRepository().getConfig().getString("remote", "origin", "url") != null;
  }

  /**
   * The URL of {@code origin}, for messages (a password in it masked); a clone without one says so
   * rather than naming a remote that does not exist.
   */
  public static String describe(Git git) {
    String url = git.getRepository().getConfig().getString("remote", "origin", "url");
    return url == null
        ? "origin (no such remote in " + git.getRepository().getDirectory() + ")"
        : redact(url);
  }

  /**
   * The refusal of a change that must be pushed from a clone without {@code origin}, made before
   * anything is committed.
   */
  static GitconfException.BadRequest noOrigin(Path dir) {
    return new GitconfException.BadRequest(
        dir
            + " has no remote named origin, so the change cannot be pushed; nothing was changed"
            + " (add the remote with git remote add origin URL, or make the change without"
            + " pushing it)");
  }

  /** Text with the credentials of any URL in it masked: {@link Redaction#redact}. */
  public static String redact(String text) {
    return Redaction.redact(text);
  }

  /**
   * The credentials for {@code url}: a user and password written into it, else those of the
   * environment.
   */
  public static Optional<CredentialsProvider> credentialsFor(String url) {
    try {
      URIish uri = new URIish(url);
      if (uri.getPass() != null) {
        return Optional.of(
            new UsernamePasswordCredentialsProvider(
                uri.getUser() == null ? "git" : uri.getUser(), uri.getPass()));
      }
    } catch (URISyntaxException e) {
      // Not a URL JGit reads: it will say so when it is used.
    }
    return credentials();
  }

  /**
   * {@code url} as it may be written to disk (a clone's {@code .git/config}): without a password
   * written into it. The password then travels through {@link #credentialsFor}.
   */
  public static String withoutPassword(String url) {
    try {
      URIish uri = new URIish(url);
      return uri.getPass() == null ? url : uri.setPass(null).toString();
    } catch (URISyntaxException e) {
      return url;
    }
  }

  /** Fetches every branch of {@code origin} into {@code refs/remotes/origin/}. */
  public static void fetch(Git git) {
    fetch(git, credentials());
  }

  /** As {@link #fetch(Git)}, with the given credentials. */
  public static void fetch(Git git, Optional<CredentialsProvider> credentials) {
    try {
      var fetch = git.fetch().setRemote("origin").setRemoveDeletedRefs(true);
      credentials.ifPresent(fetch::setCredentialsProvider);
      fetch.call();
    } catch (GitAPIException | RuntimeException e) {
      throw new GitconfException.Unavailable(
          "cannot fetch from " + describe(git) + ": " + redact(e.getMessage()), e);
    }
  }

  /**
   * Pushes the current branch to the branch of the same name on {@code origin}. A {@code pre-push}
   * hook runs with its output on standard error, where it cannot mix with a command's result.
   *
   * @param onFailure what became of the commit, for the message when the push fails
   * @throws GitconfException.Conflict when the remote moved (the push would not fast-forward)
   * @throws GitconfException.Unavailable when the remote cannot be reached or refuses the push
   */
  static void push(Git git, String onFailure, Optional<CredentialsProvider> credentials) {
    try {
      String branch = git.getRepository().getBranch();
      var push =
          git.push()
              .setRemote("origin")
              .setRefSpecs(new RefSpec("HEAD:refs/heads/" + branch))
              .setHookOutputStream(System.err)
              .setHookErrorStream(System.err);
      credentials.ifPresent(push::setCredentialsProvider);
      for (PushResult result : push.call()) {
        for (RemoteRefUpdate update : result.getRemoteUpdates()) {
          RemoteRefUpdate.Status status = update.getStatus();
          if (status == RemoteRefUpdate.Status.OK || status == RemoteRefUpdate.Status.UP_TO_DATE) {
            continue;
          }
          String message =
              "push of "
                  + update.getRemoteName()
                  + " to "
                  + describe(git)
                  + " refused: "
                  + status
                  + (update.getMessage() == null ? "" : " (" + update.getMessage() + ")")
                  + "; "
                  + onFailure;
          if (status == RemoteRefUpdate.Status.REJECTED_NONFASTFORWARD
              || status == RemoteRefUpdate.Status.REJECTED_REMOTE_CHANGED) {
            throw new GitconfException.Conflict(message);
          }
          throw new GitconfException.Unavailable(message);
        }
      }
    } catch (java.io.IOException | GitAPIException | RuntimeException e) {
      if (e instanceof GitconfException gitconf) {
        throw gitconf;
      }
      throw new GitconfException.Unavailable(
          "cannot push to " + describe(git) + ": " + redact(reason(e)) + "; " + onFailure, e);
    }
  }

  /**
   * Brings a clone up to date with {@code origin} before a change that will be pushed is made on
   * it, so the commit lands on top of the remote branch: a clone gitconf owns is reset to {@code
   * origin/<branch>}; a person's clone is fast-forwarded, and refused when it has diverged (its
   * commits and the remote's would have to be merged by a person).
   *
   * @throws GitconfException.Conflict for a diverged clone, or one that cannot fast-forward over
   *     uncommitted changes
   */
  static void catchUp(
      Git git, Path dir, Optional<String> ownedBranch, Optional<CredentialsProvider> credentials) {
    fetch(git, credentials);
    Repository repository = git.getRepository();
    try {
      String branch = ownedBranch.isPresent() ? ownedBranch.get() : repository.getBranch();
      String tracking = "refs/remotes/origin/" + branch;
      ObjectId remote = repository.resolve(tracking);
      if (remote == null) {
        return; // The remote has no such branch yet: the push creates it.
      }
      if (ownedBranch.isPresent()) {
        git.reset().setMode(ResetCommand.ResetType.HARD).setRef(tracking).call();
        return;
      }
      ObjectId head = repository.resolve("HEAD");
      try (RevWalk walk = new RevWalk(repository)) {
        RevCommit local = walk.parseCommit(head);
        RevCommit theirs = walk.parseCommit(remote);
        if (walk.isMergedInto(theirs, local)) {
          return;
        }
        if (!walk.isMergedInto(local, theirs)) {
          throw new GitconfException.Conflict(
              dir
                  + ": "
                  + branch
                  + " has diverged from origin/"
                  + branch
                  + " ("
                  + count(repository, local, theirs)
                  + " local and "
                  + count(repository, theirs, local)
                  + " remote commits); bring it up to date (git pull --rebase) before changing"
                  + " configuration; nothing was changed");
        }
      }
      var merge =
          git.merge()
              .include(remote)
              .setFastForward(MergeCommand.FastForwardMode.FF_ONLY)
              .setCommit(true)
              .call();
      if (!merge.getMergeStatus().isSuccessful()) {
        throw new GitconfException.Conflict(
            dir
                + ": cannot fast-forward to origin/"
                + branch
                + " ("
                + merge.getMergeStatus()
                + "); commit or stash the uncommitted changes in the way; nothing was changed");
      }
    } catch (GitAPIException e) {
      throw new GitconfException.Conflict(
          dir
              + ": cannot bring the clone up to date with origin: "
              + redact(e.getMessage())
              + "; nothing was changed",
          e);
    } catch (java.io.IOException e) {
      throw new GitconfException.Unavailable(
          dir + ": cannot read the clone: " + e.getMessage() + "; nothing was changed", e);
    }
  }

  /** Commits reachable from {@code from} and not from {@code not}. */
  private static int count(Repository repository, RevCommit from, RevCommit not)
      throws java.io.IOException {
    try (RevWalk walk = new RevWalk(repository)) {
      walk.markStart(walk.parseCommit(from));
      walk.markUninteresting(walk.parseCommit(not));
      int count = 0;
      while (walk.next() != null) {
        count++;
      }
      return count;
    }
  }

  /**
   * What went wrong, for a message: JGit wraps a transport's refusal (e.g. "remote does not support
   * smart HTTP push") in a JGitInternalException whose own message says nothing.
   */
  private static String reason(Exception e) {
    return e instanceof JGitInternalException && e.getCause() != null
        ? e.getCause().getMessage()
        : e.getMessage();
  }

  /** {@code command} with the credentials from the environment, if any. */
  public static <C extends TransportCommand<C, ?>> C withCredentials(C command) {
    credentials().ifPresent(command::setCredentialsProvider);
    return command;
  }
}
