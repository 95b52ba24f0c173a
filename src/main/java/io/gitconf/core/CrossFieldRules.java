package io.gitconf.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Rules that span several values, which JSON Schema cannot express: ranges whose ends must be
 * ordered, limits that must nest, and Token-2022 settings that only make sense together. A rule is
 * checked only when the values it relates are present and of the right type (numbers finite); the
 * schema reports the rest. A rule never throws, whatever a snapshot holds. Problems point at the
 * value most likely to be wrong (the one that breaks the bound) and have the same format as schema
 * problems.
 */
final class CrossFieldRules {
  private final ConfigSnapshot snapshot;
  private final List<Problem> problems = new ArrayList<>();

  CrossFieldRules(ConfigSnapshot snapshot) {
    this.snapshot = snapshot;
  }

  List<Problem> check() {
    mev();
    risk();
    tokens();
    trader();
    operations();
    return problems;
  }

  private void mev() {
    atMost(
        "mev.priorityFee.minMicroLamports",
        "mev.priorityFee.maxMicroLamports",
        "priority-fee-range");
    atMost(
        "mev.priorityFee.dynamic.capMicroLamports",
        "mev.priorityFee.maxMicroLamports",
        "priority-fee-cap");
    atMost(
        "mev.priorityFee.minMicroLamports",
        "mev.priorityFee.dynamic.capMicroLamports",
        "priority-fee-cap");
    atMost(
        "mev.sandwichProtection.tipLamports", "mev.sandwichProtection.maxTipLamports", "tip-range");
  }

  private void risk() {
    atMost(
        "risk.parameters.maxPositionSizeUsd",
        "risk.parameters.maxTotalPositionUsd",
        "position-limits");
    atMost("risk.limits.dailyLossUsd", "risk.parameters.maxTotalPositionUsd", "daily-loss-limit");
    below("risk.exits.stopLossPercent", "risk.exits.takeProfitPercent", "stop-loss-take-profit");
    below(
        "risk.exits.trailingStopPercent", "risk.exits.takeProfitPercent", "stop-loss-take-profit");
    Optional<JsonNode> tokens = value("tokens");
    for (String mint : keys("risk.limits.perToken")) {
      String limit = "risk.limits.perToken." + mint + ".maxPositionSizeUsd";
      atMost(limit, "risk.parameters.maxTotalPositionUsd", "position-limits");
      if (tokens.isPresent() && !tokens.get().has(mint)) {
        error(
            "risk.limits.perToken." + mint,
            "limit for a token that tokens does not list",
            "token-reference");
      }
    }
  }

  private void tokens() {
    Map<String, String> symbols = new HashMap<>();
    for (String mint : keys("tokens")) {
      String prefix = "tokens." + mint;
      Optional<JsonNode> token = value(prefix);
      if (token.isEmpty() || !token.get().isObject()) {
        continue;
      }
      String program = token.get().path("program").asText("");
      JsonNode extensions = token.get().path("extensions");
      boolean hasExtensions = extensions.isArray() && !extensions.isEmpty();
      if (hasExtensions && !program.equals("token-2022")) {
        error(
            prefix + ".extensions",
            "Token-2022 extensions need program: token-2022 (is " + program + ")",
            "token-2022-extensions");
      }
      boolean feeExtension = false;
      for (JsonNode extension : extensions) {
        feeExtension |= extension.asText().equals("transferFeeConfig");
      }
      if (token.get().has("transferFee") && !feeExtension) {
        error(
            prefix + ".transferFee",
            "a transfer fee needs the transferFeeConfig extension",
            "transfer-fee");
      }
      if (feeExtension && program.equals("token-2022") && !token.get().has("transferFee")) {
        // An overlay that deletes the fee is the change at fault, not the base that lists the
        // extension.
        String blamed =
            deleted(prefix + ".transferFee") ? prefix + ".transferFee" : prefix + ".extensions";
        problems.add(
            Problem.error(
                ConfigSchemaValidator.originFor(snapshot, ConfigPath.parse(blamed)),
                prefix + ".extensions",
                "transferFeeConfig needs transferFee (basisPoints, maximumFee) so fees are priced in",
                "transfer-fee"));
      }
      JsonNode symbol = token.get().path("symbol");
      if (symbol.isTextual()) {
        String previous = symbols.putIfAbsent(symbol.asText(), mint);
        if (previous != null) {
          error(
              prefix + ".symbol",
              "symbol " + symbol.asText() + " is also used by " + previous,
              "unique-symbol");
        }
      }
      if (sandwichProtected()) {
        atMost(prefix + ".slippageBps", "mev.sandwichProtection.maxSlippageBps", "slippage-cap");
      }
    }
  }

