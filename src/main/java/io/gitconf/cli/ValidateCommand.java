package io.gitconf.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gitconf.core.ConfigRepository;
import io.gitconf.core.Json;
import io.gitconf.core.Problem;
import io.gitconf.core.crypto.EncryptionKeys;
import io.gitconf.core.crypto.SecretRules;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "Validate a config repository: YAML, layout, overlays, JSON Schemas and cross-field rules.",
      "Reports every problem as file:line: path: message (rule), then a summary. A valid repository's",
      "report (warnings, ok) goes to standard output; a failing one's (errors, warnings, summary) to",
      "standard error, with exit 1.",
      "With GITCONF_MASTER_KEY or GITCONF_KEY_<SCOPE> set, encrypted values are also proven to decrypt.",
      "When keys are set but some scope has none, a note on standard error counts that scope's values",
      "not proven to decrypt; --verbose prints those notes also when no key is set at all."
    })
final class ValidateCommand implements Callable<Integer> {
  @Mixin RepoOptions repo;

  @Mixin EnvironmentsOption environments;

  @Mixin OutputOption output;

  @Mixin VerboseOption verbose;

  @Override
  public Integer call() {
    ConfigRepository repository = repo.load();
    verbose.apply();
    environments.environments.forEach(env -> repository.requireManifest().requireEnvironment(env));
    List<String> selected =
        environments.given()
            ? environments.environments
            : repository.manifest().map(m -> m.environmentNames()).orElse(List.of());
    // With keys in the environment, every secret they can open is also proven to decrypt.
    EncryptionKeys keys = Keys.fromEnvironment();
    List<Problem> problems = repository.validate(selected, keys);
    Map<String, Integer> unproven =
        SecretRules.unproven(selected.stream().map(repository::snapshot).toList(), keys);
    long errors = problems.stream().filter(Problem::isError).count();
    PrintWriter out = output.out();
    PrintWriter err = output.err();
    if (output.json()) {
      out.println(Json.pretty(report(repository, problems, errors, unproven)));
    } else {
      // One report on one stream, in reading order: what passes on stdout, what fails on stderr.
      PrintWriter report = errors == 0 ? out : err;
      problems.forEach(report::println);
      report.println(summary(repository, errors, problems.size() - errors));
    }
    out.flush();
    if (verbose.verbose || !keys.isEmpty()) {
      noteUnproven(unproven);
    }
    err.flush();
    return errors == 0 ? ExitCodes.OK : ExitCodes.INVALID;
  }

  private static String summary(ConfigRepository repository, long errors, long warnings) {
    String where = repository.tree().describe();
    String warned = warnings == 0 ? "" : warnings + (warnings == 1 ? " warning" : " warnings");
    if (errors == 0) {
      return "ok: " + where + " is valid" + (warned.isEmpty() ? "" : " (" + warned + ")");
    }
    return where
        + ": "
        + errors
        + (errors == 1 ? " error" : " errors")
        + (warned.isEmpty() ? "" : ", " + warned);
  }

  /**
   * "valid" must not read as "the secrets open" to someone who set keys: one line per scope whose
   * encrypted values no key could try, on stderr so that stdout stays the report (and JSON stays
   * parseable). Without any key, validation plainly checks the form of secrets only, and the notes
   * would repeat that on every run and every hooked commit; {@code --verbose} prints them anyway.
   */
  private void noteUnproven(Map<String, Integer> unproven) {
    PrintWriter err = output.err();
    unproven.forEach(
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
  }

  static ObjectNode report(
      ConfigRepository repository,
      List<Problem> problems,
      long errors,
      Map<String, Integer> unproven) {
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
    // Encrypted values by scope that no key could prove to decrypt, as the notes count them.
    ObjectNode notProven = report.putObject("unproven");
    unproven.forEach(notProven::put);
    return report;
  }
}
