package io.gitconf.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "template",
    mixinStandardHelpOptions = true,
    description = "Configuration templates that gitconf init can start a repository from.",
    subcommands = {TemplateCommand.List.class, TemplateCommand.Show.class})
final class TemplateCommand {

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List the shipped templates.")
  static final class List implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      for (String name : Templates.names()) {
        String readme = Templates.read(name).getOrDefault("README.md", "");
        out.println(name + (readme.isBlank() ? "" : "  - " + summary(readme)));
      }
      out.flush();
      return ExitCodes.OK;
    }

    /** The first line of prose of a template's README. */
    private static String summary(String readme) {
      return readme
          .lines()
          .map(String::strip)
          .filter(l -> !l.isEmpty() && !l.startsWith("#"))
          .findFirst()
          .orElse("");
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Print a template's files.")
  static final class Show implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(
        index = "0",
        paramLabel = "NAME",
        description = "Template name (see gitconf template list).")
    String name;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      for (Map.Entry<String, String> file : Templates.read(name).entrySet()) {
        out.println("==> " + file.getKey() + " <==");
        out.print(file.getValue().endsWith("\n") ? file.getValue() : file.getValue() + "\n");
      }
      out.flush();
      return ExitCodes.OK;
    }
  }
}
