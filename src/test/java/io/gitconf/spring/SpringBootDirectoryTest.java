package io.gitconf.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gitconf.client.ConfigChangeEvent;
import io.gitconf.client.ConfigManager;
import io.gitconf.core.GitconfException;
import io.gitconf.core.GoldenRepos;
import io.gitconf.core.crypto.EncryptionKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.bootstrap.BootstrapRegistry;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * The Spring Boot integration over a working directory, without Spring Cloud's rebinder: gitconf
 * rebinds the beans whose prefix covers a change, and only those; imports that cannot be loaded.
 */
class SpringBootDirectoryTest {
  @TempDir Path dir;
  final List<ConfigurableApplicationContext> started = new ArrayList<>();

  @AfterEach
  void close() {
    started.forEach(ConfigurableApplicationContext::close);
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration(
      excludeName = {
        "org.springframework.cloud.autoconfigure.ConfigurationPropertiesRebinderAutoConfiguration",
        "org.springframework.cloud.autoconfigure.RefreshAutoConfiguration",
        "org.springframework.cloud.autoconfigure.RefreshEndpointAutoConfiguration",
        "org.springframework.cloud.autoconfigure.LifecycleMvcEndpointAutoConfiguration",
        "org.springframework.cloud.autoconfigure.WritableEnvironmentEndpointAutoConfiguration"
      })
  @EnableConfigurationProperties({Exits.class, DynamicFee.class, Mev.class})
  static class Application {
    @Bean
    ReceivedEvents events() {
      return new ReceivedEvents();
    }

    /** A bean that fails the start when asked to, after gitconf's import has started. */
    @Bean
    Object failing(org.springframework.core.env.Environment environment) {
      if (environment.getProperty("test.fail-start", Boolean.class, false)) {
        throw new IllegalStateException("this application does not start");
      }
      return new Object();
    }
  }

  @ConfigurationProperties("risk.exits")
  public static class Exits {
    private double stopLossPercent;

    public double getStopLossPercent() {
      return stopLossPercent;
    }

    public void setStopLossPercent(double stopLossPercent) {
      this.stopLossPercent = stopLossPercent;
    }
  }

  /** A prefix in kebab case over keys in camel case. */
  @ConfigurationProperties("mev.priority-fee.dynamic")
  public static class DynamicFee {
    private int percentile;

    public int getPercentile() {
      return percentile;
    }

    public void setPercentile(int percentile) {
      this.percentile = percentile;
    }
  }

  /** Counts its bindings: a change elsewhere must not rebind it. */
  @ConfigurationProperties("mev.sandwich-protection")
  public static class Mev {
    final AtomicInteger bindings = new AtomicInteger();
    private boolean enabled;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      bindings.incrementAndGet();
      this.enabled = enabled;
    }
  }

  private ConfigurableApplicationContext start(String... properties) {
    ConfigurableApplicationContext context =
        new SpringApplicationBuilder(Application.class)
            .web(WebApplicationType.NONE)
            .addBootstrapRegistryInitializer(
                registry ->
                    registry.register(
                        EncryptionKeys.class,
                        BootstrapRegistry.InstanceSupplier.of(EncryptionKeys.none())))
            .properties(properties)
            .run();
    started.add(context);
    return context;
  }

  @Test
  void withoutSpringCloudTheBeansOfChangedPrefixesAreReboundAndNoOther() throws Exception {
    Path repo = GoldenRepos.template(dir.resolve("config"));
    ConfigurableApplicationContext context =
        start("spring.config.import=gitconf:prod", "gitconf.directory=" + repo);
    Exits exits = context.getBean(Exits.class);
    DynamicFee fee = context.getBean(DynamicFee.class);
    Mev mev = context.getBean(Mev.class);
    assertThat(exits.getStopLossPercent()).isEqualTo(3.0);
    assertThat(fee.getPercentile()).isEqualTo(90);
    int mevBindings = mev.bindings.get();
    assertThat(mevBindings).isEqualTo(1);

    Path risk = repo.resolve("environments/prod/risk.yaml");
    Files.writeString(
        risk, Files.readString(risk).replace("stopLossPercent: 3", "stopLossPercent: 2.5"));
    Path fees = repo.resolve("environments/prod/mev.yaml");
    Files.writeString(fees, Files.readString(fees).replace("percentile: 90", "percentile: 95"));

    // The two saves may be applied as one version or two.
    while (exits.getStopLossPercent() != 2.5 || fee.getPercentile() != 95) {
      context.getBean(ReceivedEvents.class).next();
    }
    assertThat(exits.getStopLossPercent()).isEqualTo(2.5);
    assertThat(context.getEnvironment().getProperty("risk.exits.stopLossPercent")).isEqualTo("2.5");
    assertThat(fee.getPercentile()).isEqualTo(95);
    assertThat(mev.bindings.get()).isEqualTo(mevBindings);
  }

