package io.gitconf.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.gitconf.client.ConfigManager;
import io.gitconf.core.ChangeRateLimit;
import io.gitconf.core.GitconfException;
import io.gitconf.core.Problem;
import io.gitconf.testing.TestDatabase;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.StoredConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way to change configuration refuses the same things the same way: each entry point ({@code
 * set}, {@code import}, {@code rollback}, {@code secrets encrypt}, {@code secrets rotate}, {@code
 * ConfigManager.set}) against each refusal, with the same exit code (or exception kind) and the
 * same message, and nothing changed: not the clone's branch, not its files, not the remote.
 */
class ChangeRefusalsTest {
  private static final String USER = "Ada Trader <ada@desk.example>";

  @TempDir static Path dir;
  private static TestDatabase database;
  private static Path seedOrigin;
  private static int rows;

  enum Entry {
    SET("environments/prod/risk.yaml"),
    IMPORT("environments/prod/risk.yaml"),
    ROLLBACK("environments/prod/risk.yaml"),
    ENCRYPT("environments/prod/trader.yaml"),
    ROTATE("environments/prod/trader.yaml"),
    CONFIG_MANAGER_SET("environments/prod/risk.yaml");

    /** The file the change writes. */
    final String file;

    Entry(String file) {
      this.file = file;
    }
  }

  enum Refusal {
    BLANK_REASON,
    BAD_AUTHOR,
    RATE_LIMIT,
    INVALID_RESULT,
    SECRET_AS_PLAINTEXT,
    DIRTY_WORK_TREE,
    UNKNOWN_ENVIRONMENT,
    DIVERGED_CLONE,
    NO_ORIGIN_WITH_PUSH
  }

  /**
   * Pairs that cannot arise, and why: encrypt and rotate write only ciphertext, and a rollback
   * restores a version that passed the same secret rule (a core test covers one that did not);
   * rotate changes the whole repository, and a ConfigManager serves one environment that exists.
   */
  private static final Map<Entry, Set<Refusal>> NOT_APPLICABLE =
      Map.of(
          Entry.ENCRYPT, EnumSet.of(Refusal.SECRET_AS_PLAINTEXT),
          Entry.ROTATE, EnumSet.of(Refusal.SECRET_AS_PLAINTEXT, Refusal.UNKNOWN_ENVIRONMENT),
          Entry.ROLLBACK, EnumSet.of(Refusal.SECRET_AS_PLAINTEXT),
          Entry.CONFIG_MANAGER_SET, EnumSet.of(Refusal.UNKNOWN_ENVIRONMENT));

  /** One clone and its own remote, for one row. */
  private record Row(Entry entry, Refusal refusal, Path work, Path origin) {}

  /** What a refusal looked like: an exit code and standard error, or an exception. */
  private record Outcome(int exitCode, String err, Optional<GitconfException> thrown) {}

  @BeforeAll
  static void seed() throws Exception {
    Path seed = dir.resolve("seed");
    assertThat(Cli.run("init", seed.toString()).exitCode()).isZero();
    Cli.Result fewer =
        Cli.run(
            "set",
            "risk.parameters.maxOpenPositions",
            "4",
            "--env",
            "prod",
            "--repo",
            seed.toString(),
            "--user",
            "Cy Quant <cy@desk.example>",
            "--reason",
            "Fewer open positions");
    assertThat(fewer.exitCode()).as(fewer.all()).isZero();
    seedOrigin = dir.resolve("seed.git");
    Git.cloneRepository()
        .setBare(true)
        .setURI(seed.toUri().toString())
        .setDirectory(seedOrigin.toFile())
        .call()
        .close();
    database = TestDatabase.create();
    Cli.Result rebuilt =
        Cli.run("rebuild", "--repo", seedOrigin.toString(), "--db", database.jdbcUrl());
    assertThat(rebuilt.exitCode()).as(rebuilt.all()).isZero();
  }

