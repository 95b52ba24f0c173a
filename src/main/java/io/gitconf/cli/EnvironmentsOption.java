package io.gitconf.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * A repeatable {@code --env}/{@code -e} for the commands that work on several environments at once
 * ({@code validate}, {@code diff}); empty when none is named.
 */
final class EnvironmentsOption {
  @Option(
      names = {"--env", "-e"},
      paramLabel = "ENV",
      description = "Environment, e.g. prod (repeatable).")
  List<String> environments = new ArrayList<>();

  boolean given() {
    return !environments.isEmpty();
  }
}
