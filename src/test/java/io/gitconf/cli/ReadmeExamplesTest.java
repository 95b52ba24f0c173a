package io.gitconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gitconf.mirror.MirrorReader;
import io.gitconf.mirror.VersionRecord;
import io.gitconf.sync.Database;
import io.gitconf.sync.SyncListener;
import io.gitconf.sync.SyncSettings;
import io.gitconf.sync.Syncer;
import io.gitconf.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's quoted command examples print what the README says they print. Every {@code console}
 * block that follows the line {@value #MARKER} is read as examples: a {@code $ } line is a command
 * (continued by a trailing {@code \}, a {@code #} comment after two spaces dropped), the lines
 * under it are what it prints, and a trailing {@code (exit N)} is its exit code. The test plays the
 * README's story on a repository made by {@code gitconf init} from the shipped template ({@code
 * config-repo-template/}) and a real PostgreSQL mirror, runs each command as the README writes it,
 * and compares the lines.
 *
 * <p>What is normalised, and nothing else: commit ids and checksums (they depend on when a commit
 * is made; any prefix of a real one, and in the README any run of 7 or more hexadecimal digits with
 * a letter, reads {@code <hash>}); times ({@code 2026-11-24T01:25:30Z} and with fractions read
 * {@code <time>}, so a column keeps its width only where both have seconds); the config
 * repositories' directories ({@code trading-config} in a command, {@code /home/ada/trading-config}
 * in output; {@code my-config}, which {@code init} makes in the test's folder); the mirror ({@code
 * --embedded-postgres .gitconf/pg} in a command runs with {@code --db} and the test's database);
 * {@code java -jar target/gitconf.jar}, which is {@code gitconf}; and {@code watch}, which runs
 * until stopped, is given {@code --count N} for the N lines quoted (its {@code watching ...} line
 * on standard error is not quoted).
 *
 * <p>With {@code -Dreadme.print=true} the test prints what each command prints instead of
 * comparing, for writing a new example into the README.
 */
class ReadmeExamplesTest {
  static final String MARKER = "<!-- output checked by ReadmeExamplesTest -->";
  private static final Path README = Path.of("README.md");
  private static final String README_REPO = "/home/ada/trading-config";
  private static final Pattern HEX = Pattern.compile("\\b[0-9a-f]{7,64}\\b");
  private static final Pattern TIME =
      Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");
  private static final Pattern EXIT = Pattern.compile("\\s+\\(exit (\\d+)\\)$");

  @TempDir Path dir;

  /** One quoted command: what it prints, and how it exits. */
  record Example(String command, List<String> output, int exitCode) {}

  /** The examples of the README's checked blocks, by command as written. */
  static Map<String, Example> examples(List<String> readme) {
    Map<String, Example> examples = new LinkedHashMap<>();
    for (int i = 0; i < readme.size(); i++) {
      if (!readme.get(i).equals(MARKER)) {
        continue;
      }
      assertThat(readme.get(i + 1)).as("README line " + (i + 2)).isEqualTo("```console");
      int line = i + 2;
      while (!readme.get(line).equals("```")) {
        if (!readme.get(line).startsWith("$ ")) {
          line++;
          continue;
        }
        StringBuilder command = new StringBuilder(readme.get(line).substring(2));
        while (command.toString().endsWith("\\")) {
          command.setLength(command.length() - 1);
          command.append(readme.get(++line).strip());
        }
        String text = command.toString().replaceAll("\\s{2,}#.*$", "").strip();
        List<String> output = new ArrayList<>();
        int exitCode = 0;
        for (line++; !readme.get(line).startsWith("$ ") && !readme.get(line).equals("```"); ) {
          String printed = readme.get(line++);
          if (printed.isEmpty()) {
            continue;
          }
          Matcher exit = EXIT.matcher(printed);
          if (exit.find()) {
            exitCode = Integer.parseInt(exit.group(1));
            printed = printed.substring(0, exit.start());
          }
          output.add(printed);
        }
        examples.put(text, new Example(text, output, exitCode));
      }
      i = line;
    }
    return examples;
  }

  /** Splits a command as a shell does for the quoting the README uses: spaces, "double quotes". */
  static List<String> words(String command) {
    List<String> words = new ArrayList<>();
    Matcher word = Pattern.compile("\"([^\"]*)\"|(\\S+)").matcher(command);
    while (word.find()) {
      words.add(word.group(1) != null ? word.group(1) : word.group(2));
    }
    return words;
  }

