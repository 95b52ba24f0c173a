package io.gitconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gitconf.core.ConfigPath;
import io.gitconf.core.crypto.EncryptionKeys;
import io.gitconf.core.crypto.Secret;
import io.gitconf.core.crypto.SecretCipher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The installed hook, run by the real git binary, blocks a bad commit and lets a good one through.
 */
class PreCommitHookTest {
  @TempDir Path dir;

  private record Run(int code, String output) {}

  private Run git(Path repo, String... args) throws IOException, InterruptedException {
    return git(repo, Map.of(), args);
  }

  /** Runs git with no gitconf key variables but those of {@code keys}. */
  private Run git(Path repo, Map<String, String> keys, String... args)
      throws IOException, InterruptedException {
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                "git",
                "-C",
                repo.toString(),
                "-c",
                "user.name=Ada Trader",
                "-c",
                "user.email=ada@desk.example"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    builder
        .environment()
        .put(
            "GITCONF",
            java + " -cp " + System.getProperty("java.class.path") + " " + Main.class.getName());
    builder.environment().keySet().removeIf(name -> name.startsWith("GITCONF_"));
    builder.environment().putAll(keys);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Run(process.waitFor(), output);
  }

  @Test
  void installedHookBlocksAnInvalidCommitAndAllowsAValidOne() throws Exception {
    Path repo = dir.resolve("config");
    assertThat(Cli.run("init", repo.toString()).exitCode()).isZero();
    Cli.Result install = Cli.run("hooks", "install", "--repo", repo.toString());
    assertThat(install.exitCode()).as(install.all()).isZero();
    Path hook = repo.resolve(".git/hooks/pre-commit");
    assertThat(Files.isExecutable(hook)).isTrue();
    assertThat(Files.readString(hook)).contains("validate --staged");

    Files.writeString(
        repo.resolve("environments/prod/risk.yaml"), "parameters:\n  maxExposurePercent: 150\n");
    assertThat(git(repo, "add", "-A").code()).isZero();
    Run blocked = git(repo, "commit", "-m", "Raise exposure");
    assertThat(blocked.code()).isNotZero();
    assertThat(blocked.output())
        .contains(
            "environments/prod/risk.yaml:2: risk.parameters.maxExposurePercent: must be <= 100 (maximum)")
        .contains("gitconf: commit blocked");

    Files.writeString(
        repo.resolve("environments/prod/risk.yaml"), "parameters:\n  maxExposurePercent: 10\n");
    assertThat(git(repo, "add", "-A").code()).isZero();
    Run allowed = git(repo, "commit", "-m", "Lower exposure");
    assertThat(allowed.code()).as(allowed.output()).isZero();
  }

  @Test
  void installedHookBlocksPlaintextSecretsAndWithTheKeyValuesThatDoNotDecrypt() throws Exception {
    String plaintext = "s3cr3t-PLAINTEXT-7f";
    Path repo = dir.resolve("config");
    assertThat(Cli.run("init", repo.toString()).exitCode()).isZero();
    assertThat(Cli.run("hooks", "install", "--repo", repo.toString()).exitCode()).isZero();
    Path prodTrader = repo.resolve("environments/prod/trader.yaml");
    String original = Files.readString(prodTrader);

    Files.writeString(
        prodTrader, original.replaceAll("apiKey: ENC\\[.*\\]", "apiKey: " + plaintext));
    assertThat(git(repo, "add", "-A").code()).isZero();
    Run blocked = git(repo, "commit", "-m", "Paste the prod key");
    assertThat(blocked.code()).isNotZero();
    assertThat(blocked.output())
        .contains(
            "environments/prod/trader.yaml:14: trader.apiKey: holds plaintext but is marked"
                + " x-secret; store it encrypted for scope prod (gitconf secrets encrypt)"
                + " (secret-plaintext)")
        .contains("gitconf: commit blocked")
        .doesNotContain(plaintext);

    String devValue =
        Files.readString(repo.resolve("environments/dev/trader.yaml"))
            .lines()
            .filter(l -> l.startsWith("apiKey: "))
            .findFirst()
            .orElseThrow();
    Files.writeString(prodTrader, original.replaceAll("apiKey: ENC\\[.*\\]", devValue));
    assertThat(git(repo, "add", "-A").code()).isZero();
    Run copied = git(repo, "commit", "-m", "Reuse the dev key");
    assertThat(copied.code()).isNotZero();
    assertThat(copied.output())
        .contains(
            "environments/prod/trader.yaml:14: trader.apiKey: encrypted for scope dev, but it is"
                + " written in a file of scope prod; encrypt it for prod (gitconf secrets"
                + " encrypt) (secret-scope)");

    // Encrypted with a key that is not the repository's: well-formed, so only a key can tell.
    String foreign =
        SecretCipher.of(
                EncryptionKeys.from(Map.of("GITCONF_MASTER_KEY", SecretsCommandTest.VECTOR_KEY)))
            .encrypt("prod", ConfigPath.parse("trader.apiKey"), Secret.of(plaintext));
    Files.writeString(prodTrader, original.replaceAll("apiKey: ENC\\[.*\\]", "apiKey: " + foreign));
    assertThat(git(repo, "add", "-A").code()).isZero();
    Map<String, String> demoKey = Map.of("GITCONF_MASTER_KEY", SecretsCommandTest.DEMO_KEY);
    Run undecryptable = git(repo, demoKey, "commit", "-m", "New prod key");
    assertThat(undecryptable.code()).isNotZero();
    assertThat(undecryptable.output())
        .contains(
            "environments/prod/trader.yaml:14: trader.apiKey: cannot decrypt (scope prod, key"
                + " k1): wrong key, or the value was altered or moved from another path"
                + " (secret-decrypt)")
        .doesNotContain(plaintext);
    Run withoutKey = git(repo, "commit", "-m", "New prod key");
    assertThat(withoutKey.code()).as(withoutKey.output()).isZero();
  }

