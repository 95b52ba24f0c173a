package io.gitconf.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gitconf.core.ConfigRepository;
import io.gitconf.core.ConfigSnapshot;
import io.gitconf.core.Json;
import io.gitconf.core.Problem;
import io.gitconf.core.crypto.EncryptionKeys;
import io.gitconf.core.crypto.SecretRules;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "Validate a config repository: YAML, layout, overlays, JSON Schemas and cross-field rules.",
      "Reports every problem as file:line: path: message (rule). Exit 1 when there is an error.",
      "With GITCONF_MASTER_KEY or GITCONF_KEY_<SCOPE> set, encrypted values are also proven to decrypt;",
      "a note on standard error counts those of each scope that no key could open."
    })
final class ValidateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin RepoOptions repo;

  @Option(
      names = "--env",
      paramLabel = "ENV",
      description = "Validate only these environments (repeatable).")
  List<String> environments;

  @Option(
      names = "--output",
      defaultValue = "text",
      description = "text or json (default: ${DEFAULT-VALUE}).")
  OutputFormat output;

  @Override
  public Integer call() {
    ConfigRepository repository = repo.load();
    List<String> envs = environments;
    if (envs != null) {
      envs.forEach(env -> repository.requireManifest().requireEnvironment(env));
    }
    List<String> selected =
        envs != null
            ? envs
            : repository.manifest().map(m -> m.environmentNames()).orElse(List.of());
    // With keys in the environment, every secret they can open is also proven to decrypt.
    EncryptionKeys keys = Keys.fromEnvironment();
    List<Problem> problems = repository.validate(selected, keys);
    long errors = problems.stream().filter(Problem::isError).count();
    PrintWriter out = spec.commandLine().getOut();
    if (output == OutputFormat.JSON) {
      out.println(Json.pretty(report(repository, problems, errors)));
    } else {
      PrintWriter err = spec.commandLine().getErr();
      problems.forEach(p -> (p.isError() ? err : out).println(p));
      err.flush();
      long warnings = problems.size() - errors;
      out.println(
          errors == 0
              ? "ok: "
                  + repository.tree().describe()
                  + " is valid"
                  + (warnings > 0 ? " (" + warnings + " warnings)" : "")
              : repository.tree().describe()
                  + ": "
                  + errors
                  + (errors == 1 ? " error" : " errors")
                  + (warnings > 0 ? ", " + warnings + " warnings" : ""));
    }
    noteUnproven(repository, selected, keys);
    out.flush();
    return errors == 0 ? ExitCodes.OK : ExitCodes.INVALID;
  }

  /**
   * "valid" must not read as "the secrets open": one line per scope whose encrypted values no key
   * could try, on stderr so that stdout stays the report (and JSON stays parseable).
   */
  private void noteUnproven(
      ConfigRepository repository, List<String> environments, EncryptionKeys keys) {
    PrintWriter err = spec.commandLine().getErr();
    List<ConfigSnapshot> snapshots = environments.stream().map(repository::snapshot).toList();
    SecretRules.unproven(snapshots, keys)
        .forEach(
            (scope, count) ->
                err.println(
                    "note: "
                        + count
                        + (count == 1 ? " encrypted value" : " encrypted values")
                        + " in scope "
                        + scope
                        + " not proven to decrypt (no "
                        + SecretRules.keyVariables(scope)
                        + ")"));
    err.flush();
  }

  static ObjectNode report(ConfigRepository repository, List<Problem> problems, long errors) {
    ObjectNode report = Json.MAPPER.createObjectNode();
    report.put("source", repository.tree().describe());
    report.put("valid", errors == 0);
    ArrayNode list = report.putArray("problems");
    for (Problem problem : problems) {
      ObjectNode item = list.addObject();
      item.put("severity", problem.severity().name().toLowerCase(java.util.Locale.ROOT));
      problem.origin().ifPresent(o -> item.put("file", o.file()).put("line", o.line()));
      item.put("path", problem.path());
      item.put("message", problem.message());
      item.put("rule", problem.rule());
    }
    return report;
  }
}
