package io.gitconf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gitconf.core.ChangeRateLimit;
import io.gitconf.core.ConfigChange;
import io.gitconf.core.ConfigPath;
import io.gitconf.core.GitconfException;
import io.gitconf.core.OverlayEditor;
import io.gitconf.core.SchemaSet;
import io.gitconf.core.SecretMask;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

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
  @Mixin ChangeOptions change;
  @Mixin OutputOption output;

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
      Workspace workspace, ConfigPath configPath, JsonNode parsed, PersonIdent author) {
    ConfigChange.Result result =
        ConfigChange.set(
            workspace.git(),
            workspace.dir(),
            environment,
            configPath,
            parsed,
            author,
            change.reason,
            ChangeRateLimit.parse(rateLimit));
    if (output.json()) {
      ObjectNode json = OutputOption.object();
      json.put("changed", result.commit().isPresent());
      result.commit().ifPresent(c -> json.put("commit", c.name()));
      json.put("path", configPath.toString());
      json.set("value", SecretMask.forDisplay(SchemaSet.none(), configPath, parsed));
      json.put("environment", environment);
      json.put("file", result.file());
      if (result.commit().isPresent()) {
        workspace.publish(output.progress());
        json.put("pushed", change.pushes());
      }
      output.print(json);
      return ExitCodes.OK;
    }
    PrintWriter out = output.out();
    if (result.commit().isEmpty()) {
      out.println(
          "No change: "
              + configPath
              + " is already "
              + Values.text(parsed)
              + " in "
              + result.file());
      out.flush();
      return ExitCodes.OK;
    }
    out.println(
        "Committed "
            + result.commit().get().abbreviate(8).name()
            + ": "
            + configPath
            + " = "
            + Values.text(parsed)
            + " in "
            + environment
            + " ("
            + result.file()
            + ")");
    workspace.publish(out);
    out.flush();
    return ExitCodes.OK;
  }
}
