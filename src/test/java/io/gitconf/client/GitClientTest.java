package io.gitconf.client;

import static io.gitconf.client.TradingDesk.BO;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gitconf.core.GitconfException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client over a Git remote: a real bare repository, cloned and fetched by the client. */
class GitClientTest {
  static final String PROD_RISK = "environments/prod/risk.yaml";

  @TempDir Path dir;
  TradingDesk desk;
  final List<ConfigManager> managers = new ArrayList<>();

  @BeforeEach
  void open() {
    desk = TradingDesk.open(dir);
  }

  @AfterEach
  void close() {
    managers.forEach(ConfigManager::close);
    desk.close();
  }

  private ConfigManager.Builder prod() {
    return ConfigManager.builder()
        .git(desk.originUrl(), "main")
        .workDir(dir.resolve("client-clone"))
        .environment("prod")
        .cacheFile(dir.resolve("prod.cache.json"))
        .cacheTtl(Duration.ofMillis(200));
  }

  private ConfigManager started(ConfigManager.Builder builder) {
    ConfigManager manager = builder.build();
    managers.add(manager);
    return manager;
  }

  private static List<ConfigChangeEvent> untilActivated(ConfigSubscription subscription)
      throws InterruptedException {
    List<ConfigChangeEvent> events = new ArrayList<>();
    while (events.isEmpty()
        || !(events.get(events.size() - 1) instanceof ConfigChangeEvent.VersionActivated)) {
      Optional<ConfigChangeEvent> event = subscription.poll(Duration.ofSeconds(30));
      assertThat(event).as("events so far: %s", events).isPresent();
      events.add(event.get());
    }
    return events;
  }

  @Test
  void aPushToTheRemoteReachesTheClientAtTheNextPoll() throws Exception {
    ConfigManager prod = started(prod());
    assertThat(prod.getLong("risk.parameters.maxOpenPositions")).isEqualTo(5);
    assertThat(prod.snapshot().version()).isEmpty();
    ConfigSubscription events = prod.subscribe();

    RevCommit commit =
        desk.edit(PROD_RISK, "maxOpenPositions: 5", "maxOpenPositions: 4").commit(BO, "Four");

    assertThat(untilActivated(events))
        .containsExactly(
            ConfigChangeEvent.ValueChanged.of(
                "risk.parameters.maxOpenPositions", 5L, 4L, commit.name()),
            new ConfigChangeEvent.VersionActivated(
                "prod", commit.name(), prod.snapshot().checksum()));
    assertThat(prod.snapshot().commit()).isEqualTo(commit.name());
    assertThat(prod.getLong("risk.parameters.maxOpenPositions")).isEqualTo(4);
  }

  @Test
  void anInvalidCommitOnTheRemoteIsNotServed() throws Exception {
    ConfigManager prod = started(prod());
    ConfigSubscription events = prod.subscribe();

    desk.edit(PROD_RISK, "maxExposurePercent: 20", "maxExposurePercent: 150").commit(BO, "All in");

    assertThat(events.poll(Duration.ofSeconds(30)))
        .contains(
            new ConfigChangeEvent.ReloadFailed(
                List.of(
                    "environments/prod/risk.yaml:6: risk.parameters.maxExposurePercent: must be <="
                        + " 100 (maximum)")));
    assertThat(prod.getDouble("risk.parameters.maxExposurePercent")).isEqualTo(20.0);
  }

  @Test
  void setCommitsInTheClientsCloneAndPushes() throws Exception {
    ConfigManager prod = started(prod());
    ConfigSubscription events = prod.subscribe();
    // Someone else pushes first: set() must land on top of it, not beside it.
    desk.edit("environments/prod/mev.yaml", "# ", "# Reviewed. ").commit(BO, "A comment");

    Optional<String> commit =
        prod.set("risk.parameters.maxOpenPositions", 3, "Ada Trader <ada@desk.example>", "Three");

    try (Git origin = Git.open(desk.origin.toFile())) {
      RevCommit head =
          origin
              .log()
              .add(origin.getRepository().resolve("refs/heads/main"))
              .call()
              .iterator()
              .next();
      assertThat(head.name()).isEqualTo(commit.orElseThrow());
      assertThat(head.getAuthorIdent().getName()).isEqualTo("Ada Trader");
      assertThat(head.getAuthorIdent().getEmailAddress()).isEqualTo("ada@desk.example");
      assertThat(head.getFullMessage()).isEqualTo("Three");
      assertThat(head.getParent(0).getFullMessage()).isEqualTo("A comment");
    }
    ConfigChangeEvent.ValueChanged expected =
        ConfigChangeEvent.ValueChanged.of("risk.parameters.maxOpenPositions", 5L, 3L, commit.get());
    List<ConfigChangeEvent> received = new ArrayList<>();
    // The poll may see the other push first (one activation) and then this one.
    for (int activations = 0; activations < 2 && !received.contains(expected); activations++) {
      received.addAll(untilActivated(events));
    }
    assertThat(received).contains(expected);
    assertThat(prod.getLong("risk.parameters.maxOpenPositions")).isEqualTo(3);
  }

  @Test
  void anUnreachableRemoteAtStartServesTheLastKnownGood() throws Exception {
    started(prod()).close();
    Path missing = dir.resolve("moved-away.git");
    ConfigManager prod =
        started(
            ConfigManager.builder()
                .git(missing.toUri().toString(), "main")
                .workDir(dir.resolve("other-clone"))
                .environment("prod")
                .cacheFile(dir.resolve("prod.cache.json")));
    assertThat(prod.getLong("risk.parameters.maxOpenPositions")).isEqualTo(5);
    assertThat(Files.exists(dir.resolve("other-clone/.git"))).isFalse();

    assertThatThrownBy(
            () ->
                ConfigManager.builder()
                    .git(missing.toUri().toString(), "main")
                    .workDir(dir.resolve("third-clone"))
                    .environment("prod")
                    .build())
        .isInstanceOf(GitconfException.Unavailable.class)
        .hasMessageContaining("cannot load environment prod and there is no last-known-good cache");
  }
}
