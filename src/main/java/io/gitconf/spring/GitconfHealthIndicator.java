package io.gitconf.spring;

import io.gitconf.client.ClientSnapshot;
import io.gitconf.client.ClientStatus;
import io.gitconf.client.ConfigManager;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * {@code /actuator/health}'s {@code gitconf} component: the source, the environment, the version
 * served and, when the last reload failed, why. It stays {@code UP} while a snapshot is served,
 * since a client that cannot reach its source keeps serving its last good configuration: a failed
 * reload is a detail to alert on, not a reason to take the application out of service.
 *
 * <p>Thread-safe.
 */
public final class GitconfHealthIndicator implements HealthIndicator {
  private final ConfigManager manager;

  public GitconfHealthIndicator(ConfigManager manager) {
    this.manager = manager;
  }

  @Override
  public Health health() {
    ClientStatus status = manager.status();
    ClientSnapshot served = status.served();
    Health.Builder health = manager.isClosed() ? Health.down() : Health.up();
    health.withDetail("source", status.source()).withDetail("environment", served.environment());
    served.version().ifPresent(version -> health.withDetail("version", version));
    health.withDetail("commit", served.commit()).withDetail("checksum", served.checksum());
    if (!served.heldBack().isEmpty()) {
      health.withDetail("restartRequired", served.heldBack());
    }
    status
        .lastSuccessfulReload()
        .ifPresent(time -> health.withDetail("lastSuccessfulReload", time.toString()));
    health.withDetail("sourceReachable", status.sourceReachable());
    if (!status.lastFailure().isEmpty()) {
      health.withDetail("lastReloadFailure", status.lastFailure());
    }
    return health.build();
  }
}
