package io.gitconf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gitconf.core.ConfigPath;
import io.gitconf.core.ConfigRepository;
import io.gitconf.core.ConfigSnapshot;
import io.gitconf.core.GitconfException;
import io.gitconf.core.Json;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "get",
    description = "Print the resolved value of a path in an environment. Secrets print as ****.")
final class GetCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin RepoOptions repo;
  @Mixin EnvironmentOption env;

  @Parameters(
      index = "0",
      paramLabel = "PATH",
      description = "Configuration path, e.g. risk.parameters.maxPositionSizeUsd")
  String path;

  @Mixin DatabaseOptions database;
  @Mixin ServerOptions server;

  // Not mixinStandardHelpOptions: its -V/--version would clash with --version N (a mirrored
  // version), and picocli then drops --help along with it.
  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help message and exit.")
  boolean help;

  @Option(
      names = "--version",
      paramLabel = "N",
      description =
          "Read version N of the environment from the mirror (--db or --embedded-postgres).")
  Integer version;

  @Option(
      names = "--reveal",
      description =
          "Print a secret's plaintext (needs its key in the environment). Without it: ****.")
  boolean reveal;

  @Option(
      names = "--output",
      defaultValue = "text",
      description = "text or json (default: ${DEFAULT-VALUE}).")
  OutputFormat output;

  @Override
  public Integer call() {
    ConfigPath configPath = ConfigPath.parse(path);
    JsonNode value;
    String environment;
    if (server.given()) {
      if (version != null) {
        throw new GitconfException.BadRequest(
            "--version reads the mirror (--db or --embedded-postgres), not a relay");
      }
      environment = env.environment;
      value = RelayReads.value(server, environment, configPath, reveal);
    } else if (database.given() || version != null) {
      ConfigSnapshot snapshot = MirrorReads.snapshot(database, env.environment, version);
      environment = snapshot.environment();
      value = Values.fromMirror(snapshot, configPath, require(snapshot, configPath), reveal);
    } else {
      ConfigRepository repository = repo.load();
      ConfigSnapshot snapshot = env.snapshot(repository, spec.commandLine().getErr());
      environment = snapshot.environment();
      value =
          reveal
              ? Values.reveal(repository, snapshot, configPath, require(snapshot, configPath))
              : Values.display(repository, configPath, require(snapshot, configPath));
    }
    PrintWriter out = spec.commandLine().getOut();
    if (output == OutputFormat.JSON) {
      ObjectNode result = Json.MAPPER.createObjectNode();
      result.put("environment", environment);
      if (version != null) {
        result.put("version", version);
      }
      result.put("path", configPath.toString());
      result.set("value", value);
      out.println(Json.pretty(result));
    } else {
      out.println(Values.text(value));
    }
    out.flush();
    return ExitCodes.OK;
  }

  static JsonNode require(ConfigSnapshot snapshot, ConfigPath path) {
    return snapshot
        .get(path)
        .orElseThrow(
            () ->
                new GitconfException.BadRequest(
                    path + ": not set in environment " + snapshot.environment()));
  }
}
