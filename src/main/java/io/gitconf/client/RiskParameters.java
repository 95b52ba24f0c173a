package io.gitconf.client;

import java.util.Map;
import java.util.OptionalDouble;

/** The {@code risk} category: position sizing, loss limits and exits. Amounts in USD. */
public record RiskParameters(Parameters parameters, Limits limits, Exits exits) {

  public record Parameters(
      double maxPositionSizeUsd,
      double maxTotalPositionUsd,
      double maxExposurePercent,
      int maxOpenPositions) {}

  public record Limits(double dailyLossUsd, Map<String, TokenLimit> perToken) {
    public Limits {
      perToken = perToken == null ? Map.of() : Map.copyOf(perToken);
    }
  }

  public record TokenLimit(double maxPositionSizeUsd) {}

  public record Exits(
      double stopLossPercent, double takeProfitPercent, OptionalDouble trailingStopPercent) {}

  /** The position limit of a token: its own, or the default. */
  public double maxPositionSizeUsd(String mint) {
    TokenLimit own = limits.perToken().get(mint);
    return own != null ? own.maxPositionSizeUsd() : parameters.maxPositionSizeUsd();
  }
}
