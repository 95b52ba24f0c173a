package com.example.trader;

import io.gitconf.client.ConfigChangeEvent;
import io.gitconf.client.ConfigManager;
import io.gitconf.client.TraderConfig;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

// [readme:RiskWatcher]
/** Prints the limits at start-up and every change gitconf applies. */
@Component
public class RiskWatcher {
  private final RiskLimits limits;
  private final ConfigManager config; // typed records and getters, as without Spring
  private final Environment environment;

  public RiskWatcher(RiskLimits limits, ConfigManager config, Environment environment) {
    this.limits = limits;
    this.config = config;
    this.environment = environment;
  }

  @EventListener(ApplicationReadyEvent.class)
  public void started() {
    TraderConfig trader = config.getTraderConfig();
    System.out.printf(
        "%s (%s): %d open positions at most, %.0f USD a position%n",
        config.environment(),
        trader.mode(),
        limits.getMaxOpenPositions(),
        limits.getMaxPositionSizeUsd());
    String apiKey = environment.getProperty("trader.apiKey", "");
    if (!apiKey.startsWith("ENC[")) { // plaintext only with the environment's key
      System.out.println("trader.apiKey: " + apiKey.length() + " chars");
    }
    System.out.println("Waiting for changes; commit one to the config repository.");
  }

  /** After the environment and RiskLimits are updated. */
  @EventListener
  public void changed(ConfigChangeEvent.ValueChanged change) {
    if (change.path().startsWith("risk.parameters.")) {
      System.out.printf(
          "changed %s: %s -> %s (RiskLimits: %d open positions at most)%n",
          change.path(), change.beforeText(), change.afterText(), limits.getMaxOpenPositions());
    }
  }

  /** Paths marked x-reload: restart keep their start-up values until the application restarts. */
  @EventListener
  public void restartRequired(ConfigChangeEvent.RestartRequired restart) {
    System.out.println("restart required for " + restart.paths());
  }
}
// [/readme:RiskWatcher]
