package io.gitconf.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.gitconf.client.ConfigChangeEvent;
import io.gitconf.client.ConfigManager;
import io.gitconf.client.RiskParameters;
import io.gitconf.client.TradingDesk;
import io.gitconf.core.crypto.EncryptionKeys;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.actuate.context.properties.ConfigurationPropertiesReportEndpoint;
import org.springframework.boot.actuate.env.EnvironmentEndpoint;
import org.springframework.boot.actuate.info.InfoEndpoint;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.bootstrap.BootstrapRegistry;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.cloud.context.properties.ConfigurationPropertiesRebinder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;

/**
 * A Spring Boot application on {@code spring.config.import=gitconf:} over a real mirror (Git
 * remote, syncer, PostgreSQL): values in the environment and in {@code @ConfigurationProperties}
 * beans, rebound when a commit is mirrored (here through Spring Cloud's rebinder), restart-only
 * paths held, the actuator's health, info, env and configprops, and the client's metrics.
 */
class SpringBootMirrorTest {
  /** The demo master key of the trading template, and the plaintext of prod's trader.apiKey. */
  static final String DEMO_KEY = "Z2l0Y29uZi1kZW1vLWtleS1OT1QtRk9SLVBST0QhISE=";

  static final String PROD_API_KEY = "demo-prod-jupiter-api-key";

  static TradingDesk desk;
  static ConfigurableApplicationContext context;

  Environment environment;
  ConfigManager manager;
  RiskLimits riskLimits;
  TraderSettings trader;
  ReceivedEvents events;

  @BeforeAll
  static void start(@TempDir Path dir) {
    desk = TradingDesk.open(dir);
    desk.syncOnce();
    context =
        traderApplication()
            .properties(
                "spring.config.import=gitconf:",
                "gitconf.environment=prod",
                "gitconf.postgres.url=" + desk.testDb.jdbcUrl(),
                "spring.jmx.enabled=true",
                "management.endpoints.jmx.exposure.include=*",
                "management.endpoint.health.show-details=always",
                "management.endpoint.env.show-values=always",
                "management.endpoint.configprops.show-values=always")
            .run();
  }

  /** The trader application, not a web one, with the demo key in its bootstrap context. */
  static SpringApplicationBuilder traderApplication() {
    return new SpringApplicationBuilder(TraderApplication.class)
        .web(WebApplicationType.NONE)
        .addBootstrapRegistryInitializer(
            registry ->
                registry.register(
                    EncryptionKeys.class,
                    BootstrapRegistry.InstanceSupplier.of(
                        EncryptionKeys.from(Map.of(EncryptionKeys.MASTER_KEY, DEMO_KEY)))));
  }

  @BeforeEach
  void beans() {
    environment = context.getEnvironment();
    manager = context.getBean(ConfigManager.class);
    riskLimits = context.getBean(RiskLimits.class);
    trader = context.getBean(TraderSettings.class);
    events = context.getBean(ReceivedEvents.class);
  }

  @AfterAll
  static void close() {
    if (context != null) {
      context.close();
    }
    desk.close();
  }

  /** The application: its own settings classes, bound from gitconf's paths. */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  @EnableConfigurationProperties({RiskLimits.class, TraderSettings.class})
  static class TraderApplication {
    @Bean
    ReceivedEvents events() {
      return new ReceivedEvents();
    }

    /** The keys of Spring Cloud's events, which its rebinder acts on. */
    @Bean
    List<Set<String>> environmentChanges() {
      return new CopyOnWriteArrayList<>();
    }

    @EventListener
    void on(EnvironmentChangeEvent change) {
      environmentChanges().add(change.getKeys());
    }
  }

  @ConfigurationProperties("risk.parameters")
  public static class RiskLimits {
    private int maxOpenPositions;
    private double maxPositionSizeUsd;

    public int getMaxOpenPositions() {
      return maxOpenPositions;
    }

    public void setMaxOpenPositions(int maxOpenPositions) {
      this.maxOpenPositions = maxOpenPositions;
    }

    public double getMaxPositionSizeUsd() {
      return maxPositionSizeUsd;
    }

    public void setMaxPositionSizeUsd(double maxPositionSizeUsd) {
      this.maxPositionSizeUsd = maxPositionSizeUsd;
    }
  }

  @ConfigurationProperties("trader")
  public static class TraderSettings {
    private String mode;
    private String apiKey;

    public String getMode() {
      return mode;
    }

    public void setMode(String mode) {
      this.mode = mode;
    }

    public String getApiKey() {
      return apiKey;
    }

    public void setApiKey(String apiKey) {
      this.apiKey = apiKey;
    }
  }