  /** Runs the README's examples in order, each after the step of the story it depends on. */
  private final class Story {
    final Map<String, Example> examples;
    final Set<String> run = new LinkedHashSet<>();
    final Path repo;
    final String database;
    final Set<String> hashes = new LinkedHashSet<>();

    Story(Map<String, Example> examples, Path repo, String database) {
      this.examples = examples;
      this.repo = repo;
      this.database = database;
    }

    List<String> args(String command) {
      List<String> words =
          new ArrayList<>(words(command.replace("java -jar target/gitconf.jar", "gitconf")));
      assertThat(words.remove(0)).isEqualTo("gitconf");
      List<String> args = new ArrayList<>();
      for (int i = 0; i < words.size(); i++) {
        String word = words.get(i);
        if (word.equals("--embedded-postgres") && words.get(i + 1).equals(".gitconf/pg")) {
          args.add("--db");
          args.add(database);
          i++;
        } else {
          args.add(
              switch (word) {
                case "trading-config" -> repo.toString();
                case "my-config" -> myConfig().toString();
                default -> word;
              });
        }
      }
      return args;
    }

    /** Runs an example and checks it against the README. */
    void check(String command) throws Exception {
      Example example = examples.get(command);
      if (example == null && Boolean.getBoolean("readme.print")) {
        example = new Example(command, List.of(), 0);
      }
      assertThat(example).as("README example: $ " + command).isNotNull();
      Cli.Result result = Cli.run(args(command).toArray(String[]::new));
      compare(example, result.exitCode(), result.all());
    }

    void compare(Example example, int exitCode, String printed) throws Exception {
      collectHashes();
      List<String> actual =
          printed.lines().filter(l -> !l.isEmpty()).map(this::normaliseActual).toList();
      List<String> expected =
          example.output().stream().map(ReadmeExamplesTest::normaliseReadme).toList();
      if (Boolean.getBoolean("readme.print")) {
        System.out.println("$ " + example.command() + "\n" + printed + "(exit " + exitCode + ")");
        run.add(example.command());
        return;
      }
      assertThat(actual).as("$ " + example.command() + "\n" + printed).isEqualTo(expected);
      assertThat(exitCode).as("$ " + example.command()).isEqualTo(example.exitCode());
      run.add(example.command());
    }

    /** The other repository the README makes: {@code gitconf init my-config}. */
    Path myConfig() {
      return dir.resolve("my-config");
    }

    private void collectHashes() throws Exception {
      for (Path made : List.of(repo, myConfig())) {
        if (!Files.isDirectory(made.resolve(".git"))) {
          continue;
        }
        try (Git git = Git.open(made.toFile())) {
          for (RevCommit commit : git.log().all().call()) {
            hashes.add(commit.name());
          }
        }
      }
      try (Database db = Database.connect(database, Optional.empty())) {
        MirrorReader mirror = MirrorReader.of(db.dataSource());
        for (String env : mirror.environments()) {
          for (VersionRecord version : mirror.history(env)) {
            version.checksum().ifPresent(hashes::add);
          }
        }
      }
    }

    private String normaliseActual(String line) {
      Matcher hex =
          HEX.matcher(
              line.replace(repo.toString(), README_REPO)
                  .replace(myConfig().toString(), "my-config"));
      StringBuilder out = new StringBuilder();
      while (hex.find()) {
        String found = hex.group();
        boolean known = hashes.stream().anyMatch(h -> h.startsWith(found));
        hex.appendReplacement(out, known ? "<hash>" : found);
      }
      hex.appendTail(out);
      return TIME.matcher(out).replaceAll("<time>");
    }
  }

  static String normaliseReadme(String line) {
    Matcher hex = HEX.matcher(line);
    StringBuilder out = new StringBuilder();
    while (hex.find()) {
      String found = hex.group();
      hex.appendReplacement(out, found.chars().anyMatch(Character::isLetter) ? "<hash>" : found);
    }
    hex.appendTail(out);
    return TIME.matcher(out).replaceAll("<time>");
  }

