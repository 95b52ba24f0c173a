package io.gitconf.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gitconf.core.ChangeRequest;
import io.gitconf.core.ConfigChange;
import io.gitconf.core.ConfigDiff;
import io.gitconf.core.ConfigRepository;
import io.gitconf.core.ConfigSnapshot;
import io.gitconf.core.GitconfException;
import io.gitconf.core.RollbackPlan;
import io.gitconf.mirror.VersionRecord;
import io.gitconf.sync.Database;
import io.gitconf.sync.MirrorStore;
import java.io.Console;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "rollback",
    header = "Bring an environment back to a mirrored version: a Git commit, or --break-glass.",
    mixinStandardHelpOptions = true,
    description = {
      "Roll an environment back to a mirrored version, the GitOps way: a new commit that edits only that",
      "environment's overlays so its resolved configuration equals the version's. Shows the change and asks",
      "first (--yes to skip); refuses when another environment would change too (one that inherits it)."
    })
final class RollbackCommand implements Callable<Integer> {
  @Mixin ChangeOptions change;
  @Mixin DatabaseOptions database;
  @Mixin OutputOption output;

  @Mixin EnvironmentOption env;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "VERSION",
      description = "Mirrored version to return to.")
  int version;

  @Option(
      names = "--yes",
      description = "Commit (or, with --break-glass, activate) without asking.")
  boolean yes;

  @Option(
      names = "--break-glass",
      description = {
        "When Git cannot be used: activate the version directly in the mirror, audited with user and reason,",
        "and pin the environment (later commits are mirrored but not activated) until gitconf unpin."
      })
  boolean breakGlass;

  @Override
  public Integer call() {
    if (breakGlass) {
      return breakGlass();
    }
    ChangeRequest request = change.request();
    try (Workspace workspace = change.open()) {
      ConfigRepository head = ConfigChange.head(workspace.target());
      head.requireManifest().requireEnvironment(env.environment);
      ConfigSnapshot target;
      VersionRecord record;
      try (Database db = database.open()) {
        MirrorStore store = new MirrorStore(db.dataSource());
        target = store.snapshot(env.environment, version);
        record =
            store.history(env.environment).stream()
                .filter(v -> v.version() == version)
                .findFirst()
                .orElseThrow();
      }
      return rollback(
          workspace, request, RollbackPlan.of(head, env.environment, target, version), record);
    }
  }

  private int rollback(
      Workspace workspace, ChangeRequest request, RollbackPlan plan, VersionRecord record) {
    ConfigDiff diff = plan.diff();
    PrintWriter out = output.out();
    ObjectNode json = result(diff).put("versionCommit", record.commitId());
    if (diff.isEmpty()) {
      return ChangeReport.unchanged(
          output,
          json.put("committed", false),
          "No change: " + env.environment + " already equals version " + version);
    }
    if (!output.json()) {
      out.println(
          "Rolling "
              + env.environment
              + " back to version "
              + version
              + " (commit "
              + record.commitId().substring(0, 10)
              + ", "
              + record.authorName()
              + ": "
              + record.message().lines().findFirst().orElse("")
              + "):");
      printChanges(out, diff);
    }
    if (!approved(json, "committed", "Commit this rollback? [y/N] ")) {
      return ExitCodes.USAGE;
    }
    ConfigChange.Result made = ConfigChange.apply(workspace.target(), request, plan.change());
    if (made.commit().isEmpty()) {
      throw new GitconfException.Conflict(
          env.environment
              + " already equals version "
              + version
              + " at the clone's last commit; nothing was changed");
    }
    if (output.json()) {
      output.print(ChangeReport.committed(output, made, json.put("committed", true)));
      return ExitCodes.OK;
    }
    ChangeReport.committed(
        out,
        made,
        env.environment
            + " as of version "
            + version
            + "; the syncer activates it as a new version");
    return ExitCodes.OK;
  }

  private int breakGlass() {
    PrintWriter out = output.out();
    try (Database db = database.open()) {
      MirrorStore store = new MirrorStore(db.dataSource());
      ConfigSnapshot current =
          store
              .activeSnapshot(env.environment)
              .orElseThrow(
                  () ->
                      new GitconfException.BadRequest(env.environment + " has no active version"));
      ConfigSnapshot target = store.snapshot(env.environment, version);
      ConfigDiff diff = ConfigDiff.between(current, target, io.gitconf.core.SchemaSet.none());
      ObjectNode json = result(diff).put("breakGlass", true);
      // The same review as a Git rollback: the on-call engineer sees what goes live before it does.
      if (!output.json()) {
        out.println(
            "Break-glass: activate version "
                + version
                + " of "
                + env.environment
                + " in the mirror, without Git:");
        printChanges(out, diff);
      }
      if (!approved(json, "activated", "Activate it now and pin " + env.environment + "? [y/N] ")) {
        return ExitCodes.USAGE;
      }
      int previous =
          store.breakGlass(env.environment, version, change.author.user, change.author.reason);
      if (output.json()) {
        output.print(
            json.put("activated", true)
                .put("previousVersion", previous)
                .put("pinned", true)
                .put("user", change.author.user));
        return ExitCodes.OK;
      }
      out.println(
          "BREAK-GLASS: "
              + env.environment
              + " version "
              + version
              + " is active (was "
              + previous
              + "), "
              + DiffRenderer.summary(diff)
              + "; audited as "
              + change.author.user);
      out.println(
          env.environment
              + " is pinned: later commits are mirrored but not activated until gitconf unpin --env "
              + env.environment);
      out.println(
          "Git still holds the newer configuration: make the rollback a commit too, then unpin.");
    }
    out.flush();
    return ExitCodes.OK;
  }

  private void printChanges(PrintWriter out, ConfigDiff diff) {
    DiffRenderer.print(out, Ansi.OFF, env.environment, diff);
    out.flush();
  }

  /** What the rollback changes, as its JSON result starts. */
  private ObjectNode result(ConfigDiff diff) {
    ObjectNode json =
        OutputOption.object().put("environment", env.environment).put("version", version);
    json.set("changes", DiffRenderer.changes(diff));
    return json;
  }

  /**
   * Whether to go ahead: --yes, or the user answers y. When not, nothing changes, and under JSON
   * the result (with {@code key} false) is printed before the usage error, so standard output stays
   * one JSON document.
   */
  private boolean approved(ObjectNode json, String key, String question) {
    if (yes) {
      return true;
    }
    boolean approved;
    try {
      approved = confirmed(question);
    } catch (GitconfException e) {
      if (output.json()) {
        output.print(json.put(key, false));
      }
      throw e;
    }
    if (!approved) {
      if (output.json()) {
        output.print(json.put(key, false));
      } else {
        output.out().println("Nothing changed.");
        output.out().flush();
      }
    }
    return approved;
  }

  private boolean confirmed(String question) {
    Console console = System.console();
    if (console == null) {
      throw new GitconfException.BadRequest(
          "review the change above, then run again with --yes to "
              + (breakGlass ? "activate it" : "commit it"));
    }
    String answer = console.readLine(question);
    return answer != null && answer.strip().equalsIgnoreCase("y");
  }
}
