package io.gitconf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gitconf.core.Change;
import io.gitconf.core.ChangeRequest;
import io.gitconf.core.ConfigChange;
import io.gitconf.core.ConfigPath;
import io.gitconf.core.OverlayEditor;
import io.gitconf.core.SchemaSet;
import io.gitconf.core.SecretMask;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

  @Mixin PathParameter path;

  @Parameters(
      index = "1",
      paramLabel = "VALUE",
      description = "A YAML value: 250, true, live, \"010\", [a, b].")
  String value;

  @Mixin EnvironmentOption env;

  @Override
  public Integer call() {
    ConfigPath configPath = path.parse();
    JsonNode parsed = OverlayEditor.parseValue(value);
    ChangeRequest request = change.request();
    try (Workspace workspace = change.open()) {
      ConfigChange.Result result =
          ConfigChange.apply(
              workspace.target(), request, Change.set(env.environment, configPath, parsed));
      return report(configPath, parsed, result);
    }
  }

  private int report(ConfigPath configPath, JsonNode parsed, ConfigChange.Result result) {
    String file = ConfigChange.overlayFile(env.environment, configPath.category());
    if (output.json()) {
      ObjectNode json = OutputOption.object();
      json.put("changed", result.commit().isPresent());
      json.put("path", configPath.toString());
      json.set("value", SecretMask.forDisplay(SchemaSet.none(), configPath, parsed));
      json.put("environment", env.environment);
      json.put("file", file);
      if (result.commit().isPresent()) {
        ChangeReport.committed(output, result, json);
      }
      output.print(json);
      return ExitCodes.OK;
    }
    ChangeReport.text(
        output.out(),
        result,
        configPath + " = " + Values.text(parsed) + " in " + env.environment + " (" + file + ")",
        "No change: " + configPath + " is already " + Values.text(parsed) + " in " + file);
    return ExitCodes.OK;
  }
}