  @Test
  void commitAllAndCommitOfAPathAreValidatedAsTheyWillBeCommitted() throws Exception {
    Path repo = dir.resolve("config");
    assertThat(Cli.run("init", repo.toString()).exitCode()).isZero();
    assertThat(Cli.run("hooks", "install", "--repo", repo.toString()).exitCode()).isZero();
    Path risk = repo.resolve("environments/prod/risk.yaml");
    String good = Files.readString(risk);
    // Not staged: git stages it into a temporary index (GIT_INDEX_FILE) only while committing.
    Files.writeString(risk, "parameters:\n  maxExposurePercent: 150\n");
    String expected =
        "environments/prod/risk.yaml:2: risk.parameters.maxExposurePercent: must be <= 100 (maximum)";

    Run all = git(repo, "commit", "-a", "-m", "Raise exposure");
    assertThat(all.code()).as(all.output()).isNotZero();
    assertThat(all.output()).contains(expected).contains("gitconf: commit blocked");
    Run path = git(repo, "commit", "-m", "Raise exposure", "environments/prod/risk.yaml");
    assertThat(path.code()).as(path.output()).isNotZero();
    assertThat(path.output()).contains(expected).contains("gitconf: commit blocked");
    assertThat(git(repo, "rev-list", "--count", "HEAD").output().trim()).isEqualTo("1");

    Files.writeString(risk, good.replace("maxOpenPositions: 5", "maxOpenPositions: 4"));
    Run allowed = git(repo, "commit", "-a", "-m", "One fewer open position");
    assertThat(allowed.code()).as(allowed.output()).isZero();
  }

  @Test
  void hookOfAConfigFolderInALargerRepositoryValidatesThatFolder() throws Exception {
    Path top = dir.resolve("platform");
    Files.createDirectories(top);
    assertThat(git(top, "init", "-q", "-b", "main").code()).isZero();
    Path config = io.gitconf.core.GoldenRepos.template(top.resolve("config"));
    Files.writeString(top.resolve("README.md"), "trading platform\n");
    Cli.Result install = Cli.run("hooks", "install", "--repo", config.toString());
    assertThat(install.exitCode()).as(install.all()).isZero();
    assertThat(Files.readString(top.resolve(".git/hooks/pre-commit")))
        .contains("config_folder='config'");
    assertThat(git(top, "add", "-A").code()).isZero();
    Run first = git(top, "commit", "-m", "Platform with its configuration");
    assertThat(first.code()).as(first.output()).isZero();

    Files.writeString(
        config.resolve("environments/prod/risk.yaml"), "parameters:\n  maxExposurePercent: 150\n");
    Run blocked = git(top, "commit", "-a", "-m", "Raise exposure");
    assertThat(blocked.code()).as(blocked.output()).isNotZero();
    assertThat(blocked.output())
        .contains(
            "environments/prod/risk.yaml:2: risk.parameters.maxExposurePercent: must be <= 100 (maximum)");
  }

