package io.gitconf.client;

import static io.gitconf.client.TradingDesk.ADA;
import static io.gitconf.client.TradingDesk.BO;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gitconf.core.GitconfException;
import io.gitconf.serve.Relay;
import io.gitconf.serve.Tokens;
import io.gitconf.sync.Database;
import io.gitconf.testing.Awaits;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client through relays ({@code ConfigManager.builder().server(...)}), end to end: a real Git
 * remote, syncer, PostgreSQL mirror, relay and HTTP. Every guarantee of the mirror source holds.
 */
class ServerSourceTest {
  static final String PROD_RISK = "environments/prod/risk.yaml";

  @TempDir Path dir;
  TradingDesk desk;
  Path tokenFile;
  String token;
  final List<AutoCloseable> toClose = new ArrayList<>();

  @BeforeEach
  void open() {
    desk = TradingDesk.open(dir);
    desk.syncOnce();
    tokenFile = dir.resolve("tokens.json");
    Tokens.Created created = Tokens.none().create("trader-fleet", Set.of("prod"), Instant.now());
    Tokens.none().with(created).write(tokenFile);
    token = created.token();
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
    desk.close();
  }

  private Relay relay(int port) {
    Database db = Database.connect(desk.testDb.jdbcUrl(), Optional.empty());
    Relay relay =
        Relay.start(
            db.dataSource(),
            db::openDedicated,
            db::connectionsInUse,
            Relay.Options.loopback(port).withTokens(tokenFile));
    toClose.add(0, db);
    toClose.add(0, relay);
    return relay;
  }

  private ConfigManager client(List<String> urls) {
    ConfigManager manager =
        ConfigManager.builder()
            .server(urls, token)
            .environment("prod")
            .reconnectBackoff(Duration.ofMillis(50))
            .cacheFile(dir.resolve("prod.cache.json"))
            .build();
    toClose.add(0, manager);
    return manager;
  }

  @Test
  void aCommitReachesTheClientThroughTheRelay() throws Exception {
    Relay relay = relay(0);
    ConfigManager prod = client(List.of(relay.url()));
    assertThat(prod.snapshot().version()).hasValue(1);
    assertThat(prod.getLong("risk.parameters.maxOpenPositions")).isEqualTo(5);
    ConfigSubscription events = prod.subscribe();

    RevCommit commit =
        desk.edit(PROD_RISK, "maxOpenPositions: 5", "maxOpenPositions: 4")
            .commit(BO, "One fewer open position in prod");
    desk.syncOnce();

    String version = "version 2, " + commit.name();
    assertThat(MirrorClientTest.until(events, ConfigChangeEvent.VersionActivated.class))
        .containsExactly(
            ConfigChangeEvent.ValueChanged.of("risk.parameters.maxOpenPositions", 5L, 4L, version),
            new ConfigChangeEvent.VersionActivated("prod", version, prod.snapshot().checksum()));
    assertThat(prod.getRiskParameters().parameters().maxOpenPositions()).isEqualTo(4);
  }

  @Test
  void aRestartRequiredPathKeepsItsStartUpValueThroughTheRelay() throws Exception {
    Relay relay = relay(0);
    ConfigManager prod = client(List.of(relay.url()));

    MirrorClientTest.pauseLiveTradingAndExpectARestart(desk, prod);
    assertThat(prod.getTraderConfig().isLive()).isTrue();
  }

  @Test
  void itemsThatDoNotMatchTheirChecksumAreOneReloadFailedAndTheVersionHeldStays() throws Exception {
    Relay relay = relay(0);
    int port = relay.port();
    ConfigManager prod = client(List.of(relay.url()));
    ConfigSubscription events = prod.subscribe();
    relay.close();
    desk.edit(PROD_RISK, "maxExposurePercent: 20", "maxExposurePercent: 15")
        .commit(ADA, "Less exposure");
    desk.syncOnce();
    // Version 2 damaged behind the mirror's back, before any relay has read it.
    try (Connection conn = desk.testDb.connect();
        Statement s = conn.createStatement()) {
      s.execute(
          "UPDATE config_items SET value = '9' WHERE environment = 'prod'"
              + " AND path = 'risk.parameters.maxOpenPositions'");
    }

    relay(port);

    // The client comes back after its backoff (at most 10 s); give a loaded machine time.
    Optional<ConfigChangeEvent> failed = events.poll(Duration.ofSeconds(90));
    assertThat(failed).get().isInstanceOf(ConfigChangeEvent.ReloadFailed.class);
    assertThat(((ConfigChangeEvent.ReloadFailed) failed.get()).reasons())
        .singleElement()
        .asString()
        .matches(
            "relay http://127\\.0\\.0\\.1:\\d+: the items of version 2 of 'prod' give checksum"
                + " [0-9a-f]{64}, the version row says [0-9a-f]{64}");
    assertThat(prod.snapshot().version()).hasValue(1);
    assertThat(prod.getLong("risk.parameters.maxOpenPositions")).isEqualTo(5);
    assertThat(events.poll(Duration.ofMillis(500))).isEmpty();
  }