  private void trader() {
    if (sandwichProtected()) {
      atMost("trader.defaultSlippageBps", "mev.sandwichProtection.maxSlippageBps", "slippage-cap");
    }
    if (value("trader.mode").map(JsonNode::asText).orElse("").equals("live")
        && value("mev.sandwichProtection.enabled").map(JsonNode::isBoolean).orElse(false)
        && !sandwichProtected()) {
      error(
          "mev.sandwichProtection.enabled",
          "live trading requires sandwich protection",
          "live-protection");
    }
  }

  private void operations() {
    atMost(
        "circuit-breaker.latency.p99TargetMs",
        "circuit-breaker.latency.p99TripMs",
        "latency-thresholds");
    atMost(
        "monitoring.metrics.collectionIntervalMs",
        "monitoring.metrics.exportIntervalMs",
        "metric-intervals");
  }

  /** True when the last layer to touch the path removed it with {@code !delete}. */
  private boolean deleted(String path) {
    List<ConfigSnapshot.Layer> layers = snapshot.provenance(ConfigPath.parse(path));
    return !layers.isEmpty()
        && layers.get(layers.size() - 1).action() == ConfigSnapshot.Layer.Action.DELETE;
  }

  private boolean sandwichProtected() {
    return value("mev.sandwichProtection.enabled").map(JsonNode::asBoolean).orElse(false);
  }

  /** {@code low <= high}, reported at {@code low}. */
  private void atMost(String low, String high, String rule) {
    compare(low, high, rule, false);
  }

  /** {@code low < high}, reported at {@code low}. */
  private void below(String low, String high, String rule) {
    compare(low, high, rule, true);
  }

  private void compare(String low, String high, String rule, boolean strict) {
    Optional<JsonNode> a = value(low);
    Optional<JsonNode> b = value(high);
    Optional<BigDecimal> lowValue = a.flatMap(CrossFieldRules::number);
    Optional<BigDecimal> highValue = b.flatMap(CrossFieldRules::number);
    if (lowValue.isEmpty() || highValue.isEmpty()) {
      return;
    }
    int order = lowValue.get().compareTo(highValue.get());
    if (order < 0 || (!strict && order == 0)) {
      return;
    }
    // Blame the value written last: an overlay that lowers a maximum is the change at fault.
    if (layerRank(high) > layerRank(low)) {
      error(
          high,
          "must be " + (strict ? "> " : ">= ") + low + " (" + a.get() + "), is " + b.get(),
          rule);
    } else {
      error(
          low,
          "must be " + (strict ? "< " : "<= ") + high + " (" + b.get() + "), is " + a.get(),
          rule);
    }
  }

  /**
   * The exact value of a finite number; empty for anything else (another type, NaN, an infinity),
   * which the schema or the validator reports, so a rule never compares what is not a number.
   */
  private static Optional<BigDecimal> number(JsonNode node) {
    return node.isNumber() && !Json.isNonFiniteNumber(node)
        ? Optional.of(node.decimalValue())
        : Optional.empty();
  }

  /**
   * 0 for a value from base, 1 from an ancestor environment, 2 from the environment's own overlay.
   */
  private int layerRank(String path) {
    Origin origin = ConfigSchemaValidator.originFor(snapshot, ConfigPath.parse(path));
    if (origin == null) {
      return 0;
    }
    String file = origin.file();
    if (file.startsWith(ConfigRepository.ENVIRONMENTS_DIR + snapshot.environment() + "/")) {
      return 2;
    }
    return file.startsWith(ConfigRepository.ENVIRONMENTS_DIR) ? 1 : 0;
  }

  private List<String> keys(String path) {
    List<String> keys = new ArrayList<>();
    value(path)
        .filter(JsonNode::isObject)
        .ifPresent(
            node -> {
              for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                keys.add(it.next());
              }
            });
    return keys;
  }

  private Optional<JsonNode> value(String path) {
    return snapshot.get(ConfigPath.parse(path));
  }

  private void error(String path, String message, String rule) {
    ConfigPath at = ConfigPath.parse(path);
    problems.add(Problem.error(ConfigSchemaValidator.originFor(snapshot, at), path, message, rule));
  }
}
