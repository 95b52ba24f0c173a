package io.gitconf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gitconf.core.ConfigPath;
import io.gitconf.core.ConfigRepository;
import io.gitconf.core.ConfigSnapshot;
import io.gitconf.core.GitconfException;
import io.gitconf.core.Json;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "explain",
    mixinStandardHelpOptions = true,
    description =
        "Show a path's value in an environment and the file:line of every layer that set or deleted it.")
final class ExplainCommand implements Callable<Integer> {
  @Mixin RepoOptions repo;
  @Mixin EnvironmentOption env;

  @Mixin PathParameter path;

  @Mixin OutputOption output;

  @Override
  public Integer call() {
    ConfigPath configPath = path.parse();
    ConfigRepository repository = repo.load();
    ConfigSnapshot snapshot = env.snapshot(repository, output.err());
    List<ConfigSnapshot.Layer> layers = snapshot.provenance(configPath);
    java.util.Optional<JsonNode> value =
        snapshot.get(configPath).map(v -> Values.display(repository, configPath, v));
    if (layers.isEmpty() && value.isEmpty()) {
      throw new GitconfException.BadRequest(
          configPath + ": not set in environment " + snapshot.environment());
    }
    PrintWriter out = output.out();
    if (output.json()) {
      out.println(Json.pretty(json(repository, snapshot, configPath, value, layers)));
    } else {
      out.println(
          configPath
              + " in "
              + snapshot.environment()
              + " = "
              + value.map(Values::text).orElse("(not set)"));
      for (int i = 0; i < layers.size(); i++) {
        ConfigSnapshot.Layer layer = layers.get(i);
        boolean effective = i == layers.size() - 1 && value.isPresent();
        out.println(
            "  " + describe(repository, configPath, layer) + (effective ? "   <- in effect" : ""));
      }
    }
    out.flush();
    return ExitCodes.OK;
  }

  private static String describe(
      ConfigRepository repository, ConfigPath path, ConfigSnapshot.Layer layer) {
    if (layer.action() == ConfigSnapshot.Layer.Action.DELETE) {
      return layer.origin() + "  deleted (!delete)";
    }
    return layer.origin()
        + "  "
        + layer
            .value()
            .map(v -> "sets " + Values.text(Values.display(repository, path, v)).replace("\n", " "))
            .orElse("merges keys");
  }

  private static ObjectNode json(
      ConfigRepository repository,
      ConfigSnapshot snapshot,
      ConfigPath path,
      java.util.Optional<JsonNode> value,
      List<ConfigSnapshot.Layer> layers) {
    ObjectNode result = Json.MAPPER.createObjectNode();
    result.put("environment", snapshot.environment());
    result.put("path", path.toString());
    result.set("value", value.orElse(null));
    ArrayNode list = result.putArray("layers");
    for (ConfigSnapshot.Layer layer : layers) {
      ObjectNode item = list.addObject();
      item.put("file", layer.origin().file());
      item.put("line", layer.origin().line());
      item.put("action", layer.action().name().toLowerCase(java.util.Locale.ROOT));
      layer.value().ifPresent(v -> item.set("value", Values.display(repository, path, v)));
    }
    return result;
  }
}
