package io.gitconf.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gitconf.core.ConfigDiff;
import io.gitconf.core.ConfigRepository;
import io.gitconf.core.ConfigSnapshot;
import io.gitconf.core.GitTrees;
import io.gitconf.core.GitconfException;
import io.gitconf.core.Problem;
import io.gitconf.core.RepoTree;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.revwalk.filter.RevFilter;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "diff",
    header =
        "Per-path differences between environments, commits, a branch and its base, or versions.",
    mixinStandardHelpOptions = true,
    description = {
      "Show what changes, path by path, in each environment's resolved configuration:",
      "  between two environments:      gitconf diff --env dev --env prod",
      "  between two commits:           gitconf diff --from v1.4 --to HEAD",
      "  a branch against its base:     gitconf diff --base main   (what changes if this merges)",
      "Secrets show as **** (changed); values are never printed."
    })
final class DiffCommand implements Callable<Integer> {
  /** When to colour text output; auto colours a terminal and leaves pipes and files plain. */
  enum Color {
    AUTO,
    ALWAYS,
    NEVER
  }

  @Mixin RepoDirectory directory;
  @Mixin EnvironmentsOption envs;
  @Mixin DatabaseOptions database;
  @Mixin OutputOption output;

  /** Where the old side comes from: a revision, or the merge base with a branch. */
  @ArgGroup(exclusive = true)
  OldSide old;

  static final class OldSide {
    @Option(
        names = "--from",
        paramLabel = "REV",
        description = "Old side: a commit, branch or tag (with a database: a version).")
    String from;

    @Option(
        names = "--base",
        paramLabel = "BRANCH",
        description = "Compare HEAD (or --to) with its merge base with BRANCH.")
    String base;
  }

  @Option(
      names = "--to",
      paramLabel = "REV",
      description = "New side (default: the working tree; with a database: the active version).")
  String to;

  @Option(
      names = "--exit-code",
      description = "Exit 1 when there are differences, like git diff --exit-code.")
  boolean exitCode;

  @Option(
      names = "--color",
      defaultValue = "auto",
      description =
          "auto (colour on a terminal, plain when piped), always or never (default: ${DEFAULT-VALUE}).")
  Color color;

  private record Side(String label, ConfigRepository repository, String environment) {
    ConfigSnapshot snapshot() {
      return repository.snapshot(environment);
    }
  }

  @Override
  public Integer call() throws IOException {
    List<String> environments = envs.environments;
    String from = old == null ? null : old.from;
    String base = old == null ? null : old.base;
    Path repo = directory.path();
    Map<String, ConfigDiff> diffs = new LinkedHashMap<>();
    String fromLabel;
    String toLabel;
    if (database.given()) {
      // Two versions of one environment, as the mirror holds them.
      if (environments.size() != 1 || from == null || base != null) {
        throw new GitconfException.BadRequest(
            "with a database: --env E --from VERSION [--to VERSION] (default: active)");
      }
      String env = environments.get(0);
      ConfigSnapshot before = MirrorReads.snapshot(database, env, versionNumber(from));
      ConfigSnapshot after =
          MirrorReads.snapshot(database, env, to == null ? null : versionNumber(to));
      diffs.put(env, ConfigDiff.between(before, after, io.gitconf.core.SchemaSet.none()));
      print(env + " version " + from, env + " version " + (to == null ? "active" : to), diffs);
      return exitCode && !diffs.get(env).isEmpty() ? ExitCodes.INVALID : ExitCodes.OK;
    }
    if (from == null && base == null) {
      if (environments.size() != 2 || to != null) {
        throw new GitconfException.BadRequest(
            "say what to compare: --env A --env B, --from REV [--to REV], or --base BRANCH");
      }
      ConfigRepository repository = ConfigRepository.load(RepoTree.directory(repo));
      warnIfInvalid(repository);
      Side a = new Side(environments.get(0), repository, environments.get(0));
      Side b = new Side(environments.get(1), repository, environments.get(1));
      diffs.put(a.environment() + " -> " + b.environment(), diff(a, b));
      fromLabel = a.environment();
      toLabel = b.environment();
    } else {
      try (Repository git = RepoOptions.openGit(repo)) {
        String oldSide = from != null ? from : mergeBase(git, base, to == null ? "HEAD" : to);
        ConfigRepository before = ConfigRepository.load(GitTrees.commit(git, oldSide));
        String newSide = base != null && to == null ? "HEAD" : to;
        ConfigRepository after =
            newSide == null
                ? ConfigRepository.load(RepoTree.directory(repo))
                : ConfigRepository.load(GitTrees.commit(git, newSide));
        warnIfInvalid(before);
        warnIfInvalid(after);
        fromLabel = before.tree().describe();
        toLabel = after.tree().describe();
        for (String env : environmentsOf(before, after)) {
          diffs.put(env, diff(side(before, env), side(after, env)));
        }
      }
    }
    print(fromLabel, toLabel, diffs);
    boolean differs = diffs.values().stream().anyMatch(d -> !d.isEmpty());
    return exitCode && differs ? ExitCodes.INVALID : ExitCodes.OK;
  }

