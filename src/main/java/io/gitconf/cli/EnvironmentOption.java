package io.gitconf.cli;

import io.gitconf.core.ConfigRepository;
import io.gitconf.core.ConfigSnapshot;
import io.gitconf.core.GitconfException;
import io.gitconf.core.Problem;
import io.gitconf.mirror.MirrorReader;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Option;

/** The one environment a command works on ({@code --env}/{@code -e}), and the snapshot of it. */
final class EnvironmentOption {
  @Option(
      names = {"--env", "-e"},
      required = true,
      paramLabel = "ENV",
      description = "Environment, e.g. prod (or base, for the commands that change base/).")
  String environment;

  /**
   * The environment's snapshot; warns on {@code err} when the repository has errors, since values
   * may be off.
   */
  ConfigSnapshot snapshot(ConfigRepository repository, PrintWriter err) {
    ConfigSnapshot snapshot = repository.snapshot(environment);
    long errors = repository.validate().stream().filter(Problem::isError).count();
    if (errors > 0) {
      err.println(
          "warning: "
              + repository.tree().describe()
              + " has "
              + errors
              + " validation errors (see gitconf validate)");
      err.flush();
    }
    return snapshot;
  }

  /** Refuses an environment the mirror does not hold, naming those it does. */
  void requireMirrored(MirrorReader mirror) {
    List<String> environments = mirror.environments();
    if (!environments.contains(environment)) {
      throw new GitconfException.BadRequest(
          "no environment '"
              + environment
              + "' in the mirror (mirrored: "
              + String.join(", ", environments)
              + ")");
    }
  }
}