  /**
   * Every command that commits, run as a user runs it with the hook installed (and a pre-push hook
   * that talks on standard output): standard output holds exactly one JSON document, the pre-commit
   * hook is not run again over the tree gitconf has just validated, and the pre-push hook's words
   * go to standard error.
   */
  @Test
  void jsonOutputStaysParseableWithHooksInstalledAndThePreCommitHookIsNotRunAgain()
      throws Exception {
    Path repo = dir.resolve("config");
    assertThat(Cli.run("init", repo.toString()).exitCode()).isZero();
    Path remote = dir.resolve("remote.git");
    org.eclipse.jgit.api.Git.cloneRepository()
        .setBare(true)
        .setURI(repo.toUri().toString())
        .setDirectory(remote.toFile())
        .call()
        .close();
    assertThat(git(repo, "remote", "add", "origin", remote.toString()).code()).isZero();
    assertThat(git(repo, "fetch", "-q", "origin").code()).isZero();
    assertThat(Cli.run("hooks", "install", "--repo", repo.toString()).exitCode()).isZero();
    Path ran = dir.resolve("hook-ran");
    Path wrapper = dir.resolve("gitconf-for-hook");
    Files.writeString(
        wrapper, "#!/bin/sh\necho \"$@\" >> '" + ran + "'\nexec " + launcher() + " \"$@\"\n");
    Path prePush = repo.resolve(".git/hooks/pre-push");
    Files.writeString(prePush, "#!/bin/sh\necho 'pre-push: the desk says hello'\nexit 0\n");
    for (Path script : List.of(wrapper, prePush)) {
      Files.setPosixFilePermissions(
          script, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    // The hook itself still works for a person's commit, through the same wrapper.
    Files.writeString(
        repo.resolve("environments/prod/risk.yaml"),
        Files.readString(repo.resolve("environments/prod/risk.yaml"))
            .replace("maxOpenPositions: 5", "maxOpenPositions: 4"));
    Run byHand = git(repo, Map.of("GITCONF", wrapper.toString()), "commit", "-a", "-m", "By hand");
    assertThat(byHand.code()).as(byHand.output()).isZero();
    assertThat(Files.readString(ran)).isEqualTo("validate --staged --repo .\n");
    Files.delete(ran);

    Path values =
        Files.writeString(
            dir.resolve("values.yaml"), "risk:\n  parameters:\n    maxOpenPositions: 3\n");
    List<List<String>> commands =
        List.of(
            List.of("set", "risk.parameters.maxExposurePercent", "19", "--env", "prod"),
            List.of("import", values.toString(), "--env", "prod"));
    for (List<String> command : commands) {
      List<String> args = new java.util.ArrayList<>(command);
      args.addAll(
          List.of(
              "--repo",
              repo.toString(),
              "--user",
              "Ada Trader <ada@desk.example>",
              "--reason",
              "With hooks",
              "--push",
              "--output",
              "json"));
      Process process = gitconf(args, Map.of("GITCONF", wrapper.toString()));
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor()).as(out + err).isZero();
      com.fasterxml.jackson.databind.JsonNode json =
          io.gitconf.core.Json.MAPPER
              .readerFor(com.fasterxml.jackson.databind.JsonNode.class)
              .with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
              .readValue(out);
      assertThat(json.get("changed").asBoolean()).as(out).isTrue();
      assertThat(json.get("pushed").asBoolean()).as(out).isTrue();
      assertThat(out).startsWith("{");
      assertThat(err)
          .contains("pre-push: the desk says hello")
          .contains("Pushed to " + remote)
          .doesNotContain("staged index is valid");
    }
    assertThat(ran).doesNotExist();
  }

  private static String launcher() {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return java + " -cp " + System.getProperty("java.class.path") + " " + Main.class.getName();
  }

  /** gitconf run in a process of its own, as a user runs it, its standard output a pipe. */
  private static Process gitconf(List<String> args, Map<String, String> environment)
      throws IOException {
    List<String> command = new java.util.ArrayList<>(List.of(launcher().split(" ")));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().keySet().removeIf(name -> name.startsWith("GITCONF_"));
    builder.environment().putAll(environment);
    return builder.start();
  }

  @Test
  void installingAgainReplacesTheHookGitconfWrote() throws IOException {
    Path repo = dir.resolve("config");
    assertThat(Cli.run("init", repo.toString()).exitCode()).isZero();
    assertThat(Cli.run("hooks", "install", "--repo", repo.toString()).exitCode()).isZero();
    Cli.Result again = Cli.run("hooks", "install", "--repo", repo.toString());
    assertThat(again.exitCode()).as(again.all()).isZero();
    assertThat(again.out()).startsWith("Installed " + repo.resolve(".git/hooks/pre-commit"));
  }

  @Test
  void launcherPathsAreQuotedForTheShell() {
    assertThat(HooksCommand.Install.shellQuote("/opt/My Tools/gitconf.jar"))
        .isEqualTo("'/opt/My Tools/gitconf.jar'");
    assertThat(HooksCommand.Install.shellQuote("/home/o'neil/gitconf.jar"))
        .isEqualTo("'/home/o'\\''neil/gitconf.jar'");
  }

  @Test
  void installRefusesToOverwriteAForeignHook() throws IOException {
    Path repo = dir.resolve("config");
    assertThat(Cli.run("init", repo.toString()).exitCode()).isZero();
    Files.writeString(repo.resolve(".git/hooks/pre-commit"), "#!/bin/sh\nexit 0\n");
    Cli.Result result = Cli.run("hooks", "install", "--repo", repo.toString());
    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err()).contains("was not written by gitconf; use --force to replace it");
  }
}
