package io.gitconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command answers {@code --help} with its usage and exit code 0, as the design promises. */
class HelpTest {

  @Test
  void everyCommandAnswersHelpWithItsUsageAndExitZero() {
    List<List<String>> commands = new ArrayList<>();
    collect(Main.commandLine(), new ArrayList<>(), commands);
    assertThat(commands).hasSizeGreaterThan(20);
    for (List<String> command : commands) {
      List<String> args = new ArrayList<>(command);
      args.add("--help");
      Cli.Result result = Cli.run(args.toArray(String[]::new));
      String name = String.join(" ", command);
      assertThat(result.exitCode()).as("gitconf %s --help: %s", name, result.all()).isZero();
      assertThat(result.err()).as("gitconf %s --help", name).isEmpty();
      assertThat(result.out())
          .as("gitconf %s --help", name)
          .contains("Usage: gitconf " + name + " ");
    }
  }

  @Test
  void optionsOfTheRevisionGroupAreListedOnce() {
    for (String command : List.of("validate", "get", "explain", "export")) {
      String help = Cli.run(command, "--help").out();
      assertThat(help.lines().filter(l -> l.trim().startsWith("--staged")).count())
          .as(command)
          .isEqualTo(1);
      assertThat(help.lines().filter(l -> l.trim().startsWith("--commit=REV")).count())
          .as(command)
          .isEqualTo(1);
    }
  }

  private static void collect(CommandLine commandLine, List<String> path, List<List<String>> into) {
    for (CommandLine sub : commandLine.getSubcommands().values()) {
      List<String> subPath = new ArrayList<>(path);
      subPath.add(sub.getCommandName());
      if (into.contains(subPath)) {
        continue; // an alias of a command already listed
      }
      into.add(subPath);
      collect(sub, subPath, into);
    }
  }
}
