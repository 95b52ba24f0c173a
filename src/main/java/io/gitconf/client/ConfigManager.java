package io.gitconf.client;

import io.gitconf.core.ChangeRateLimit;
import io.gitconf.core.ConfigPath;
import io.gitconf.core.GitRemotes;
import io.gitconf.core.GitconfException;
import io.gitconf.core.Json;
import io.gitconf.core.crypto.EncryptedValue;
import io.gitconf.core.crypto.EncryptionKeys;
import io.gitconf.core.crypto.Secret;
import io.gitconf.core.crypto.SecretCipher;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
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
 * try (ConfigManager config =
 *     ConfigManager.builder().postgres(dataSource).environment("prod").build()) {
 *   double max = config.getDouble("risk.parameters.maxPositionSizeUsd");
 * }
 * }</pre>
 *
 * <p>A manager is running once {@link Builder#build()} returns, and stays so until {@link
 * #close()}. Closing stops reloading, waits (boundedly) for a reload in progress, closes the
 * source, ends every thread the manager started and removes its temporary folders. After that,
 * getters and {@link #snapshot()} keep serving the last snapshot (a component shutting down may
 * still read its settings), but {@link #reload()}, {@link #set} and {@code subscribe} throw {@link
 * IllegalStateException}.
 *
 * <p>Thread-safe. Reloads are serialized; readers never wait for them.
 */
public final class ConfigManager implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigManager.class);

  /** Where a manager is in its life; only forward. */
  private enum State {
    STARTING,
    RUNNING,
    CLOSING,
    CLOSED
  }

  private final ClientResources resources;
  private final ConfigSource source;
  private final String environment;
  private final EncryptionKeys keys;
  private final ChangeRateLimit rateLimit;
  private final Optional<ChangeWriter> writer;
  private final ConfigChangeNotifier notifier;
  private final ExecutorService listeners;
  private final Reloader reloader;
  private final InstanceIdentity identity;
  private final AtomicReference<State> state = new AtomicReference<>(State.STARTING);

  /** Starts everything; whatever it started is in {@code resources}, released if it throws. */
  private ConfigManager(Builder builder, ClientResources resources) {
    this.resources = resources;
    this.environment = builder.environment;
    this.keys = builder.keys;
    this.rateLimit = builder.rateLimit;
    this.identity = builder.identity();
    ConfigCache cache = new ConfigCache(builder.cacheTtl, Optional.ofNullable(builder.cacheFile));
    this.notifier = new ConfigChangeNotifier(builder.subscriberCapacity);
    resources.notifier(notifier);
    // Default listeners: one pool thread per listener while it runs, so a blocked one holds only
    // its own thread.
    this.listeners =
        resources.executor(
            new ThreadPoolExecutor(
                0,
                Integer.MAX_VALUE,
                60,
                TimeUnit.SECONDS,
                new SynchronousQueue<>(),
                resources.threads().factory("gitconf-listener", true)));
    this.source = builder.sourceFactory.create(builder, resources);
    resources.source(source);
    this.reloader = Reloader.start(source, environment, cache, notifier);
    resources.reloader(reloader);
    this.writer =
        builder.configRepository != null
            ? Optional.of(ChangeWriter.pushing(builder.configRepository, GitRemotes.credentials()))
            : source.writer();
    reloader.startPolling(
        resources.executor(
            Executors.newSingleThreadScheduledExecutor(
                resources.threads().factory("gitconf-config-ttl", false))));
    source.watch(reloader::refresh);
    source
        .reporter()
        .ifPresent(
            r ->
                r.start(
                    resources.executor(
                        Executors.newSingleThreadScheduledExecutor(
                            resources.threads().factory("gitconf-release-reports", false))),
                    reloader::current));
    state.set(State.RUNNING);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The snapshot being served. Hold on to it to read several values of one version. */
  public ClientSnapshot snapshot() {
    return reloader.current();
  }

  public String environment() {
    return environment;
  }

  public String getString(String path) {
    return reloader.current().get(path, String.class);
  }

  public long getLong(String path) {
    return reloader.current().get(path, Long.class);
  }

  /** A number as a double (integers included). */
  public double getDouble(String path) {
    return reloader.current().getDouble(path);
  }

  public boolean getBoolean(String path) {
    return reloader.current().get(path, Boolean.class);
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

  /**
   * The value at {@code path} (String, Long, Double, Boolean, List or Map), or a category or map
   * bound to a type of your own: {@code get("liquidity", LiquidityConfig.class)}. See {@link
   * ClientSnapshot#get(String, Class)}.
   */
  public <T> T get(String path, Class<T> type) {
    return reloader.current().get(path, type);
  }

  /**
   * The plaintext of an encrypted value, with the keys this manager was given; a clear error
   * without them, for this path only.
   */
  public Secret getSecret(String path) {
    Object value = reloader.current().get(path, Object.class);
    if (!(value instanceof String text) || !EncryptedValue.isEncrypted(text)) {
      throw new GitconfException.WrongType(path + ": not an encrypted value");
    }
    return SecretCipher.of(keys)
        .decrypt(ConfigPath.parse(path), EncryptedValue.parse(text).scope(), text);
  }

  public TraderConfig getTraderConfig() {
    return present(reloader.current().records().trader(), "trader");
  }

  public RiskParameters getRiskParameters() {
    return present(reloader.current().records().risk(), "risk");
  }

  public MevProtection getMevProtection() {
    return present(reloader.current().records().mev(), "mev");
  }

  public MonitoringConfig getMonitoringConfig() {
    return present(reloader.current().records().monitoring(), "monitoring");
  }

  public CircuitBreakerConfig getCircuitBreakerConfig() {
    return present(reloader.current().records().circuitBreaker(), "circuit-breaker");
  }

  /** Tokens by mint address. */
  public Map<String, TokenConfig> getTokens() {
    return reloader.current().records().tokensByMint();
  }

  public Optional<TokenConfig> getToken(String mint) {
    return Optional.ofNullable(reloader.current().records().tokensByMint().get(mint));
  }

  public Optional<TokenConfig> getTokenBySymbol(String symbol) {
    return Optional.ofNullable(reloader.current().records().tokensBySymbol().get(symbol));
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
   * @throws IllegalStateException when the manager is closed
   */
  public Optional<String> set(String path, Object value, String user, String reason) {
    requireRunning("set()");
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

  /**
   * The application's own verdict on the version this instance serves, sent with its release
   * reports: {@code reportHealth(false, "order rejects 12 % since reload")} counts as a failed
   * report of that version, so a release of it rolls back when failures pass its {@code
   * maxFailures}. It holds for the version served now; a newer version starts healthy. Does nothing
   * for a source without releases.
   */
  public void reportHealth(boolean healthy, String reason) {
    requireRunning("reportHealth()");
    if (!healthy && (reason == null || reason.isBlank())) {
      throw new GitconfException.BadRequest("reportHealth(false, reason) needs a reason");
    }
    source.reporter().ifPresent(r -> r.health(healthy, reason == null ? "" : reason));
  }

  /**
   * The id this instance reports to releases with, which also draws its cohort: the builder's
   * {@code instanceId}, else {@code GITCONF_INSTANCE_ID}, else host name and application name.
   */
  public String instanceId() {
    return identity.id();
  }

  /**
   * A subscription to every event, with its own bounded queue.
   *
   * @throws IllegalStateException when the manager is closed
   */
  public ConfigSubscription subscribe() {
    requireRunning("subscribe()");
    return notifier.subscribe();
  }

  /**
   * Calls {@code listener} for the events that concern paths under {@code prefix} ({@code ""} for
   * every event; see {@link ConfigChangeEvent} for which events concern a prefix), one at a time,
   * on a thread of this manager's that no other listener waits for.
   *
   * @throws IllegalStateException when the manager is closed
   */
  public void subscribe(String prefix, Consumer<ConfigChangeEvent> listener) {
    subscribe(prefix, listener, listeners);
  }

  /**
   * As {@link #subscribe(String, Consumer)}, on {@code executor}: events wait in this listener's
   * own bounded queue while the executor is busy (or refuses them), and a full queue drops them,
   * reported as {@link ConfigChangeEvent.EventsLost}. An executor that runs tasks on the calling
   * thread makes the listener run inside the reload.
   *
   * @throws IllegalStateException when the manager is closed
   */
  public void subscribe(String prefix, Consumer<ConfigChangeEvent> listener, Executor executor) {
    requireRunning("subscribe()");
    notifier.subscribe(prefix, listener, executor);
  }

  /**
   * Events dropped so far, by every subscription of this manager, because a subscriber fell behind
   * (a counter: it only grows).
   */
  public long eventsLost() {
    return notifier.lost();
  }

  /**
   * How this manager is doing: the snapshot served, when a reload last succeeded, the failure it is
   * in (if any), failures by cause and events lost. For health checks and metrics.
   */
  public ClientStatus status() {
    return reloader.status(source.describe(), notifier.lost());
  }

  /**
   * Loads the source now and applies what changed. Returns false (and tells subscribers {@code
   * ReloadFailed}) when the new configuration cannot be loaded, validated or bound; the current
   * snapshot is kept.
   *
   * @throws IllegalStateException when the manager is closed
   */
  public boolean reload() {
    requireRunning("reload()");
    return reloader.reload();
  }

  /** True once {@link #close()} has been called. */
  public boolean isClosed() {
    State now = state.get();
    return now == State.CLOSING || now == State.CLOSED;
  }

  /**
   * Stops reloading, waits for a reload in progress, closes the source and every subscription, ends
   * the manager's threads and removes its temporary folders, all within {@value #CLOSE_SECONDS}
   * seconds. Idempotent. The last snapshot stays readable.
   */
  @Override
  public void close() {
    if (!state.compareAndSet(State.RUNNING, State.CLOSING)) {
      return;
    }
    resources.release(toString());
    state.set(State.CLOSED);
  }

  private void requireRunning(String operation) {
    if (state.get() != State.RUNNING) {
      throw new IllegalStateException(
          operation
              + ": the ConfigManager of "
              + environment
              + " ("
              + source.describe()
              + ") is closed");
    }
  }

  /** No lambda: a typed getter allocates nothing on the hot path. */
  private <T> T present(Optional<T> value, String category) {
    if (value.isPresent()) {
      return value.get();
    }
    throw new GitconfException.Missing(category + ": no such category in " + environment);
  }

  @Override
  public String toString() {
    return "ConfigManager["
        + source.describe()
        + ", "
        + reloader.current()
        + (isClosed() ? ", closed" : "")
        + "]";
  }

  /** Options of a {@link ConfigManager}; {@link #build()} loads the configuration or fails fast. */
  public static final class Builder {
    String environment;
    EncryptionKeys keys = EncryptionKeys.none();
    Path cacheFile;
    Duration cacheTtl = ConfigCache.DEFAULT_TTL;
    Duration debounce = Duration.ofMillis(50);
    Duration reconnectBackoff = Duration.ofMillis(250);
    Path workDir;
    Path temporaryRoot;
    Path configRepository;
    ChangeRateLimit rateLimit = ChangeRateLimit.defaults();
    int subscriberCapacity = ConfigChangeNotifier.DEFAULT_CAPACITY;
    ClientSources.Factory sourceFactory;
    String instanceId;
    String applicationName = "gitconf-client";
    Map<String, String> labels = Map.of();
    private InstanceIdentity identity;

    private Builder() {}

    /**
     * This instance's id in releases (default: {@code GITCONF_INSTANCE_ID}, else the host name and
     * {@link #applicationName}). Keep it stable across restarts: the cohort of a release is drawn
     * from it.
     */
    public Builder instanceId(String instanceId) {
      this.instanceId = instanceId;
      return this;
    }

    /** The application's name, part of the default instance id (default {@code gitconf-client}). */
    public Builder applicationName(String applicationName) {
      this.applicationName = applicationName;
      return this;
    }

    /**
     * Labels shown with this instance's release reports (region, version of the application...).
     */
    public Builder labels(Map<String, String> labels) {
      this.labels = Map.copyOf(labels);
      return this;
    }

    /** The identity, resolved once. */
    InstanceIdentity identity() {
      if (identity == null) {
        identity =
            InstanceIdentity.resolve(
                Optional.ofNullable(instanceId), System.getenv(), applicationName, labels);
      }
      return identity;
    }

    /**
     * The PostgreSQL mirror the syncer writes: the active version of the environment, reloaded on
     * {@code NOTIFY} (one connection of {@code dataSource} is kept for {@code LISTEN}) and checked
     * every {@link #cacheTtl TTL} in case a notification was lost.
     */
    public Builder postgres(DataSource dataSource) {
      this.sourceFactory = ClientSources.postgres(dataSource);
      return this;
    }

    /** The mirror at a JDBC URL, e.g. {@code jdbc:postgresql://db:5432/gitconf?user=trader}. */
    public Builder postgres(String jdbcUrl) {
      PGSimpleDataSource dataSource = new PGSimpleDataSource();
      dataSource.setURL(jdbcUrl);
      return postgres(dataSource);
    }

    /**
     * A relay ({@code gitconf serve}) at {@code url}, e.g. {@code https://relay:8443}, read with
     * {@code token} (an empty token sends none): the active version of the environment, checked
     * against its checksum and validated as the mirror source does, and a long poll that brings
     * every activation. No database connection per client.
     */
    public Builder server(String url, String token) {
      return server(List.of(url), token);
    }

    /**
     * Several relays, tried in turn: when the one in use stops answering, the next, after an
     * exponential backoff with jitter (from {@link #reconnectBackoff} up to 10 s).
     */
    public Builder server(List<String> urls, String token) {
      this.sourceFactory = ClientSources.server(List.copyOf(urls), Objects.requireNonNull(token));
      return this;
    }

    /** A working copy on disk, watched for saves (development). */
    public Builder directory(Path directory) {
      this.sourceFactory = ClientSources.directory(directory);
      return this;
    }

    /**
     * A branch of a Git remote, cloned into {@link #workDir} (by default a temporary folder that
     * {@link ConfigManager#close()} removes) and fetched every {@link #cacheTtl TTL}. Credentials
     * come from {@code GITCONF_GIT_USERNAME} and {@code GITCONF_GIT_PASSWORD}.
     */
    public Builder git(String remoteUrl, String branch) {
      this.sourceFactory = ClientSources.git(remoteUrl, branch);
      return this;
    }

    /** A source made by {@code factory}: a test's. */
    Builder source(ClientSources.Factory factory) {
      this.sourceFactory = factory;
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

    /**
     * Where the Git source keeps its clone, which then outlives the manager (a restart fetches
     * instead of cloning). By default a new folder in the temporary directory, removed on close.
     */
    public Builder workDir(Path workDir) {
      this.workDir = workDir;
      return this;
    }

    /** Where temporary folders are made (default {@code java.io.tmpdir}): a test's. */
    Builder temporaryRoot(Path root) {
      this.temporaryRoot = root;
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
     * Loads the configuration and starts following the source. Fails fast with {@link
     * GitconfException.Unavailable} when the source cannot be loaded and there is no
     * last-known-good cache (with one, serves it with a warning and keeps retrying), or when the
     * source cannot be watched; a build that fails has released everything it started.
     */
    public ConfigManager build() {
      if (environment == null || environment.isBlank()) {
        throw new GitconfException.BadRequest("ConfigManager needs an environment");
      }
      if (sourceFactory == null) {
        throw new GitconfException.BadRequest(
            "ConfigManager needs a source: postgres(dataSource), directory(path) or git(url, branch)");
      }
      if (temporaryRoot == null) {
        temporaryRoot = Path.of(System.getProperty("java.io.tmpdir"));
      }
      ClientResources resources = new ClientResources();
      try {
        return new ConfigManager(this, resources);
      } catch (RuntimeException | Error e) {
        resources.release("ConfigManager of " + environment + " (failed to start)");
        if (e instanceof GitconfException || e instanceof Error) {
          throw e;
        }
        throw new GitconfException.Unavailable(
            "cannot start a ConfigManager of "
                + environment
                + ": "
                + GitRemotes.redact(String.valueOf(e.getMessage())),
            e);
      }
    }
  }
}
