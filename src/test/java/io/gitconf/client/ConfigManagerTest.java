package io.gitconf.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gitconf.core.GitconfException;
import io.gitconf.core.GoldenRepos;
import io.gitconf.core.crypto.EncryptionKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigManagerTest {
  static final String DEMO_KEY = "Z2l0Y29uZi1kZW1vLWtleS1OT1QtRk9SLVBST0QhISE=";

  @TempDir Path dir;
  Path repo;
  final List<ConfigManager> managers = new ArrayList<>();

  @BeforeEach
  void template() {
    repo = GoldenRepos.template(dir.resolve("config"));
  }

  @AfterEach
  void close() {
    managers.forEach(ConfigManager::close);
  }

  private ConfigManager manager(String env, EncryptionKeys keys) {
    return manager(env, keys, Duration.ofMillis(50));
  }

  /**
   * A long debounce keeps the file watcher out of tests that reload explicitly and count events.
   */
  private ConfigManager manualManager(String env) {
    return manager(env, EncryptionKeys.none(), Duration.ofHours(1));
  }

  private ConfigManager manager(String env, EncryptionKeys keys, Duration debounce) {
    ConfigManager manager =
        ConfigManager.builder()
            .directory(repo)
            .environment(env)
            .keys(keys)
            .debounce(debounce)
            .cacheFile(dir.resolve(env + ".cache.json"))
            .build();
    managers.add(manager);
    return manager;
  }

  private void write(String file, String yaml) throws IOException {
    Files.writeString(repo.resolve(file), yaml, StandardCharsets.UTF_8);
  }

  private static List<ConfigChangeEvent> drain(ConfigSubscription subscription, Class<?> until)
      throws InterruptedException {
    List<ConfigChangeEvent> events = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      Optional<ConfigChangeEvent> event = subscription.poll(Duration.ofSeconds(20));
      assertThat(event).as("events so far: " + events).isPresent();
      events.add(event.get());
      if (until.isInstance(event.get())) {
        return events;
      }
    }
    throw new AssertionError("no " + until.getSimpleName() + " in " + events);
  }

  @Test
  void typedRecordsAndPathGettersServeTheResolvedEnvironment() {
    ConfigManager prod = manager("prod", EncryptionKeys.none());
    assertThat(prod.getDouble("risk.parameters.maxPositionSizeUsd")).isEqualTo(500.0);
    assertThat(prod.getLong("risk.parameters.maxOpenPositions"))
        .isEqualTo(prod.getRiskParameters().parameters().maxOpenPositions());
    assertThat(prod.getRiskParameters().parameters().maxPositionSizeUsd()).isEqualTo(500.0);
    assertThat(prod.getTraderConfig().isLive()).isTrue();
    assertThat(prod.getString("trader.mode")).isEqualTo("live");
    assertThat(prod.getBoolean("mev.sandwichProtection.enabled")).isTrue();
    assertThat(prod.getDuration("mev.transaction.confirmTimeoutMs"))
        .isEqualTo(Duration.ofMillis(prod.getLong("mev.transaction.confirmTimeoutMs")));
    TokenConfig bern = prod.getTokenBySymbol("BERN").orElseThrow();
    assertThat(bern.isToken2022()).isTrue();
    assertThat(bern.transferFee().orElseThrow().basisPoints()).isEqualTo(690);
    assertThat(prod.getToken(bern.mint())).contains(bern);
    assertThat(prod.getMonitoringConfig().logging().levelOf("no-such-component"))
        .isEqualTo(prod.getString("monitoring.logging.defaultLevel"));
    assertThat(prod.getCircuitBreakerConfig().latency().p99TargetMs()).isEqualTo(200);
    assertThatThrownBy(() -> prod.getDouble("risk.parameters.nope"))
        .isInstanceOf(GitconfException.Missing.class)
        .hasMessageStartingWith("risk.parameters.nope: not set in prod");
    assertThatThrownBy(() -> prod.getLong("trader.mode"))
        .isInstanceOf(GitconfException.WrongType.class)
        .hasMessage("trader.mode: is String, not Long");
  }

  @Test
  void aSavedChangeIsReloadedAndEveryChangedPathIsReported() throws Exception {
    ConfigManager prod = manager("prod", EncryptionKeys.none());
    ConfigSubscription events = prod.subscribe();
    long before = prod.getLong("risk.parameters.maxOpenPositions");
    String risk = Files.readString(repo.resolve("environments/prod/risk.yaml"));
    write(
        "environments/prod/risk.yaml",
        risk.replace("maxOpenPositions: " + before, "maxOpenPositions: " + (before + 1)));

    List<ConfigChangeEvent> received = drain(events, ConfigChangeEvent.VersionActivated.class);
    assertThat(received)
        .contains(
            ConfigChangeEvent.ValueChanged.of(
                "risk.parameters.maxOpenPositions", before, before + 1, "directory " + repo));
    assertThat(prod.getLong("risk.parameters.maxOpenPositions")).isEqualTo(before + 1);
    assertThat(prod.getRiskParameters().parameters().maxOpenPositions()).isEqualTo(before + 1);
  }

  @Test
  void anInvalidChangeKeepsTheServedSnapshotAndReportsWhy() throws Exception {
    ConfigManager prod = manager("prod", EncryptionKeys.none());
    ConfigSubscription events = prod.subscribe();
    ClientSnapshot served = prod.snapshot();
    write("environments/prod/risk.yaml", "parameters:\n  maxExposurePercent: 150\n");

    List<ConfigChangeEvent> received = drain(events, ConfigChangeEvent.ReloadFailed.class);
    ConfigChangeEvent.ReloadFailed failed =
        (ConfigChangeEvent.ReloadFailed) received.get(received.size() - 1);
    assertThat(failed.reasons())
        .containsExactly(
            "environments/prod/risk.yaml:2: risk.parameters.maxExposurePercent: must be <= 100 (maximum)");
    assertThat(prod.snapshot()).isSameAs(served);
    assertThat(prod.reload()).isFalse();
  }

  @Test
  void aRestartRequiredPathKeepsItsStartUpValueAndIsReported() throws Exception {
    ConfigManager dev = manualManager("dev");
    ConfigSubscription events = dev.subscribe();
    // Going live needs sandwich protection (a cross-field rule), so both change in one save.
    String mev = Files.readString(repo.resolve("environments/dev/mev.yaml"));
    write(
        "environments/dev/mev.yaml",
        mev.replace(
            "sandwichProtection:\n  enabled: false", "sandwichProtection:\n  enabled: true"));
    Files.writeString(
        repo.resolve("environments/dev/trader.yaml"),
        "mode: live\n",
        java.nio.file.StandardOpenOption.APPEND);
    write("environments/dev/risk.yaml", "parameters:\n  maxOpenPositions: 7\n");
    assertThat(dev.reload()).isTrue();
    List<ConfigChangeEvent> received = drain(events, ConfigChangeEvent.VersionActivated.class);
    assertThat(received)
        .contains(
            new ConfigChangeEvent.RestartRequired(List.of("trader.mode"), "directory " + repo));
    assertThat(received)
        .noneMatch(
            e -> e instanceof ConfigChangeEvent.ValueChanged v && v.path().equals("trader.mode"));
    assertThat(dev.getString("trader.mode")).isEqualTo("paper");
    assertThat(dev.getTraderConfig().isLive()).isFalse();
    assertThat(dev.getBoolean("mev.sandwichProtection.enabled")).isTrue();
    assertThat(dev.getLong("risk.parameters.maxOpenPositions")).isEqualTo(7);
  }

  @Test
  void aClientThatCannotLoadStartsFromItsLastKnownGoodCacheAndKeepsRetrying() throws Exception {
    double served;
    try (ConfigManager first =
        ConfigManager.builder()
            .directory(repo)
            .environment("prod")
            .cacheFile(dir.resolve("prod.cache.json"))
            .build()) {
      served = first.getDouble("risk.parameters.maxPositionSizeUsd");
    }
    String manifest = Files.readString(repo.resolve("gitconf.yaml"));
    Files.delete(repo.resolve("gitconf.yaml"));
    ConfigManager second =
        ConfigManager.builder()
            .directory(repo)
            .environment("prod")
            .cacheFile(dir.resolve("prod.cache.json"))
            .cacheTtl(Duration.ofMillis(100))
            .debounce(Duration.ofHours(1))
            .build();
    managers.add(second);
    assertThat(second.getDouble("risk.parameters.maxPositionSizeUsd")).isEqualTo(served);
    assertThat(second.getRiskParameters().parameters().maxPositionSizeUsd()).isEqualTo(served);
    ConfigSubscription events = second.subscribe();
    assertThatThrownBy(() -> ConfigManager.builder().directory(repo).environment("prod").build())
        .isInstanceOf(GitconfException.Unavailable.class)
        .hasMessageContaining(
            "cannot load environment prod and there is no last-known-good cache (none configured)");

    // It keeps retrying (the TTL poll; the watcher is held off here) and serves the repository
    // again.
    write("gitconf.yaml", manifest);
    write(
        "environments/prod/risk.yaml",
        Files.readString(repo.resolve("environments/prod/risk.yaml"))
            .replace("maxPositionSizeUsd: 500", "maxPositionSizeUsd: 400"));
    assertThat(drain(events, ConfigChangeEvent.VersionActivated.class))
        .contains(
            ConfigChangeEvent.ValueChanged.of(
                "risk.parameters.maxPositionSizeUsd", 500L, 400L, "directory " + repo));
    assertThat(second.getDouble("risk.parameters.maxPositionSizeUsd")).isEqualTo(400.0);
  }

  @Test
  void concurrentReadersNeverSeeAMixOfTwoVersions() throws Exception {
    ConfigManager test = manualManager("test");
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<String> broken = new AtomicReference<>();
    List<Thread> readers = new ArrayList<>();
    for (int r = 0; r < 2; r++) {
      Thread reader =
          new Thread(
              () -> {
                while (!stop.get() && broken.get() == null) {
                  RiskParameters.Parameters p = test.getRiskParameters().parameters();
                  if (p.maxTotalPositionUsd() != p.maxPositionSizeUsd() * 10) {
                    broken.set(p.toString());
                  }
                  ClientSnapshot s = test.snapshot();
                  if (s.getDouble("risk.parameters.maxTotalPositionUsd")
                      != s.getDouble("risk.parameters.maxPositionSizeUsd") * 10) {
                    broken.set(s.toString());
                  }
                }
              });
      reader.start();
      readers.add(reader);
    }
    String risk = Files.readString(repo.resolve("environments/test/risk.yaml"));
    for (int i = 1; i <= 40; i++) {
      // Both values change together in one save; a reader must see both old or both new.
      String updated =
          risk.replaceAll("(?m)^  maxPositionSizeUsd: .*$", "  maxPositionSizeUsd: " + (100 + i))
              .replaceAll(
                  "(?m)^  maxTotalPositionUsd: .*$", "  maxTotalPositionUsd: " + (100 + i) * 10);
      write("environments/test/risk.yaml", updated);
      assertThat(test.reload()).isTrue();
    }
    stop.set(true);
    for (Thread reader : readers) {
      reader.join();
    }
    assertThat(broken.get()).isNull();
    assertThat(test.getDouble("risk.parameters.maxPositionSizeUsd")).isEqualTo(140.0);
  }

  @Test
  void aSlowSubscriberLosesEventsButNeverBlocksReloadsOrOthers() throws Exception {
    ConfigManager test =
        ConfigManager.builder()
            .directory(repo)
            .environment("test")
            .subscriberCapacity(2)
            .debounce(Duration.ofHours(1))
            .build();
    managers.add(test);
    ConfigSubscription slow = test.subscribe();
    List<ConfigChangeEvent> fast = java.util.Collections.synchronizedList(new ArrayList<>());
    test.subscribe("risk", fast::add, Runnable::run);
    for (int i = 1; i <= 5; i++) {
      write(
          "environments/test/circuit-breaker.yaml",
          "errorRate:\n  tripPercent: " + i + "\n  minRequests: 20\n");
      assertThat(test.reload()).isTrue();
    }
    assertThat(fast.stream().filter(e -> e instanceof ConfigChangeEvent.VersionActivated))
        .hasSize(5);
    assertThat(fast)
        .noneMatch(
            e -> e instanceof ConfigChangeEvent.ValueChanged v && !v.path().startsWith("risk"));
    assertThat(slow.lost()).isEqualTo(8);
    assertThat(slow.poll(Duration.ofSeconds(1))).contains(new ConfigChangeEvent.EventsLost(8));
    assertThat(slow.poll(Duration.ofSeconds(1)))
        .get()
        .isInstanceOf(ConfigChangeEvent.ValueChanged.class);
  }

  @Test
  void secretsDecryptOnlyWithTheKeyAndNeverAppearInEventsOrTheCache() throws Exception {
    ConfigManager withKey =
        manager("prod", EncryptionKeys.from(Map.of("GITCONF_MASTER_KEY", DEMO_KEY)));
    assertThat(withKey.getSecret("trader.apiKey").reveal()).isEqualTo("demo-prod-jupiter-api-key");
    ConfigManager withoutKey = manager("dev", EncryptionKeys.none());
    assertThatThrownBy(() -> withoutKey.getSecret("trader.apiKey"))
        .isInstanceOf(GitconfException.Unavailable.class)
        .hasMessage(
            "trader.apiKey: no key for scope dev (kid k1): set GITCONF_MASTER_KEY or GITCONF_KEY_DEV");
    assertThat(withoutKey.getString("trader.mode")).isEqualTo("paper");

    ConfigSubscription events = withKey.subscribe();
    String prodTrader = Files.readString(repo.resolve("environments/prod/trader.yaml"));
    String other =
        io.gitconf.core.crypto.SecretCipher.of(
                EncryptionKeys.from(Map.of("GITCONF_MASTER_KEY", DEMO_KEY)))
            .encrypt(
                "prod",
                io.gitconf.core.ConfigPath.parse("trader.apiKey"),
                io.gitconf.core.crypto.Secret.of("s3cr3t-PLAINTEXT-7f"));
    write(
        "environments/prod/trader.yaml",
        prodTrader.replaceAll("ENC\\[[^\\]]*\\]", java.util.regex.Matcher.quoteReplacement(other)));
    List<ConfigChangeEvent> received = drain(events, ConfigChangeEvent.VersionActivated.class);
    assertThat(received)
        .contains(
            ConfigChangeEvent.ValueChanged.of(
                "trader.apiKey", "****", "****", "directory " + repo));
    assertThat(received.toString()).doesNotContain("s3cr3t").doesNotContain("ENC[");
    assertThat(withKey.getSecret("trader.apiKey").reveal()).isEqualTo("s3cr3t-PLAINTEXT-7f");
    assertThat(Files.readString(dir.resolve("prod.cache.json")))
        .doesNotContain("s3cr3t")
        .contains("ENC[v1,prod,k1,");
  }
}
