package io.gitconf.cli;

import picocli.CommandLine.Option;

/**
 * Who makes a change and why ({@code --user}, {@code --reason}): the author and message of a
 * commit, or the audit row of a change made in the mirror ({@code rollback --break-glass}, {@code
 * unpin}).
 */
final class AuthorOptions {
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
}
