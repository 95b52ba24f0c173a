package io.gitconf.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gitconf.core.Json;
import io.gitconf.sync.Database;
import io.gitconf.sync.MirrorStatus;
import io.gitconf.sync.MirrorStore;
import io.gitconf.sync.VersionRecord;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description =
        "The mirror: active version of each environment, last synced commit, rejected commits and"
            + " force pushes.")
final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DatabaseOptions database;

  @Option(
      names = "--recent",
      defaultValue = "5",
      description =
          "How many rejected commits and force pushes to list (default: ${DEFAULT-VALUE}).")
  int recent;

  @Option(
      names = "--output",
      defaultValue = "text",
      description = "text or json (default: ${DEFAULT-VALUE}).")
  OutputFormat output;

  @Override
  public Integer call() {
    MirrorStatus status;
    java.util.Map<String, String> pins = new java.util.TreeMap<>();
    try (Database db = database.open()) {
      MirrorStore store = new MirrorStore(db.dataSource());
      status = store.status(recent);
      for (String env : store.environments()) {
        store.pinDescription(env).ifPresent(pin -> pins.put(env, pin));
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    if (output == OutputFormat.JSON) {
      ObjectNode json = json(status);
      ObjectNode pinned = json.putObject("pins");
      pins.forEach(pinned::put);
      out.println(Json.pretty(json));
    } else {
      print(out, status);
      pins.forEach(
          (env, pin) ->
              out.println("PINNED " + env + ": " + pin + " (gitconf unpin --env " + env + ")"));
    }
    out.flush();
    return ExitCodes.OK;
  }

  private static ObjectNode json(MirrorStatus status) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    ObjectNode active = root.putObject("environments");
    for (VersionRecord v : status.active()) {
      active
          .putObject(v.environment())
          .put("version", v.version())
          .put("commit", v.commitId())
          .put("author", v.authorName() + " <" + v.authorEmail() + ">")
          .put("time", v.committedAt().toString())
          .put("checksum", v.checksum().orElse(null));
    }
    ObjectNode positions = root.putObject("branches");
    for (MirrorStatus.Position p : status.positions()) {
      positions
          .putObject(p.branch())
          .put("lastCommit", p.lastCommitId())
          .put("updatedAt", p.updatedAt().toString());
    }
    var rejected = root.putArray("rejected");
    for (MirrorStatus.RejectedCommit r : status.rejected()) {
      ObjectNode row =
          rejected
              .addObject()
              .put("commit", r.commitId())
              .put("author", r.author())
              .put("time", r.committedAt().toString())
              .put("message", r.message());
      r.errors().forEach(row.putArray("errors")::add);
    }
    var pushes = root.putArray("forcePushes");
    for (MirrorStatus.ForcePush f : status.forcePushes()) {
      pushes
          .addObject()
          .put("branch", f.branch())
          .put("oldHead", f.oldHead())
          .put("newHead", f.newHead())
          .put("recordedAt", f.recordedAt().toString());
    }
    return root;
  }

  private static void print(PrintWriter out, MirrorStatus status) {
    if (status.active().isEmpty()) {
      out.println("No active versions yet (is a syncer running? gitconf sync --help)");
    }
    for (VersionRecord v : status.active()) {
      out.printf(
          "%-12s version %-4d commit %s  %s  %s <%s>  checksum %s%n",
          v.environment(),
          v.version(),
          v.commitId().substring(0, 10),
          v.committedAt(),
          v.authorName(),
          v.authorEmail(),
          v.checksum().orElse("").substring(0, 12));
    }
    for (MirrorStatus.Position p : status.positions()) {
      out.println(
          "branch "
              + p.branch()
              + ": last synced commit "
              + p.lastCommitId().substring(0, 10)
              + " at "
              + p.updatedAt());
    }
    if (!status.rejected().isEmpty()) {
      out.println("Rejected commits (newest first):");
      for (MirrorStatus.RejectedCommit r : status.rejected()) {
        out.println(
            "  "
                + r.commitId().substring(0, 10)
                + " "
                + r.author()
                + " \""
                + HistoryCommand.firstLine(r.message())
                + "\": "
                + r.errors().size()
                + (r.errors().size() == 1 ? " error" : " errors"));
        r.errors().forEach(e -> out.println("      " + e));
      }
    }
    for (MirrorStatus.ForcePush f : status.forcePushes()) {
      out.println(
          "force push on "
              + f.branch()
              + " at "
              + f.recordedAt()
              + ": "
              + f.oldHead().substring(0, 10)
              + " -> "
              + f.newHead().substring(0, 10));
    }
  }
}
