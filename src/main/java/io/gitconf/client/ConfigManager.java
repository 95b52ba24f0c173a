package io.gitconf.client;

import io.gitconf.core.ChangeRateLimit;
import io.gitconf.core.ConfigPath;
import io.gitconf.core.GitRemotes;
import io.gitconf.core.GitconfException;
import io.gitconf.core.Json;
import io.gitconf.core.Problem;
import io.gitconf.core.crypto.EncryptedValue;
import io.gitconf.core.crypto.EncryptionKeys;
import io.gitconf.core.crypto.Secret;
import io.gitconf.core.crypto.SecretCipher;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configuration of one environment, as a trading component reads it. Every getter reads the
 * current immutable {@link ClientSnapshot}: no I/O and no lock on the hot path. A reload builds and
 * validates a complete new snapshot before it replaces the old one (all or nothing); paths marked
 * {@code x-reload: restart} keep their start-up values, and subscribers are told what changed.
 *
 * <pre>{@code
 * ConfigManager config = ConfigManager.builder().postgres(dataSource).environment("prod").build();
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
  private final ConfigCache cache;
  private final ChangeRateLimit rateLimit;
  private final Optional<ChangeWriter> writer;
  private final int subscriberCapacity;
  private final ConfigChangeNotifier notifier = new ConfigChangeNotifier();
  private final ExecutorService callbacks =
      Executors.newSingleThreadExecutor(Threads.daemon("gitconf-config-listeners"));
  private final ScheduledExecutorService poller =
      Executors.newSingleThreadScheduledExecutor(Threads.daemon("gitconf-config-ttl"));
  private final ClientSnapshot startup;
  private volatile ClientSnapshot current;

  /** What the source last gave, so an unchanged source is not applied (or reported) twice. */
  private String lastFingerprint = "";

  /** The reasons of the last failed reload, so a source that stays down is reported once. */
  private List<String> lastFailure = List.of();

  /**
   * The TTL poll: always for a source that can miss telling of a change, and for any source until a
   * client that started from its last-known-good cache has reached it.
   */
  private volatile ScheduledFuture<?> polling;

  ConfigManager(Builder builder, ConfigSource source) {
    this.source = source;
    this.environment = builder.environment;
    this.keys = builder.keys;
    this.cache = new ConfigCache(builder.cacheTtl, Optional.ofNullable(builder.cacheFile));
    this.rateLimit = builder.rateLimit;
    this.subscriberCapacity = builder.subscriberCapacity;
    ClientSnapshot first;
    try {
      ConfigSource.Loaded loaded = source.load(environment);
      first = ClientSnapshot.of(loaded.snapshot(), loaded.version(), loaded.commit());
      cache.write(loaded);
      lastFingerprint = loaded.fingerprint();
    } catch (GitconfException e) {
      Optional<ConfigCache.Cached> cached = cache.read(environment);
      if (cached.isEmpty()) {
        source.close();
        throw new GitconfException.Unavailable(
            source.describe()
                + ": cannot load environment "
                + environment
                + " and there is no last-known-good cache"
                + cache.file().map(f -> " at " + f).orElse(" (none configured)")
                + ": "
                + e.getMessage(),
            e);
      }
      LOG.warn(
          "{}: {}; serving the last-known-good snapshot ({}) until it can be reloaded",
          source.describe(),
          firstLine(e),
          cached.get().snapshot());
      first = cached.get().snapshot();
      lastFingerprint = cached.get().fingerprint();
      lastFailure = List.of(firstLine(e));
    }
    this.startup = first;
    this.current = first;
    this.writer =
        builder.configRepository != null
            ? Optional.of(ChangeWriter.pushing(builder.configRepository, GitRemotes.credentials()))
            : source.writer();
    if (source.needsPolling() || !lastFailure.isEmpty()) {
      long ttl = cache.ttl().toMillis();
      polling =
          poller.scheduleWithFixedDelay(this::refreshQuietly, ttl, ttl, TimeUnit.MILLISECONDS);
    }
    source.watch(this::refreshQuietly);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The snapshot being served. Hold on to it to read several values of one version. */
  public ClientSnapshot snapshot() {
    return current;
  }

  public String environment() {
    return environment;
  }

  /** The TTL and last-known-good file this manager uses. */
  public ConfigCache cache() {
    return cache;
  }

  public String getString(String path) {
    return current.get(path, String.class);
  }

  public long getLong(String path) {
    return current.get(path, Long.class);
  }

  /** A number as a double (integers included). */
  public double getDouble(String path) {
    return current.getDouble(path);
  }

  public boolean getBoolean(String path) {
    return current.get(path, Boolean.class);
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
    return current.get(path, type);
  }

  /**
   * The plaintext of an encrypted value, with the keys this manager was given; a clear error
   * without them, for this path only.
   */
  public Secret getSecret(String path) {
    Object value = current.get(path, Object.class);
    if (!(value instanceof String text) || !EncryptedValue.isEncrypted(text)) {
      throw new GitconfException.WrongType(path + ": not an encrypted value");
    }
    return SecretCipher.of(keys)
        .decrypt(ConfigPath.parse(path), EncryptedValue.parse(text).scope(), text);
  }

  public TraderConfig getTraderConfig() {
    return present(current.trader(), "trader");
  }

  public RiskParameters getRiskParameters() {
    return present(current.risk(), "risk");
  }

  public MevProtection getMevProtection() {
    return present(current.mev(), "mev");
  }

  public MonitoringConfig getMonitoringConfig() {
    return present(current.monitoring(), "monitoring");
  }

  public CircuitBreakerConfig getCircuitBreakerConfig() {
    return present(current.circuitBreaker(), "circuit-breaker");
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

  /**
   * Changes one value of this manager's environment as a Git commit in the config repository
   * (author {@code user}, message {@code reason}) and pushes it; the change reaches this and every
   * other client when the syncer has mirrored it (or, for a directory or Git source, at the next
   * reload). The whole repository is validated with the change first: an invalid value is refused
   * before anything is committed. Returns the commit id, or empty when the value was already set.
   *
   * @param user {@code Name <email>}, or a bare name
   * @throws GitconfException.ValidationFailed when the value breaks a schema or cross-field rule
   * @throws GitconfException.RateLimited when {@code user} made as many changes as the rate limit
   *     allows; it says when to retry
   * @throws GitconfException.BadRequest with no config repository to commit to, for a secret path,
   *     an unknown category, a blank reason, a malformed user, or a {@code configRepository} clone
   *     without {@code origin}
   * @throws GitconfException.Conflict when the clone has diverged from {@code origin}, holds
   *     uncommitted changes to the file, stays locked by another change, or the remote moved
   * @throws GitconfException.Unavailable when the repository or its remote cannot be reached
   */
  public Optional<String> set(String path, Object value, String user, String reason) {
    ChangeWriter target =
        writer.orElseThrow(
            () ->
                new GitconfException.BadRequest(
                    "set() needs a Git working copy of the config repository:"
                        + " ConfigManager.builder().configRepository(path)"));
    Optional<String> commit =
        target.set(
            environment,
            ConfigPath.parse(path),
            Json.MAPPER.valueToTree(value),
            user,
            reason,
            rateLimit);
    commit.ifPresent(
        id ->
            LOG.info("{} set {} in {} as commit {}", user, path, environment, id.substring(0, 10)));
    return commit;
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
    try {
      apply(source.load(environment));
      return true;
    } catch (GitconfException e) {
      lastFailure = List.of();
      failed(e);
      return false;
    }
  }

  /** A reload that first asks the source, cheaply, whether there is anything new. */
  private synchronized void refresh() {
    try {
      Optional<String> fingerprint = source.fingerprint(environment);
      if (fingerprint.isPresent() && fingerprint.get().equals(lastFingerprint)) {
        recovered();
        return;
      }
      apply(source.load(environment));
    } catch (GitconfException e) {
      failed(e);
    }
  }

  private void apply(ConfigSource.Loaded loaded) {
    if (loaded.fingerprint().equals(lastFingerprint)) {
      recovered();
      return;
    }
    SnapshotUpdate update = SnapshotUpdate.of(startup, current, loaded);
    current = update.next();
    lastFingerprint = loaded.fingerprint();
    recovered();
    cache.write(loaded);
    notifier.publish(update.events());
  }

  /** Reports a failed reload, once while the same failure repeats (a source that stays down). */
  private void failed(GitconfException e) {
    List<String> reasons =
        e instanceof GitconfException.ValidationFailed validation
            ? validation.problems().stream().map(Problem::toString).toList()
            : List.of(firstLine(e));
    if (reasons.equals(lastFailure)) {
      return;
    }
    lastFailure = reasons;
    LOG.warn(
        "{}: reload of {} failed, still serving {}: {}",
        source.describe(),
        environment,
        current,
        reasons);
    notifier.publish(List.of(new ConfigChangeEvent.ReloadFailed(reasons)));
  }

  private void recovered() {
    if (!lastFailure.isEmpty()) {
      LOG.info("{}: reachable again, serving {}", source.describe(), current);
      lastFailure = List.of();
      if (!source.needsPolling() && polling != null) {
        polling.cancel(false);
      }
    }
  }

  private void refreshQuietly() {
    try {
      refresh();
    } catch (RuntimeException e) {
      LOG.warn("{}: unexpected failure while reloading: {}", source.describe(), e.toString());
    }
  }

  /** No lambda: a typed getter allocates nothing on the hot path. */
  private <T> T present(Optional<T> value, String category) {
    if (value.isPresent()) {
      return value.get();
    }
    throw missing(category);
  }

  private GitconfException missing(String category) {
    return new GitconfException.Missing(category + ": no such category in " + environment);
  }

  private static String firstLine(Exception e) {
    return String.valueOf(e.getMessage()).lines().findFirst().orElse("");
  }

  /** Stops watching and polling the source; the last snapshot stays readable. */
  @Override
  public void close() {
    poller.shutdownNow();
    source.close();
    callbacks.shutdownNow();
  }

  @Override
  public String toString() {
    return "ConfigManager[" + source.describe() + ", " + current + "]";
  }

  /** Options of a {@link ConfigManager}; {@link #build()} loads the configuration or fails fast. */
  public static final class Builder {
    private String environment;
    private EncryptionKeys keys = EncryptionKeys.none();
    private Path cacheFile;
    private Duration cacheTtl = ConfigCache.DEFAULT_TTL;
    private Duration debounce = Duration.ofMillis(50);
    private Duration reconnectBackoff = Duration.ofMillis(250);
    private Path workDir;
    private Path configRepository;
    private ChangeRateLimit rateLimit = ChangeRateLimit.defaults();
    private int subscriberCapacity = ConfigChangeNotifier.DEFAULT_CAPACITY;
    private Function<Builder, ConfigSource> sourceFactory;

    private Builder() {}

    /**
     * The PostgreSQL mirror the syncer writes: the active version of the environment, reloaded on
     * {@code NOTIFY} (one connection of {@code dataSource} is kept for {@code LISTEN}) and checked
     * every {@link #cacheTtl TTL} in case a notification was lost.
     */
    public Builder postgres(DataSource dataSource) {
      this.sourceFactory =
          b -> new PostgresSource(dataSource, b.environment, b.reconnectBackoff, MAX_BACKOFF);
      return this;
    }

    /** The mirror at a JDBC URL, e.g. {@code jdbc:postgresql://db:5432/gitconf?user=trader}. */
    public Builder postgres(String jdbcUrl) {
      PGSimpleDataSource dataSource = new PGSimpleDataSource();
      dataSource.setURL(jdbcUrl);
      return postgres(dataSource);
    }

    /** A working copy on disk, watched for saves (development). */
    public Builder directory(Path directory) {
      this.sourceFactory = b -> new DirectorySource(directory, b.debounce);
      return this;
    }

    /**
     * A branch of a Git remote, cloned into {@link #workDir} and fetched every {@link #cacheTtl
     * TTL}. Credentials come from {@code GITCONF_GIT_USERNAME} and {@code GITCONF_GIT_PASSWORD}.
     */
    public Builder git(String remoteUrl, String branch) {
      this.sourceFactory =
          b ->
              new GitSource(
                  remoteUrl,
                  branch,
                  b.workDir != null
                      ? b.workDir
                      : Path.of(
                          System.getProperty("java.io.tmpdir"),
                          "gitconf-client-"
                              + Integer.toHexString(
                                  (GitRemotes.withoutPassword(remoteUrl) + branch).hashCode())));
      return this;
    }

    public Builder environment(String environment) {
      this.environment = environment;
      return this;
    }

    /** Keys for {@link #getSecret}; none by default. */
    public Builder keys(EncryptionKeys keys) {
      this.keys = keys;
      return this;
    }

    /** Where the last-known-good snapshot is kept (none by default). */
    public Builder cacheFile(Path cacheFile) {
      this.cacheFile = cacheFile;
      return this;
    }

    /**
     * How often a mirror or Git source is checked for changes it may not have told of (default 5
     * s).
     */
    public Builder cacheTtl(Duration ttl) {
      this.cacheTtl = ttl;
      return this;
    }

    /** How long the file watcher waits for more saves before reloading (default 50 ms). */
    public Builder debounce(Duration debounce) {
      this.debounce = debounce;
      return this;
    }

    /**
     * The first wait before the mirror listener reconnects; it doubles up to 10 s (default 250 ms).
     */
    public Builder reconnectBackoff(Duration first) {
      this.reconnectBackoff = first;
      return this;
    }

    /** Where the Git source keeps its clone (default: a folder in the temporary directory). */
    public Builder workDir(Path workDir) {
      this.workDir = workDir;
      return this;
    }

    /**
     * The Git working copy {@link #set} commits to and pushes from. Needed with the mirror source;
     * a directory or Git source uses its own.
     */
    public Builder configRepository(Path workingCopy) {
      this.configRepository = workingCopy;
      return this;
    }

    /** Changes one user may make through {@link #set} (default 10 a minute). */
    public Builder rateLimit(ChangeRateLimit rateLimit) {
      this.rateLimit = rateLimit;
      return this;
    }

    /** Events a subscription holds before it starts dropping them (default 1024). */
    public Builder subscriberCapacity(int capacity) {
      this.subscriberCapacity = capacity;
      return this;
    }

    /**
     * Loads the configuration. Fails fast with {@link GitconfException.Unavailable} when the source
     * cannot be loaded and there is no last-known-good cache; with one, serves it with a warning
     * and keeps retrying.
     */
    public ConfigManager build() {
      if (environment == null || environment.isBlank()) {
        throw new GitconfException.BadRequest("ConfigManager needs an environment");
      }
      if (sourceFactory == null) {
        throw new GitconfException.BadRequest(
            "ConfigManager needs a source: postgres(dataSource), directory(path) or git(url, branch)");
      }
      return new ConfigManager(this, sourceFactory.apply(this));
    }
  }

  private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
}
