package io.gitconf.cli;

import io.gitconf.core.ChangeRateLimit;
import io.gitconf.core.ChangeRequest;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Who changes configuration, why and where, for every command that commits a change ({@code set},
 * {@code import}, {@code rollback}, {@code secrets encrypt}, {@code secrets rotate}): the commit's
 * author and message, the author's rate limit, and the repository (pushed with {@code --push}, or
 * always when given as a URL).
 */
final class ChangeOptions {
  @Mixin AuthorOptions author;

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
      description = {
        "Push the commit to origin, for the syncer to mirror (always done for a URL). The clone is first",
        "brought up to date with origin; a clone that has diverged from it is refused."
      })
  boolean push;

  @Option(
      names = "--rate-limit",
      defaultValue = "10/min",
      paramLabel = "N/UNIT",
      description =
          "Changes one user may make (default: ${DEFAULT-VALUE}); counted from Git history.")
  String rateLimit;

  /** The working copy to change; the caller closes it. */
  Workspace open() {
    return Workspace.open(repo, push);
  }

  /**
   * The request, checked: a blank reason or a malformed user is refused here, before a repository
   * is opened or cloned.
   */
  ChangeRequest request() {
    ChangeRequest request =
        new ChangeRequest(author.user, author.reason, ChangeRateLimit.parse(rateLimit));
    request.author();
    return request;
  }
}