  private static int versionNumber(String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new GitconfException.BadRequest(
          "'" + text + "' is not a version number (with a database, --from and --to are versions)");
    }
  }

  private Set<String> environmentsOf(ConfigRepository before, ConfigRepository after) {
    List<String> environments = envs.environments;
    if (!environments.isEmpty()) {
      environments.forEach(
          env -> {
            if (!hasEnv(before, env) && !hasEnv(after, env)) {
              after.requireManifest().requireEnvironment(env);
            }
          });
      return new LinkedHashSet<>(environments);
    }
    Set<String> all = new LinkedHashSet<>(after.requireManifest().environmentNames());
    before.manifest().ifPresent(m -> all.addAll(m.environmentNames()));
    return all;
  }

  private static boolean hasEnv(ConfigRepository repository, String env) {
    return repository.manifest().map(m -> m.hasEnvironment(env)).orElse(false);
  }

  private static Optional<Side> side(ConfigRepository repository, String env) {
    return hasEnv(repository, env) ? Optional.of(new Side(env, repository, env)) : Optional.empty();
  }

  private static ConfigDiff diff(Side a, Side b) {
    return diff(Optional.of(a), Optional.of(b));
  }

  /** An environment missing on one side diffs as all-added or all-removed. */
  private static ConfigDiff diff(Optional<Side> a, Optional<Side> b) {
    ConfigRepository schemaSource = b.or(() -> a).orElseThrow().repository();
    return ConfigDiff.between(
        a.map(s -> s.snapshot().leaves()).orElse(new java.util.TreeMap<>()),
        b.map(s -> s.snapshot().leaves()).orElse(new java.util.TreeMap<>()),
        schemaSource.schemas());
  }

  private void print(String fromLabel, String toLabel, Map<String, ConfigDiff> diffs) {
    if (output.json()) {
      ObjectNode result = OutputOption.object().put("from", fromLabel).put("to", toLabel);
      ObjectNode environments = result.putObject("environments");
      diffs.forEach((env, diff) -> environments.set(env, DiffRenderer.changes(diff)));
      output.print(result);
      return;
    }
    Ansi ansi =
        switch (color) {
          case ALWAYS -> Ansi.ON;
          case NEVER -> Ansi.OFF;
          case AUTO -> Ansi.AUTO;
        };
    PrintWriter out = output.out();
    out.println("--- " + fromLabel);
    out.println("+++ " + toLabel);
    diffs.forEach((env, diff) -> DiffRenderer.print(out, ansi, env, diff));
    out.flush();
  }

  private void warnIfInvalid(ConfigRepository repository) {
    long errors = repository.validate().stream().filter(Problem::isError).count();
    if (errors > 0) {
      PrintWriter err = output.err();
      err.println(
          "warning: " + repository.tree().describe() + " has " + errors + " validation errors");
      err.flush();
    }
  }

  private static String mergeBase(Repository git, String base, String head) throws IOException {
    ObjectId baseId = resolve(git, base);
    ObjectId headId = resolve(git, head);
    try (RevWalk walk = new RevWalk(git)) {
      walk.setRevFilter(RevFilter.MERGE_BASE);
      walk.markStart(walk.parseCommit(baseId));
      walk.markStart(walk.parseCommit(headId));
      RevCommit mergeBase = walk.next();
      if (mergeBase == null) {
        throw new GitconfException.BadRequest(base + " and " + head + " have no common history");
      }
      return mergeBase.name();
    }
  }

  private static ObjectId resolve(Repository git, String revision) throws IOException {
    ObjectId id = git.resolve(revision + "^{commit}");
    if (id == null) {
      throw new GitconfException.BadRequest("no commit '" + revision + "'");
    }
    return id;
  }
}
