package io.gitconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import io.gitconf.client.ConfigManager;
import io.gitconf.core.ConfigDiff;
import io.gitconf.core.ConfigPath;
import io.gitconf.core.ConfigRepository;
import io.gitconf.core.ConfigSnapshot;
import io.gitconf.core.GitTrees;
import io.gitconf.core.GitconfException;
import io.gitconf.core.Json;
import io.gitconf.core.SchemaSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several changes to one clone at once, from several OS processes ({@code gitconf set}) and several
 * threads ({@code ConfigManager.set}, two managers on the same working copy): every commit that is
 * announced holds exactly its own change under its own author, every value lands, and the clone
 * ends clean. A change that could not get the clone in time is refused with a clear message and
 * lands nowhere.
 */
class ConcurrentChangesTest {
  private static final int PROCESSES = 4;
  private static final int CHANGES_PER_THREAD = 3;
  private static final String LOCK_REFUSAL = "another change to this clone is in progress";

  @TempDir Path dir;

  /** One change someone asked for, and what they were told. */
  private record Made(String author, String path, int value, String commit) {}

  private record Refused(String author, String path, int value, String message) {}

  @Test
  void changesFromProcessesAndThreadsAtOnceEachCommitExactlyTheirOwnValue() throws Exception {
    Path clone = dir.resolve("config");
    assertThat(Cli.run("init", clone.toString()).exitCode()).isZero();
    String first = head(clone);

    List<Made> made = Collections.synchronizedList(new ArrayList<>());
    List<Refused> refused = Collections.synchronizedList(new ArrayList<>());

    String[][] processChanges = {
      {"risk.parameters.maxOpenPositions", "4"},
      {"risk.parameters.maxExposurePercent", "19"},
      {"risk.limits.dailyLossUsd", "240"},
      {"risk.exits.takeProfitPercent", "11"},
    };
    List<Process> processes = new ArrayList<>();
    for (int i = 0; i < PROCESSES; i++) {
      processes.add(
          new ProcessBuilder(
                  java(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  Main.class.getName(),
                  "set",
                  processChanges[i][0],
                  processChanges[i][1],
                  "--env",
                  "prod",
                  "--repo",
                  clone.toString(),
                  "--user",
                  author("Process", i),
                  "--reason",
                  "Process " + i + " changes " + processChanges[i][0],
                  "--output",
                  "json")
              .redirectOutput(dir.resolve("process-" + i + ".out").toFile())
              .redirectError(dir.resolve("process-" + i + ".err").toFile())
              .start());
    }

    // Threads: each sets its own path several times, so their changes overlap the processes'.
    String[] threadPaths = {
      "risk.parameters.maxPositionSizeUsd",
      "risk.parameters.maxTotalPositionUsd",
      "risk.exits.stopLossPercent",
      "risk.exits.trailingStopPercent",
    };
    int[][] threadValues = {
      {450, 440, 430}, {4900, 4800, 4700}, {4, 5, 6}, {3, 4, 5},
    };
    try (ConfigManager one = manager(clone);
        ConfigManager two = manager(clone)) {
      ExecutorService threads = Executors.newFixedThreadPool(threadPaths.length);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threadPaths.length; t++) {
        int index = t;
        ConfigManager config = t % 2 == 0 ? one : two;
        done.add(
            threads.submit(
                () -> {
                  start.await();
                  for (int value : threadValues[index]) {
                    String user = author("Thread", index);
                    String path = threadPaths[index];
                    try {
                      String commit =
                          config.set(path, value, user, "Thread " + index + " sets " + value).get();
                      made.add(new Made(user, path, value, commit));
                    } catch (GitconfException.Conflict e) {
                      refused.add(new Refused(user, path, value, e.getMessage()));
                    }
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> future : done) {
        future.get(10, TimeUnit.MINUTES);
      }
      threads.shutdown();
      assertThat(threads.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
    }

    for (int i = 0; i < PROCESSES; i++) {
      Process process = processes.get(i);
      assertThat(process.waitFor(10, TimeUnit.MINUTES)).isTrue();
      String out = Files.readString(dir.resolve("process-" + i + ".out"));
      String err = Files.readString(dir.resolve("process-" + i + ".err"));
      String path = processChanges[i][0];
      int value = Integer.parseInt(processChanges[i][1]);
      if (process.exitValue() == ExitCodes.CONFLICT && err.contains(LOCK_REFUSAL)) {
        assertThat(out).isEmpty();
        refused.add(new Refused(author("Process", i), path, value, err));
        continue;
      }
      assertThat(process.exitValue()).as(out + err).isZero();
      JsonNode result = Json.parse("set", out);
      assertThat(result.get("changed").asBoolean()).isTrue();
      made.add(new Made(author("Process", i), path, value, result.get("commit").asText()));
    }

    for (Refused refusal : refused) {
      assertThat(refusal.message()).contains(LOCK_REFUSAL).contains("changed nothing");
    }
    assertThat(made.size() + refused.size())
        .isEqualTo(PROCESSES + threadPaths.length * CHANGES_PER_THREAD);

    try (Git git = Git.open(clone.toFile())) {
      Repository repository = git.getRepository();
      Set<String> announced = new HashSet<>();
      for (Made change : made) {
        announced.add(change.commit());
        assertExactly(repository, change);
      }
      // The branch holds the announced commits and nothing else, one after the other.
      List<String> history = new ArrayList<>();
      for (RevCommit commit : git.log().call()) {
        if (commit.name().equals(first)) {
          break;
        }
        history.add(commit.name());
      }
      assertThat(history).containsExactlyInAnyOrderElementsOf(announced);
      assertThat(git.status().call().isClean()).as("the clone is clean").isTrue();
    }

    // Every value that was announced is in effect, unless its own thread set it again later.
    ConfigSnapshot prod =
        ConfigRepository.load(io.gitconf.core.RepoTree.directory(clone)).snapshot("prod");
    for (int i = 0; i < PROCESSES; i++) {
      int index = i;
      boolean landed = made.stream().anyMatch(m -> m.author().equals(author("Process", index)));
      JsonNode now = prod.get(ConfigPath.parse(processChanges[i][0])).orElseThrow();
      assertThat(Json.sameValue(now, IntNode.valueOf(Integer.parseInt(processChanges[i][1]))))
          .as(processChanges[i][0] + " = " + now)
          .isEqualTo(landed);
    }
    for (int t = 0; t < threadPaths.length; t++) {
      String user = author("Thread", t);
      List<Made> own = made.stream().filter(m -> m.author().equals(user)).toList();
      if (!own.isEmpty()) {
        JsonNode now = prod.get(ConfigPath.parse(threadPaths[t])).orElseThrow();
        assertThat(Json.sameValue(now, IntNode.valueOf(own.get(own.size() - 1).value())))
            .as(threadPaths[t] + " = " + now)
            .isTrue();
      }
    }
    assertThat(clone.resolve(".git/gitconf-change.lock")).doesNotExist();
  }

  /** The commit changes exactly its path to its value in prod, nothing else, under its author. */
  private static void assertExactly(Repository repository, Made change) throws Exception {
    try (RevWalk walk = new RevWalk(repository)) {
      RevCommit commit = walk.parseCommit(repository.resolve(change.commit()));
      assertThat(commit.getAuthorIdent().getName()).isEqualTo(change.author().split(" <")[0]);
      RevCommit parent = walk.parseCommit(commit.getParent(0));
      ConfigRepository after = ConfigRepository.load(GitTrees.commit(repository, commit));
      ConfigRepository before = ConfigRepository.load(GitTrees.commit(repository, parent));
      for (String env : List.of("dev", "test", "prod")) {
        ConfigDiff diff =
            ConfigDiff.between(before.snapshot(env), after.snapshot(env), SchemaSet.none());
        if (!env.equals("prod")) {
          assertThat(diff.changes()).as(env + " in " + change).isEmpty();
          continue;
        }
        assertThat(diff.changes()).as(change.toString()).hasSize(1);
        ConfigDiff.Change only = diff.changes().get(0);
        assertThat(only.path()).isEqualTo(change.path());
        assertThat(Json.sameValue(only.after().orElseThrow(), IntNode.valueOf(change.value())))
            .as(change + " wrote " + only.after())
            .isTrue();
      }
      assertThat(SecretsCommandTest.changedFiles(new Git(repository), commit))
          .containsExactly("environments/prod/risk.yaml");
    }
  }

  private static ConfigManager manager(Path clone) {
    return ConfigManager.builder().directory(clone).environment("prod").build();
  }

  private static String author(String kind, int index) {
    return kind + " " + index + " <" + kind.toLowerCase() + index + "@desk.example>";
  }

  private static String head(Path repo) throws Exception {
    try (Git git = Git.open(repo.toFile())) {
      return git.getRepository().resolve("HEAD").name();
    }
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
