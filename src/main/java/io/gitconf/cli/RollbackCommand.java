package io.gitconf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gitconf.core.ConfigChange;
import io.gitconf.core.ConfigDiff;
import io.gitconf.core.ConfigPath;
import io.gitconf.core.ConfigRepository;
import io.gitconf.core.ConfigSnapshot;
import io.gitconf.core.GitconfException;
import io.gitconf.core.OverlayEditor;
import io.gitconf.core.Problem;
import io.gitconf.core.RepoTree;
import io.gitconf.mirror.VersionRecord;
import io.gitconf.sync.Database;
import io.gitconf.sync.MirrorStore;
import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import picocli.CommandLine.Command;
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

  @Option(
      names = {"--env", "-e"},
      required = true,
      paramLabel = "ENV",
      description = "Environment to roll back.")
  String environment;

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
  public Integer call() throws IOException, GitAPIException {
    if (breakGlass) {
      return breakGlass();
    }
    ConfigSnapshot target;
    VersionRecord record;
    try (Database db = database.open()) {
      MirrorStore store = new MirrorStore(db.dataSource());
      target = store.snapshot(environment, version);
      record =
          store.history(environment).stream()
              .filter(v -> v.version() == version)
              .findFirst()
              .orElseThrow();
    }
    try (Workspace workspace = change.open()) {
      return rollback(workspace, target, record);
    }
  }

  private int rollback(Workspace workspace, ConfigSnapshot target, VersionRecord record)
      throws IOException, GitAPIException {
    ConfigRepository before = ConfigRepository.load(RepoTree.directory(workspace.dir()));
    ConfigSnapshot current = before.snapshot(environment);
    ConfigDiff diff = ConfigDiff.between(current, target, before.schemas());
    PrintWriter out = output.out();
    ObjectNode json = result(diff).put("versionCommit", record.commitId());
    if (diff.isEmpty()) {
      if (output.json()) {
        output.print(json.put("committed", false));
        return ExitCodes.OK;
      }
      out.println("No change: " + environment + " already equals version " + version);
      out.flush();
      return ExitCodes.OK;
    }
    Map<String, String> edited = overlayEdits(workspace.dir(), current, target, diff);
    Map<String, byte[]> changes = new LinkedHashMap<>();
    edited.forEach((file, text) -> changes.put(file, text.getBytes(StandardCharsets.UTF_8)));
    ConfigRepository after =
        ConfigRepository.load(RepoTree.directory(workspace.dir()).with(changes));
    check(before, after, target);

    if (!output.json()) {
      out.println(
          "Rolling "
              + environment
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
    RevCommit made = commit(workspace, edited);
    if (output.json()) {
      workspace.publish(output.progress());
      output.progress().flush();
      output.print(
          json.put("committed", true).put("commit", made.name()).put("pushed", change.pushes()));
      return ExitCodes.OK;
    }
    out.println(
        "Committed "
            + made.abbreviate(8).name()
            + ": "
            + environment
            + " as of version "
            + version
            + "; the syncer activates it as a new version");
    workspace.publish(out);
    out.flush();
    return ExitCodes.OK;
  }

  private int breakGlass() {
    PrintWriter out = output.out();
    try (Database db = database.open()) {
      MirrorStore store = new MirrorStore(db.dataSource());
      ConfigSnapshot current =
          store
              .activeSnapshot(environment)
              .orElseThrow(
                  () -> new GitconfException.BadRequest(environment + " has no active version"));
      ConfigSnapshot target = store.snapshot(environment, version);
      ConfigDiff diff = ConfigDiff.between(current, target, io.gitconf.core.SchemaSet.none());
      ObjectNode json = result(diff).put("breakGlass", true);
      // The same review as a Git rollback: the on-call engineer sees what goes live before it does.
      if (!output.json()) {
        out.println(
            "Break-glass: activate version "
                + version
                + " of "
                + environment
                + " in the mirror, without Git:");
        printChanges(out, diff);
      }
      if (!approved(json, "activated", "Activate it now and pin " + environment + "? [y/N] ")) {
        return ExitCodes.USAGE;
      }
      int previous = store.breakGlass(environment, version, change.user, change.reason);
      if (output.json()) {
        output.print(
            json.put("activated", true)
                .put("previousVersion", previous)
                .put("pinned", true)
                .put("user", change.user));
        return ExitCodes.OK;
      }
      out.println(
          "BREAK-GLASS: "
              + environment
              + " version "
              + version
              + " is active (was "
              + previous
              + "), "
              + DiffCommand.summary(diff)
              + "; audited as "
              + change.user);
      out.println(
          environment
              + " is pinned: later commits are mirrored but not activated until gitconf unpin --env "
              + environment);
      out.println(
          "Git still holds the newer configuration: make the rollback a commit too, then unpin.");
    }
    out.flush();
    return ExitCodes.OK;
  }

  /** Overlay texts that make the environment resolve to the target: removals first, then values. */
  private Map<String, String> overlayEdits(
      Path repo, ConfigSnapshot current, ConfigSnapshot target, ConfigDiff diff)
      throws IOException {
    Map<String, String> edited = new LinkedHashMap<>();
    List<ConfigDiff.Change> ordered = new ArrayList<>(diff.changes());
    ordered.sort(
        Comparator.comparing((ConfigDiff.Change c) -> c.kind() != ConfigDiff.Kind.REMOVED));
    for (ConfigDiff.Change edit : ordered) {
      ConfigPath path = ConfigPath.parse(edit.path());
      String file = ConfigChange.overlayFile(environment, path.category());
      String text = edited.containsKey(file) ? edited.get(file) : readIfExists(repo.resolve(file));
      List<String> keys = path.segments().subList(1, path.depth());
      if (edit.kind() == ConfigDiff.Kind.REMOVED) {
        boolean inherited =
            current.provenance(path).stream()
                .anyMatch(
                    l ->
                        l.action() == ConfigSnapshot.Layer.Action.SET
                            && !l.origin().file().equals(file));
        text =
            inherited
                ? OverlayEditor.delete(file, text, keys)
                : OverlayEditor.remove(file, text, keys);
      } else {
        JsonNode value = target.leaves().get(edit.path());
        text = OverlayEditor.set(file, text, keys, value);
      }
      edited.put(file, text);
    }
    return edited;
  }

  /**
   * The edit must give exactly the target, pass validation, and leave every other environment as it
   * was.
   */
  private void check(ConfigRepository before, ConfigRepository after, ConfigSnapshot target) {
    List<Problem> errors = after.validate().stream().filter(Problem::isError).toList();
    if (!errors.isEmpty()) {
      throw new GitconfException.ValidationFailed(
          "rolling " + environment + " back to version " + version, errors);
    }
    if (!after.snapshot(environment).checksum().equals(target.checksum())) {
      throw new GitconfException.BadRequest(
          "cannot express version "
              + version
              + " of "
              + environment
              + " as a change of its overlays alone; "
              + "compare with gitconf diff and edit by hand");
    }
    for (String other : before.requireManifest().environmentNames()) {
      if (!other.equals(environment)
          && !before.snapshot(other).checksum().equals(after.snapshot(other).checksum())) {
        throw new GitconfException.BadRequest(
            "rolling back "
                + environment
                + " would also change "
                + other
                + " (it inherits "
                + environment
                + "); roll back with an edit that keeps "
                + other
                + " as it is");
      }
    }
  }

  private void printChanges(PrintWriter out, ConfigDiff diff) {
    out.println(environment + ": " + DiffCommand.summary(diff));
    for (ConfigDiff.Change edit : diff.changes()) {
      out.println("  " + DiffCommand.plainLine(edit));
    }
    out.flush();
  }

  /** What the rollback changes, as its JSON result starts. */
  private ObjectNode result(ConfigDiff diff) {
    ObjectNode json = OutputOption.object().put("environment", environment).put("version", version);
    json.putArray("changes").addAll(diff.changes().stream().map(OutputOption::change).toList());
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

  private RevCommit commit(Workspace workspace, Map<String, String> edited)
      throws IOException, GitAPIException {
    PersonIdent author = change.author();
    Git git = workspace.git();
    var commit =
        git.commit()
            .setAuthor(author)
            .setCommitter(author)
            .setMessage(
                change.reason + "\n\nRoll back " + environment + " to version " + version + ".")
            .setSign(false);
    for (Map.Entry<String, String> file : edited.entrySet()) {
      Path target = workspace.dir().resolve(file.getKey());
      String gitPath = workspace.gitPath(file.getKey());
      if (file.getValue().isEmpty()) {
        Files.deleteIfExists(target);
        git.rm().addFilepattern(gitPath).call();
      } else {
        Files.createDirectories(target.getParent());
        Files.writeString(target, file.getValue(), StandardCharsets.UTF_8);
        git.add().addFilepattern(gitPath).call();
      }
      commit.setOnly(gitPath);
    }
    return commit.call();
  }

  private static String readIfExists(Path path) throws IOException {
    return Files.exists(path) ? Files.readString(path) : "";
  }
}
