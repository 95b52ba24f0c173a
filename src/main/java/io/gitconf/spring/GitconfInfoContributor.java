package io.gitconf.spring;

import io.gitconf.client.ClientSnapshot;
import io.gitconf.client.ConfigManager;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;

/**
 * {@code /actuator/info}'s {@code gitconf} entry: environment, version, commit and checksum of the
 * configuration served. Thread-safe.
 */
public final class GitconfInfoContributor implements InfoContributor {
  private final ConfigManager manager;

  public GitconfInfoContributor(ConfigManager manager) {
    this.manager = manager;
  }

  @Override
  public void contribute(Info.Builder builder) {
    ClientSnapshot served = manager.snapshot();
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("environment", served.environment());
    served.version().ifPresent(version -> info.put("version", version));
    info.put("commit", served.commit());
    info.put("checksum", served.checksum());
    builder.withDetail("gitconf", info);
  }
}
