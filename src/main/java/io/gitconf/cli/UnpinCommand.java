package io.gitconf.cli;

import io.gitconf.sync.Database;
import io.gitconf.sync.MirrorStore;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "unpin",
    header = "Lift a break-glass pin: the newest mirrored version becomes active.",
    mixinStandardHelpOptions = true,
    description = {
      "Lift a break-glass pin: the newest version mirrored meanwhile becomes active (audited), and the syncer",
      "activates commits of the environment again."
    })
final class UnpinCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DatabaseOptions database;

  @Option(
      names = {"--env", "-e"},
      required = true,
      paramLabel = "ENV",
      description = "Pinned environment.")
  String environment;

  @Option(
      names = "--user",
      required = true,
      paramLabel = "USER",
      description = "Who lifts the pin.")
  String user;

  @Option(names = "--reason", required = true, paramLabel = "REASON", description = "Why.")
  String reason;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (Database db = database.open()) {
      int active = new MirrorStore(db.dataSource()).unpin(environment, user, reason);
      out.println(environment + " is no longer pinned; version " + active + " is active");
    }
    out.flush();
    return ExitCodes.OK;
  }
}
