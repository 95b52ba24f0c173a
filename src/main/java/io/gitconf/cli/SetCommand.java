package io.gitconf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.gitconf.core.ChangeRateLimit;
import io.gitconf.core.ConfigPath;
import io.gitconf.core.ConfigRepository;
import io.gitconf.core.GitconfException;
import io.gitconf.core.OverlayEditor;
import io.gitconf.core.Problem;
import io.gitconf.core.RepoTree;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "set",
    header = "Change one value as a validated Git commit (rate-limited per user).",
    mixinStandardHelpOptions = true,
    description = {
      "Change one value as a Git commit: the overlay of the environment is edited (comments and layout kept),",
      "the whole repository is validated with the change, and only then is it committed, with the user as",
      "author and the reason as message. Secrets are set with gitconf secrets encrypt."
    })
final class SetCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ChangeOptions change;

  @Parameters(
      index = "0",
      paramLabel = "PATH",
      description = "e.g. risk.parameters.maxPositionSizeUsd")
  String path;

  @Parameters(
      index = "1",
      paramLabel = "VALUE",
      description = "A YAML value: 250, true, live, \"010\", [a, b].")
  String value;

  @Option(
      names = {"--env", "-e"},
      required = true,
      paramLabel = "ENV",
      description = "Environment, or base.")
  String environment;

  @Option(
      names = "--rate-limit",
      defaultValue = "10/min",
      paramLabel = "N/UNIT",
      description =
          "Changes one user may make (default: ${DEFAULT-VALUE}); counted from Git history.")
  String rateLimit;

  @Override
  public Integer call() throws IOException, GitAPIException {
    ConfigPath configPath = ConfigPath.parse(path);
    JsonNode parsed = OverlayEditor.parseValue(value);
    if (change.reason.isBlank()) {
      throw new GitconfException.BadRequest("--reason must say why the value changes");
    }
    PersonIdent author = change.author();
    try (Workspace workspace = change.open()) {
      return change(workspace, configPath, parsed, author);
    }
  }

  private int change(
      Workspace workspace, ConfigPath configPath, JsonNode parsed, PersonIdent author)
      throws IOException, GitAPIException {
    ConfigRepository before = ConfigRepository.load(RepoTree.directory(workspace.dir()));
    if (!environment.equals("base")) {
      before.requireManifest().requireEnvironment(environment);
    }
    if (!before.requireManifest().categories().containsKey(configPath.category())) {
      throw new GitconfException.BadRequest(
          "unknown category '"
              + configPath.category()
              + "' (gitconf.yaml declares: "
              + String.join(", ", before.requireManifest().categories().keySet())
              + ")");
    }
    if (before.schemas().isSecret(configPath)) {
      throw new GitconfException.BadRequest(
          configPath
              + " is a secret: set it with gitconf secrets encrypt (the value is read from standard input)");
    }
    Git git = workspace.git();
    checkRateLimit(git, author);
    String file =
        (environment.equals("base") ? "base/" : "environments/" + environment + "/")
            + configPath.category()
            + ".yaml";
    Path target = workspace.dir().resolve(file);
    String text = Files.exists(target) ? Files.readString(target) : "";
    String edited =
        OverlayEditor.set(file, text, configPath.segments().subList(1, configPath.depth()), parsed);
    PrintWriter out = spec.commandLine().getOut();
    if (edited.equals(text)) {
      out.println(
          "No change: " + configPath + " is already " + Values.text(parsed) + " in " + file);
      out.flush();
      return ExitCodes.OK;
    }
    ConfigRepository after =
        ConfigRepository.load(
            RepoTree.directory(workspace.dir())
                .with(Map.of(file, edited.getBytes(StandardCharsets.UTF_8))));
    List<Problem> errors = after.validate().stream().filter(Problem::isError).toList();
    if (!errors.isEmpty()) {
      throw new GitconfException.ValidationFailed(
          configPath + " = " + Values.text(parsed) + " in " + environment, errors);
    }
    Files.createDirectories(target.getParent());
    Files.writeString(target, edited, StandardCharsets.UTF_8);
    String gitPath = workspace.gitPath(file);
    git.add().addFilepattern(gitPath).call();
    RevCommit commit =
        git.commit()
            .setOnly(gitPath)
            .setAuthor(author)
            .setCommitter(author)
            .setMessage(change.reason)
            .setSign(false)
            .call();
    out.println(
        "Committed "
            + commit.abbreviate(8).name()
            + ": "
            + configPath
            + " = "
            + Values.text(parsed)
            + " in "
            + environment
            + " ("
            + file
            + ")");
    workspace.publish(out);
    out.flush();
    return ExitCodes.OK;
  }

  private void checkRateLimit(Git git, PersonIdent author) throws IOException, GitAPIException {
    ChangeRateLimit limit = ChangeRateLimit.parse(rateLimit);
    Instant now = Instant.now();
    List<Instant> recent = new ArrayList<>();
    if (git.getRepository().resolve("HEAD") != null) {
      for (RevCommit commit : git.log().setMaxCount(500).call()) {
        Instant when = commit.getAuthorIdent().getWhenAsInstant();
        if (when.isBefore(now.minus(limit.window()))) {
          break;
        }
        if (commit.getAuthorIdent().getName().equals(author.getName())) {
          recent.add(when);
        }
      }
    }
    Optional<Duration> retry = limit.retryAfter(recent, now);
    if (retry.isPresent()) {
      throw new GitconfException.BadRequest(
          author.getName()
              + " made "
              + recent.size()
              + " changes in the last "
              + limit.window().toSeconds()
              + " s (limit "
              + rateLimit
              + "); retry in "
              + retry.get().toSeconds()
              + " s");
    }
  }
}
