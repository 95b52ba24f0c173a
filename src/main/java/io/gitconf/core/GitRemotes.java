package io.gitconf.core;

import java.net.URISyntaxException;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.TransportCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.JGitInternalException;
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

  /** The URL of {@code origin}, for messages (a password in it masked). */
  public static String describe(Git git) {
    return redact(
        String.valueOf(git.getRepository().getConfig().getString("remote", "origin", "url")));
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
    push(git, onFailure, credentials());
  }

  /** As {@link #push(Git, String)}, with the given credentials. */
  public static void push(Git git, String onFailure, Optional<CredentialsProvider> credentials) {
    try {
      String branch = git.getRepository().getBranch();
      var push =
          git.push().setRemote("origin").setRefSpecs(new RefSpec("HEAD:refs/heads/" + branch));
      credentials.ifPresent(push::setCredentialsProvider);
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
