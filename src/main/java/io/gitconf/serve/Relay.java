package io.gitconf.serve;

import io.gitconf.core.GitconfException;
import io.gitconf.mirror.ReportWriter;
import io.gitconf.sync.HttpEndpoint;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import javax.sql.DataSource;

/**
 * {@code gitconf serve}: an HTTP relay over the mirror (it reads, but for release reports), so that
 * a fleet of clients needs no database connections of its own. It holds one {@code LISTEN}
 * connection and borrows from a small pool, keeps each environment's active version in memory as
 * the bytes it sends, and answers long polls and event streams when a version is activated. The
 * protocol is {@code docs/serve.md}.
 *
 * <p>The relay never holds a key (secrets travel as the ciphertext the mirror stores) and writes
 * the mirror only the instance reports its clients send, in batches ({@link ReportBatcher}). Plain
 * HTTP is served on a loopback address only, unless {@link Options#insecureBind} says otherwise.
 *
 * <p>Thread-safe. {@link #close} stops the HTTP server, then the feed; it may be called more than
 * once.
 */
public final class Relay implements AutoCloseable {
  /**
   * How the relay listens and whom it serves.
   *
   * @param host the address to bind; {@code 127.0.0.1} by default
   * @param tokens the token file; without one every client may read every environment
   * @param idleTimeout how long a connection may be silent outside a watch (default 30 s)
   */
  public record Options(
      String host,
      int port,
      Optional<Path> tokens,
      Optional<HttpEndpoint.Tls> tls,
      boolean insecureBind,
      Duration idleTimeout) {
    /** Loopback, port {@code port}, no tokens, no TLS. */
    public static Options loopback(int port) {
      return new Options("127.0.0.1", port, Optional.empty(), Optional.empty(), false, IDLE);
    }

    public Options withTokens(Path file) {
      return new Options(host, port, Optional.of(file), tls, insecureBind, idleTimeout);
    }

    public Options withTls(HttpEndpoint.Tls keystore) {
      return new Options(host, port, tokens, Optional.of(keystore), insecureBind, idleTimeout);
    }

    /**
     * Refuses plain HTTP on an address that is not loopback without {@code insecureBind}.
     *
     * @throws GitconfException.BadRequest saying how to serve it instead
     */
    public void check() {
      if (tls.isEmpty() && !insecureBind && !isLoopback(host)) {
        throw new GitconfException.BadRequest(
            "plain HTTP on "
                + host
                + " would send tokens and configuration in clear text: bind a loopback address,"
                + " give --tls-keystore, or say --insecure-bind");
      }
    }
  }

  private static final Duration IDLE = Duration.ofSeconds(30);
  private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
  private static final int MAX_THREADS = 32;

  private final RelayParts parts;
  private final HttpEndpoint endpoint;
  private final ScheduledExecutorService keepAlive;
  private final boolean tls;
  private final String host;

  private Relay(
      RelayParts parts,
      HttpEndpoint endpoint,
      ScheduledExecutorService keepAlive,
      boolean tls,
      String host) {
    this.parts = parts;
    this.endpoint = endpoint;
    this.keepAlive = keepAlive;
    this.tls = tls;
    this.host = host;
  }

  /**
   * Reads every active version (a database it cannot reach yet is reported by {@code /health}, not
   * fatal), starts listening and serving.
   *
   * @param pool the relay's pool (at most a few connections; it is only read)
   * @param listen opens the one connection that listens, outside the pool
   * @param connectionsInUse the pool's busy connections, for {@code /metrics}
   * @throws GitconfException.BadRequest for plain HTTP on an address that is not loopback without
   *     {@code insecureBind}, or a token file that is not one
   * @throws GitconfException.Unavailable when the address cannot be listened on
   */
  public static Relay start(
      DataSource pool, ListenConnections listen, IntSupplier connectionsInUse, Options options) {
    options.check();
    TokenGate gate = options.tokens().map(TokenGate::of).orElseGet(TokenGate::open);
    MirrorFeed[] feedHolder = new MirrorFeed[1];
    RelayMetrics metrics =
        new RelayMetrics(
            () -> connectionsInUse.getAsInt() + (feedHolder[0].listening() ? 1 : 0),
            () -> feedHolder[0].state().staleNanos() / 1e9,
            () -> feedHolder[0].listening() ? 1 : 0);
    Watchers watchers = new Watchers(metrics, gate);
    MirrorFeed feed = new MirrorFeed(pool, listen, watchers);
    feedHolder[0] = feed;
    feed.start();
    ReportBatcher reports = new ReportBatcher(ReportWriter.mirror(pool), metrics);
    RelayParts parts = new RelayParts(feed, watchers, gate, metrics, reports);
    HttpEndpoint endpoint;
    try {
      endpoint =
          HttpEndpoint.start(
              "relay",
              new HttpEndpoint.Settings(
                  options.host(),
                  options.port(),
                  new HttpEndpoint.Limits(options.idleTimeout(), 0),
                  MAX_THREADS,
                  true,
                  options.tls()),
              new RelayHandler(parts));
    } catch (RuntimeException e) {
      parts.close();
      throw e;
    }
    ScheduledExecutorService keepAlive =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "gitconf-relay-keep-alive");
              thread.setDaemon(true);
              return thread;
            });
    keepAlive.scheduleWithFixedDelay(
        watchers::keepAlive, KEEP_ALIVE.toMillis(), KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS);
    return new Relay(parts, endpoint, keepAlive, options.tls().isPresent(), options.host());
  }

  /** Instance reports accepted from clients so far. */
  public long reportsReceived() {
    return parts.metrics().reportsReceived();
  }

  /** Batches of instance reports written to the mirror so far (one statement each). */
  public long reportBatches() {
    return parts.metrics().reportBatches();
  }

  public int port() {
    return endpoint.port();
  }

  /** The relay's base URL, e.g. {@code http://127.0.0.1:8080}. */
  public String url() {
    String shown = host == null || host.isBlank() || host.equals("0.0.0.0") ? "localhost" : host;
    if (shown.contains(":")) {
      shown = "[" + shown + "]";
    }
    return (tls ? "https://" : "http://") + shown + ":" + port();
  }

  private static boolean isLoopback(String host) {
    if (host == null || host.isBlank()) {
      return false;
    }
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      throw new GitconfException.BadRequest("cannot resolve the bind address " + host);
    }
  }

  @Override
  public void close() {
    endpoint.close();
    keepAlive.shutdownNow();
    parts.close();
  }
}
