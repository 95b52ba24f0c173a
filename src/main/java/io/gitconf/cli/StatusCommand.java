package io.gitconf.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gitconf.core.Json;
import io.gitconf.mirror.MirrorReader;
import io.gitconf.mirror.MirrorStatus;
import io.gitconf.mirror.Pin;
import io.gitconf.mirror.VersionRecord;
import io.gitconf.sync.Database;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description =
        "The mirror: active version of each environment, last synced commit, rejected commits and"
            + " force pushes.")
final class StatusCommand implements Callable<Integer> {
  @Mixin DatabaseOptions database;

  @Option(
      names = "--recent",
      defaultValue = "5",
      description =
          "How many rejected commits and force pushes to list (default: ${DEFAULT-VALUE}).")
  int recent;

  @Mixin OutputOption output;

  @Override
  public Integer call() {
    MirrorStatus status;
    try (Database db = database.open()) {
      status = MirrorReader.of(db.dataSource()).status(recent);
    }
    PrintWriter out = output.out();
    if (output.json()) {
      out.println(Json.pretty(json(status)));
    } else {
      print(out, status);
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
    ObjectNode pins = root.putObject("pins");
    for (Pin pin : status.pins()) {
      pins.put(pin.environment(), pin.describe());
    }
    return root;
  }

  private static void print(PrintWriter out, MirrorStatus status) {
    if (status.active().isEmpty()) {
      out.println("No active versions yet (is a syncer running? gitconf sync --help)");
    }
    TextTable active = TextTable.withColumns(6);
    for (VersionRecord v : status.active()) {
      active.row(
          v.environment(),
          "version " + v.version(),
          "commit " + v.commitId().substring(0, 10),
          v.committedAt().toString(),
          v.authorName() + " <" + v.authorEmail() + ">",
          "checksum " + v.checksum().orElse("").substring(0, 12));
    }
    active.print(out);
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
    for (Pin pin : status.pins()) {
      out.println(
          "PINNED "
              + pin.environment()
              + ": "
              + pin.describe()
              + " (gitconf unpin --env "
              + pin.environment()
              + ")");
    }
  }
}
