package io.gitconf.cli;

import io.gitconf.sync.Database;
import io.gitconf.sync.SyncSettings;
import io.gitconf.sync.Syncer;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "sync",
    mixinStandardHelpOptions = true,
    description = {
      "Run the syncer: follow a branch, validate each new commit and mirror it into PostgreSQL.",
      "Runs until stopped. Several syncers may share a database; one leads, the others stand by.",
      "Git credentials for a remote come from $GITCONF_GIT_USERNAME and $GITCONF_GIT_PASSWORD"
          + " (a token works as the password); the webhook secret from $GITCONF_WEBHOOK_SECRET."
    })
final class SyncCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin DatabaseOptions database;
  @Mixin SyncerOptions options;
  @Mixin GitSourceOptions source;

  @Option(
      names = "--webhook-port",
      paramLabel = "PORT",
      description = "Also accept push webhooks (POST /webhook, HMAC-SHA256 signed).")
  Integer webhookPort;

  @Override
  public Integer call() throws InterruptedException {
    Duration poll = options.apply(Duration.ofSeconds(2));
    PrintWriter out = spec.commandLine().getOut();
    try (SyncService service = new SyncService()) {
      Database db = service.own(database.open());
      SyncSettings settings =
          SyncService.settings(source.repo, source.branch, poll, source.cacheDir);
      Syncer syncer = service.own(new Syncer(db, settings, new OutcomePrinter(out)));
      out.println(
          "gitconf sync: "
              + settings.redactedSource()
              + " ("
              + source.branch
              + ") -> "
              + db.describe());
      service.metrics(options.metricsPort, syncer, poll, out);
      service.webhook(webhookPort, syncer, out);
      out.flush();
      syncer.start();
      service.runUntilStopped();
    }
    return ExitCodes.OK;
  }
}
