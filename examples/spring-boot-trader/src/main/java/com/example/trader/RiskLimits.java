package com.example.trader;

import org.springframework.boot.context.properties.ConfigurationProperties;

// [readme:RiskLimits]
/** risk.parameters of the environment; rebound when a commit changes one of them. */
@ConfigurationProperties("risk.parameters")
public class RiskLimits {
  private int maxOpenPositions;
  private double maxPositionSizeUsd;

  public int getMaxOpenPositions() {
    return maxOpenPositions;
  }

  public void setMaxOpenPositions(int maxOpenPositions) {
    this.maxOpenPositions = maxOpenPositions;
  }

  public double getMaxPositionSizeUsd() {
    return maxPositionSizeUsd;
  }

  public void setMaxPositionSizeUsd(double maxPositionSizeUsd) {
    this.maxPositionSizeUsd = maxPositionSizeUsd;
  }
}
// [/readme:RiskLimits]