  @Test
  void aCommitReachesTheEnvironmentAndRebindsButARestartOnlyPathWaits() throws Exception {
    assertThat(environment.getProperty("risk.parameters.maxOpenPositions", Integer.class))
        .isEqualTo(5);
    assertThat(riskLimits.getMaxOpenPositions()).isEqualTo(5);
    assertThat(riskLimits.getMaxPositionSizeUsd()).isEqualTo(500.0);
    assertThat(trader.getMode()).isEqualTo("live");
    long before = manager.snapshot().version().orElseThrow();
    desk.startSyncer(Duration.ofMillis(100));

    desk.edit("environments/prod/risk.yaml", "maxOpenPositions: 5", "maxOpenPositions: 4")
        .edit("environments/prod/trader.yaml", "mode: live", "mode: paper")
        .commit(TradingDesk.BO, "Paper trading with one fewer position");

    ConfigChangeEvent.RestartRequired restart =
        events.next(ConfigChangeEvent.RestartRequired.class);
    assertThat(restart.paths()).containsExactly("trader.mode");
    ConfigChangeEvent.VersionActivated activated =
        events.next(ConfigChangeEvent.VersionActivated.class);
    assertThat(activated.version()).startsWith("version " + (before + 1) + ", ");
    assertThat(riskLimits.getMaxOpenPositions()).isEqualTo(4);
    assertThat(environment.getProperty("risk.parameters.maxOpenPositions", Integer.class))
        .isEqualTo(4);
    assertThat(context.getBean(RiskParameters.class).parameters().maxOpenPositions()).isEqualTo(4);
    assertThat(trader.getMode()).isEqualTo("live");
    assertThat(environment.getProperty("trader.mode")).isEqualTo("live");
    assertThat(context.getBeanNamesForType(ConfigurationPropertiesRebinder.class)).isNotEmpty();
    List<?> environmentChanges = context.getBean("environmentChanges", List.class);
    assertThat(environmentChanges).isEqualTo(List.of(Set.of("risk.parameters.maxOpenPositions")));
    assertThat(context.getBean(HealthEndpoint.class).healthForPath("gitconf"))
        .extracting(health -> json(health))
        .asString()
        .contains("\"restartRequired\":[\"trader.mode\"]");
  }

  @Test
  void healthShowsTheSourceEnvironmentAndVersionServed() {
    String health = json(context.getBean(HealthEndpoint.class).healthForPath("gitconf"));

    assertThat(health)
        .contains("\"status\":\"UP\"")
        .contains("\"source\":\"mirror\"")
        .contains("\"environment\":\"prod\"")
        .contains("\"version\":" + manager.snapshot().version().orElseThrow())
        .contains("\"commit\":\"" + manager.snapshot().commit() + "\"")
        .contains("\"sourceReachable\":true")
        .doesNotContain("lastReloadFailure");
    assertThat(json(context.getBean(InfoEndpoint.class).info()))
        .contains("\"gitconf\":{\"environment\":\"prod\",\"version\":");
  }

  @Test
  void secretsArePlaintextToTheApplicationAndMaskedInTheActuator() {
    assertThat(environment.getProperty("trader.apiKey")).isEqualTo(PROD_API_KEY);
    assertThat(trader.getApiKey()).isEqualTo(PROD_API_KEY);

    String env = json(context.getBean(EnvironmentEndpoint.class).environment(null));
    String configprops =
        json(
            context.getBean(ConfigurationPropertiesReportEndpoint.class).configurationProperties());

    assertThat(env)
        .doesNotContain(PROD_API_KEY)
        .contains("\"trader.apiKey\":{\"value\":\"******\"");
    assertThat(env).contains("\"risk.parameters.maxPositionSizeUsd\":{\"value\":500");
    assertThat(configprops).doesNotContain(PROD_API_KEY).contains("\"apiKey\":\"******\"");
    assertThat(configprops).contains("\"mode\":\"live\"");
    assertThat(json(context.getBean(HealthEndpoint.class).health())).doesNotContain(PROD_API_KEY);
    assertThat(json(context.getBean(InfoEndpoint.class).info())).doesNotContain(PROD_API_KEY);
  }

  @Test
  void theClientsMetricsAreInTheApplicationsRegistry() {
    MeterRegistry registry = context.getBean(MeterRegistry.class);

    assertThat(registry.get("gitconf.client.version").tag("environment", "prod").gauge().value())
        .isEqualTo(manager.snapshot().version().orElseThrow());
    assertThat(registry.get("gitconf.client.source.reachable").gauge().value()).isEqualTo(1.0);
  }

  private static String json(Object value) {
    try {
      return new ObjectMapper().writeValueAsString(value);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
