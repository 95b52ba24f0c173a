package io.gitconf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gitconf.core.ChangeRequest;
import io.gitconf.core.ConfigChange;
import io.gitconf.core.GitconfException;
import io.gitconf.core.ImportValues;
import io.gitconf.core.OverlayEditor;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
    name = "import",
    header = "Apply a file of values to an environment as one validated Git commit.",
    mixinStandardHelpOptions = true,
    description = {
      "Apply a file of values (YAML or JSON, categories at the top, as gitconf export writes it) to an",
      "environment as one validated commit: every value that differs is written into the environment's overlay.",
      "Values absent from the file are left as they are; masked secrets (****) are skipped. A file that fails",
      "validation changes nothing."
    })
final class ImportCommand implements Callable<Integer> {
  @Mixin ChangeOptions change;
  @Mixin OutputOption output;

  @Parameters(index = "0", paramLabel = "FILE", description = "YAML or JSON file to import.")
  Path file;

  @Mixin EnvironmentOption env;

  @Override
  public Integer call() throws IOException {
    SortedMap<String, JsonNode> incoming = read(file);
    ChangeRequest request = change.request();
    try (Workspace workspace = change.open()) {
      ImportValues values = ImportValues.of(env.environment, incoming, file.toString());
      ConfigChange.Result result = ConfigChange.apply(workspace.target(), request, values);
      return report(values, result);
    }
  }

  private int report(ImportValues values, ConfigChange.Result result) {
    ObjectNode json = OutputOption.object();
    json.put("environment", env.environment);
    json.put("file", file.toString());
    int skippedSecrets = values.skippedSecrets();
    json.put("skippedSecrets", skippedSecrets);
    PrintWriter out = output.progress();
    if (skippedSecrets > 0) {
      out.println(
          "Skipped "
              + ChangeReport.count(skippedSecrets, "secret")
              + " encrypted for another environment; set them with gitconf secrets encrypt --env "
              + env.environment);
      out.flush();
    }
    if (result.commit().isEmpty()) {
      return ChangeReport.unchanged(
          output,
          json.put("changed", false),
          "No change: " + env.environment + " already has every value of " + file);
    }
    int changed = values.values();
    List<String> files = result.files();
    if (output.json()) {
      json.put("changed", true).put("values", changed);
      files.forEach(json.putArray("files")::add);
      output.print(ChangeReport.committed(output, result, json));
      return ExitCodes.OK;
    }
    ChangeReport.committed(
        out,
        result,
        ChangeReport.count(changed, "value")
            + " in "
            + ChangeReport.count(files.size(), "file")
            + " of "
            + env.environment);
    return ExitCodes.OK;
  }

  /**
   * Every leaf of the file by full path. JSON is read as YAML flow syntax, so both formats get the
   * same strict reading as config files (bounded size and aliases, no duplicate keys).
   */
  private static SortedMap<String, JsonNode> read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new GitconfException.BadRequest(file + ": no such file");
    }
    try {
      return OverlayEditor.leaves(file.toString(), Files.readString(file));
    } catch (GitconfException.Parse e) {
      throw new GitconfException.ValidationFailed(file.toString(), List.of(e.problem()));
    }
  }
}
