package io.gitconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gitconf.core.GoldenRepos;
import io.gitconf.core.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepositoryCommandsTest {
  @TempDir Path dir;

  @BeforeEach
  void noKeys() {
    Keys.substituteEnvironment(Map.of());
  }

  @AfterEach
  void restoreKeys() {
    Keys.substituteEnvironment(null);
  }

  private Path init() {
    Path repo = dir.resolve("config");
    Cli.Result result =
        Cli.run("init", repo.toString(), "--author", "Ada Trader <ada@desk.example>");
    assertThat(result.exitCode()).as(result.all()).isZero();
    return repo;
  }

  @Test
  void initCreatesAGitRepositoryWithTheTemplateAsItsFirstCommit() throws Exception {
    Path repo = init();
    try (Git git = Git.open(repo.toFile())) {
      RevCommit first = git.log().call().iterator().next();
      assertThat(first.getAuthorIdent().getName()).isEqualTo("Ada Trader");
      assertThat(first.getAuthorIdent().getEmailAddress()).isEqualTo("ada@desk.example");
      assertThat(first.getFullMessage())
          .isEqualTo("Initial configuration from the trading template");
      assertThat(git.status().call().isClean()).isTrue();
    }
    assertThat(repo.resolve("gitconf.yaml")).exists();
    assertThat(repo.resolve("environments/prod/trader.yaml")).exists();
  }

  @Test
  void initRefusesADirectoryThatIsNotEmpty() throws IOException {
    Files.writeString(dir.resolve("keep.txt"), "x");
    Cli.Result result = Cli.run("init", dir.toString());
    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err()).isEqualTo("gitconf: " + dir + ": exists and is not empty\n");
  }

  @Test
  void validatePassesOnTheTemplate() {
    Path repo = init();
    Cli.Result result = Cli.run("validate", "--repo", repo.toString());
    assertThat(result.exitCode()).as(result.all()).isZero();
    assertThat(result.out()).startsWith("ok: directory ").endsWith(" is valid\n");
    assertThat(result.err()).isEmpty();
  }

  @Test
  void validateReportsEveryProblemAndExitsOne() throws IOException {
    Path repo = GoldenRepos.materialize("cross-field", dir.resolve("r"));
    Cli.Result result = Cli.run("validate", "--repo", repo.toString());
    assertThat(result.exitCode()).isEqualTo(ExitCodes.INVALID);
    assertThat(result.err())
        .isEqualTo(
            String.join("\n", GoldenRepos.expected("cross-field"))
                + "\ndirectory "
                + repo.toAbsolutePath().normalize()
                + ": "
                + GoldenRepos.expected("cross-field").size()
                + " errors\n");
    assertThat(result.out()).isEmpty();
  }

  @Test
  void validateJsonOutputListsProblemsWithFileLinePathAndRule() {
    Path repo = GoldenRepos.materialize("out-of-range", dir.resolve("r"));
    Cli.Result result = Cli.run("validate", "--repo", repo.toString(), "--output", "json");
    assertThat(result.exitCode()).isEqualTo(ExitCodes.INVALID);
    JsonNode report = Json.parse("output", result.out());
    assertThat(report.get("valid").asBoolean()).isFalse();
    JsonNode first = report.get("problems").get(0);
    assertThat(first.get("file").asText()).isEqualTo("environments/prod/risk.yaml");
    assertThat(first.get("line").asInt()).isEqualTo(2);
    assertThat(first.get("path").asText()).isEqualTo("risk.parameters.maxExposurePercent");
    assertThat(first.get("rule").asText()).isEqualTo("maximum");
  }

  @Test
  void stagedValidatesTheIndexNotTheWorkingTree() throws Exception {
    Path repo = init();
    Path risk = repo.resolve("environments/prod/risk.yaml");
    String good = Files.readString(risk);
    Files.writeString(risk, "parameters:\n  maxExposurePercent: 150\n");
    try (Git git = Git.open(repo.toFile())) {
      git.add().addFilepattern("environments/prod/risk.yaml").call();
    }
    Files.writeString(risk, good);

    assertThat(Cli.run("validate", "--repo", repo.toString()).exitCode()).isZero();
    Cli.Result staged = Cli.run("validate", "--repo", repo.toString(), "--staged");
    assertThat(staged.exitCode()).isEqualTo(ExitCodes.INVALID);
    assertThat(staged.err())
        .isEqualTo(
            "environments/prod/risk.yaml:2: risk.parameters.maxExposurePercent: must be <= 100 (maximum)\n"
                + "staged index: 1 error\n");
    assertThat(staged.out()).isEmpty();
    assertThat(Cli.run("validate", "--repo", repo.toString(), "--commit", "HEAD").exitCode())
        .isZero();
  }

  @Test
  void commitValidatesThatCommitNotTheWorkingTree() throws Exception {
    Path repo = init();
    Path risk = repo.resolve("environments/prod/risk.yaml");
    String good = Files.readString(risk);
    Files.writeString(risk, "parameters:\n  maxExposurePercent: 150\n");
    try (Git git = Git.open(repo.toFile())) {
      git.add().addFilepattern("environments/prod/risk.yaml").call();
      git.commit()
          .setAuthor("Bo Risk", "bo@desk.example")
          .setCommitter("Bo Risk", "bo@desk.example")
          .setMessage("Raise exposure")
          .setNoVerify(true)
          .call();
    }
    Files.writeString(risk, good);

    assertThat(Cli.run("validate", "--repo", repo.toString()).exitCode()).isZero();
    Cli.Result head = Cli.run("validate", "--repo", repo.toString(), "--commit", "HEAD");
    assertThat(head.exitCode()).isEqualTo(ExitCodes.INVALID);
    assertThat(head.err())
        .matches(
            "environments/prod/risk.yaml:2: risk.parameters.maxExposurePercent: must be <= 100"
                + " \\(maximum\\)\ncommit [0-9a-f]{10}: 1 error\n");
    assertThat(head.out()).isEmpty();
    Cli.Result parent = Cli.run("validate", "--repo", repo.toString(), "--commit", "HEAD~1");
    assertThat(parent.exitCode()).as(parent.all()).isZero();
    Cli.Result missing = Cli.run("validate", "--repo", repo.toString(), "--commit", "nosuch");
    assertThat(missing.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(missing.err()).startsWith("gitconf: no commit 'nosuch' in ");
    Cli.Result both =
        Cli.run("validate", "--repo", repo.toString(), "--staged", "--commit", "HEAD");
    assertThat(both.exitCode()).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void stagedAndCommitReadTheFolderOfALargerGitRepository() throws Exception {
    Path top = dir.resolve("platform");
    Path config = GoldenRepos.template(top.resolve("config"));
    Files.writeString(top.resolve("README.md"), "trading platform\n");
    try (Git git = Git.init().setDirectory(top.toFile()).setInitialBranch("main").call()) {
      git.add().addFilepattern(".").call();
      git.commit()
          .setAuthor("Ada Trader", "ada@desk.example")
          .setCommitter("Ada Trader", "ada@desk.example")
          .setMessage("Platform with its configuration")
          .setNoVerify(true)
          .call();
      Files.writeString(
          config.resolve("environments/prod/risk.yaml"),
          "parameters:\n  maxExposurePercent: 150\n");
      git.add().addFilepattern("config/environments/prod/risk.yaml").call();
    }
    Cli.Result committed = Cli.run("validate", "--repo", config.toString(), "--commit", "HEAD");
    assertThat(committed.exitCode()).as(committed.all()).isZero();
    assertThat(committed.out()).matches("ok: commit [0-9a-f]{10}, folder config/ is valid\n");
    Cli.Result staged = Cli.run("validate", "--repo", config.toString(), "--staged");
    assertThat(staged.exitCode()).isEqualTo(ExitCodes.INVALID);
    assertThat(staged.err())
        .isEqualTo(
            "environments/prod/risk.yaml:2: risk.parameters.maxExposurePercent: must be <= 100 (maximum)\n"
                + "staged index, folder config/: 1 error\n");
  }

  @Test
  void getPrintsTheResolvedValue() {
    Path repo = init();
    Cli.Result result = Cli.run("get", "trader.mode", "--env", "prod", "--repo", repo.toString());
    assertThat(result.exitCode()).as(result.all()).isZero();
    assertThat(result.out()).isEqualTo("live\n");
    assertThat(Cli.run("get", "trader.mode", "--env", "dev", "--repo", repo.toString()).out())
        .isEqualTo("paper\n");
  }

  @Test
  void getOfAnUnknownPathOrEnvironmentIsAUsageError() {
    Path repo = init();
    Cli.Result unknownPath =
        Cli.run("get", "trader.nope", "--env", "prod", "--repo", repo.toString());
    assertThat(unknownPath.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(unknownPath.err()).isEqualTo("gitconf: trader.nope: not set in environment prod\n");
    Cli.Result unknownEnv = Cli.run("get", "trader.mode", "--env", "qa", "--repo", repo.toString());
    assertThat(unknownEnv.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(unknownEnv.err())
        .isEqualTo("gitconf: unknown environment 'qa' (gitconf.yaml declares: dev, test, prod)\n");
    assertThat(Cli.run("get", "--env", "prod").exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(Cli.run("frobnicate").exitCode()).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void explainShowsEveryLayerWithFileAndLine() throws IOException {
    Path repo = init();
    Files.writeString(
        repo.resolve("environments/prod/risk.yaml"),
        "parameters:\n  maxPositionSizeUsd: 250\n",
        java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);
    Cli.Result result =
        Cli.run(
            "explain",
            "risk.parameters.maxPositionSizeUsd",
            "--env",
            "prod",
            "--repo",
            repo.toString());
    assertThat(result.exitCode()).as(result.all()).isZero();
    assertThat(result.out().lines().toList()).hasSize(3);
    assertThat(result.out().lines().toList().get(0))
        .isEqualTo("risk.parameters.maxPositionSizeUsd in prod = 250");
    assertThat(result.out().lines().toList().get(1))
        .matches("  base/risk\\.yaml:\\d+  sets [0-9.]+");
    assertThat(result.out().lines().toList().get(2))
        .isEqualTo("  environments/prod/risk.yaml:2  sets 250   <- in effect");
  }

  @Test
  void explainOfAKeyUnderADeletedMapShowsTheDelete() {
    Path repo = init();
    Cli.Result result =
        Cli.run(
            "explain",
            "trader.rpc.endpoints.public-mainnet.url",
            "--env",
            "dev",
            "--repo",
            repo.toString());
    assertThat(result.exitCode()).as(result.all()).isZero();
    assertThat(result.out())
        .isEqualTo(
            """
            trader.rpc.endpoints.public-mainnet.url in dev = (not set)
              base/trader.yaml:20  sets https://api.mainnet-beta.solana.com
              environments/dev/trader.yaml:11  deleted (!delete)
            """);
  }

  @Test
  void exportWritesTheResolvedEnvironmentAsYamlOrJson() {
    Path repo = init();
    Cli.Result yaml = Cli.run("export", "--env", "prod", "--repo", repo.toString());
    assertThat(yaml.exitCode()).as(yaml.all()).isZero();
    assertThat(yaml.out()).contains("trader:\n").contains("mode: live");
    Cli.Result json =
        Cli.run("export", "--env", "prod", "--format", "json", "--repo", repo.toString());
    JsonNode tree = Json.parse("export", json.out());
    assertThat(tree.at("/trader/mode").asText()).isEqualTo("live");
    assertThat(tree.fieldNames())
        .toIterable()
        .containsExactlyInAnyOrder(
            "trader", "risk", "mev", "tokens", "monitoring", "circuit-breaker");
  }

  @Test
  void helpListsTheCommandsAndExitCodes() {
    Cli.Result result = Cli.run("--help");
    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).contains("validate").contains("explain").contains("3   a dependency");
  }
}
