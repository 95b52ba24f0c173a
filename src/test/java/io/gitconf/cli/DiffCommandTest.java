package io.gitconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gitconf.core.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiffCommandTest {
  private static final PersonIdent ADA = new PersonIdent("Ada Trader", "ada@desk.example");
  @TempDir Path dir;
  private Path repo;

  @BeforeEach
  void init() {
    repo = dir.resolve("config");
    assertThat(Cli.run("init", repo.toString()).exitCode()).isZero();
  }

  private void append(String file, String yaml) throws IOException {
    Files.writeString(
        repo.resolve(file), yaml, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  private void commit(Git git, String message) throws Exception {
    git.add().addFilepattern(".").call();
    git.commit().setAuthor(ADA).setCommitter(ADA).setMessage(message).setSign(false).call();
  }

  private static void setApiKey(Path file, String ciphertext) throws IOException {
    String text = Files.readString(file);
    Files.writeString(
        file,
        io.gitconf.core.OverlayEditor.set(
            "environments/prod/trader.yaml",
            text,
            java.util.List.of("apiKey"),
            com.fasterxml.jackson.databind.node.TextNode.valueOf(ciphertext)));
  }

  @Test
  void twoEnvironmentsShowEveryPathThatDiffers() {
    Cli.Result result = Cli.run("diff", "--repo", repo.toString(), "--env", "dev", "--env", "prod");
    assertThat(result.exitCode()).as(result.all()).isZero();
    assertThat(result.out())
        .startsWith("--- dev\n+++ prod\ndev -> prod: ")
        .contains("  ~ trader.mode: paper -> live\n");
  }

  @Test
  void baseShowsWhatChangesInEachEnvironmentIfTheBranchMerges() throws Exception {
    try (Git git = Git.open(repo.toFile())) {
      git.checkout().setCreateBranch(true).setName("raise-limits").call();
      append("environments/prod/risk.yaml", "\n# reviewed by risk\n");
      append("environments/prod/circuit-breaker.yaml", "recovery:\n  coolDownSeconds: 240\n");
      commit(git, "Slower recovery in prod");
      git.checkout().setName("main").call();
      Files.writeString(
          repo.resolve("environments/dev/circuit-breaker.yaml"),
          "recovery:\n  halfOpenProbes: 9\n");
      commit(git, "More probes in dev (on main, not on the branch)");
      git.checkout().setName("raise-limits").call();
    }
    Cli.Result result = Cli.run("diff", "--repo", repo.toString(), "--base", "main");
    assertThat(result.exitCode()).as(result.all()).isZero();
    assertThat(result.out())
        .contains("prod: 1 changed\n  ~ circuit-breaker.recovery.coolDownSeconds: ")
        .contains("dev: no changes\n")
        .contains("test: no changes\n")
        .doesNotContain("halfOpenProbes");
  }

  @Test
  void changedSecretsAreShownAsChangedButNeverPrinted() throws Exception {
    Path trader = repo.resolve("environments/prod/trader.yaml");
    try (Git git = Git.open(repo.toFile())) {
      setApiKey(trader, "ENC[v1,prod,k1,QUFBQUFBQUFBQUFBQUFBQQ==]");
      commit(git, "Add API key");
      setApiKey(trader, "ENC[v1,prod,k1,QkJCQkJCQkJCQkJCQkJCQg==]");
      commit(git, "Rotate API key");
    }
    Cli.Result result =
        Cli.run(
            "diff", "--repo", repo.toString(), "--from", "HEAD~1", "--to", "HEAD", "--env", "prod");
    assertThat(result.out())
        .contains("  ~ trader.apiKey: **** (changed)\n")
        .doesNotContain("QUFB")
        .doesNotContain("QkJC");
    Cli.Result json =
        Cli.run(
            "diff",
            "--repo",
            repo.toString(),
            "--from",
            "HEAD~1",
            "--to",
            "HEAD",
            "--output",
            "json");
    JsonNode change = Json.parse("diff", json.out()).at("/environments/prod/0");
    assertThat(change.get("path").asText()).isEqualTo("trader.apiKey");
    assertThat(change.get("before").asText()).isEqualTo("****");
    assertThat(json.out()).doesNotContain("QUFB");
  }

  @Test
  void exitCodeOptionReportsDifferencesLikeGitDiff() throws IOException {
    assertThat(
            Cli.run("diff", "--repo", repo.toString(), "--from", "HEAD", "--exit-code").exitCode())
        .isZero();
    Files.writeString(
        repo.resolve("environments/dev/risk.yaml"), "parameters:\n  maxOpenPositions: 3\n");
    Cli.Result changed =
        Cli.run("diff", "--repo", repo.toString(), "--from", "HEAD", "--exit-code");
    assertThat(changed.exitCode()).isEqualTo(ExitCodes.INVALID);
    assertThat(changed.out()).contains("dev: 1 changed\n  ~ risk.parameters.maxOpenPositions: ");
  }

  @Test
  void withoutSidesItIsAUsageError() {
    Cli.Result result = Cli.run("diff", "--repo", repo.toString());
    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err())
        .isEqualTo(
            "gitconf: say what to compare: --env A --env B, --from REV [--to REV], or --base BRANCH\n");
  }

  @Test
  void textIsColouredOnlyWhenAskedOrOnATerminal() throws IOException {
    Files.writeString(
        repo.resolve("environments/dev/risk.yaml"), "parameters:\n  maxOpenPositions: 3\n");
    String[] args = {"diff", "--repo", repo.toString(), "--from", "HEAD", "--env", "dev"};
    Cli.Result coloured = Cli.run(append(args, "--color", "always"));
    assertThat(coloured.out())
        .contains("\u001B[1mdev\u001B[21m\u001B[0m: 1 changed\n")
        .containsPattern(
            "\u001B\\[33m  ~ risk.parameters.maxOpenPositions: \\d+ -> 3\u001B\\[39m\u001B\\[0m\n");
    // Tests, like a pipe, have no terminal: auto is plain, exactly as never.
    Cli.Result auto = Cli.run(args);
    assertThat(auto.out()).doesNotContain("\u001B").startsWith("--- commit ");
    assertThat(Cli.run(append(args, "--color", "never")).out()).isEqualTo(auto.out());
    Cli.Result bad = Cli.run(append(args, "--color", "sometimes"));
    assertThat(bad.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(bad.err()).startsWith("Invalid value for option '--color': expected one of ");
  }

  @Test
  void baseShowsABaseChangeInEveryEnvironmentThatDoesNotOverrideIt() throws Exception {
    try (Git git = Git.open(repo.toFile())) {
      git.checkout().setCreateBranch(true).setName("faster-metrics").call();
      String base = Files.readString(repo.resolve("base/monitoring.yaml"));
      Files.writeString(
          repo.resolve("base/monitoring.yaml"),
          base.replace("exportIntervalMs: 15000", "exportIntervalMs: 5000"));
      append("environments/dev/monitoring.yaml", "\nmetrics:\n  exportIntervalMs: 30000\n");
      commit(git, "Export metrics faster, except in dev");
    }
    Cli.Result result = Cli.run("diff", "--repo", repo.toString(), "--base", "main");
    assertThat(result.exitCode()).as(result.all()).isZero();
    assertThat(result.out())
        .matches(
            "--- commit [0-9a-f]{10}\n\\+\\+\\+ commit [0-9a-f]{10}\n"
                + "dev: 1 changed\n  ~ monitoring.metrics.exportIntervalMs: 15000 -> 30000\n"
                + "test: 1 changed\n  ~ monitoring.metrics.exportIntervalMs: 15000 -> 5000\n"
                + "prod: 1 changed\n  ~ monitoring.metrics.exportIntervalMs: 15000 -> 5000\n");
  }

  private static String[] append(String[] args, String... more) {
    String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return all;
  }
}
