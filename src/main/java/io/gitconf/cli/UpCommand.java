package io.gitconf.cli;

import io.gitconf.core.GitconfException;
import io.gitconf.mirror.MirrorReader;
import io.gitconf.mirror.VersionRecord;
import io.gitconf.serve.Relay;
import io.gitconf.serve.Tokens;
import io.gitconf.sync.Database;
import io.gitconf.sync.MirrorStore;
import io.gitconf.sync.SyncSettings;
import io.gitconf.sync.Syncer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "up",
    header = "Quick start: the syncer on an embedded PostgreSQL over a demo config repository.",
    mixinStandardHelpOptions = true,
    description = {
      "Quick start: an embedded PostgreSQL (data in DIR/pg), a demo config repository",
      "(DIR/demo-repo, made from the template on first run) and the syncer in the foreground.",
      "Running it again reuses both. Stop with Ctrl-C."
    })
final class UpCommand implements Callable<Integer> {
  static final String BRANCH = "main";
  static final String DEMO_TOKEN = "demo";

  @Spec CommandSpec spec;

  @Option(
      names = "--dir",
      defaultValue = ".gitconf",
      description = "Folder for the database and the demo repository (default: ${DEFAULT-VALUE}).")
  Path dir;

  @Option(names = "--once", description = "Mirror what is there, print it, and exit.")
  boolean once;

  @Mixin SyncerOptions options;

  @Option(
      names = "--relay-port",
      defaultValue = "0",
      paramLabel = "PORT",
      description = "Port of the relay (gitconf serve) beside the syncer; 0 for any free one.")
  int relayPort;

  @Override
  public Integer call() throws InterruptedException {
    Duration poll = options.apply(Duration.ofSeconds(1));
    PrintWriter out = spec.commandLine().getOut();
    Path repo = dir.resolve("demo-repo");
    Path data = dir.resolve("pg");
    boolean created = createDemoRepo(repo);
    out.println(
        (created ? "Created the demo config repository " : "Using the config repository ") + repo);
    out.println("Starting PostgreSQL (embedded, data in " + data + ") ...");
    out.flush();
    try (SyncService service = new SyncService()) {
      Database db = service.own(Database.embedded(data));
      out.println("PostgreSQL ready: " + db.describe());
      String jdbcUrl = jdbcUrl(db);
      out.println("Mirror database: " + jdbcUrl);
      out.flush();
      SyncSettings settings =
          SyncService.settings(repo.toString(), BRANCH, poll, dir.resolve("git-cache"));
      Syncer syncer = service.own(new Syncer(db, settings, new OutcomePrinter(out)));
      int processed = syncer.syncOnce();
      out.println(
          processed == 0
              ? "Mirror is up to date."
              : "Mirrored " + processed + (processed == 1 ? " commit." : " commits."));
      printActive(out, syncer.store());
      if (once) {
        out.flush();
        return ExitCodes.OK;
      }
      service.metrics(options.metricsPort, syncer, poll, out);
      startRelay(service, db, out);
      out.println();
      out.println("Try a change:");
      out.println("  edit " + repo.resolve("environments/dev/risk.yaml"));
      out.println("  git -C " + repo + " commit -am 'Lower the dev position limit'");
      out.println("and watch the new version appear here. Ctrl-C stops.");
      out.println(
          "Read the mirror meanwhile: gitconf history --embedded-postgres " + data + " --env dev");
      out.println(
          "See what a client sees: gitconf watch --embedded-postgres " + data + " --env dev");
      out.println("Point a client, gitconf --db or psql at the mirror (this run's port):");
      out.println("  " + jdbcUrl);
      out.println("  psql '" + jdbcUrl.substring("jdbc:".length()) + "'");
      out.flush();
      syncer.start();
      service.runUntilStopped();
    }
    return ExitCodes.OK;
  }

  /**
   * A relay on loopback beside the syncer, with a token file of its own in which a new demo token
   * for every environment replaces the last run's; the token is printed this once.
   */
  private void startRelay(SyncService service, Database db, PrintWriter out) {
    Path tokenFile = dir.resolve("relay-tokens.json");
    Tokens tokens = Tokens.read(tokenFile);
    if (tokens.grants().stream().anyMatch(g -> g.name().equals(DEMO_TOKEN))) {
      tokens = tokens.without(DEMO_TOKEN);
    }
    Tokens.Created demo =
        tokens.create(
            DEMO_TOKEN,
            new TreeSet<>(MirrorReader.of(db.dataSource()).environments()),
            Instant.now());
    tokens.with(demo).write(tokenFile);
    Relay relay = service.relay(db, Relay.Options.loopback(relayPort).withTokens(tokenFile));
    out.println("Relay: " + relay.url() + " (gitconf serve; tokens in " + tokenFile + ")");
    out.println("Relay token for the demo (shown once): " + demo.token());
    out.println(
        "Watch through the relay: GITCONF_TOKEN=<the token above> gitconf watch --server "
            + relay.url()
            + " --env dev");
  }

  /**
   * The URL the pool connects with, as the driver reports it: the embedded server's port changes
   * from run to run, and a developer needs it to point anything else at the mirror.
   */
  private static String jdbcUrl(Database db) {
    try (Connection connection = db.dataSource().getConnection()) {
      return connection.getMetaData().getURL();
    } catch (SQLException e) {
      throw new GitconfException.Unavailable(
          "cannot read the URL of the embedded PostgreSQL: " + e.getMessage(), e);
    }
  }

  private static void printActive(PrintWriter out, MirrorStore store) {
    for (String env : store.environments()) {
      store
          .activeVersion(env)
          .ifPresentOrElse(
              v -> out.println("  " + env + ": " + describe(v)),
              () -> out.println("  " + env + ": no valid version yet"));
    }
  }

  private static String describe(VersionRecord v) {
    return "version "
        + v.version()
        + " active, "
        + v.itemCount()
        + " values, commit "
        + v.commitId().substring(0, 10)
        + " by "
        + v.authorName()
        + ", checksum "
        + v.checksum().orElse("").substring(0, 8);
  }

  /** Makes the demo repository from the template unless it exists; true when it was made. */
  private static boolean createDemoRepo(Path repo) {
    if (Files.isDirectory(repo.resolve(".git"))) {
      return false;
    }
    try {
      Files.createDirectories(repo);
      Templates.copy(Templates.DEFAULT, repo);
      PersonIdent ident = new PersonIdent("gitconf", "gitconf@localhost");
      try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch(BRANCH).call()) {
        git.add().addFilepattern(".").call();
        git.commit()
            .setAuthor(ident)
            .setCommitter(ident)
            .setMessage("Initial configuration from the " + Templates.DEFAULT + " template")
            .setSign(false)
            .call();
      }
      return true;
    } catch (java.io.IOException | GitAPIException e) {
      throw new GitconfException.Unavailable(
          "cannot create the demo repository " + repo + ": " + e.getMessage(), e);
    }
  }
}
