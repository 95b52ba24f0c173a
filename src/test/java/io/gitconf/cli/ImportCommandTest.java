package io.gitconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import io.gitconf.core.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImportCommandTest {
  @TempDir Path dir;
  private Path repo;

  @BeforeEach
  void init() {
    repo = dir.resolve("config");
    assertThat(Cli.run("init", repo.toString()).exitCode()).isZero();
  }

  private Cli.Result importFile(Path file, String env, String... extra) {
    java.util.List<String> args =
        new java.util.ArrayList<>(
            java.util.List.of(
                "import",
                file.toString(),
                "--env",
                env,
                "--repo",
                repo.toString(),
                "--user",
                "Ada Trader <ada@desk.example>",
                "--reason",
                "Align test with the reviewed prod export"));
    args.addAll(java.util.List.of(extra));
    return Cli.run(args.toArray(String[]::new));
  }

  @Test
  void anExportOfOneEnvironmentImportedIntoAnotherMakesThemEqualInOneCommit() throws Exception {
    for (String format : new String[] {"yaml", "json"}) {
      Path export = dir.resolve("prod." + format);
      Files.writeString(
          export,
          Cli.run("export", "--env", "prod", "--format", format, "--repo", repo.toString()).out());
    }
    Cli.Result imported = importFile(dir.resolve("prod.json"), "test");
    assertThat(imported.exitCode()).as(imported.all()).isZero();
    assertThat(imported.out())
        .matches(
            "Skipped 1 secret encrypted for another environment; set them with gitconf secrets encrypt --env test\n"
                + "Committed [0-9a-f]{8}: \\d+ values in \\d+ files of test\n");
    Cli.Result diff = Cli.run("diff", "--repo", repo.toString(), "--env", "test", "--env", "prod");
    // The API keys differ by design (each is encrypted for its own environment), and import leaves
    // values
    // the file does not mention: test's own log level for risk-engine stays.
    assertThat(diff.out())
        .contains(
            "test -> prod: 1 changed, 1 removed\n"
                + "  - monitoring.logging.components.risk-engine: debug\n"
                + "  ~ trader.apiKey: **** (changed)\n");
    assertThat(importFile(dir.resolve("prod.yaml"), "test").out())
        .contains("No change: test already has every value of");
    try (Git git = Git.open(repo.toFile())) {
      assertThat(git.log().call()).hasSize(2);
      assertThat(git.status().call().isClean()).isTrue();
    }
  }

  @Test
  void aFileThatFailsValidationChangesNothing() throws Exception {
    Path bad =
        Files.writeString(
            dir.resolve("bad.yaml"),
            "risk:\n  parameters:\n    maxExposurePercent: 150\n    maxOpenPositions: 2\n");
    String before = Files.readString(repo.resolve("environments/prod/risk.yaml"));
    Cli.Result result = importFile(bad, "prod");
    assertThat(result.exitCode()).isEqualTo(ExitCodes.INVALID);
    assertThat(result.err())
        .matches(
            "environments/prod/risk.yaml:\\d+: risk.parameters.maxExposurePercent: must be <= 100 \\(maximum\\)\n");
    assertThat(Files.readString(repo.resolve("environments/prod/risk.yaml"))).isEqualTo(before);
    try (Git git = Git.open(repo.toFile())) {
      assertThat(git.log().call()).hasSize(1);
    }
  }

  @Test
  void aHostileFileIsRefusedWithItsLine() throws Exception {
    Path dup =
        Files.writeString(
            dir.resolve("dup.yaml"),
            "risk:\n  parameters:\n    maxOpenPositions: 2\n    maxOpenPositions: 3\n");
    Cli.Result result = importFile(dup, "prod");
    assertThat(result.exitCode()).isEqualTo(ExitCodes.INVALID);
    assertThat(result.err())
        .isEqualTo(
            dup
                + ":4: risk.parameters.maxOpenPositions: duplicate key (first defined at line 3) (duplicate-key)\n");
  }

  @Test
  void jsonOutputCountsTheValuesAndFilesAndKeepsNotesOnStandardError() throws Exception {
    Path export = dir.resolve("prod.json");
    Files.writeString(
        export,
        Cli.run("export", "--env", "prod", "--format", "json", "--repo", repo.toString()).out());
    Cli.Result imported = importFile(export, "test", "--output", "json");
    assertThat(imported.exitCode()).as(imported.all()).isZero();
    assertThat(imported.err())
        .isEqualTo(
            "Skipped 1 secret encrypted for another environment; set them with gitconf secrets"
                + " encrypt --env test\n");
    String head;
    try (Git git = Git.open(repo.toFile())) {
      head = git.getRepository().resolve("HEAD").name();
    }
    assertThat(Json.canonical(Json.parse("import", imported.out())))
        .isEqualTo(
            "{\"changed\":true,\"commit\":\""
                + head
                + "\",\"environment\":\"test\",\"file\":"
                + Json.canonical(TextNode.valueOf(export.toString()))
                + ",\"files\":[\"environments/test/circuit-breaker.yaml\",\"environments/test/mev.yaml\","
                + "\"environments/test/monitoring.yaml\",\"environments/test/tokens.yaml\","
                + "\"environments/test/trader.yaml\"],\"pushed\":false,\"skippedSecrets\":1,"
                + "\"values\":20}");

    Cli.Result again = importFile(export, "test", "--output", "json");
    assertThat(again.exitCode()).as(again.all()).isZero();
    assertThat(Json.canonical(Json.parse("import", again.out())))
        .isEqualTo(
            "{\"changed\":false,\"environment\":\"test\",\"file\":"
                + Json.canonical(TextNode.valueOf(export.toString()))
                + ",\"skippedSecrets\":1}");
  }
}
