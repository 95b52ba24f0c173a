package io.gitconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemplateCommandTest {
  @TempDir Path dir;

  @Test
  void listNamesEveryShippedTemplateWithItsSummary() {
    Cli.Result result = Cli.run("template", "list");
    assertThat(result.exitCode()).isZero();
    assertThat(result.out().lines().toList())
        .hasSize(2)
        .anySatisfy(
            l -> assertThat(l).startsWith("minimal  - The smallest useful gitconf repository"))
        .anySatisfy(l -> assertThat(l).startsWith("trading  - "));
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
