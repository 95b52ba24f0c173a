package io.gitconf.client;

import java.util.Map;

/** The {@code monitoring} category: metric intervals, alert thresholds and log levels. */
public record MonitoringConfig(Metrics metrics, Alerts alerts, Logging logging) {

  public record Metrics(int collectionIntervalMs, int exportIntervalMs) {}

  public record Alerts(
      long rpcLatencyMs,
      double errorRatePercent,
      double dailyLossPercentOfLimit,
      double minSolBalance) {}

  public record Logging(String defaultLevel, Map<String, String> components) {
    public Logging {
      components = components == null ? Map.of() : Map.copyOf(components);
    }

    /** The level of a component: its own, or the default. */
    public String levelOf(String component) {
      return components.getOrDefault(component, defaultLevel);
    }
  }
}
