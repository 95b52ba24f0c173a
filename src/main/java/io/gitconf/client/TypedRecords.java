package io.gitconf.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gitconf.core.ConfigPath;
import io.gitconf.core.ConfigSnapshot;
import io.gitconf.core.Origin;
import io.gitconf.core.Problem;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The six trading records of one snapshot, each bound once. A category a snapshot does not have is
 * empty; a category that does not bind is a {@link Problem} naming the file and line (when the
 * snapshot knows them), the exact path and Jackson's reason, with the rule {@code binding}.
 *
 * <p>Immutable.
 */
record TypedRecords(
    Optional<TraderConfig> trader,
    Optional<RiskParameters> risk,
    Optional<MevProtection> mev,
    Optional<MonitoringConfig> monitoring,
    Optional<CircuitBreakerConfig> circuitBreaker,
    Map<String, TokenConfig> tokensByMint,
    Map<String, TokenConfig> tokensBySymbol) {

  static final String RULE = "binding";

  /**
   * Binds every record of {@code snapshot}, adding a problem to {@code problems} for each failure.
   */
  static TypedRecords bind(ConfigSnapshot snapshot, List<Problem> problems) {
    Map<String, TokenConfig> byMint = new LinkedHashMap<>();
    Map<String, TokenConfig> bySymbol = new LinkedHashMap<>();
    snapshot
        .category("tokens")
        .ifPresent(tokens -> bindTokens(snapshot, tokens, byMint, bySymbol, problems));
    return new TypedRecords(
        bind(snapshot, "trader", TraderConfig.class, problems),
        bind(snapshot, "risk", RiskParameters.class, problems),
        bind(snapshot, "mev", MevProtection.class, problems),
        bind(snapshot, "monitoring", MonitoringConfig.class, problems),
        bind(snapshot, "circuit-breaker", CircuitBreakerConfig.class, problems),
        Collections.unmodifiableMap(byMint),
        Collections.unmodifiableMap(bySymbol));
  }

  private static <T> Optional<T> bind(
      ConfigSnapshot snapshot, String category, Class<T> type, List<Problem> problems) {
    Optional<ObjectNode> tree = snapshot.category(category);
    if (tree.isEmpty() || tree.get().isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Binder.bind(tree.get(), category, type));
    } catch (Binder.Failure failure) {
      problems.add(problem(snapshot, failure, type));
      return Optional.empty();
    }
  }

  /** Tokens are keyed by mint address; the key becomes the record's {@code mint}. */
  private static void bindTokens(
      ConfigSnapshot snapshot,
      ObjectNode tokens,
      Map<String, TokenConfig> byMint,
      Map<String, TokenConfig> bySymbol,
      List<Problem> problems) {
    tokens
        .properties()
        .forEach(
            entry -> {
              String path = "tokens." + entry.getKey();
              JsonNode value = entry.getValue();
              if (!(value instanceof ObjectNode token)) {
                problems.add(
                    problem(
                        snapshot,
                        new Binder.Failure(path, "a token is a map of its settings"),
                        TokenConfig.class));
                return;
              }
              try {
                TokenConfig config =
                    Binder.bind(
                        token.deepCopy().put("mint", entry.getKey()), path, TokenConfig.class);
                byMint.put(config.mint(), config);
                bySymbol.put(config.symbol(), config);
              } catch (Binder.Failure failure) {
                problems.add(problem(snapshot, failure, TokenConfig.class));
              }
            });
  }

  private static Problem problem(ConfigSnapshot snapshot, Binder.Failure failure, Class<?> type) {
    return Problem.error(
        origin(snapshot, failure.path()).orElse(null),
        failure.path(),
        "does not bind to " + type.getSimpleName() + ": " + failure.reason(),
        RULE);
  }

  /**
   * The file and line of the value at {@code path}, or of the nearest enclosing leaf (a list whose
   * item does not bind), when the snapshot was resolved from files.
   */
  static Optional<Origin> origin(ConfigSnapshot snapshot, String path) {
    if (!snapshot.hasProvenance()) {
      return Optional.empty();
    }
    String leaf = path.replaceAll("\\[\\d+].*$", "");
    try {
      for (Optional<ConfigPath> at = Optional.of(ConfigPath.parse(leaf));
          at.isPresent();
          at = at.get().parent()) {
        Optional<Origin> origin = snapshot.origin(at.get());
        if (origin.isPresent()) {
          return origin;
        }
      }
    } catch (RuntimeException e) {
      // Not a path gitconf writes (a key Jackson reports oddly): the message still names it.
    }
    return Optional.empty();
  }
}
