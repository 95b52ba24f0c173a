package io.gitconf.client;

import java.util.Map;
import java.util.Optional;

/**
 * The {@code trader} category. API keys are secrets: read them with {@link
 * ConfigManager#getSecret}.
 */
public record TraderConfig(
    String mode,
    String commitment,
    int defaultSlippageBps,
    long defaultPriorityFeeMicroLamports,
    Rpc rpc) {

  public TraderConfig {
    rpc = java.util.Objects.requireNonNull(rpc, "rpc");
  }

  /** True when the trader signs and sends real transactions. */
  public boolean isLive() {
    return "live".equals(mode);
  }

  public record Rpc(int requestTimeoutMs, Map<String, Endpoint> endpoints) {
    public Rpc {
      endpoints = Map.copyOf(endpoints);
    }
  }

  public record Endpoint(String url, Optional<String> wsUrl, int weight) {}
}
