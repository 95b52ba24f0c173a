package io.gitconf.metrics;

import io.gitconf.client.ClientStatus;
import io.gitconf.client.ConfigManager;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.ToLongFunction;

/**
 * Micrometer metrics of one {@link ConfigManager}, tagged with its {@code environment}:
 *
 * <ul>
 *   <li>{@code gitconf.client.version}: the mirror's version number served (NaN for a directory or
 *       Git source, which have none);
 *   <li>{@code gitconf.client.reload.age} (seconds): since a load of the source last succeeded (NaN
 *       before the first, when the client started from its last-known-good cache). A mirror or Git
 *       source is checked every TTL, so this stays below the TTL while the source answers; a
 *       directory source loads only when its files change;
 *   <li>{@code gitconf.client.reload.failures} (counter), tagged {@code cause}: {@code unavailable}
 *       (the source could not be reached), {@code validation_failed} (a version that does not
 *       validate or bind), {@code parse}, {@code decryption}, and {@code other};
 *   <li>{@code gitconf.client.events.dropped} (counter): events dropped by subscriptions whose
 *       queue was full;
 *   <li>{@code gitconf.client.source.reachable}: 1 while the source answers, 0 while it does not.
 * </ul>
 *
 * <pre>{@code
 * new ConfigManagerMetrics(config, List.of()).bindTo(registry);
 * }</pre>
 *
 * Every value is read from {@link ConfigManager#status()} when the registry asks. Thread-safe.
 */
public final class ConfigManagerMetrics implements MeterBinder {
  /** The causes counted apart; any other falls under {@code other}. */
  static final List<String> CAUSES =
      List.of("unavailable", "validation_failed", "parse", "decryption");

  private final ConfigManager manager;
  private final Iterable<Tag> tags;
  private final Clock clock;

  /** Metrics of {@code manager}, with {@code tags} added to its {@code environment} tag. */
  public ConfigManagerMetrics(ConfigManager manager, Iterable<Tag> tags) {
    this(manager, tags, Clock.systemUTC());
  }

  /** As above, measuring the reload age with {@code clock}. */
  public ConfigManagerMetrics(ConfigManager manager, Iterable<Tag> tags, Clock clock) {
    this.manager = manager;
    this.tags = Tags.concat(tags, "environment", manager.environment());
    this.clock = clock;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Gauge.builder("gitconf.client.version", manager, ConfigManagerMetrics::version)
        .description("The configuration version served (the mirror's number)")
        .tags(tags)
        .register(registry);
    Gauge.builder("gitconf.client.reload.age", this, ConfigManagerMetrics::reloadAgeSeconds)
        .description("Seconds since a load of the configuration source last succeeded")
        .baseUnit("seconds")
        .tags(tags)
        .register(registry);
    for (String cause : CAUSES) {
      failures(registry, cause, status -> status.failuresByCause().getOrDefault(cause, 0L));
    }
    failures(registry, "other", ConfigManagerMetrics::otherFailures);
    FunctionCounter.builder("gitconf.client.events.dropped", manager, ConfigManager::eventsLost)
        .description("Change events dropped because a subscriber's queue was full")
        .tags(tags)
        .register(registry);
    Gauge.builder(
            "gitconf.client.source.reachable", manager, m -> m.status().sourceReachable() ? 1 : 0)
        .description("1 while the configuration source answers, 0 while it does not")
        .tags(tags)
        .register(registry);
  }

  private void failures(MeterRegistry registry, String cause, ToLongFunction<ClientStatus> count) {
    FunctionCounter.builder(
            "gitconf.client.reload.failures", manager, m -> count.applyAsLong(m.status()))
        .description("Failed attempts to reload the configuration, by cause")
        .tags(tags)
        .tag("cause", cause)
        .register(registry);
  }

  private static double version(ConfigManager manager) {
    OptionalLong version = manager.snapshot().version();
    return version.isPresent() ? version.getAsLong() : Double.NaN;
  }

  private double reloadAgeSeconds() {
    Optional<Instant> last = manager.status().lastSuccessfulReload();
    return last.map(time -> Duration.between(time, clock.instant()).toMillis() / 1000.0)
        .orElse(Double.NaN);
  }

  private static long otherFailures(ClientStatus status) {
    long other = 0;
    for (Map.Entry<String, Long> entry : status.failuresByCause().entrySet()) {
      if (!CAUSES.contains(entry.getKey())) {
        other += entry.getValue();
      }
    }
    return other;
  }
}