  @Test
  void aRelayKilledAndRestartedLeavesClientsOnTheirSnapshotThenBringsTheLatestVersion()
      throws Exception {
    Relay relay = relay(0);
    int port = relay.port();
    ConfigManager prod = client(List.of(relay.url()));
    ConfigSubscription events = prod.subscribe();

    relay.close();
    RevCommit second =
        desk.edit(PROD_RISK, "maxOpenPositions: 5", "maxOpenPositions: 4").commit(BO, "Four");
    desk.syncOnce();
    assertThat(prod.getLong("risk.parameters.maxOpenPositions")).isEqualTo(5);
    Relay restarted = relay(port);
    RevCommit third =
        desk.edit(PROD_RISK, "maxOpenPositions: 4", "maxOpenPositions: 3").commit(BO, "Three");
    desk.syncOnce();

    Awaits.until(() -> prod.snapshot().version().orElse(0) == 3);
    assertThat(prod.getLong("risk.parameters.maxOpenPositions")).isEqualTo(3);
    assertThat(prod.snapshot().commit()).isEqualTo(third.name());
    assertThat(restarted.port()).isEqualTo(port);
    assertThat(second).isNotNull();
    // Events are delivered on the subscription's own thread, after the snapshot is swapped.
    List<ConfigChangeEvent> received = new ArrayList<>();
    for (Optional<ConfigChangeEvent> e = events.poll(Duration.ofSeconds(10));
        e.isPresent();
        e = events.poll(Duration.ofSeconds(10))) {
      received.add(e.get());
      if (e.get() instanceof ConfigChangeEvent.VersionActivated activated
          && activated.version().startsWith("version 3,")) {
        break;
      }
    }
    assertThat(received)
        .filteredOn(e -> e instanceof ConfigChangeEvent.VersionActivated)
        .last()
        .asString()
        .contains("version 3");
  }

  @Test
  void theNextRelayOfTheListTakesOverWhenOneStops() throws Exception {
    Relay first = relay(0);
    Relay second = relay(0);
    ConfigManager prod = client(List.of(first.url(), second.url()));

    first.close();
    desk.edit(PROD_RISK, "maxOpenPositions: 5", "maxOpenPositions: 4").commit(BO, "Four");
    desk.syncOnce();

    Awaits.until(() -> prod.snapshot().version().orElse(0) == 2);
    assertThat(prod.getLong("risk.parameters.maxOpenPositions")).isEqualTo(4);
  }

  @Test
  void withNoRelayTheClientStartsFromItsLastKnownGoodCacheAndCatchesUp() throws Exception {
    Relay relay = relay(0);
    int port = relay.port();
    client(List.of(relay.url())).close();
    relay.close();

    ConfigManager prod = client(List.of("http://127.0.0.1:" + port));
    assertThat(prod.snapshot().version()).hasValue(1);
    desk.edit(PROD_RISK, "maxOpenPositions: 5", "maxOpenPositions: 4").commit(BO, "Four");
    desk.syncOnce();
    relay(port);

    Awaits.until(() -> prod.snapshot().version().orElse(0) == 2);
  }

  @Test
  void aTokenTheRelayDoesNotKnowFailsTheStartWithTheRelaysReasonAndNoToken() {
    Relay relay = relay(0);
    assertThatThrownBy(
            () ->
                ConfigManager.builder()
                    .server(relay.url(), "gct_wrong-token")
                    .environment("prod")
                    .build())
        .isInstanceOf(GitconfException.Unavailable.class)
        .hasMessageContaining("answered 401: unknown or revoked token")
        .hasMessageNotContaining("gct_wrong-token");
  }
}
