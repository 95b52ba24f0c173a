package io.gitconf.cli;

import io.gitconf.core.GitconfException;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/**
 * Pushing to the config repository's remote. Credentials come from {@code GITCONF_GIT_USERNAME} and
 * {@code GITCONF_GIT_PASSWORD} (or a token in the password), never from the command line.
 */
final class Remotes {
  private Remotes() {}

  static void push(Git git) {
    try {
      var command = git.push().setRemote("origin");
      String username = System.getenv("GITCONF_GIT_USERNAME");
      String password = System.getenv("GITCONF_GIT_PASSWORD");
      if (username != null && password != null) {
        command.setCredentialsProvider(new UsernamePasswordCredentialsProvider(username, password));
      }
      for (PushResult result : command.call()) {
        for (RemoteRefUpdate update : result.getRemoteUpdates()) {
          if (update.getStatus() != RemoteRefUpdate.Status.OK
              && update.getStatus() != RemoteRefUpdate.Status.UP_TO_DATE) {
            throw new GitconfException.Unavailable(
                "push of "
                    + update.getRemoteName()
                    + " refused: "
                    + update.getStatus()
                    + (update.getMessage() == null ? "" : " (" + update.getMessage() + ")")
                    + "; the commit is kept locally");
          }
        }
      }
    } catch (GitAPIException e) {
      throw new GitconfException.Unavailable(
          "cannot push to origin: " + e.getMessage() + "; the commit is kept locally", e);
    }
  }

  static String describe(Git git) {
    return git.getRepository().getConfig().getString("remote", "origin", "url");
  }
}
