package io.gitconf.client;

/** The {@code circuit-breaker} category: when order submission stops, and how it recovers. */
public record CircuitBreakerConfig(Latency latency, ErrorRate errorRate, Recovery recovery) {

  public record Latency(int p99TargetMs, int p99TripMs, int windowSeconds) {}

  public record ErrorRate(double tripPercent, int minRequests, int windowSeconds) {}

  public record Recovery(int coolDownSeconds, int halfOpenProbes, double successThresholdPercent) {}
}