  @AfterAll
  static void dropDatabase() {
    if (database != null) {
      database.close();
    }
  }

  @TestFactory
  Stream<DynamicTest> everyEntryPointRefusesEveryBadChangeAlike() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Refusal refusal : Refusal.values()) {
      for (Entry entry : Entry.values()) {
        if (NOT_APPLICABLE.getOrDefault(entry, Set.of()).contains(refusal)) {
          continue;
        }
        tests.add(
            DynamicTest.dynamicTest(
                entry + " refuses " + refusal, () -> check(prepare(entry, refusal))));
      }
    }
    assertThat(tests).hasSize(Entry.values().length * Refusal.values().length - 5);
    return tests.stream();
  }

  private static Row prepare(Entry entry, Refusal refusal) throws Exception {
    int n = ++rows;
    Path origin = dir.resolve("origin-" + n + ".git");
    Git.cloneRepository()
        .setBare(true)
        .setURI(seedOrigin.toUri().toString())
        .setDirectory(origin.toFile())
        .call()
        .close();
    Path clone = dir.resolve("clone-" + n);
    Git.cloneRepository()
        .setURI(origin.toUri().toString())
        .setDirectory(clone.toFile())
        .call()
        .close();
    switch (refusal) {
      case RATE_LIMIT -> commit(clone, "environments/dev/mev.yaml", "# a note\n", true, USER);
      case INVALID_RESULT ->
          commit(
              clone,
              "environments/dev/risk.yaml",
              "parameters:\n  maxExposurePercent: 150\n",
              false,
              "Bo Risk <bo@desk.example>");
      case DIRTY_WORK_TREE -> append(clone.resolve(entry.file), "# an edit of my own\n");
      case DIVERGED_CLONE -> {
        Path other = dir.resolve("other-" + n);
        try (Git git =
            Git.cloneRepository()
                .setURI(origin.toUri().toString())
                .setDirectory(other.toFile())
                .call()) {
          commit(
              other,
              "environments/test/trader.yaml",
              "# theirs\n",
              true,
              "Bo Risk <bo@desk.example>");
          git.push().call();
        }
        commit(clone, "environments/dev/mev.yaml", "# mine\n", true, "Bo Risk <bo@desk.example>");
      }
      case NO_ORIGIN_WITH_PUSH -> {
        try (Git git = Git.open(clone.toFile())) {
          StoredConfig config = git.getRepository().getConfig();
          config.unsetSection("remote", "origin");
          config.save();
        }
      }
      default -> {}
    }
    return new Row(entry, refusal, clone, origin);
  }

  private static void check(Row row) throws Exception {
    String head = head(row.work());
    String originHead = head(row.origin());
    String file = Files.readString(row.work().resolve(row.entry().file));
    Outcome outcome = run(row);
    String expected = expectedMessage(row);
    if (row.entry() == Entry.CONFIG_MANAGER_SET) {
      assertThat(outcome.thrown()).as("exception").isPresent();
      GitconfException e = outcome.thrown().get();
      assertThat(e).isInstanceOf(expectedKind(row.refusal()));
      String message =
          e instanceof GitconfException.ValidationFailed failed
              ? String.join("\n", failed.problems().stream().map(Problem::toString).toList())
              : e.getMessage();
      assertThat(message).matches(expected);
    } else {
      assertThat(outcome.exitCode()).as(outcome.err()).isEqualTo(expectedExitCode(row.refusal()));
      String prefix = row.refusal() == Refusal.INVALID_RESULT ? "" : "gitconf: ";
      assertThat(outcome.err()).matches(Pattern.quote(prefix) + expected + "\n");
    }
    assertThat(head(row.work())).as("the clone's branch").isEqualTo(head);
    assertThat(head(row.origin())).as("the remote's branch").isEqualTo(originHead);
    assertThat(Files.readString(row.work().resolve(row.entry().file))).isEqualTo(file);
    assertThat(row.work().resolve(".git/gitconf-change.lock")).doesNotExist();
  }

  private static Class<? extends GitconfException> expectedKind(Refusal refusal) {
    return switch (refusal) {
      case RATE_LIMIT -> GitconfException.RateLimited.class;
      case INVALID_RESULT -> GitconfException.ValidationFailed.class;
      case DIRTY_WORK_TREE, DIVERGED_CLONE -> GitconfException.Conflict.class;
      default -> GitconfException.BadRequest.class;
    };
  }

  private static int expectedExitCode(Refusal refusal) {
    return switch (refusal) {
      case INVALID_RESULT -> ExitCodes.INVALID;
      case DIRTY_WORK_TREE, DIVERGED_CLONE -> ExitCodes.CONFLICT;
      default -> ExitCodes.USAGE;
    };
  }

  /** The message, as a regular expression: the same for every entry point. */
  private static String expectedMessage(Row row) {
    String clone = Pattern.quote(row.work().toString());
    return switch (row.refusal()) {
      case BLANK_REASON -> Pattern.quote("a change needs a reason: it is the commit message");
      case BAD_AUTHOR ->
          Pattern.quote("'Ada Trader <ada@desk' is not an author; write it as: Name <email>");
      case RATE_LIMIT ->
          "Ada Trader made 1 changes in the last 60 s \\(limit 1/min\\); retry in \\d+ s";
      case INVALID_RESULT ->
          Pattern.quote(
              "environments/dev/risk.yaml:2: risk.parameters.maxExposurePercent: must be <= 100"
                  + " (maximum)");
      case SECRET_AS_PLAINTEXT ->
          Pattern.quote(
              "trader.apiKey is a secret: set it with gitconf secrets encrypt (the value is read"
                  + " from standard input)");
      case DIRTY_WORK_TREE ->
          Pattern.quote("uncommitted changes in " + row.entry().file + " (in ")
              + clone
              + Pattern.quote(
                  "): commit or stash them first, so that the commit holds only this change;"
                      + " nothing was changed");
      case UNKNOWN_ENVIRONMENT ->
          Pattern.quote("unknown environment 'staging' (gitconf.yaml declares: dev, test, prod)");
      case DIVERGED_CLONE ->
          clone
              + Pattern.quote(
                  ": main has diverged from origin/main (1 local and 1 remote commits); bring it"
                      + " up to date (git pull --rebase) before changing configuration; nothing"
                      + " was changed");
      case NO_ORIGIN_WITH_PUSH ->
          clone
              + Pattern.quote(
                  " has no remote named origin, so the change cannot be pushed; nothing was"
                      + " changed (add the remote with git remote add origin URL, or make the"
                      + " change without pushing it)");
    };
  }

  private static Outcome run(Row row) throws Exception {
    Refusal refusal = row.refusal();
    String user = refusal == Refusal.BAD_AUTHOR ? "Ada Trader <ada@desk" : USER;
    String reason = refusal == Refusal.BLANK_REASON ? "  " : "A reviewed change";
    String env = refusal == Refusal.UNKNOWN_ENVIRONMENT ? "staging" : "prod";
    boolean secret = refusal == Refusal.SECRET_AS_PLAINTEXT;
    if (row.entry() == Entry.CONFIG_MANAGER_SET) {
      return runConfigManager(row, user, reason, secret);
    }
    List<String> args =
        new ArrayList<>(
            switch (row.entry()) {
              case SET ->
                  secret
                      ? List.of("set", "trader.apiKey", "plain-text-key", "--env", env)
                      : List.of("set", "risk.parameters.maxOpenPositions", "3", "--env", env);
              case IMPORT -> List.of("import", importFile(secret).toString(), "--env", env);
              case ROLLBACK ->
                  List.of(
                      "rollback", "--env", env, "--to", "1", "--db", database.jdbcUrl(), "--yes");
              case ENCRYPT ->
                  List.of("secrets", "encrypt", "--env", env, "--path", "trader.apiKey");
              case ROTATE -> List.of("secrets", "rotate", "--kid", "k2");
              case CONFIG_MANAGER_SET -> throw new IllegalStateException();
            });
    args.addAll(List.of("--repo", row.work().toString(), "--user", user, "--reason", reason));
    if (refusal == Refusal.RATE_LIMIT) {
      args.addAll(List.of("--rate-limit", "1/min"));
    }
    if (refusal == Refusal.DIVERGED_CLONE || refusal == Refusal.NO_ORIGIN_WITH_PUSH) {
      args.add("--push");
    }
    InputStream stdin = System.in;
    try {
      if (row.entry() == Entry.ENCRYPT) {
        Keys.substituteEnvironment(Map.of("GITCONF_MASTER_KEY", SecretsCommandTest.DEMO_KEY));
        System.setIn(new ByteArrayInputStream("a new key\n".getBytes(StandardCharsets.UTF_8)));
      } else if (row.entry() == Entry.ROTATE) {
        Keys.substituteEnvironment(
            Map.of(
                "GITCONF_MASTER_KEY_K1", SecretsCommandTest.DEMO_KEY,
                "GITCONF_MASTER_KEY", SecretsCommandTest.VECTOR_KEY,
                "GITCONF_MASTER_KEY_ID", "k2"));
      }
      Cli.Result result = Cli.run(args.toArray(String[]::new));
      return new Outcome(result.exitCode(), result.err(), Optional.empty());
    } finally {
      Keys.substituteEnvironment(null);
      System.setIn(stdin);
    }
  }

  private static Outcome runConfigManager(Row row, String user, String reason, boolean secret) {
    ConfigManager.Builder builder =
        ConfigManager.builder()
            .directory(row.work())
            .configRepository(row.work())
            .environment("prod");
    if (row.refusal() == Refusal.RATE_LIMIT) {
      builder.rateLimit(ChangeRateLimit.parse("1/min"));
    }
    try (ConfigManager config = builder.build()) {
      Throwable thrown =
          catchThrowable(
              () ->
                  config.set(
                      secret ? "trader.apiKey" : "risk.parameters.maxOpenPositions",
                      secret ? "plain-text-key" : 3,
                      user,
                      reason));
      assertThat(thrown).isInstanceOf(GitconfException.class);
      return new Outcome(-1, "", Optional.of((GitconfException) thrown));
    }
  }

  private static Path importFile(boolean secret) throws IOException {
    Path file = Files.createTempFile(dir, "import-", ".yaml");
    return Files.writeString(
        file,
        secret
            ? "trader:\n  apiKey: plain-text-key\n"
            : "risk:\n  parameters:\n    maxOpenPositions: 3\n");
  }

  /**
   * Commits one file's new content (or {@code text} added to it) with plain JGit, as a person would
   * outside gitconf.
   */
  static void commit(Path clone, String file, String text, boolean append, String author)
      throws Exception {
    Path path = clone.resolve(file);
    Files.createDirectories(path.getParent());
    Files.writeString(path, append ? Files.readString(path) + text : text);
    PersonIdent ident = io.gitconf.core.ChangeRequest.parseAuthor(author);
    try (Git git = Git.open(clone.toFile())) {
      git.add().addFilepattern(file).call();
      git.commit()
          .setOnly(file)
          .setAuthor(ident)
          .setCommitter(ident)
          .setMessage("Edit " + file)
          .setSign(false)
          .setNoVerify(true)
          .call();
    }
  }

  private static void append(Path file, String text) throws IOException {
    Files.writeString(file, Files.readString(file) + text);
  }

  private static String head(Path repo) throws IOException {
    try (Git git = Git.open(repo.toFile())) {
      ObjectId id = git.getRepository().resolve("refs/heads/main");
      return id == null ? "" : id.name();
    }
  }
}
