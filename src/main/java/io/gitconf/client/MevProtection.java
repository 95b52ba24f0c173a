package io.gitconf.client;

/** The {@code mev} category: priority fees, sandwich protection and transaction settings. */
public record MevProtection(
    PriorityFee priorityFee, SandwichProtection sandwichProtection, Transaction transaction) {

  public record PriorityFee(long minMicroLamports, long maxMicroLamports, DynamicFee dynamic) {}

  public record DynamicFee(
      boolean enabled,
      int percentile,
      int lookbackSlots,
      double multiplier,
      long capMicroLamports) {}

  public record SandwichProtection(
      boolean enabled,
      int maxSlippageBps,
      boolean useBundles,
      long tipLamports,
      long maxTipLamports,
      String blockEngineUrl) {}

  public record Transaction(int confirmTimeoutMs, int maxRetries, boolean skipPreflight) {}
}
