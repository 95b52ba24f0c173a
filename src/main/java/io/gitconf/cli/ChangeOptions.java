package io.gitconf.cli;

import java.nio.file.Path;
import org.eclipse.jgit.lib.PersonIdent;
import picocli.CommandLine.Option;

/**
 * Who changes configuration and why, for the commands that commit a change: the commit's author and
 * message.
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
      paramLabel = "DIR",
      defaultValue = ".",
      description = "Config repository clone (default: .).")
  Path repo;

  /** The commit author; a bare name gets an empty email. */
  PersonIdent author() {
    return user.contains("<") ? Authors.parse(user) : new PersonIdent(user.strip(), "");
  }
}
