package io.gitconf.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gitconf.core.ConfigPath;
import io.gitconf.core.Json;
import io.gitconf.mirror.AuditRecord;
import io.gitconf.mirror.MirrorReader;
import io.gitconf.mirror.ReleaseEvent;
import io.gitconf.mirror.ReleaseReader;
import io.gitconf.mirror.VersionRecord;
import io.gitconf.sync.Database;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "history",
    mixinStandardHelpOptions = true,
    description = {
      "Versions of an environment in the mirror, newest first: version, commit, author, time,"
          + " message, status",
      "(candidate, held and rolled_back versions with their release events and causes).",
      "With --path: the value of one path over time, newest first (secrets print as ****)."
    })
final class HistoryCommand implements Callable<Integer> {
  @Mixin DatabaseOptions database;

  @Mixin EnvironmentOption env;

  @Option(names = "--path", paramLabel = "PATH", description = "Show one path's values.")
  String path;

  @Mixin OutputOption output;

  @Override
  public Integer call() {
    if (path != null) {
      ConfigPath.parse(path);
    }
    try (Database db = database.open()) {
      MirrorReader mirror = MirrorReader.of(db.dataSource());
      env.requireMirrored(mirror);
      PrintWriter out = output.out();
      if (path == null) {
        List<ReleaseEvent> events =
            ReleaseReader.of(db.dataSource()).events(env.environment, RELEASE_EVENTS);
        printVersions(out, mirror.history(env.environment), events);
      } else {
        printPath(out, mirror.pathHistory(env.environment, path));
      }
      out.flush();
    }
    return ExitCodes.OK;
  }

  /** The release events history shows with the versions, newest first. */
  private static final int RELEASE_EVENTS = 1000;

  private void printVersions(
      PrintWriter out, List<VersionRecord> versions, List<ReleaseEvent> events) {
    if (output.json()) {
      ArrayNode rows = Json.MAPPER.createArrayNode();
      for (VersionRecord v : versions) {
        ObjectNode row = rows.addObject();
        row.put("version", v.version());
        row.put("status", v.status().sql());
        row.put("commit", v.commitId());
        row.put("author", v.authorName() + " <" + v.authorEmail() + ">");
        row.put("time", v.committedAt().toString());
        row.put("message", v.message());
        row.put("checksum", v.checksum().orElse(null));
        row.put("changedPaths", v.changedPaths());
        v.errors().forEach(row.putArray("errors")::add);
        ArrayNode release = row.putArray("release");
        releaseOf(events, v.version()).forEach(e -> release.add(ReleaseCommand.event(e)));
      }
      out.println(Json.pretty(rows));
      return;
    }
    TextTable table =
        TextTable.withHeader("VERSION", "STATUS", "COMMIT", "TIME", "AUTHOR", "MESSAGE");
    for (VersionRecord v : versions) {
      table.row(
          Integer.toString(v.version()),
          v.status().sql(),
          v.commitId().substring(0, 10),
          v.committedAt().toString(),
          v.authorName() + " <" + v.authorEmail() + ">",
          firstLine(v.message()));
      v.errors().forEach(error -> table.note("        " + error));
      releaseOf(events, v.version()).forEach(e -> table.note("        " + ReleaseCommand.line(e)));
    }
    table.print(out);
  }

  private void printPath(PrintWriter out, List<AuditRecord> changes) {
    if (output.json()) {
      ArrayNode rows = Json.MAPPER.createArrayNode();
      for (AuditRecord a : changes) {
        ObjectNode row = rows.addObject();
        row.put("version", a.version());
        row.put("action", a.action().sql());
        row.set("value", a.newValue().map(v -> Json.parse("audit", v)).orElse(null));
        row.put("commit", a.commitId());
        row.put("author", a.changedBy());
        row.put("time", a.changedAt().toString());
        row.put("message", a.reason());
      }
      out.println(Json.pretty(rows));
      return;
    }
    if (changes.isEmpty()) {
      out.println(path + ": never set in " + env.environment);
      return;
    }
    TextTable table =
        TextTable.withHeader("VERSION", "ACTION", "VALUE", "COMMIT", "TIME", "AUTHOR", "MESSAGE");
    for (AuditRecord a : changes) {
      table.row(
          Integer.toString(a.version()),
          a.action().sql(),
          a.newValue().orElse("-"),
          a.commitId().substring(0, 10),
          a.changedAt().toString(),
          a.changedBy(),
          firstLine(a.reason()));
    }
    table.print(out);
  }

  /** The release events of one version, oldest first. */
  private static List<ReleaseEvent> releaseOf(List<ReleaseEvent> events, int version) {
    List<ReleaseEvent> of = new ArrayList<>();
    for (ReleaseEvent e : events) {
      if (e.version() == version) {
        of.add(0, e);
      }
    }
    return of;
  }

  static String firstLine(String message) {
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
