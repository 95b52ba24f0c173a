package io.gitconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemplateCommandTest {
  @TempDir Path dir;

  @Test
  void listNamesEveryShippedTemplateWithTheFirstSentenceOfItsReadme() {
    Cli.Result result = Cli.run("template", "list");
    assertThat(result.exitCode()).isZero();
    // The trading README's first sentence is wider than the help width (120): cut after a word.
    assertThat(result.out())
        .isEqualTo(
            "minimal  - The smallest useful gitconf repository: trader and risk settings for dev"
                + " (paper) and prod (live).\n"
                + "trading  - This repository is the source of truth for the configuration of a"
                + " Solana trading platform, managed with...\n");
    assertThat(result.out().lines())
        .allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(120));
  }

  @Test
  void aSummaryIsTheFirstSentenceOfTheFirstParagraphOfProse() {
    String readme =
        "# Title\n\nFirst line of a sentence, wrapped\nat a comma, ending here. Second sentence.\n\n"
            + "More.\n";
    assertThat(TemplateCommand.List.summary(readme, 100))
        .isEqualTo("First line of a sentence, wrapped at a comma, ending here.");
    assertThat(TemplateCommand.List.summary("Uses `gitconf` quoted.\n", 100))
        .isEqualTo("Uses gitconf quoted.");
    assertThat(TemplateCommand.List.summary("# Only a heading\n", 100)).isEmpty();
  }

  @Test
  void aSummaryWiderThanTheWidthIsCutAfterAWholeWordNeverAtItsComma() {
    String readme = "Alpha beta gamma, delta epsilon zeta eta theta.\n";
    assertThat(TemplateCommand.List.summary(readme, 24)).isEqualTo("Alpha beta gamma...");
    assertThat(TemplateCommand.List.summary(readme, 30)).isEqualTo("Alpha beta gamma, delta...");
    assertThat(TemplateCommand.List.summary(readme, 48)).isEqualTo(readme.strip());
  }

  @Test
  void showPrintsEveryFileOfATemplate() {
    Cli.Result result = Cli.run("template", "show", "minimal");
    assertThat(result.exitCode()).isZero();
    assertThat(result.out())
        .contains("==> gitconf.yaml <==\n")
        .contains("==> environments/prod/trader.yaml <==\nmode: live\n");
  }

  @Test
  void everyTemplateInitialisesAValidRepository() {
    for (String template : new String[] {"minimal", "trading"}) {
      Path repo = dir.resolve(template);
      assertThat(Cli.run("init", repo.toString(), "--template", template).exitCode()).isZero();
      Cli.Result validate = Cli.run("validate", "--repo", repo.toString());
      assertThat(validate.exitCode()).as(template + ": " + validate.all()).isZero();
    }
  }

  @Test
  void unknownTemplateIsAUsageErrorListingTheKnownOnes() {
    Cli.Result result = Cli.run("init", dir.resolve("x").toString(), "--template", "hft");
    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err())
        .isEqualTo("gitconf: no template 'hft' (templates: minimal, trading)\n");
  }

  @Test
  void completionPrintsAScriptForBashAndZsh() {
    Cli.Result bash = Cli.run("completion", "bash");
    assertThat(bash.exitCode()).isZero();
    assertThat(bash.out()).contains("complete -F").contains("validate");
    assertThat(Cli.run("completion", "zsh").out())
        .startsWith("autoload -U +X compinit && compinit\n");
    assertThat(Cli.run("completion", "fish").exitCode()).isEqualTo(ExitCodes.USAGE);
  }
}
