package io.gitconf.client;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import io.gitconf.core.ConfigSnapshot;
import io.gitconf.core.GitconfException;
import io.gitconf.core.Problem;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One immutable version of an environment's configuration as a client serves it: the values by path
 * (as plain Java values, so a getter is a hash lookup) and the typed records, all built once when
 * the snapshot is made. A reader holding a snapshot never sees a mix of two versions.
 *
 * <p>Immutable and thread-safe.
 */
public final class ClientSnapshot {
  private static final JsonMapper BINDER =
      JsonMapper.builder()
          .addModule(new Jdk8Module())
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .build();

  private final ConfigSnapshot source;
  private final OptionalLong version;
  private final String commit;
  private final Map<String, Object> values;
  private final Optional<TraderConfig> trader;
  private final Optional<RiskParameters> risk;
  private final Optional<MevProtection> mev;
  private final Map<String, TokenConfig> tokensByMint;
  private final Map<String, TokenConfig> tokensBySymbol;
  private final Optional<MonitoringConfig> monitoring;
  private final Optional<CircuitBreakerConfig> circuitBreaker;

  private ClientSnapshot(ConfigSnapshot source, OptionalLong version, String commit) {
    this.source = source;
    this.version = version;
    this.commit = commit;
    Map<String, Object> plain = new HashMap<>();
    source.leaves().forEach((path, value) -> plain.put(path, plain(value)));
    this.values = Collections.unmodifiableMap(plain);
    List<Problem> problems = new ArrayList<>();
    this.trader = bind(source, "trader", TraderConfig.class, problems);
    this.risk = bind(source, "risk", RiskParameters.class, problems);
    this.mev = bind(source, "mev", MevProtection.class, problems);
    this.monitoring = bind(source, "monitoring", MonitoringConfig.class, problems);
    this.circuitBreaker = bind(source, "circuit-breaker", CircuitBreakerConfig.class, problems);
    Map<String, TokenConfig> byMint = new LinkedHashMap<>();
    Map<String, TokenConfig> bySymbol = new LinkedHashMap<>();
    source
        .category("tokens")
        .ifPresent(
            tokens ->
                tokens
                    .fields()
                    .forEachRemaining(
                        entry -> {
                          ObjectNode token =
                              ((ObjectNode) entry.getValue())
                                  .deepCopy()
                                  .put("mint", entry.getKey());
                          try {
                            TokenConfig config = BINDER.treeToValue(token, TokenConfig.class);
                            byMint.put(config.mint(), config);
                            bySymbol.put(config.symbol(), config);
                          } catch (Exception e) {
                            problems.add(bindingProblem("tokens." + entry.getKey(), e));
                          }
                        }));
    this.tokensByMint = Collections.unmodifiableMap(byMint);
    this.tokensBySymbol = Collections.unmodifiableMap(bySymbol);
    if (!problems.isEmpty()) {
      throw new GitconfException.ValidationFailed(
          "environment " + source.environment() + " (" + describe(version, commit) + ")", problems);
    }
  }

  /**
   * A client snapshot of a resolved environment; a {@link GitconfException.ValidationFailed} if a
   * category does not bind to its typed record (a reload failure, never a half-built snapshot).
   */
  public static ClientSnapshot of(ConfigSnapshot source, OptionalLong version, String commit) {
    return new ClientSnapshot(source, version, commit);
  }

  public String environment() {
    return source.environment();
  }

  /** The mirror's version number, when the snapshot came from the mirror. */
  public OptionalLong version() {
    return version;
  }

  /** The Git commit (or, for a working directory, a description of it). */
  public String commit() {
    return commit;
  }

  public String checksum() {
    return source.checksum();
  }

  /** The resolved snapshot this client snapshot was built from. */
  public ConfigSnapshot source() {
    return source;
  }

  /** Values by path: String, Long, Double, Boolean, List or (empty) Map. */
  Map<String, Object> values() {
    return values;
  }

  /**
   * The value at {@code path} as {@code type}: String, Long, Double, Boolean, List or Map ({@code
   * Object} for any).
   *
   * @throws GitconfException.Missing when the path is not set
   * @throws GitconfException.WrongType when it holds another type
   */
  public <T> T get(String path, Class<T> type) {
    Object value = values.get(path);
    if (type.isInstance(value)) {
      return type.cast(value);
    }
    throw value == null ? missing(path) : wrongType(path, value, type.getSimpleName());
  }

  public String getString(String path) {
    return get(path, String.class);
  }

  public long getLong(String path) {
    return get(path, Long.class);
  }

  /** A number as a double (integers included). */
  public double getDouble(String path) {
    Object value = values.get(path);
    if (value instanceof Double d) {
      return d;
    }
    if (value instanceof Long l) {
      return l;
    }
    throw value == null ? missing(path) : wrongType(path, value, "a number");
  }

  public boolean getBoolean(String path) {
    return get(path, Boolean.class);
  }

  private GitconfException missing(String path) {
    return new GitconfException.Missing(
        path + ": not set in " + environment() + " (" + describe(version, commit) + ")");
  }

  private static GitconfException wrongType(String path, Object value, String wanted) {
    String actual = value instanceof JsonNullMarker ? "null" : value.getClass().getSimpleName();
    return new GitconfException.WrongType(path + ": is " + actual + ", not " + wanted);
  }

  Optional<TraderConfig> trader() {
    return trader;
  }

  Optional<RiskParameters> risk() {
    return risk;
  }

  Optional<MevProtection> mev() {
    return mev;
  }

  Map<String, TokenConfig> tokensByMint() {
    return tokensByMint;
  }

  Map<String, TokenConfig> tokensBySymbol() {
    return tokensBySymbol;
  }

  Optional<MonitoringConfig> monitoring() {
    return monitoring;
  }

  Optional<CircuitBreakerConfig> circuitBreaker() {
    return circuitBreaker;
  }

  private static <T> Optional<T> bind(
      ConfigSnapshot source, String category, Class<T> type, List<Problem> problems) {
    Optional<ObjectNode> tree = source.category(category);
    if (tree.isEmpty() || tree.get().isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(BINDER.treeToValue(tree.get(), type));
    } catch (Exception e) {
      problems.add(bindingProblem(category, e));
      return Optional.empty();
    }
  }

  private static Problem bindingProblem(String path, Exception e) {
    String reason =
        e.getMessage() == null
            ? e.getClass().getSimpleName()
            : e.getMessage().lines().findFirst().orElse("");
    return Problem.error(null, path, "does not bind to its typed record: " + reason, "binding");
  }

  private static Object plain(JsonNode value) {
    if (value.isTextual()) {
      return value.asText();
    }
    if (value.isIntegralNumber()) {
      return value.canConvertToLong() ? value.asLong() : value.bigIntegerValue();
    }
    if (value.isNumber()) {
      return value.asDouble();
    }
    if (value.isBoolean()) {
      return value.asBoolean();
    }
    if (value.isNull()) {
      return JsonNullMarker.NULL;
    }
    return value.isArray()
        ? Collections.unmodifiableList(BINDER.convertValue(value, List.class))
        : Collections.unmodifiableMap(BINDER.convertValue(value, Map.class));
  }

  /** Stands for a YAML null, so that "no such path" and "null" stay apart. */
  enum JsonNullMarker {
    NULL
  }

  static String describe(OptionalLong version, String commit) {
    return (version.isPresent() ? "version " + version.getAsLong() + ", " : "") + commit;
  }

  @Override
  public String toString() {
    return "ClientSnapshot["
        + environment()
        + ", "
        + describe(version, commit)
        + ", "
        + values.size()
        + " values]";
  }
}
