package io.gitconf.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.gitconf.client.ConfigManager;
import io.gitconf.client.ConfigSubscription;
import io.gitconf.core.GoldenRepos;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client's metrics over a working directory, through failures of each kind. */
class ConfigManagerMetricsTest {
  @TempDir Path dir;
  Path repo;
  ConfigManager config;
  SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @BeforeEach
  void start() {
    repo = GoldenRepos.template(dir.resolve("config"));
    config =
        ConfigManager.builder()
            .directory(repo)
            .environment("prod")
            .subscriberCapacity(1)
            .debounce(Duration.ofHours(1)) // reloads only when the test asks
            .build();
  }

  @AfterEach
  void close() {
    config.close();
  }

  private double gauge(String name) {
    return registry.get(name).tags("environment", "prod", "app", "trader").gauge().value();
  }

  private double failures(String cause) {
    return registry
        .get("gitconf.client.reload.failures")
        .tag("cause", cause)
        .functionCounter()
        .count();
  }

  private void edit(String file, String old, String replacement) throws Exception {
    Path path = repo.resolve(file);
    Files.writeString(path, Files.readString(path).replace(old, replacement));
  }

  @Test
  void reloadAgeIsMeasuredFromTheLastSuccessfulLoad() {
    Instant loaded = config.status().lastSuccessfulReload().orElseThrow();
    Clock later = Clock.fixed(loaded.plusSeconds(42), ZoneOffset.UTC);
    new ConfigManagerMetrics(config, Tags.of("app", "trader"), later).bindTo(registry);

    assertThat(gauge("gitconf.client.reload.age")).isEqualTo(42.0);
    assertThat(gauge("gitconf.client.source.reachable")).isEqualTo(1.0);
    // A working directory has no version number; the mirror's test shows one.
    assertThat(gauge("gitconf.client.version")).isNaN();
  }

  @Test
  void failuresAreCountedByCauseAndReachabilityFollowsTheSource() throws Exception {
    new ConfigManagerMetrics(config, Tags.of("app", "trader")).bindTo(registry);

    edit("environments/prod/risk.yaml", "maxOpenPositions: 5", "maxOpenPositions: -1");
    assertThat(config.reload()).isFalse();
    assertThat(failures("validation_failed")).isEqualTo(1.0);
    assertThat(gauge("gitconf.client.source.reachable")).isEqualTo(1.0);

    Files.move(repo, dir.resolve("moved"));
    assertThat(config.reload()).isFalse();
    assertThat(failures("unavailable")).isEqualTo(1.0);
    assertThat(failures("validation_failed")).isEqualTo(1.0);
    assertThat(gauge("gitconf.client.source.reachable")).isEqualTo(0.0);
    assertThat(config.status().lastFailure()).isNotEmpty();

    Files.move(dir.resolve("moved"), repo);
    edit("environments/prod/risk.yaml", "maxOpenPositions: -1", "maxOpenPositions: 4");
    assertThat(config.reload()).isTrue();
    assertThat(gauge("gitconf.client.source.reachable")).isEqualTo(1.0);
    assertThat(config.status().lastFailure()).isEmpty();
    assertThat(failures("parse") + failures("decryption") + failures("other")).isZero();
  }

  @Test
  void eventsDroppedByAFullSubscriptionAreCounted() throws Exception {
    new ConfigManagerMetrics(config, Tags.of("app", "trader")).bindTo(registry);
    // Not read until the reload is done; closed with the manager.
    ConfigSubscription full = config.subscribe();
    edit("environments/prod/risk.yaml", "maxOpenPositions: 5", "maxOpenPositions: 4");

    assertThat(config.reload()).isTrue();

    // ValueChanged and VersionActivated into a queue of one.
    assertThat(registry.get("gitconf.client.events.dropped").functionCounter().count())
        .isEqualTo(1.0);
    assertThat(full.poll(Duration.ZERO)).isPresent();
  }
}
