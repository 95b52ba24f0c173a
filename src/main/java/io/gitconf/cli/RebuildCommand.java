package io.gitconf.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gitconf.core.GitRemotes;
import io.gitconf.core.GitconfException;
import io.gitconf.sync.CommitOutcome;
import io.gitconf.sync.Database;
import io.gitconf.sync.MirrorStore;
import io.gitconf.sync.SyncListener;
import io.gitconf.sync.SyncSettings;
import io.gitconf.sync.Syncer;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "rebuild",
    header = "Re-mirror a branch's whole history from Git into an empty database.",
    mixinStandardHelpOptions = true,
    description = {
      "Re-mirror the whole history of a branch from Git into an empty database (after losing the database,",
      "or to move to a new server). Shows progress; refuses a database that already holds versions."
    })
final class RebuildCommand implements Callable<Integer> {
  @Mixin DatabaseOptions database;
  @Mixin OutputOption output;
  @Mixin GitSourceOptions source;

  @Override
  public Integer call() {
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
          SyncService.settings(source.repo, source.branch, Duration.ofSeconds(2), source.cacheDir);
      PrintWriter progress = output.progress();
      Rejections rejections = new Rejections(new OutcomePrinter(progress));
      try (Syncer syncer = new Syncer(db, settings, rejections)) {
        int mirrored = syncer.syncOnce();
        if (output.json()) {
          ObjectNode json =
              OutputOption.object()
                  .put("database", db.describe())
                  .put("repo", GitRemotes.redact(source.repo))
                  .put("branch", source.branch)
                  .put("commits", mirrored)
                  .put("rejected", rejections.count);
          ObjectNode active = json.putObject("activeVersions");
          for (String env : store.environments()) {
            store.activeVersion(env).ifPresent(v -> active.put(env, v.version()));
          }
          output.print(json);
          return ExitCodes.OK;
        }
        progress.println(
            "Rebuilt "
                + db.describe()
                + " from "
                + mirrored
                + (mirrored == 1 ? " commit" : " commits")
                + " of "
                + GitRemotes.redact(source.repo)
                + " ("
                + source.branch
                + ")");
        progress.flush();
      }
    }
    return ExitCodes.OK;
  }

  /** Prints every commit as it is mirrored, and counts the rejected ones. */
  private static final class Rejections implements SyncListener {
    private final SyncListener printer;
    private int count;

    Rejections(SyncListener printer) {
      this.printer = printer;
    }

    @Override
    public void commitProcessed(CommitOutcome outcome) {
      if (outcome.kind() == CommitOutcome.Kind.REJECTED) {
        count++;
      }
      printer.commitProcessed(outcome);
    }

    @Override
    public void forcePush(String oldHead, String newHead, Optional<String> mergeBase) {
      printer.forcePush(oldHead, newHead, mergeBase);
    }

    @Override
    public void progress(int done, int total, double perSecond) {
      printer.progress(done, total, perSecond);
    }

    @Override
    public void roleChanged(boolean leader) {
      printer.roleChanged(leader);
    }
  }
}
