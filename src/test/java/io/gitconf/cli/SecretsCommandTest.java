package io.gitconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
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
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class SecretsCommandTest {
  /** The documented demo key the template's secrets are encrypted with. */
  static final String DEMO_KEY = "Z2l0Y29uZi1kZW1vLWtleS1OT1QtRk9SLVBST0QhISE=";

  /** Bytes 0x00..0x1f, whose derived keys are pinned in EncryptionKeysTest. */
  static final String VECTOR_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

  static final String PLAINTEXT = "s3cr3t-PLAINTEXT-7f";

  /** A third key (the bytes 0x20..0x3f), neither the demo key nor {@link #VECTOR_KEY}. */
  static final String OTHER_KEY = "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=";

  private static final PersonIdent ADA = new PersonIdent("Ada Trader", "ada@desk.example");
  private static final String USER = "Ada Trader <ada@desk.example>";

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
    return Cli.run(
        "secrets",
        "encrypt",
        "--repo",
        repo.toString(),
        "--env",
        env,
        "--path",
        path,
        "--user",
        USER,
        "--reason",
        "New API key");
  }

  private Cli.Result rotate(String kid) {
    return Cli.run(
        "secrets",
        "rotate",
        "--repo",
        repo.toString(),
        "--kid",
        kid,
        "--user",
        USER,
        "--reason",
        "Move every secret to " + kid);
  }

  @Test
  void keygenPrintsANewMasterKeyEachTime() {
    Cli.Result first = Cli.run("secrets", "keygen");
    Cli.Result second = Cli.run("secrets", "keygen");
    assertThat(first.exitCode()).isZero();
    assertThat(java.util.Base64.getDecoder().decode(first.out().strip())).hasSize(32);
    assertThat(first.out()).isNotEqualTo(second.out());
    assertThat(first.err())
        .isEqualTo(
            "Keep it in your secret manager and give it to gitconf as GITCONF_MASTER_KEY, with a"
                + " key id the repository does not use yet as GITCONF_MASTER_KEY_ID (e.g. k2 when"
                + " its values are under k1); keep the old key as GITCONF_MASTER_KEY_<OLD ID> and"
                + " run gitconf secrets rotate.\n");
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
  void encryptReadsStandardInputAndGetRevealsOnlyWithTheKeyAndTheFlag() throws Exception {
    Cli.Result encrypted = encrypt(PLAINTEXT, "prod", "trader.rpc.endpoints.public-mainnet.apiKey");
    assertThat(encrypted.exitCode()).as(encrypted.all()).isZero();
    assertThat(encrypted.out())
        .matches(
            "Committed [0-9a-f]{8}: trader.rpc.endpoints.public-mainnet.apiKey encrypted for prod"
                + " under key k1 \\(environments/prod/trader.yaml\\)\n");
    try (Git git = Git.open(repo.toFile())) {
      RevCommit head = git.log().call().iterator().next();
      assertThat(head.getFullMessage()).isEqualTo("New API key");
      assertThat(head.getAuthorIdent().getName()).isEqualTo("Ada Trader");
      assertThat(git.status().call().isClean()).isTrue();
    }
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
            "trader.apiKey",
            "--user",
            USER,
            "--reason",
            "r");
    assertThat(empty.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(empty.err()).startsWith("gitconf: no secret on standard input");
  }

  @Test
  void encryptRefusesASecretOnTheCommandLineWithoutEchoingIt() throws IOException {
    String before = Files.readString(repo.resolve("environments/prod/trader.yaml"));

    Cli.Result result =
        Cli.run(
            "secrets",
            "encrypt",
            "--repo",
            repo.toString(),
            "--env",
            "prod",
            "--path",
            "trader.apiKey",
            "--user",
            USER,
            "--reason",
            "r",
            PLAINTEXT);

    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.out()).isEmpty();
    assertThat(result.err())
        .isEqualTo(
            "gitconf: the secret is read from standard input, never from the command line; 1"
                + " extra argument was given (not shown, in case it is the secret: if it was,"
                + " treat it as exposed and clear it from your shell history)\n");
    assertThat(Files.readString(repo.resolve("environments/prod/trader.yaml"))).isEqualTo(before);
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
    Cli.Result rotated = rotate("k2");
    assertThat(rotated.exitCode()).as(rotated.all()).isZero();
    assertThat(rotated.out())
        .matches("Committed [0-9a-f]{8}: 3 secrets re-encrypted under key k2 in 3 files\n");
    try (Git git = Git.open(repo.toFile())) {
      RevCommit head = git.log().call().iterator().next();
      assertThat(head.getFullMessage())
          .isEqualTo("Move every secret to k2\n\nRe-encrypt 3 secrets under key k2.");
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
    assertThat(rotate("k2").out())
        .isEqualTo("Nothing to rotate: every secret is already under key k2\n");
  }

  @Test
  void rotateWithoutTheOldKeyChangesNothing() throws IOException {
    String before = Files.readString(repo.resolve("environments/prod/trader.yaml"));
    useKeys(Map.of("GITCONF_MASTER_KEY", VECTOR_KEY, "GITCONF_MASTER_KEY_ID", "k2"));
    Cli.Result rotated = rotate("k2");
    assertThat(rotated.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(Files.readString(repo.resolve("environments/prod/trader.yaml"))).isEqualTo(before);
  }

  @Test
  void rotateRefusesUncommittedChangesToTheFilesItWritesAndNeverCommitsOthers() throws Exception {
    useKeys(
        Map.of(
            "GITCONF_MASTER_KEY_K1",
            DEMO_KEY,
            "GITCONF_MASTER_KEY",
            VECTOR_KEY,
            "GITCONF_MASTER_KEY_ID",
            "k2"));
    Path prodTrader = repo.resolve("environments/prod/trader.yaml");
    String edited =
        Files.readString(prodTrader).replace("requestTimeoutMs: 3000", "requestTimeoutMs: 2500");
    Files.writeString(prodTrader, edited);

    Cli.Result refused = rotate("k2");

    assertThat(refused.exitCode()).isEqualTo(ExitCodes.CONFLICT);
    assertThat(refused.err())
        .isEqualTo(
            "gitconf: uncommitted changes in environments/prod/trader.yaml (in "
                + repo
                + "): commit or stash them first, so that the commit holds only this change;"
                + " nothing was changed\n");
    assertThat(Files.readString(prodTrader)).isEqualTo(edited);
    try (Git git = Git.open(repo.toFile())) {
      assertThat(git.log().call().iterator().next().getFullMessage())
          .isEqualTo("Initial configuration from the trading template");
    }

    // An edit of a file the rotation does not write stays out of its commit, and stays.
    git(repo, Map.of(), "checkout", "--", "environments/prod/trader.yaml");
    Path devTokens = repo.resolve("environments/dev/tokens.yaml");
    Files.writeString(devTokens, "{}\n");
    Path prodRisk = repo.resolve("environments/prod/risk.yaml");
    String riskEdit =
        Files.readString(prodRisk).replace("maxOpenPositions: 5", "maxOpenPositions: 4");
    Files.writeString(prodRisk, riskEdit);
    Cli.Result rotated = rotate("k2");
    assertThat(rotated.exitCode()).as(rotated.all()).isZero();
    try (Git git = Git.open(repo.toFile())) {
      RevCommit head = git.log().call().iterator().next();
      assertThat(changedFiles(git, head))
          .containsExactly(
              "environments/dev/trader.yaml",
              "environments/prod/trader.yaml",
              "environments/test/trader.yaml");
      var status = git.status().call();
      assertThat(status.getModified()).containsExactly("environments/prod/risk.yaml");
      assertThat(status.getUntracked()).containsExactly("environments/dev/tokens.yaml");
    }
    assertThat(Files.readString(prodRisk)).isEqualTo(riskEdit);
  }

  /** The files a commit changed, by Git path, sorted. */
  static List<String> changedFiles(Git git, RevCommit commit) throws Exception {
    try (var reader = git.getRepository().newObjectReader()) {
      var parent = new org.eclipse.jgit.treewalk.CanonicalTreeParser();
      parent.reset(reader, commit.getParent(0).getTree());
      var tree = new org.eclipse.jgit.treewalk.CanonicalTreeParser();
      tree.reset(reader, commit.getTree());
      return git.diff().setOldTree(parent).setNewTree(tree).call().stream()
          .map(d -> d.getNewPath().equals("/dev/null") ? d.getOldPath() : d.getNewPath())
          .sorted()
          .toList();
    }
  }

  @Test
  void rotateWorksInAConfigRepositoryThatIsAFolderOfALargerGitRepository() throws Exception {
    Path big = dir.resolve("big");
    Files.createDirectories(big);
    Git.init().setDirectory(big.toFile()).setInitialBranch("main").call().close();
    Path config = big.resolve("config");
    assertThat(Cli.run("init", config.toString()).exitCode()).isZero();
    // init made config/ a repository of its own; make it a folder of the larger one instead.
    deleteTree(config.resolve(".git"));
    try (Git git = Git.open(big.toFile())) {
      git.add().addFilepattern(".").call();
      git.commit().setAuthor(ADA).setCommitter(ADA).setMessage("Config").setSign(false).call();
    }
    useKeys(
        Map.of(
            "GITCONF_MASTER_KEY_K1",
            DEMO_KEY,
            "GITCONF_MASTER_KEY",
            VECTOR_KEY,
            "GITCONF_MASTER_KEY_ID",
            "k2"));
    repo = config;
    Cli.Result rotated = rotate("k2");
    assertThat(rotated.exitCode()).as(rotated.all()).isZero();
    try (Git git = Git.open(big.toFile())) {
      RevCommit head = git.log().call().iterator().next();
      assertThat(changedFiles(git, head))
          .containsExactly(
              "config/environments/dev/trader.yaml",
              "config/environments/prod/trader.yaml",
              "config/environments/test/trader.yaml");
      assertThat(git.status().call().isClean()).isTrue();
    }
    assertThat(
            Cli.run(
                    "get",
                    "trader.apiKey",
                    "--env",
                    "prod",
                    "--repo",
                    config.toString(),
                    "--reveal")
                .out())
        .isEqualTo("demo-prod-jupiter-api-key\n");
  }

  private static void deleteTree(Path root) throws IOException {
    try (var files = Files.walk(root)) {
      for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }

  @Test
  void gitDiffThroughTheInstalledDriverShowsThatASecretChangedButNeverItsValue() throws Exception {
    assertThat(Cli.run("hooks", "install", "--repo", repo.toString()).exitCode()).isZero();
    StoredConfig config;
    try (Git git = Git.open(repo.toFile())) {
      config = git.getRepository().getConfig();
      assertThat(config.getString("diff", "gitconf", "command")).endsWith(" secrets diff-driver");
      // Run the driver from this build's classes rather than an installed jar.
      assertThat(config.getString("diff", "gitconf", "textconv"))
          .endsWith(" secrets diff-driver --textconv");
      config.setString("diff", "gitconf", "command", testLauncher() + " secrets diff-driver");
      config.setString(
          "diff", "gitconf", "textconv", testLauncher() + " secrets diff-driver --textconv");
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
      // encrypt committed the secret without running the hook (it validated that very tree).
      String changed = git(repo, Map.of(), "diff", "HEAD~1", "HEAD");
      assertThat(changed)
          .contains("-apiKey: **** (changed)")
          .contains("+apiKey: **** (changed)")
          .doesNotContain("ENC[");

      // git show and git log -p use the textconv side, which cannot say "changed" but must still
      // show the line as changed: a ciphertext fingerprint, never the ciphertext or the value.
      String shown = git(repo, Map.of(), "show", "HEAD");
      List<String> apiKeyLines = shown.lines().filter(l -> l.matches("[-+]apiKey: .*")).toList();
      assertThat(apiKeyLines).hasSize(2);
      assertThat(apiKeyLines.get(0)).matches("-apiKey: \\*\\*\\*\\* \\(prod k1 #[0-9a-f]{8}\\)");
      assertThat(apiKeyLines.get(1)).matches("\\+apiKey: \\*\\*\\*\\* \\(prod k1 #[0-9a-f]{8}\\)");
      assertThat(apiKeyLines.get(0).substring(1)).isNotEqualTo(apiKeyLines.get(1).substring(1));
      assertThat(shown).doesNotContain("ENC[").doesNotContain(PLAINTEXT);
      useKeys(
          Map.of(
              "GITCONF_MASTER_KEY_K1",
              DEMO_KEY,
              "GITCONF_MASTER_KEY",
              VECTOR_KEY,
              "GITCONF_MASTER_KEY_ID",
              "k2"));
      assertThat(rotate("k2").exitCode()).isZero();
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

  /**
   * The README's secrets recipe, its commands exactly as printed, run in order by a shell in a
   * clone of the template (whose secrets are under the demo key): afterwards every secret is under
   * the new key's id and decrypts with the new key alone.
   */
  @Test
  void theReadmeSecretsRecipeWorksAsWritten() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    String recipe = null;
    for (String block : readme.split("```sh\n")) {
      String code = block.substring(0, Math.max(0, block.indexOf("```")));
      if (code.contains("gitconf secrets keygen") && code.contains("gitconf secrets rotate")) {
        assertThat(recipe).as("one recipe in the README").isNull();
        recipe = code;
      }
    }
    assertThat(recipe).isNotNull();
    String apiKey = "desk-jupiter-key-" + System.nanoTime();
    String script =
        "set -eu -o pipefail\n"
            + "gitconf() { \"$JAVA_BIN\" -cp \"$TEST_CP\" "
            + Main.class.getName()
            + " \"$@\"; }\n"
            + recipe
            + "echo '--- after the recipe'\n"
            + "gitconf get trader.apiKey --env prod --reveal\n"
            + "gitconf get trader.apiKey --env test --reveal\n"
            + "(unset GITCONF_MASTER_KEY_K1; gitconf validate > /dev/null)\n";
    ProcessBuilder shell = new ProcessBuilder("bash", "-c", script).directory(repo.toFile());
    shell.environment().keySet().removeIf(name -> name.startsWith("GITCONF"));
    shell
        .environment()
        .put("JAVA_BIN", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    shell.environment().put("TEST_CP", System.getProperty("java.class.path"));
    shell.environment().put("GITCONF_MASTER_KEY", DEMO_KEY);
    shell.environment().put("API_KEY", apiKey);
    shell.redirectErrorStream(true);
    Process process = shell.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as(output).isZero();

    assertThat(output.substring(output.indexOf("--- after the recipe\n")))
        .isEqualTo("--- after the recipe\n" + apiKey + "\n" + "demo-test-jupiter-api-key\n");
    try (Git git = Git.open(repo.toFile())) {
      List<RevCommit> commits = new ArrayList<>();
      git.log().setMaxCount(2).call().forEach(commits::add);
      assertThat(commits.get(1).getFullMessage()).isEqualTo("Our own Jupiter API key");
      assertThat(commits.get(0).getFullMessage())
          .isEqualTo("Every secret under our own key\n\nRe-encrypt 2 secrets under key k2.");
      assertThat(commits)
          .allSatisfy(c -> assertThat(c.getAuthorIdent().getName()).isEqualTo("Ada Trader"));
      assertThat(git.status().call().isClean()).isTrue();
    }
    for (String env : List.of("dev", "test", "prod")) {
      assertThat(Files.readString(repo.resolve("environments/" + env + "/trader.yaml")))
          .contains("ENC[v1," + env + ",k2,")
          .doesNotContain(",k1,")
          .doesNotContain(apiKey);
    }
    assertThat(output).doesNotContain(apiKey + "\n---");
  }

  /**
   * The README's first recipe made a new key under the demo key's id, k1: both are refused now, for
   * encrypt and rotate alike, naming the variable that gives the new key an id of its own.
   */
  @Test
  void aKeyUnderAnIdTheRepositoryUsesForAnotherKeyIsRefusedNamingTheVariable() throws Exception {
    useKeys(Map.of("GITCONF_MASTER_KEY", VECTOR_KEY));
    Cli.Result encrypted = encrypt(PLAINTEXT, "prod", "trader.apiKey");
    assertThat(encrypted.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(encrypted.err())
        .isEqualTo(
            "gitconf: the repository already holds values under key id k1 that the key given for k1"
                + " does not decrypt (environments/dev/trader.yaml: trader.apiKey): k1 is another"
                + " key's id. Give this key a new id with GITCONF_MASTER_KEY_ID=k2, and keep the key"
                + " of k1 as GITCONF_MASTER_KEY_K1 to read those values; nothing was changed\n");

    useKeys(
        Map.of(
            "GITCONF_MASTER_KEY_K1", DEMO_KEY,
            "GITCONF_MASTER_KEY", VECTOR_KEY,
            "GITCONF_MASTER_KEY_ID", "k2"));
    assertThat(rotate("k2").exitCode()).isZero();
    String rotated = Files.readString(repo.resolve("environments/prod/trader.yaml"));
    // Another new key, given the id the last rotation used.
    useKeys(
        Map.of(
            "GITCONF_MASTER_KEY_K1", DEMO_KEY,
            "GITCONF_MASTER_KEY", OTHER_KEY,
            "GITCONF_MASTER_KEY_ID", "k2"));
    Cli.Result again = rotate("k2");
    assertThat(again.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(again.err())
        .isEqualTo(
            "gitconf: the repository already holds values under key id k2 that the key given for k2"
                + " does not decrypt (environments/dev/trader.yaml: trader.apiKey): k2 is another"
                + " key's id. Give this key a new id with GITCONF_MASTER_KEY_ID=k3, and keep the key"
                + " of k2 as GITCONF_MASTER_KEY_K2 to read those values; nothing was changed\n");
    Cli.Result encryptedAgain = encrypt(PLAINTEXT, "prod", "trader.apiKey");
    assertThat(encryptedAgain.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(encryptedAgain.err()).contains("GITCONF_MASTER_KEY_ID=k3");
    assertThat(Files.readString(repo.resolve("environments/prod/trader.yaml"))).isEqualTo(rotated);
  }

  @Test
  void noCommandPrintsOrLogsAKnownPlaintext() throws Exception {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    PrintStream originalOut = System.out;
    PrintStream originalErr = System.err;
    // Every log event at every level, not only what the console appender would print.
    Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    Level originalLevel = root.getLevel();
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    root.addAppender(logs);
    root.setLevel(Level.TRACE);
    List<Cli.Result> succeeded = new ArrayList<>();
    List<Cli.Result> failed = new ArrayList<>();
    System.setOut(new PrintStream(console, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(console, true, StandardCharsets.UTF_8));
    try {
      succeeded.add(encrypt(PLAINTEXT, "prod", "trader.apiKey"));
      String r = repo.toString();
      succeeded.add(Cli.run("validate", "--repo", r));
      succeeded.add(Cli.run("validate", "--repo", r, "--output", "json"));
      Cli.Result get = Cli.run("get", "trader.apiKey", "--env", "prod", "--repo", r);
      assertThat(get.out()).isEqualTo("****\n");
      succeeded.add(get);
      succeeded.add(Cli.run("get", "trader", "--env", "prod", "--repo", r, "--output", "json"));
      succeeded.add(Cli.run("export", "--env", "prod", "--repo", r));
      succeeded.add(Cli.run("export", "--env", "prod", "--repo", r, "--format", "json"));
      succeeded.add(Cli.run("explain", "trader.apiKey", "--env", "prod", "--repo", r));
      succeeded.add(Cli.run("explain", "trader", "--env", "prod", "--repo", r, "--output", "json"));
      succeeded.add(Cli.run("diff", "--repo", r, "--from", "HEAD"));
      succeeded.add(Cli.run("diff", "--repo", r, "--from", "HEAD", "--output", "json"));
      Path old = Files.writeString(dir.resolve("old.yaml"), "apiKey: " + "ENC[v1,prod,k1,QUJD]\n");
      Cli.Result driver =
          Cli.run(
              "secrets",
              "diff-driver",
              "environments/prod/trader.yaml",
              old.toString(),
              "0",
              "100644",
              repo.resolve("environments/prod/trader.yaml").toString(),
              "0",
              "100644");
      assertThat(driver.out()).contains("+apiKey: **** (changed)");
      succeeded.add(driver);
      Cli.Result textconv =
          Cli.run(
              "secrets",
              "diff-driver",
              "--textconv",
              repo.resolve("environments/prod/trader.yaml").toString());
      assertThat(textconv.out())
          .containsPattern("\\napiKey: \\*\\*\\*\\* \\(prod k1 #[0-9a-f]{8}\\)\\n");
      succeeded.add(textconv);

      // Failing decryptions: a wrong key for get --reveal and for validate, and no key at all.
      useKeys(Map.of("GITCONF_MASTER_KEY", VECTOR_KEY));
      Cli.Result wrongKey =
          Cli.run("get", "trader.apiKey", "--env", "prod", "--repo", r, "--reveal");
      assertThat(wrongKey.exitCode()).isEqualTo(ExitCodes.INVALID);
      assertThat(wrongKey.err())
          .isEqualTo(
              "gitconf: trader.apiKey: cannot decrypt (scope prod, key k1): wrong key, or the"
                  + " value was altered or moved from another path\n");
      failed.add(wrongKey);
      Cli.Result invalid = Cli.run("validate", "--repo", r);
      assertThat(invalid.exitCode()).isEqualTo(ExitCodes.INVALID);
      assertThat(invalid.all()).contains("(secret-decrypt)");
      failed.add(invalid);
      useKeys(Map.of());
      Cli.Result noKey = Cli.run("get", "trader.apiKey", "--env", "prod", "--repo", r, "--reveal");
      assertThat(noKey.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
      failed.add(noKey);

      // The plaintext written where a secret belongs: validation names the path, not the value.
      Path prodTrader = repo.resolve("environments/prod/trader.yaml");
      Files.writeString(
          prodTrader,
          Files.readString(prodTrader)
              .replaceAll("apiKey: ENC\\[[^\\]]*\\]", "apiKey: " + PLAINTEXT));
      assertThat(Files.readString(prodTrader)).contains(PLAINTEXT);
      Cli.Result plaintext = Cli.run("validate", "--repo", r);
      assertThat(plaintext.exitCode()).isEqualTo(ExitCodes.INVALID);
      assertThat(plaintext.all()).contains("trader.apiKey: holds plaintext but is marked x-secret");
      failed.add(plaintext);
      Cli.Result shown = Cli.run("get", "trader.apiKey", "--env", "prod", "--repo", r);
      assertThat(shown.out()).isEqualTo("****\n");
      succeeded.add(shown);
      succeeded.add(Cli.run("export", "--env", "prod", "--repo", r));
      succeeded.add(Cli.run("explain", "trader.apiKey", "--env", "prod", "--repo", r));
      succeeded.add(Cli.run("diff", "--repo", r, "--from", "HEAD"));
      git(repo, Map.of(), "checkout", "--", "environments/prod/trader.yaml");
    } finally {
      System.setOut(originalOut);
      System.setErr(originalErr);
      root.detachAppender(logs);
      root.setLevel(originalLevel);
    }
    assertThat(succeeded).hasSize(17);
    assertThat(failed).hasSize(4);
    for (Cli.Result result : succeeded) {
      assertThat(result.exitCode()).as(result.all()).isZero();
      assertThat(result.all()).doesNotContain(PLAINTEXT);
    }
    for (Cli.Result result : failed) {
      assertThat(result.all()).doesNotContain(PLAINTEXT);
    }
    assertThat(console.toString(StandardCharsets.UTF_8)).doesNotContain(PLAINTEXT);
    for (ILoggingEvent event : logs.list) {
      assertThat(event.getFormattedMessage()).doesNotContain(PLAINTEXT);
      if (event.getThrowableProxy() != null) {
        assertThat(ThrowableProxyUtil.asString(event.getThrowableProxy()))
            .doesNotContain(PLAINTEXT);
      }
    }
    for (Path file : Files.walk(repo).filter(Files::isRegularFile).toList()) {
      assertThat(Files.readAllBytes(file))
          .as(file.toString())
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
    assertThat(process.waitFor()).as(output).isZero();
    return output;
  }
}
