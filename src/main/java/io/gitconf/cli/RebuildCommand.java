package io.gitconf.cli;

import io.gitconf.core.GitRemotes;
import io.gitconf.core.GitconfException;
import io.gitconf.sync.Database;
import io.gitconf.sync.MirrorStore;
import io.gitconf.sync.SyncSettings;
import io.gitconf.sync.Syncer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "rebuild",
    header = "Re-mirror a branch's whole history from Git into an empty database.",
    mixinStandardHelpOptions = true,
    description = {
      "Re-mirror the whole history of a branch from Git into an empty database (after losing the database,",
      "or to move to a new server). Shows progress; refuses a database that already holds versions."
    })
final class RebuildCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DatabaseOptions database;

  @Option(
      names = "--repo",
      required = true,
      paramLabel = "URL|PATH",
      description = "Config repository.")
  String repo;

  @Option(
      names = "--branch",
      defaultValue = "main",
      description = "Branch (default: ${DEFAULT-VALUE}).")
  String branch;

  @Option(
      names = "--cache-dir",
      defaultValue = ".gitconf/git-cache",
      description = "Where a remote is cloned.")
  Path cacheDir;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (Database db = database.open()) {
      MirrorStore store = new MirrorStore(db.dataSource());
      int versions = store.environments().stream().mapToInt(env -> store.history(env).size()).sum();
      if (versions > 0) {
        throw new GitconfException.BadRequest(
            db.describe()
                + " already holds "
                + versions
                + " versions; rebuild needs an empty database");
      }
      SyncSettings settings =
          SyncSettings.of(repo, branch, Duration.ofSeconds(2), cacheDir)
              .withCredentials(GitRemotes.credentials());
      try (Syncer syncer = new Syncer(db, settings, new OutcomePrinter(out))) {
        int mirrored = syncer.syncOnce();
        out.println(
            "Rebuilt "
                + db.describe()
                + " from "
                + mirrored
                + (mirrored == 1 ? " commit" : " commits")
                + " of "
                + repo
                + " ("
                + branch
                + ")");
      }
    }
    out.flush();
    return ExitCodes.OK;
  }
}
