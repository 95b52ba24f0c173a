package io.gitconf.cli;

import io.gitconf.sync.Database;
import io.gitconf.sync.MirrorStore;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "unpin",
    header = "Lift a break-glass pin: the newest mirrored version becomes active.",
    mixinStandardHelpOptions = true,
    description = {
      "Lift a break-glass pin: the newest version mirrored meanwhile becomes active (audited), and the syncer",
      "activates commits of the environment again."
    })
final class UnpinCommand implements Callable<Integer> {
  @Mixin DatabaseOptions database;
  @Mixin OutputOption output;

  @Mixin EnvironmentOption env;

  @Mixin AuthorOptions author;

  @Override
  public Integer call() {
    int active;
    try (Database db = database.open()) {
      active = new MirrorStore(db.dataSource()).unpin(env.environment, author.user, author.reason);
    }
    if (output.json()) {
      output.print(
          OutputOption.object()
              .put("environment", env.environment)
              .put("pinned", false)
              .put("activeVersion", active));
      return ExitCodes.OK;
    }
    PrintWriter out = output.out();
    out.println(env.environment + " is no longer pinned; version " + active + " is active");
    out.flush();
    return ExitCodes.OK;
  }
}
