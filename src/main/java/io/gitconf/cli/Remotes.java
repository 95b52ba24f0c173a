package io.gitconf.cli;

import io.gitconf.core.GitconfException;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.TransportCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/**
 * Cloning from and pushing to the config repository's remote. Credentials come from {@code
 * GITCONF_GIT_USERNAME} and {@code GITCONF_GIT_PASSWORD} (or a token in the password), never from
 * the command line; a password written into a URL is masked in every message.
 */
final class Remotes {
  private Remotes() {}

  /**
   * Pushes the current branch to {@code origin}; {@code onFailure} tells the user what became of
   * the commit when the push fails.
   */
  static void push(Git git, String onFailure) {
    try {
      for (PushResult result : withCredentials(git.push().setRemote("origin")).call()) {
        for (RemoteRefUpdate update : result.getRemoteUpdates()) {
          if (update.getStatus() != RemoteRefUpdate.Status.OK
              && update.getStatus() != RemoteRefUpdate.Status.UP_TO_DATE) {
            throw new GitconfException.Unavailable(
                "push of "
                    + update.getRemoteName()
                    + " refused: "
                    + update.getStatus()
                    + (update.getMessage() == null ? "" : " (" + update.getMessage() + ")")
                    + "; "
                    + onFailure);
          }
        }
      }
    } catch (GitAPIException e) {
      throw new GitconfException.Unavailable(
          "cannot push to " + describe(git) + ": " + redact(e.getMessage()) + "; " + onFailure, e);
    }
  }

  static <C extends TransportCommand<C, ?>> C withCredentials(C command) {
    String username = System.getenv("GITCONF_GIT_USERNAME");
    String password = System.getenv("GITCONF_GIT_PASSWORD");
    if (username != null && password != null) {
      command.setCredentialsProvider(new UsernamePasswordCredentialsProvider(username, password));
    }
    return command;
  }

  /** The URL of {@code origin}, for messages. */
  static String describe(Git git) {
    return redact(git.getRepository().getConfig().getString("remote", "origin", "url"));
  }

  /** Masks the user information of URLs ({@code https://user:token@host} → {@code ****@host}). */
  static String redact(String text) {
    return text == null ? "" : text.replaceAll("://[^/@\\s]+@", "://****@");
  }
}