  @Test
  void aVersionThatDoesNotValidateChangesNothingAndShowsInHealth() throws Exception {
    Path repo = GoldenRepos.template(dir.resolve("config"));
    ConfigurableApplicationContext context =
        start(
            "spring.config.import=gitconf:prod",
            "gitconf.directory=" + repo,
            "gitconf.cache-ttl=1h");
    ConfigManager manager = context.getBean(ConfigManager.class);
    Path risk = repo.resolve("environments/prod/risk.yaml");
    Files.writeString(
        risk,
        Files.readString(risk)
            .replace("stopLossPercent: 3", "stopLossPercent: 2")
            .replace("maxOpenPositions: 5", "maxOpenPositions: -1"));

    assertThat(manager.reload()).isFalse();

    ConfigChangeEvent.ReloadFailed failed =
        context.getBean(ReceivedEvents.class).next(ConfigChangeEvent.ReloadFailed.class);
    assertThat(failed.reasons())
        .anyMatch(reason -> reason.contains("risk.parameters.maxOpenPositions"));
    assertThat(context.getBean(Exits.class).getStopLossPercent()).isEqualTo(3.0);
    assertThat(context.getEnvironment().getProperty("risk.parameters.maxOpenPositions"))
        .isEqualTo("5");
    Health health = context.getBean(GitconfHealthIndicator.class).health();
    assertThat(health.getStatus()).isEqualTo(Status.UP);
    assertThat(health.getDetails())
        .containsEntry("environment", "prod")
        .containsEntry("sourceReachable", true)
        .containsEntry("lastReloadFailure", failed.reasons());
  }

  @Test
  void withoutKeysASecretIsItsCiphertextAndTheImportNamesTheEnvironment() {
    Path repo = GoldenRepos.template(dir.resolve("config"));
    ConfigurableApplicationContext context =
        start(
            "spring.config.import=gitconf:dev",
            "gitconf.environment=prod",
            "gitconf.directory=" + repo);

    assertThat(context.getBean(ConfigManager.class).environment()).isEqualTo("dev");
    assertThat(context.getEnvironment().getProperty("trader.apiKey")).startsWith("ENC[v1,dev,");
  }

  @Test
  void anApplicationThatFailsToStartClosesTheManagerItsImportStarted() {
    Path repo = GoldenRepos.template(dir.resolve("config"));

    assertThatThrownBy(
            () ->
                start(
                    "spring.config.import=gitconf:prod",
                    "gitconf.directory=" + repo,
                    "test.fail-start=true"))
        .hasRootCauseMessage("this application does not start");

    assertThat(GitconfConfigDataLoader.running()).isEmpty();
  }

  @Test
  void closingTheApplicationClosesTheManager() {
    Path repo = GoldenRepos.template(dir.resolve("config"));
    ConfigurableApplicationContext context =
        start("spring.config.import=gitconf:prod", "gitconf.directory=" + repo);
    ConfigManager manager = context.getBean(ConfigManager.class);

    context.close();

    assertThat(manager.isClosed()).isTrue();
    assertThat(GitconfConfigDataLoader.running()).doesNotContain(manager);
  }

  @Test
  void anOptionalImportWhoseSourceCannotBeReachedIsSkipped() {
    ConfigurableApplicationContext context =
        start(
            "spring.config.import=optional:gitconf:",
            "gitconf.environment=prod",
            "gitconf.postgres.url=jdbc:postgresql://127.0.0.1:1/gitconf?connectTimeout=2");

    assertThat(context.getBeansOfType(ConfigManager.class)).isEmpty();
    assertThat(context.getEnvironment().getProperty("risk.parameters.maxOpenPositions")).isNull();
  }

  @Test
  void aRequiredImportStopsTheStartWithTheSettingToFix() {
    assertThatThrownBy(() -> start("spring.config.import=gitconf:"))
        .isInstanceOf(GitconfException.BadRequest.class)
        .hasMessage("gitconf.environment: not set (the environment to serve, e.g. prod)");
    assertThatThrownBy(
            () ->
                start(
                    "spring.config.import=gitconf:prod",
                    "gitconf.server.url=ftp://gitconf.example",
                    "gitconf.server.token=relay-token-123"))
        .isInstanceOf(GitconfException.BadRequest.class)
        .hasMessage("a relay URL starts with http:// or https://: ftp://gitconf.example")
        .message()
        .doesNotContain("relay-token-123");
  }
}
