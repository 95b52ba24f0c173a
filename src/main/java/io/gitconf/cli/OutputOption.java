package io.gitconf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gitconf.core.Json;
import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --output text|json} for the commands that report what they did, and where each kind of
 * line goes. In JSON mode standard output carries exactly one JSON document, written last, so a
 * script can parse it; progress lines and notes go to standard error instead. In text mode both go
 * to standard output, in the order they happen.
 *
 * <p>Not thread-safe: one instance belongs to one command invocation.
 */
final class OutputOption {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--output",
      defaultValue = "text",
      paramLabel = "FORMAT",
      description = "text or json (default: ${DEFAULT-VALUE}).")
  OutputFormat format;

  boolean json() {
    return format == OutputFormat.JSON;
  }

  /** Where the command's own result goes. */
  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  /** Where warnings and errors go: standard error. */
  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** Where progress and notes go: standard output for people, standard error under JSON. */
  PrintWriter progress() {
    return json() ? spec.commandLine().getErr() : spec.commandLine().getOut();
  }

  /** Prints the result document on standard output. */
  void print(JsonNode result) {
    PrintWriter out = out();
    out.println(Json.pretty(result));
    out.flush();
  }

  static ObjectNode object() {
    return Json.MAPPER.createObjectNode();
  }
}
