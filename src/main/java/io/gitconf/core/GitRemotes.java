package io.gitconf.core;

import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.TransportCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.JGitInternalException;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
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

  /** The URL of {@code origin}, for messages (a password in it masked). */
  public static String describe(Git git) {
    return redact(
        String.valueOf(git.getRepository().getConfig().getString("remote", "origin", "url")));
  }

  /**
   * Text with the credentials of any URL in it masked: {@code https://user:token@host} reads {@code
   * https://user:****@host}, {@code https://token@host} reads {@code https://****@host}.
   * Credentials belong in environment variables, but one pasted into a URL must not reach a log.
   */
  public static String redact(String text) {
    return text == null
        ? ""
        : text.replaceAll("(://[^/@:\\s]*:)[^/@\\s]*@", "$1****@")
            .replaceAll("://[^/@:\\s*]+@", "://****@");
  }

  /** Fetches every branch of {@code origin} into {@code refs/remotes/origin/}. */
  public static void fetch(Git git) {
    try {
      withCredentials(git.fetch().setRemote("origin").setRemoveDeletedRefs(true)).call();
    } catch (GitAPIException | RuntimeException e) {
      throw new GitconfException.Unavailable(
          "cannot fetch from " + describe(git) + ": " + redact(e.getMessage()), e);
    }
  }

  /** Pushes the current branch to {@code origin}; a refusal says the commit is kept locally. */
  public static void push(Git git) {
    push(git, "the commit is kept locally");
  }

  /**
   * Pushes the current branch to the branch of the same name on {@code origin}.
   *
   * @param onFailure what became of the commit, for the message when the push fails
   * @throws GitconfException.Unavailable when the remote cannot be reached or refuses the push
   */
  public static void push(Git git, String onFailure) {
    try {
      String branch = git.getRepository().getBranch();
      var push =
          withCredentials(
              git.push().setRemote("origin").setRefSpecs(new RefSpec("HEAD:refs/heads/" + branch)));
      for (PushResult result : push.call()) {
        for (RemoteRefUpdate update : result.getRemoteUpdates()) {
          if (update.getStatus() != RemoteRefUpdate.Status.OK
              && update.getStatus() != RemoteRefUpdate.Status.UP_TO_DATE) {
            throw new GitconfException.Unavailable(
                "push of "
                    + update.getRemoteName()
                    + " to "
                    + describe(git)
                    + " refused: "
                    + update.getStatus()
                    + (update.getMessage() == null ? "" : " (" + update.getMessage() + ")")
                    + "; "
                    + onFailure);
          }
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
