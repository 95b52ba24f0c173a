package io.gitconf.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.gitconf.core.ConfigDiff;
import io.gitconf.core.ConfigPath;
import io.gitconf.core.ConfigSnapshot;
import io.gitconf.core.GitconfException;
import io.gitconf.core.Json;
import io.gitconf.core.Problem;
import io.gitconf.core.SchemaSet;
import io.gitconf.core.crypto.EncryptedValue;
import io.gitconf.core.crypto.EncryptionKeys;
import io.gitconf.core.crypto.Secret;
import io.gitconf.core.crypto.SecretCipher;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configuration of one environment, as a trading component reads it. Every getter reads the
 * current immutable {@link ClientSnapshot}: no I/O and no lock on the hot path. A reload builds and
 * validates a complete new snapshot before it replaces the old one (all or nothing); paths marked
 * {@code x-reload: restart} keep their start-up values, and subscribers are told what changed.
 *
 * <pre>{@code
 * ConfigManager config = ConfigManager.builder().directory(Path.of("config")).environment("prod").build();
 * double max = config.getDouble("risk.parameters.maxPositionSizeUsd");
 * }</pre>
 *
 * <p>Thread-safe. Reloads are serialized; readers never wait for them.
 */
public final class ConfigManager implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigManager.class);

  private final ConfigSource source;
  private final String environment;
  private final EncryptionKeys keys;
  private final Optional<ConfigCache> cache;
  private final ConfigChangeNotifier notifier = new ConfigChangeNotifier();
  private final int subscriberCapacity;
  private final ExecutorService callbacks =
      Executors.newSingleThreadExecutor(DirectorySource.daemon("gitconf-config-listeners"));
  private final SchemaSet schemas;
  private final ClientSnapshot startup;
  private volatile ClientSnapshot current;

  private ConfigManager(Builder builder, ConfigSource source) {
    this.source = source;
    this.environment = builder.environment;
    this.keys = builder.keys;
    this.cache = Optional.ofNullable(builder.cacheFile).map(ConfigCache::new);
    this.subscriberCapacity = builder.subscriberCapacity;
    ConfigSource.Loaded loaded;
    ClientSnapshot first;
    SchemaSet schemaSet;
    try {
      loaded = source.load(environment);
      ClientSnapshot loadedSnapshot =
          ClientSnapshot.of(loaded.snapshot(), loaded.version(), loaded.commit());
      cache.ifPresent(c -> c.write(loadedSnapshot));
      first = loadedSnapshot;
      schemaSet = loaded.schemas();
    } catch (GitconfException e) {
      Optional<ClientSnapshot> cached = cache.flatMap(c -> c.read(environment));
      if (cached.isEmpty()) {
        throw new GitconfException.Unavailable(
            source.describe()
                + ": cannot load environment "
                + environment
                + " and there is no last-known-good cache"
                + cache.map(c -> " at " + c.file()).orElse(" (none configured)")
                + ": "
                + e.getMessage(),
            e);
      }
      LOG.warn(
          "{}: {}; serving the last-known-good snapshot ({}) until it can be reloaded",
          source.describe(),
          firstLine(e),
          cached.get());
      first = cached.get();
      schemaSet = SchemaSet.shipped();
    }
    this.schemas = schemaSet;
    this.startup = first;
    this.current = first;
    source.watch(this::reloadQuietly);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The snapshot being served. Hold on to it to read several values of one version. */
  public ClientSnapshot snapshot() {
    return current;
  }

  public String getString(String path) {
    return get(path, String.class);
  }

  public long getLong(String path) {
    return get(path, Long.class);
  }

  /** A number as a double (integers included). */
  public double getDouble(String path) {
    Object value = require(current, path);
    if (value instanceof Double d) {
      return d;
    }
    if (value instanceof Long l) {
      return l;
    }
    throw wrongType(path, value, "a number");
  }

  public boolean getBoolean(String path) {
    return get(path, Boolean.class);
  }

  /**
   * A duration from a number of milliseconds ({@code ...Ms}) or seconds ({@code ...Seconds}) by the
   * key's unit.
   */
  public Duration getDuration(String path) {
    long amount = getLong(path);
    if (path.endsWith("Ms")) {
      return Duration.ofMillis(amount);
    }
    if (path.endsWith("Seconds")) {
      return Duration.ofSeconds(amount);
    }
    throw new GitconfException.WrongType(
        path + ": the key names no unit (…Ms or …Seconds), so it is not a duration");
  }

  /** A value of the given type: String, Long, Double, Boolean, List or Map. */
  public <T> T get(String path, Class<T> type) {
    Object value = require(current, path);
    if (!type.isInstance(value)) {
      throw wrongType(path, value, type.getSimpleName());
    }
    return type.cast(value);
  }

  /**
   * The plaintext of an encrypted value, with the keys this manager was given; a clear error
   * without them.
   */
  public Secret getSecret(String path) {
    Object value = require(current, path);
    if (!(value instanceof String text) || !EncryptedValue.isEncrypted(text)) {
      throw new GitconfException.WrongType(path + ": not an encrypted value");
    }
    return SecretCipher.of(keys)
        .decrypt(ConfigPath.parse(path), EncryptedValue.parse(text).scope(), text);
  }

  public TraderConfig getTraderConfig() {
    return current.trader().orElseThrow(() -> missing("trader"));
  }

  public RiskParameters getRiskParameters() {
    return current.risk().orElseThrow(() -> missing("risk"));
  }

  public MevProtection getMevProtection() {
    return current.mev().orElseThrow(() -> missing("mev"));
  }

  public MonitoringConfig getMonitoringConfig() {
    return current.monitoring().orElseThrow(() -> missing("monitoring"));
  }

  public CircuitBreakerConfig getCircuitBreakerConfig() {
    return current.circuitBreaker().orElseThrow(() -> missing("circuit-breaker"));
  }

  /** Tokens by mint address. */
  public Map<String, TokenConfig> getTokens() {
    return current.tokensByMint();
  }

  public Optional<TokenConfig> getToken(String mint) {
    return Optional.ofNullable(current.tokensByMint().get(mint));
  }

  public Optional<TokenConfig> getTokenBySymbol(String symbol) {
    return Optional.ofNullable(current.tokensBySymbol().get(symbol));
  }

  /** A subscription to every event, with a bounded queue. */
  public ConfigSubscription subscribe() {
    return notifier.subscribe(subscriberCapacity);
  }

  /**
   * Calls {@code listener} on this manager's listener thread for events about paths under {@code
   * prefix}.
   */
  public void subscribe(String prefix, Consumer<ConfigChangeEvent> listener) {
    notifier.subscribe(prefix, listener, callbacks);
  }

  public void subscribe(String prefix, Consumer<ConfigChangeEvent> listener, Executor executor) {
    notifier.subscribe(prefix, listener, executor);
  }

  /**
   * Loads the source now and applies what changed. Returns false (and tells subscribers {@code
   * ReloadFailed}) when the new configuration cannot be loaded, validated or bound; the current
   * snapshot is kept.
   */
  public synchronized boolean reload() {
    ClientSnapshot next;
    List<String> restartPaths;
    try {
      ConfigSource.Loaded loaded = source.load(environment);
      if (loaded.snapshot().checksum().equals(current.source().checksum())
          && loaded.commit().equals(current.commit())) {
        return true;
      }
      SortedMap<String, JsonNode> leaves = new TreeMap<>(loaded.snapshot().leaves());
      restartPaths = keepRestartValues(leaves);
      ConfigSnapshot effective =
          restartPaths.isEmpty()
              ? loaded.snapshot()
              : ConfigSnapshot.fromLeaves(environment, leaves);
      next = ClientSnapshot.of(effective, loaded.version(), loaded.commit());
      if (next.checksum().equals(current.checksum())) {
        publishRestart(restartPaths, loaded);
        return true;
      }
    } catch (GitconfException e) {
      List<String> reasons =
          e instanceof GitconfException.ValidationFailed failed
              ? failed.problems().stream().map(Problem::toString).toList()
              : List.of(firstLine(e));
      LOG.warn(
          "{}: reload of {} failed, still serving {}: {}",
          source.describe(),
          environment,
          current,
          reasons);
      notifier.publish(List.of(new ConfigChangeEvent.ReloadFailed(reasons)));
      return false;
    }
    ClientSnapshot previous = current;
    current = next;
    cache.ifPresent(c -> c.write(next));
    List<ConfigChangeEvent> events = new ArrayList<>();
    String version = ClientSnapshot.describe(next.version(), next.commit());
    for (ConfigDiff.Change change :
        ConfigDiff.between(previous.source(), next.source(), schemas).changes()) {
      events.add(
          new ConfigChangeEvent.ValueChanged(
              change.path(), text(change.before()), text(change.after()), version));
    }
    if (!restartPaths.isEmpty()) {
      events.add(new ConfigChangeEvent.RestartRequired(restartPaths, version));
    }
    events.add(new ConfigChangeEvent.VersionActivated(environment, version, next.checksum()));
    notifier.publish(events);
    return true;
  }

  private void publishRestart(List<String> restartPaths, ConfigSource.Loaded loaded) {
    if (!restartPaths.isEmpty()) {
      notifier.publish(
          List.of(
              new ConfigChangeEvent.RestartRequired(
                  restartPaths, ClientSnapshot.describe(loaded.version(), loaded.commit()))));
    }
  }

  /** Puts back the start-up value of every changed x-reload: restart path; returns those paths. */
  private List<String> keepRestartValues(SortedMap<String, JsonNode> leaves) {
    List<String> changed = new ArrayList<>();
    SortedMap<String, JsonNode> original = startup.source().leaves();
    java.util.Set<String> paths = new java.util.TreeSet<>(leaves.keySet());
    paths.addAll(original.keySet());
    for (String path : paths) {
      if (!schemas.requiresRestart(ConfigPath.parse(path))
          || java.util.Objects.equals(leaves.get(path), original.get(path))) {
        continue;
      }
      changed.add(path);
      if (original.containsKey(path)) {
        leaves.put(path, original.get(path));
      } else {
        leaves.remove(path);
      }
    }
    return changed;
  }

  private void reloadQuietly() {
    try {
      reload();
    } catch (RuntimeException e) {
      LOG.warn("{}: unexpected failure while reloading: {}", source.describe(), e.toString());
    }
  }

  private static String text(Optional<JsonNode> value) {
    return value.map(v -> v.isTextual() ? v.asText() : Json.canonical(v)).orElse("(none)");
  }

  private static Object require(ClientSnapshot snapshot, String path) {
    Object value = snapshot.value(path);
    if (value == null) {
      throw new GitconfException.Missing(
          path + ": not set in " + snapshot.environment() + " (" + snapshot.commit() + ")");
    }
    return value;
  }

  private static GitconfException wrongType(String path, Object value, String wanted) {
    String actual =
        value instanceof ClientSnapshot.JsonNullMarker ? "null" : value.getClass().getSimpleName();
    return new GitconfException.WrongType(path + ": is " + actual + ", not " + wanted);
  }

  private GitconfException missing(String category) {
    return new GitconfException.Missing(category + ": no such category in " + environment);
  }

  private static String firstLine(Exception e) {
    return String.valueOf(e.getMessage()).lines().findFirst().orElse("");
  }

  @Override
  public void close() {
    source.close();
    callbacks.shutdownNow();
  }

  /** Options of a {@link ConfigManager}; {@link #build()} loads the configuration or fails fast. */
  public static final class Builder {
    private Path directory;
    private String environment;
    private EncryptionKeys keys = EncryptionKeys.none();
    private Path cacheFile;
    private Duration debounce = Duration.ofMillis(50);
    private int subscriberCapacity = ConfigChangeNotifier.DEFAULT_CAPACITY;

    private Builder() {}

    /** A working copy on disk, watched for changes. */
    public Builder directory(Path directory) {
      this.directory = directory;
      return this;
    }

    public Builder environment(String environment) {
      this.environment = environment;
      return this;
    }

    public Builder keys(EncryptionKeys keys) {
      this.keys = keys;
      return this;
    }

    /** Where the last-known-good snapshot is kept (none by default). */
    public Builder cacheFile(Path cacheFile) {
      this.cacheFile = cacheFile;
      return this;
    }

    /** How long the file watcher waits for more saves before reloading (default 50 ms). */
    public Builder debounce(Duration debounce) {
      this.debounce = debounce;
      return this;
    }

    /** Events a subscription holds before it starts dropping them (default 1024). */
    public Builder subscriberCapacity(int capacity) {
      this.subscriberCapacity = capacity;
      return this;
    }

    public ConfigManager build() {
      if (environment == null) {
        throw new GitconfException.BadRequest("ConfigManager needs an environment");
      }
      if (directory == null) {
        throw new GitconfException.BadRequest("ConfigManager needs a source: directory(path)");
      }
      return new ConfigManager(this, new DirectorySource(directory, debounce));
    }
  }
}
