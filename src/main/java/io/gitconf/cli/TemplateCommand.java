package io.gitconf.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

@Command(
    name = "template",
    mixinStandardHelpOptions = true,
    // -h and -V for every subcommand too.
    scope = ScopeType.INHERIT,
    description = "Configuration templates that gitconf init can start a repository from.",
    subcommands = {TemplateCommand.List.class, TemplateCommand.Show.class})
final class TemplateCommand {

  @Command(name = "list", description = "List the shipped templates.")
  static final class List implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      java.util.List<String> names = Templates.names();
      int nameWidth = names.stream().mapToInt(String::length).max().orElse(0);
      for (String name : names) {
        String label = String.format("%-" + nameWidth + "s", name);
        String readme = Templates.read(name).getOrDefault("README.md", "");
        int room = spec.commandLine().getUsageHelpWidth() - label.length() - "  - ".length();
        String summary = summary(readme, room);
        out.println(summary.isEmpty() ? name : label + "  - " + summary);
      }
      out.flush();
      return ExitCodes.OK;
    }

    /**
     * A one-line summary of a template's README: the first sentence of its first paragraph of prose
     * (headings skipped, lines joined, code quotes dropped), cut at a word boundary with an
     * ellipsis when it is wider than {@code width}.
     */
    static String summary(String readme, int width) {
      StringBuilder paragraph = new StringBuilder();
      for (String line : readme.lines().map(String::strip).toList()) {
        if (line.isEmpty() || line.startsWith("#")) {
          if (paragraph.length() > 0) {
            break;
          }
          continue;
        }
        paragraph.append(paragraph.length() > 0 ? " " : "").append(line);
      }
      String text = paragraph.toString().replace("`", "").replaceAll("\\s+", " ");
      java.util.regex.Matcher end = java.util.regex.Pattern.compile("[.!?](\\s|$)").matcher(text);
      String sentence = end.find() ? text.substring(0, end.start() + 1) : text;
      return shorten(sentence, Math.max(width, 20));
    }

    /** At most {@code width} characters, cut after a whole word and its punctuation dropped. */
    private static String shorten(String text, int width) {
      if (text.length() <= width) {
        return text;
      }
      String ellipsis = "...";
      int cut = text.lastIndexOf(' ', width - ellipsis.length());
      String kept = text.substring(0, cut > 0 ? cut : width - ellipsis.length());
      return kept.replaceAll("[\\s,;:\\-]+$", "") + ellipsis;
    }
  }

  @Command(name = "show", description = "Print a template's files.")
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
