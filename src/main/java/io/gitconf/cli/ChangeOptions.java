package io.gitconf.cli;

import io.gitconf.core.ConfigChange;
import org.eclipse.jgit.lib.PersonIdent;
import picocli.CommandLine.Option;

/**
 * Who changes configuration, why and where, for the commands that commit a change: the commit's
 * author and message, and the repository (pushed with {@code --push}, or always when given as a
 * URL).
 */
final class ChangeOptions {
  @Option(
      names = "--user",
      required = true,
      paramLabel = "USER",
      description = "Who makes the change: Name <email>, or a name. The commit's author.")
  String user;

  @Option(
      names = "--reason",
      required = true,
      paramLabel = "REASON",
      description = "Why: the commit message.")
  String reason;

  @Option(
      names = "--repo",
      paramLabel = "DIR|URL",
      defaultValue = ".",
      description = {
        "Config repository: a local clone (default: .), or a URL (https://, file://) that is cloned",
        "into a temporary directory, changed, pushed and deleted."
      })
  String repo;

  @Option(
      names = "--push",
      description = "Push the commit to origin, for the syncer to mirror (always done for a URL).")
  boolean push;

  /** The working copy to change; the caller closes it. */
  Workspace open() {
    return Workspace.open(repo, push);
  }

  /** True when the commit is pushed: asked for, or the repository is a URL (a temporary clone). */
  boolean pushes() {
    return push || Workspace.isUrl(repo);
  }

  /** The commit author; a bare name gets an empty email. */
  PersonIdent author() {
    return ConfigChange.author(user);
  }
}
