package io.gitconf.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gitconf.core.ConfigRepository;
import io.gitconf.core.ConfigSnapshot;
import io.gitconf.core.Json;
import io.gitconf.core.SecretMask;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "export",
    description = {
      "Print an environment's resolved configuration, categories at the top.",
      "Encrypted secrets stay encrypted; plaintext in a secret path is masked."
    })
final class ExportCommand implements Callable<Integer> {
  enum Format {
    YAML,
    JSON
  }

  @Spec CommandSpec spec;
  @Mixin RepoOptions repo;
  @Mixin EnvironmentOption env;

  @Mixin DatabaseOptions database;

  @Mixin MirrorVersionOption version;

  @Option(
      names = "--format",
      defaultValue = "yaml",
      description = "yaml or json (default: ${DEFAULT-VALUE}).")
  Format format;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (database.given() || version.given()) {
      // The mirror holds only validated values: secrets there are always ciphertext, which export
      // keeps.
      ObjectNode tree = MirrorReads.snapshot(database, env.environment, version.version).tree();
      out.print(
          format == Format.JSON ? Json.pretty(tree) + System.lineSeparator() : Json.yaml(tree));
      out.flush();
      return ExitCodes.OK;
    }
    ConfigRepository repository = repo.load();
    ConfigSnapshot snapshot = env.snapshot(repository, spec.commandLine().getErr());
    ObjectNode tree = Json.MAPPER.createObjectNode();
    for (String category : repository.requireManifest().categories().keySet()) {
      snapshot
          .category(category)
          .ifPresent(
              c ->
                  tree.set(category, SecretMask.maskTree(repository.schemas(), category, c, true)));
    }
    out.print(format == Format.JSON ? Json.pretty(tree) + System.lineSeparator() : Json.yaml(tree));
    out.flush();
    return ExitCodes.OK;
  }
}
