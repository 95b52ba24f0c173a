package io.gitconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gitconf.core.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SetCommandTest {
  @TempDir Path dir;
  private Path repo;

  @BeforeEach
  void init() {
    repo = dir.resolve("config");
    assertThat(Cli.run("init", repo.toString()).exitCode()).isZero();
  }

  private Cli.Result set(String path, String value, String env, String... extra) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "set",
                path,
                value,
                "--env",
                env,
                "--repo",
                repo.toString(),
                "--user",
                "Ada Trader <ada@desk.example>",
                "--reason",
                "Tighter limits after review"));
    args.addAll(List.of(extra));
    return Cli.run(args.toArray(String[]::new));
  }

  @Test
  void setCommitsTheChangeWithAuthorAndReasonKeepingTheFilesComments() throws Exception {
    Path prodRisk = repo.resolve("environments/prod/risk.yaml");
    String before = Files.readString(prodRisk);
    Cli.Result result = set("risk.parameters.maxPositionSizeUsd", "250", "prod");
    assertThat(result.exitCode()).as(result.all()).isZero();
    assertThat(result.out())
        .matches(
            "Committed [0-9a-f]{8}: risk.parameters.maxPositionSizeUsd = 250 in prod \\(environments/prod/risk.yaml\\)\n");
    String after = Files.readString(prodRisk);
    assertThat(after.lines().filter(l -> l.strip().startsWith("#")).toList())
        .isEqualTo(before.lines().filter(l -> l.strip().startsWith("#")).toList());
    assertThat(
            Cli.run(
                    "get",
                    "risk.parameters.maxPositionSizeUsd",
                    "--env",
                    "prod",
                    "--repo",
                    repo.toString())
                .out())
        .isEqualTo("250\n");
    try (Git git = Git.open(repo.toFile())) {
      RevCommit head = git.log().call().iterator().next();
      assertThat(head.getFullMessage()).isEqualTo("Tighter limits after review");
      assertThat(head.getAuthorIdent().getName()).isEqualTo("Ada Trader");
      assertThat(head.getAuthorIdent().getEmailAddress()).isEqualTo("ada@desk.example");
      assertThat(git.status().call().isClean()).isTrue();
    }
  }

  @Test
  void aNumberTypedWithAZeroFractionIsWrittenAsTheIntegerTheFileHolds() throws Exception {
    Path prodRisk = repo.resolve("environments/prod/risk.yaml");
    Cli.Result result = set("risk.parameters.maxPositionSizeUsd", "450.0", "prod");
    assertThat(result.exitCode()).as(result.all()).isZero();
    assertThat(Files.readString(prodRisk)).contains("\n  maxPositionSizeUsd: 450\n");
    Cli.Result fraction = set("risk.exits.stopLossPercent", "2.50", "prod");
    assertThat(fraction.exitCode()).as(fraction.all()).isZero();
    assertThat(Files.readString(prodRisk)).contains("\n  stopLossPercent: 2.5\n");
  }

  @Test
  void anInvalidValueIsRefusedAndNothingIsWrittenOrCommitted() throws Exception {
    Path prodRisk = repo.resolve("environments/prod/risk.yaml");
    String before = Files.readString(prodRisk);
    Cli.Result result = set("risk.parameters.maxExposurePercent", "150", "prod");
    assertThat(result.exitCode()).isEqualTo(ExitCodes.INVALID);
    assertThat(result.err())
        .matches(
            "environments/prod/risk.yaml:\\d+: risk.parameters.maxExposurePercent: must be <= 100 \\(maximum\\)\n");
    Cli.Result crossField = set("risk.parameters.maxTotalPositionUsd", "10", "prod");
    assertThat(crossField.exitCode()).isEqualTo(ExitCodes.INVALID);
    assertThat(crossField.err()).contains("(position-limits)");
    assertThat(Files.readString(prodRisk)).isEqualTo(before);
    try (Git git = Git.open(repo.toFile())) {
      assertThat(git.log().call()).hasSize(1);
    }
  }

  @Test
  void secretsAndBadInputAreUsageErrors() {
    assertThat(set("trader.apiKey", "abc", "prod").err())
        .isEqualTo(
            "gitconf: trader.apiKey is a secret: set it with gitconf secrets encrypt (the value is read from standard input)\n");
    Cli.Result unknownCategory = set("liquidity.pools", "3", "prod");
    assertThat(unknownCategory.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(set("risk.parameters.maxPositionSizeUsd", "1", "staging").exitCode())
        .isEqualTo(ExitCodes.USAGE);
    assertThat(
            Cli.run(
                    "set",
                    "risk.parameters.maxPositionSizeUsd",
                    "1",
                    "--env",
                    "prod",
                    "--repo",
                    repo.toString())
                .exitCode())
        .isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void aUserOverTheRateLimitIsToldWhenToRetry() {
    for (int i = 1; i <= 3; i++) {
      assertThat(
              set(
                      "risk.parameters.maxOpenPositions",
                      String.valueOf(i),
                      "prod",
                      "--rate-limit",
                      "3/min")
                  .exitCode())
          .isZero();
    }
    Cli.Result limited =
        set("risk.parameters.maxOpenPositions", "4", "prod", "--rate-limit", "3/min");
    assertThat(limited.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(limited.err())
        .matches(
            "gitconf: Ada Trader made 3 changes in the last 60 s \\(limit 3/min\\); retry in \\d+ s\n");
    Cli.Result other =
        Cli.run(
            "set",
            "risk.parameters.maxOpenPositions",
            "4",
            "--env",
            "prod",
            "--repo",
            repo.toString(),
            "--user",
            "Bo Risk",
            "--reason",
            "Another user is not limited by Ada's changes",
            "--rate-limit",
            "3/min");
    assertThat(other.exitCode()).as(other.all()).isZero();
  }

  @Test
  void pushSendsTheCommitToTheRemote() throws Exception {
    Path remote = dir.resolve("remote.git");
    try (Git bare = Git.init().setBare(true).setDirectory(remote.toFile()).call();
        Git git = Git.open(repo.toFile())) {
      var config = git.getRepository().getConfig();
      config.setString("remote", "origin", "url", remote.toUri().toString());
      config.setString("remote", "origin", "fetch", "+refs/heads/*:refs/remotes/origin/*");
      config.save();
      Cli.Result result = set("risk.parameters.maxOpenPositions", "4", "prod", "--push");
      assertThat(result.exitCode()).as(result.all()).isZero();
      assertThat(result.out()).endsWith("Pushed to " + remote.toUri() + "\n");
      assertThat(bare.getRepository().resolve("refs/heads/main"))
          .isEqualTo(git.getRepository().resolve("HEAD"));
    }
  }

  @Test
  void aRepositoryUrlIsClonedChangedAndPushedSoEveryCloneCountsTheSameRateLimit() throws Exception {
    Path remote = dir.resolve("remote.git");
    Git.cloneRepository()
        .setBare(true)
        .setURI(repo.toUri().toString())
        .setDirectory(remote.toFile())
        .call()
        .close();
    String url = remote.toUri().toString();
    Cli.Result result =
        Cli.run(
            "set",
            "risk.parameters.maxOpenPositions",
            "4",
            "--env",
            "prod",
            "--repo",
            url,
            "--user",
            "Ada Trader <ada@desk.example>",
            "--reason",
            "Fewer positions, straight on the remote",
            "--rate-limit",
            "1/min");
    assertThat(result.exitCode()).as(result.all()).isZero();
    assertThat(result.out())
        .matches(
            "Committed [0-9a-f]{8}: risk.parameters.maxOpenPositions = 4 in prod \\(environments/prod/risk.yaml\\)\n"
                + "Pushed to "
                + java.util.regex.Pattern.quote(url)
                + "\n");
    try (Git bare = Git.open(remote.toFile())) {
      RevCommit head = bare.log().call().iterator().next();
      assertThat(head.getFullMessage()).isEqualTo("Fewer positions, straight on the remote");
      assertThat(head.getAuthorIdent().getName()).isEqualTo("Ada Trader");
    }
    // The limit is read from the remote's history: a second change through another clone counts
    // the first one.
    Cli.Result again =
        Cli.run(
            "set",
            "risk.parameters.maxOpenPositions",
            "3",
            "--env",
            "prod",
            "--repo",
            url,
            "--user",
            "Ada Trader",
            "--reason",
            "Even fewer",
            "--rate-limit",
            "1/min");
    assertThat(again.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(again.err())
        .matches(
            "gitconf: Ada Trader made 1 changes in the last 60 s \\(limit 1/min\\); retry in \\d+ s\n");
    try (Git git = Git.open(repo.toFile())) {
      assertThat(git.log().call()).hasSize(1);
    }
  }

  @Test
  void aMissingDirectoryIsAUsageErrorAndAnUnreachableUrlIsUnavailableWithoutItsPassword() {
    Cli.Result missing =
        Cli.run(
            "set",
            "risk.parameters.maxOpenPositions",
            "4",
            "--env",
            "prod",
            "--repo",
            dir.resolve("nowhere").toString(),
            "--user",
            "Ada",
            "--reason",
            "r");
    assertThat(missing.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(missing.err())
        .isEqualTo("gitconf: " + dir.resolve("nowhere") + ": no such directory\n");

    Cli.Result unreachable =
        Cli.run(
            "set",
            "risk.parameters.maxOpenPositions",
            "4",
            "--env",
            "prod",
            "--repo",
            "http://ada:s3cr3t-token@127.0.0.1:1/config.git",
            "--user",
            "Ada",
            "--reason",
            "r");
    assertThat(unreachable.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(unreachable.err())
        .startsWith("gitconf: cannot clone http://ada:****@127.0.0.1:1/config.git: ")
        .doesNotContain("s3cr3t-token");
  }

  @Test
  void jsonOutputDescribesTheCommitOrThatNothingChanged() throws Exception {
    Cli.Result result =
        set("risk.parameters.maxPositionSizeUsd", "250", "prod", "--output", "json");
    assertThat(result.exitCode()).as(result.all()).isZero();
    assertThat(result.err()).isEmpty();
    String head;
    try (Git git = Git.open(repo.toFile())) {
      head = git.getRepository().resolve("HEAD").name();
    }
    assertThat(Json.canonical(Json.parse("set", result.out())))
        .isEqualTo(
            "{\"changed\":true,\"commit\":\""
                + head
                + "\",\"environment\":\"prod\",\"file\":\"environments/prod/risk.yaml\","
                + "\"path\":\"risk.parameters.maxPositionSizeUsd\",\"pushed\":false,\"value\":250}");

    Cli.Result again = set("risk.parameters.maxPositionSizeUsd", "250", "prod", "--output", "json");
    assertThat(again.exitCode()).as(again.all()).isZero();
    assertThat(Json.canonical(Json.parse("set", again.out())))
        .isEqualTo(
            "{\"changed\":false,\"environment\":\"prod\",\"file\":\"environments/prod/risk.yaml\","
                + "\"path\":\"risk.parameters.maxPositionSizeUsd\",\"value\":250}");

    Cli.Result invalid =
        set("risk.parameters.maxExposurePercent", "150", "prod", "--output", "json");
    assertThat(invalid.exitCode()).isEqualTo(ExitCodes.INVALID);
    assertThat(invalid.out()).isEmpty();
    assertThat(invalid.err())
        .matches(
            "environments/prod/risk.yaml:\\d+: risk.parameters.maxExposurePercent: must be <= 100 \\(maximum\\)\n");
  }

  @Test
  void jsonOutputOfAPushedChangeKeepsThePushLineOffStandardOutput() throws Exception {
    Path remote = dir.resolve("remote.git");
    try (Git bare = Git.init().setBare(true).setDirectory(remote.toFile()).call();
        Git git = Git.open(repo.toFile())) {
      var config = git.getRepository().getConfig();
      config.setString("remote", "origin", "url", remote.toUri().toString());
      config.setString("remote", "origin", "fetch", "+refs/heads/*:refs/remotes/origin/*");
      config.save();
      Cli.Result result =
          set("risk.parameters.maxOpenPositions", "4", "prod", "--push", "--output", "json");
      assertThat(result.exitCode()).as(result.all()).isZero();
      assertThat(result.err()).isEqualTo("Pushed to " + remote.toUri() + "\n");
      JsonNode json = Json.parse("set", result.out());
      assertThat(json.get("pushed").asBoolean()).isTrue();
      assertThat(json.get("commit").asText())
          .isEqualTo(bare.getRepository().resolve("refs/heads/main").name());
    }
  }
}
