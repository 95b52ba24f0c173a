package io.gitconf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gitconf.core.ConfigPath;
import io.gitconf.core.ConfigRepository;
import io.gitconf.core.ConfigSnapshot;
import io.gitconf.core.GitconfException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "get",
    description = "Print the resolved value of a path in an environment. Secrets print as ****.")
final class GetCommand implements Callable<Integer> {
  @Mixin RepoOptions repo;
  @Mixin EnvironmentOption env;

  @Mixin PathParameter path;

  @Mixin DatabaseOptions database;
  @Mixin ServerOptions server;

  @Mixin MirrorVersionOption version;

  @Option(
      names = "--reveal",
      description =
          "Print a secret's plaintext (needs its key in the environment). Without it: ****.")
  boolean reveal;

  @Mixin OutputOption output;

  @Override
  public Integer call() {
    ConfigPath configPath = path.parse();
    JsonNode value;
    String environment;
    if (server.given()) {
      if (version.given()) {
        throw new GitconfException.BadRequest(
            "--version reads the mirror (--db or --embedded-postgres), not a relay");
      }
      environment = env.environment;
      value = RelayReads.value(server, environment, configPath, reveal);
    } else if (database.given() || version.given()) {
      ConfigSnapshot snapshot = MirrorReads.snapshot(database, env.environment, version.version);
      environment = snapshot.environment();
      value = Values.fromMirror(snapshot, configPath, require(snapshot, configPath), reveal);
    } else {
      ConfigRepository repository = repo.load();
      ConfigSnapshot snapshot = env.snapshot(repository, output.err());
      environment = snapshot.environment();
      value =
          reveal
              ? Values.reveal(repository, snapshot, configPath, require(snapshot, configPath))
              : Values.display(repository, configPath, require(snapshot, configPath));
    }
    if (output.json()) {
      ObjectNode result = OutputOption.object().put("environment", environment);
      if (version.given()) {
        result.put("version", version.version);
      }
      result.put("path", configPath.toString());
      result.set("value", value);
      output.print(result);
    } else {
      output.out().println(Values.text(value));
      output.out().flush();
    }
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
