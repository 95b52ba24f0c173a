package io.gitconf.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.gitconf.client.ConfigChangeEvent;
import io.gitconf.client.ConfigManager;
import io.gitconf.client.TradingDesk;
import io.gitconf.serve.Relay;
import io.gitconf.spring.SpringBootMirrorTest.RiskLimits;
import io.gitconf.sync.Database;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

/**
 * A Spring Boot application on {@code spring.config.import=gitconf:} through a real relay ({@code
 * gitconf serve}) over a real mirror: {@code gitconf.server.url} (two relays, the first of which is
 * not there) and its token; a mirrored commit is rebound in the application's beans.
 */
class SpringBootRelayTest {
  static TradingDesk desk;
  static Database database;
  static Relay relay;
  static ConfigurableApplicationContext context;

  @BeforeAll
  static void start(@TempDir Path dir) {
    desk = TradingDesk.open(dir);
    desk.syncOnce();
    database = Database.connect(desk.testDb.jdbcUrl(), Optional.empty());
    relay =
        Relay.start(
            database.dataSource(),
            database::openDedicated,
            database::connectionsInUse,
            Relay.Options.loopback(0));
    context =
        SpringBootMirrorTest.traderApplication()
            .properties(
                "spring.config.import=gitconf:",
                "gitconf.environment=prod",
                "gitconf.server.url=http://127.0.0.1:1, " + relay.url(),
                "gitconf.server.token=",
                "management.endpoint.health.show-details=always")
            .run();
  }

  @AfterAll
  static void close() {
    if (context != null) {
      context.close();
    }
    if (relay != null) {
      relay.close();
    }
    if (database != null) {
      database.close();
    }
    desk.close();
  }

  @Test
  void aCommitMirroredAndRelayedIsReboundInTheApplication() throws Exception {
    Environment environment = context.getEnvironment();
    RiskLimits riskLimits = context.getBean(RiskLimits.class);
    ConfigManager manager = context.getBean(ConfigManager.class);
    ReceivedEvents events = context.getBean(ReceivedEvents.class);
    assertThat(riskLimits.getMaxOpenPositions()).isEqualTo(5);
    assertThat(environment.getProperty("trader.apiKey"))
        .isEqualTo(SpringBootMirrorTest.PROD_API_KEY);
    assertThat(manager.status().source()).startsWith("relay " + relay.url());
    long before = manager.snapshot().version().orElseThrow();

    desk.startSyncer(Duration.ofMillis(100));
    desk.edit("environments/prod/risk.yaml", "maxOpenPositions: 5", "maxOpenPositions: 3")
        .commit(TradingDesk.BO, "Three open positions at most");

    ConfigChangeEvent.VersionActivated activated =
        events.next(ConfigChangeEvent.VersionActivated.class);
    assertThat(activated.version()).startsWith("version " + (before + 1) + ", ");
    assertThat(riskLimits.getMaxOpenPositions()).isEqualTo(3);
    assertThat(environment.getProperty("risk.parameters.maxOpenPositions", Integer.class))
        .isEqualTo(3);
  }
}
