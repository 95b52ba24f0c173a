package io.gitconf.spring;

import io.gitconf.client.CircuitBreakerConfig;
import io.gitconf.client.ConfigManager;
import io.gitconf.client.MevProtection;
import io.gitconf.client.MonitoringConfig;
import io.gitconf.client.RiskParameters;
import io.gitconf.client.TraderConfig;
import io.gitconf.metrics.ConfigManagerMetrics;
import java.util.List;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Scope;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * What a Spring Boot application gets once it has a {@link ConfigManager} (from {@code
 * spring.config.import=gitconf:}, or a bean of its own): the property source kept up to date with
 * {@code @ConfigurationProperties} beans rebound ({@link GitconfRefresher}), the typed records as
 * beans, and, when the libraries are present, the actuator's health component, info entry and
 * secret masking, and Micrometer metrics.
 *
 * <p>The typed records are prototype beans: each injection or {@code ObjectProvider.getObject()}
 * reads the version served at that moment. Inject {@code ObjectProvider<RiskParameters>} (or the
 * {@code ConfigManager}) where the current value matters after start-up.
 */
@AutoConfiguration
@ConditionalOnBean(ConfigManager.class)
public class GitconfAutoConfiguration {

  @Bean
  GitconfRefresher gitconfRefresher(ConfigManager manager, ConfigurableApplicationContext context) {
    return new GitconfRefresher(manager, context);
  }

  @Bean
  @Scope(BeanDefinition.SCOPE_PROTOTYPE)
  TraderConfig gitconfTraderConfig(ConfigManager manager) {
    return manager.getTraderConfig();
  }

  @Bean
  @Scope(BeanDefinition.SCOPE_PROTOTYPE)
  RiskParameters gitconfRiskParameters(ConfigManager manager) {
    return manager.getRiskParameters();
  }

  @Bean
  @Scope(BeanDefinition.SCOPE_PROTOTYPE)
  MevProtection gitconfMevProtection(ConfigManager manager) {
    return manager.getMevProtection();
  }

  @Bean
  @Scope(BeanDefinition.SCOPE_PROTOTYPE)
  MonitoringConfig gitconfMonitoringConfig(ConfigManager manager) {
    return manager.getMonitoringConfig();
  }

  @Bean
  @Scope(BeanDefinition.SCOPE_PROTOTYPE)
  CircuitBreakerConfig gitconfCircuitBreakerConfig(ConfigManager manager) {
    return manager.getCircuitBreakerConfig();
  }

  /** The actuator's endpoints: masking in env and configprops, and the info entry. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.SanitizingFunction")
  static class Actuator {
    @Bean
    GitconfSanitizingFunction gitconfSanitizingFunction(ConfigurableEnvironment environment) {
      return new GitconfSanitizingFunction(environment);
    }

    @Bean
    @ConditionalOnMissingBean(name = "gitconfInfoContributor")
    GitconfInfoContributor gitconfInfoContributor(ConfigManager manager) {
      return new GitconfInfoContributor(manager);
    }
  }

  /** {@code /actuator/health}'s {@code gitconf} component. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
  static class Health {
    @Bean
    @ConditionalOnMissingBean(name = "gitconfHealthIndicator")
    GitconfHealthIndicator gitconfHealthIndicator(ConfigManager manager) {
      return new GitconfHealthIndicator(manager);
    }
  }

  /** The client's metrics, bound to the application's registry by Spring Boot. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
  static class Metrics {
    @Bean
    @ConditionalOnMissingBean(name = "gitconfMetrics")
    ConfigManagerMetrics gitconfMetrics(ConfigManager manager) {
      return new ConfigManagerMetrics(manager, List.of());
    }
  }
}