  private static void commit(
      Git git, String file, String from, String to, PersonIdent author, String message)
      throws Exception {
    Path path = git.getRepository().getWorkTree().toPath().resolve(file);
    String text = Files.readString(path);
    assertThat(text).contains(from);
    Files.writeString(path, text.replace(from, to));
    git.add().addFilepattern(file).call();
    git.commit().setAuthor(author).setCommitter(author).setMessage(message).setSign(false).call();
  }

  private void mirror(Path repo, String database) throws Exception {
    try (Database db = Database.connect(database, Optional.empty());
        Syncer syncer =
            new Syncer(
                db,
                SyncSettings.of(
                    repo.toString(), "main", Duration.ofSeconds(1), dir.resolve("cache")),
                SyncListener.NONE)) {
      syncer.syncOnce();
    }
  }

  @Test
  void theReadmesQuotedExamplesPrintWhatTheReadmeSays() throws Exception {
    Map<String, Example> examples = examples(Files.readAllLines(README));
    assertThat(examples).as("checked examples in " + README).isNotEmpty();
    Path repo = dir.resolve("trading-config");
    try (TestDatabase testDb = TestDatabase.create()) {
      Story story = new Story(examples, repo, testDb.jdbcUrl());
      assertThat(Cli.run("init", repo.toString()).exitCode()).isZero();

      // Two edits that break a rule each, validated, then undone.
      Path mev = repo.resolve("environments/prod/mev.yaml");
      Path risk = repo.resolve("environments/prod/risk.yaml");
      String mevText = Files.readString(mev);
      String riskText = Files.readString(risk);
      Files.writeString(
          mev, mevText.replace("priorityFee:\n", "priorityFee:\n  maxMicroLamports: 100000\n"));
      Files.writeString(
          risk, riskText.replace("maxExposurePercent: 20", "maxExposurePercent: 120"));
      story.check("gitconf validate --repo trading-config");
      Files.writeString(mev, mevText);
      Files.writeString(risk, riskText);

      story.check(
          "gitconf explain risk.parameters.maxPositionSizeUsd --env prod --repo trading-config");

      // The syncer mirrors the first commit; a watching client starts before Ada's change.
      mirror(repo, testDb.jdbcUrl());
      String watch =
          "java -jar target/gitconf.jar watch --embedded-postgres .gitconf/pg --env prod";
      Example watched = examples.get(watch);
      assertThat(watched).as("README example: $ " + watch).isNotNull();
      List<String> watchArgs = new ArrayList<>(story.args(watch));
      watchArgs.add("--count");
      watchArgs.add(Integer.toString(watched.output().size()));
      WatchCommandTest.Running watching = WatchCommandTest.start(watchArgs.toArray(String[]::new));
      watching.awaitStarted();

      story.check(
          "gitconf set risk.parameters.maxOpenPositions 4 --env prod"
              + " --user \"Ada Trader <ada@desk.example>\" --reason \"One fewer open position in prod\""
              + " --repo trading-config");
      story.check("gitconf get risk.parameters.maxOpenPositions --env prod --repo trading-config");
      story.check("gitconf diff --from HEAD~1 --to HEAD --repo trading-config");

      mirror(repo, testDb.jdbcUrl());
      // The template's prod releases gradually; Ada promotes the release to every instance.
      story.check(
          "gitconf release promote --env prod --user \"Ada Trader <ada@desk.example>\""
              + " --reason \"Reviewed\" --embedded-postgres .gitconf/pg");
      watching.lines();
      story.compare(watched, watching.exit().get(), watching.out().toString());

      // A commit that breaks a rule, made without gitconf (and its hook), then mirrored as a
      // syncer does.
      try (Git git = Git.open(repo.toFile())) {
        commit(
            git,
            "environments/prod/risk.yaml",
            "maxExposurePercent: 20",
            "maxExposurePercent: 120",
            new PersonIdent("Bo Risk", "bo@desk.example"),
            "Raise exposure");
      }
      mirror(repo, testDb.jdbcUrl());
      story.check("gitconf history --embedded-postgres .gitconf/pg --env prod");
      story.check("gitconf status --embedded-postgres .gitconf/pg");

      story.check("gitconf template list");
      story.check("gitconf init my-config --template minimal");
      assertThat(story.run).containsExactlyInAnyOrderElementsOf(examples.keySet());
    }
  }
}
