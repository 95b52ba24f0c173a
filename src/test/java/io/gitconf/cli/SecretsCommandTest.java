package io.gitconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsCommandTest {
  /** The documented demo key the template's secrets are encrypted with. */
  static final String DEMO_KEY = "Z2l0Y29uZi1kZW1vLWtleS1OT1QtRk9SLVBST0QhISE=";

  /** Bytes 0x00..0x1f, whose derived keys are pinned in EncryptionKeysTest. */
  static final String VECTOR_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

  static final String PLAINTEXT = "s3cr3t-PLAINTEXT-7f";
  private static final PersonIdent ADA = new PersonIdent("Ada Trader", "ada@desk.example");

  @TempDir Path dir;
  private Path repo;
  private final InputStream originalIn = System.in;

  @BeforeEach
  void init() {
    repo = dir.resolve("config");
    assertThat(Cli.run("init", repo.toString()).exitCode()).isZero();
    useKeys(Map.of("GITCONF_MASTER_KEY", DEMO_KEY));
  }

  @AfterEach
  void restore() {
    Keys.substituteEnvironment(null);
    System.setIn(originalIn);
  }

  private static void useKeys(Map<String, String> env) {
    Keys.substituteEnvironment(env);
  }

  private Cli.Result encrypt(String plaintext, String env, String path) {
    System.setIn(new ByteArrayInputStream((plaintext + "\n").getBytes(StandardCharsets.UTF_8)));
    return Cli.run("secrets", "encrypt", "--repo", repo.toString(), "--env", env, "--path", path);
  }

  @Test
  void keygenPrintsANewMasterKeyEachTime() {
    Cli.Result first = Cli.run("secrets", "keygen");
    Cli.Result second = Cli.run("secrets", "keygen");
    assertThat(first.exitCode()).isZero();
    assertThat(java.util.Base64.getDecoder().decode(first.out().strip())).hasSize(32);
    assertThat(first.out()).isNotEqualTo(second.out());
  }

  @Test
  void deriveGivesThePinnedScopedKeyAndNeedsTheMasterKey() {
    useKeys(Map.of("GITCONF_MASTER_KEY", VECTOR_KEY));
    Cli.Result derived = Cli.run("secrets", "derive", "--scope", "dev");
    assertThat(derived.out()).isEqualTo("q2BFEHwIPzLKZhGjZsMTW8zLHBFmbFtl+BX4/qrlcbU=\n");
    useKeys(Map.of());
    Cli.Result missing = Cli.run("secrets", "derive", "--scope", "dev");
    assertThat(missing.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(missing.err()).startsWith("gitconf: ").contains("GITCONF_MASTER_KEY");
  }

  @Test
  void encryptReadsStandardInputAndGetRevealsOnlyWithTheKeyAndTheFlag() throws IOException {
    Cli.Result encrypted = encrypt(PLAINTEXT, "prod", "trader.rpc.endpoints.public-mainnet.apiKey");
    assertThat(encrypted.exitCode()).as(encrypted.all()).isZero();
    assertThat(encrypted.out())
        .startsWith(
            "Encrypted trader.rpc.endpoints.public-mainnet.apiKey for prod (key k1) into environments/prod/trader.yaml\n");
    String prodTrader = Files.readString(repo.resolve("environments/prod/trader.yaml"));
    assertThat(prodTrader)
        .contains("    public-mainnet:\n      apiKey: ENC[v1,prod,k1,")
        .doesNotContain(PLAINTEXT);
    assertThat(prodTrader).contains("# Live trading with real funds.");

    String path = "trader.rpc.endpoints.public-mainnet.apiKey";
    assertThat(Cli.run("validate", "--repo", repo.toString()).exitCode()).isZero();
    assertThat(Cli.run("get", path, "--env", "prod", "--repo", repo.toString()).out())
        .isEqualTo("****\n");
    assertThat(Cli.run("get", path, "--env", "prod", "--repo", repo.toString(), "--reveal").out())
        .isEqualTo(PLAINTEXT + "\n");
    useKeys(Map.of("GITCONF_KEY_DEV", VECTOR_KEY));
    Cli.Result noKey = Cli.run("get", path, "--env", "prod", "--repo", repo.toString(), "--reveal");
    assertThat(noKey.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(noKey.err())
        .isEqualTo(
            "gitconf: "
                + path
                + ": no key for scope prod (kid k1): set GITCONF_MASTER_KEY or GITCONF_KEY_PROD\n");
  }

  @Test
  void encryptRefusesAPathThatIsNotSecretAndEmptyInput() {
    Cli.Result notSecret = encrypt("x", "prod", "trader.mode");
    assertThat(notSecret.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(notSecret.err())
        .isEqualTo(
            "gitconf: trader.mode is not marked x-secret in its schema; only secret paths are encrypted\n");
    System.setIn(new ByteArrayInputStream(new byte[0]));
    Cli.Result empty =
        Cli.run(
            "secrets",
            "encrypt",
            "--repo",
            repo.toString(),
            "--env",
            "prod",
            "--path",
            "trader.apiKey");
    assertThat(empty.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(empty.err()).startsWith("gitconf: no secret on standard input");
  }

  @Test
  void rotateReencryptsEverySecretUnderTheNewKeyIdAsOneCommit() throws Exception {
    String newKey = VECTOR_KEY;
    useKeys(
        Map.of(
            "GITCONF_MASTER_KEY_K1",
            DEMO_KEY,
            "GITCONF_MASTER_KEY",
            newKey,
            "GITCONF_MASTER_KEY_ID",
            "k2"));
    Cli.Result rotated =
        Cli.run(
            "secrets",
            "rotate",
            "--repo",
            repo.toString(),
            "--kid",
            "k2",
            "--author",
            "Ada Trader <ada@desk.example>");
    assertThat(rotated.exitCode()).as(rotated.all()).isZero();
    assertThat(rotated.out()).isEqualTo("Rotate 3 secrets to key k2 in 3 files\n");
    try (Git git = Git.open(repo.toFile())) {
      RevCommit head = git.log().call().iterator().next();
      assertThat(head.getFullMessage()).isEqualTo("Rotate 3 secrets to key k2");
      assertThat(head.getAuthorIdent().getName()).isEqualTo("Ada Trader");
      assertThat(git.status().call().isClean()).isTrue();
    }
    assertThat(Files.readString(repo.resolve("environments/prod/trader.yaml")))
        .contains("ENC[v1,prod,k2,")
        .doesNotContain(",k1,");
    assertThat(
            Cli.run("get", "trader.apiKey", "--env", "prod", "--repo", repo.toString(), "--reveal")
                .out())
        .isEqualTo("demo-prod-jupiter-api-key\n");
    assertThat(Cli.run("secrets", "rotate", "--repo", repo.toString(), "--kid", "k2").out())
        .isEqualTo("Nothing to rotate: every secret is already under key k2\n");
  }

  @Test
  void rotateWithoutTheOldKeyChangesNothing() throws IOException {
    String before = Files.readString(repo.resolve("environments/prod/trader.yaml"));
    useKeys(Map.of("GITCONF_MASTER_KEY", VECTOR_KEY, "GITCONF_MASTER_KEY_ID", "k2"));
    Cli.Result rotated = Cli.run("secrets", "rotate", "--repo", repo.toString(), "--kid", "k2");
    assertThat(rotated.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(Files.readString(repo.resolve("environments/prod/trader.yaml"))).isEqualTo(before);
  }

  @Test
  void gitDiffThroughTheInstalledDriverShowsThatASecretChangedButNeverItsValue() throws Exception {
    assertThat(Cli.run("hooks", "install", "--repo", repo.toString()).exitCode()).isZero();
    StoredConfig config;
    try (Git git = Git.open(repo.toFile())) {
      config = git.getRepository().getConfig();
      assertThat(config.getString("diff", "gitconf", "command")).endsWith(" secrets diff-driver");
      // Run the driver from this build's classes rather than an installed jar.
      config.setString("diff", "gitconf", "command", testLauncher() + " secrets diff-driver");
      config.save();
      Path hook = repo.resolve(".git/hooks/pre-commit");
      Files.writeString(
          hook,
          Files.readString(hook)
              .replace(
                  "gitconf_installed() { gitconf ",
                  "gitconf_installed() { " + testLauncher() + " "));
      assertThat(Files.readString(repo.resolve(".git/info/attributes")))
          .contains("*.yaml diff=gitconf");

      assertThat(encrypt(PLAINTEXT, "prod", "trader.apiKey").exitCode()).isZero();
      String changed = git(repo, Map.of(), "diff");
      assertThat(changed)
          .contains("-apiKey: **** (changed)")
          .contains("+apiKey: **** (changed)")
          .doesNotContain("ENC[");

      git.add().addFilepattern(".").call();
      git.commit()
          .setAuthor(ADA)
          .setCommitter(ADA)
          .setMessage("New prod API key")
          .setSign(false)
          .call();
      useKeys(
          Map.of(
              "GITCONF_MASTER_KEY_K1",
              DEMO_KEY,
              "GITCONF_MASTER_KEY",
              VECTOR_KEY,
              "GITCONF_MASTER_KEY_ID",
              "k2"));
      assertThat(Cli.run("secrets", "rotate", "--repo", repo.toString(), "--kid", "k2").exitCode())
          .isZero();
      Map<String, String> keys =
          Map.of(
              "GITCONF_MASTER_KEY_K1",
              DEMO_KEY,
              "GITCONF_MASTER_KEY",
              VECTOR_KEY,
              "GITCONF_MASTER_KEY_ID",
              "k2");
      String rotation = git(repo, keys, "diff", "HEAD~1", "HEAD");
      assertThat(rotation)
          .contains("apiKey: **** (unchanged)")
          .doesNotContain("ENC[")
          .doesNotContain(PLAINTEXT);
    }
  }

  @Test
  void noCommandPrintsOrLogsAKnownPlaintext() throws Exception {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    PrintStream originalOut = System.out;
    PrintStream originalErr = System.err;
    List<Cli.Result> results = new ArrayList<>();
    System.setOut(new PrintStream(console, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(console, true, StandardCharsets.UTF_8));
    try {
      results.add(encrypt(PLAINTEXT, "prod", "trader.apiKey"));
      String r = repo.toString();
      results.add(Cli.run("validate", "--repo", r));
      results.add(Cli.run("validate", "--repo", r, "--output", "json"));
      results.add(Cli.run("get", "trader.apiKey", "--env", "prod", "--repo", r));
      results.add(Cli.run("get", "trader", "--env", "prod", "--repo", r, "--output", "json"));
      results.add(Cli.run("export", "--env", "prod", "--repo", r));
      results.add(Cli.run("export", "--env", "prod", "--repo", r, "--format", "json"));
      results.add(Cli.run("explain", "trader.apiKey", "--env", "prod", "--repo", r));
      results.add(Cli.run("diff", "--repo", r, "--from", "HEAD"));
      results.add(Cli.run("diff", "--repo", r, "--from", "HEAD", "--output", "json"));
      Path old = Files.writeString(dir.resolve("old.yaml"), "apiKey: " + "ENC[v1,prod,k1,QUJD]\n");
      results.add(
          Cli.run(
              "secrets",
              "diff-driver",
              "environments/prod/trader.yaml",
              old.toString(),
              "0",
              "100644",
              repo.resolve("environments/prod/trader.yaml").toString(),
              "0",
              "100644"));
      results.add(
          Cli.run(
              "secrets",
              "diff-driver",
              "--textconv",
              repo.resolve("environments/prod/trader.yaml").toString()));
      // A failing decryption, and validation that proves decryption, both with the wrong key.
      useKeys(Map.of("GITCONF_MASTER_KEY", VECTOR_KEY));
      Cli.Result wrongKey =
          Cli.run("get", "trader.apiKey", "--env", "prod", "--repo", r, "--reveal");
      assertThat(wrongKey.exitCode()).isEqualTo(ExitCodes.INVALID);
      assertThat(wrongKey.err()).contains("trader.apiKey: cannot decrypt (scope prod, key k1)");
      results.add(wrongKey);
      Cli.Result invalid = Cli.run("validate", "--repo", r);
      assertThat(invalid.exitCode()).isEqualTo(ExitCodes.INVALID);
      results.add(invalid);
    } finally {
      System.setOut(originalOut);
      System.setErr(originalErr);
    }
    assertThat(results).hasSize(14);
    for (Cli.Result result : results) {
      assertThat(result.all()).doesNotContain(PLAINTEXT);
    }
    assertThat(console.toString(StandardCharsets.UTF_8)).doesNotContain(PLAINTEXT);
    for (Path file : Files.walk(repo).filter(Files::isRegularFile).toList()) {
      assertThat(Files.readAllBytes(file))
          .asString(StandardCharsets.ISO_8859_1)
          .doesNotContain(PLAINTEXT);
    }
  }

  static String testLauncher() {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return java + " -cp " + System.getProperty("java.class.path") + " " + Main.class.getName();
  }

  private static String git(Path repo, Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("git", "-C", repo.toString(), "--no-pager"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    Map<String, String> environment = new HashMap<>(env);
    builder.environment().putAll(environment);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    return output;
  }
}
