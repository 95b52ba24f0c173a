package io.gitconf.serve;

import io.gitconf.client.TradingDesk;
import io.gitconf.sync.Database;
import io.gitconf.testing.TcpProxy;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A relay over a real mirror for a test: the trading desk (remote, clone, PostgreSQL mirror,
 * syncer), a relay with its own pool, and, when asked, a {@link TcpProxy} between the relay and the
 * database that the test can cut.
 */
final class RelayFixture implements AutoCloseable {
  final TradingDesk desk;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  RelayFixture(Path dir) {
    desk = TradingDesk.open(dir);
    desk.syncOnce();
  }

  /** A relay reading the mirror directly. */
  Relay relay(Relay.Options options) {
    Database db = Database.connect(desk.testDb.jdbcUrl(), Optional.empty());
    toClose.add(0, db);
    Relay relay = Relay.start(db.dataSource(), db::openDedicated, db::connectionsInUse, options);
    toClose.add(0, relay);
    return relay;
  }

  /**
   * A relay whose pool ({@code poolThroughProxy}) and LISTEN connection reach the database through
   * {@code proxy}.
   */
  Relay relayThrough(TcpProxy proxy, boolean poolThroughProxy, Relay.Options options) {
    String direct = desk.testDb.jdbcUrl();
    String proxied = direct.replaceFirst("//[^/]+/", "//127.0.0.1:" + proxy.port() + "/");
    Database db = Database.connect(poolThroughProxy ? proxied : direct, Optional.empty());
    toClose.add(0, db);
    Relay relay =
        Relay.start(
            db.dataSource(),
            () -> DriverManager.getConnection(proxied),
            db::connectionsInUse,
            options);
    toClose.add(0, relay);
    return relay;
  }

  TcpProxy proxyToDatabase() {
    URI uri = URI.create(desk.testDb.jdbcUrl().substring("jdbc:".length()));
    TcpProxy proxy = TcpProxy.to(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort());
    toClose.add(proxy);
    return proxy;
  }

  HttpResponse<String> get(String url, String... headers) {
    try {
      return http.send(request(url, headers), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  CompletableFuture<HttpResponse<String>> getAsync(String url, String... headers) {
    return http.sendAsync(request(url, headers), HttpResponse.BodyHandlers.ofString());
  }

  static HttpRequest request(String url, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(2));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return request.build();
  }

  /** Commits a change of prod's open positions ({@code from} to {@code to}) and mirrors it. */
  void changeProd(int from, int to) {
    desk.edit("environments/prod/risk.yaml", "maxOpenPositions: " + from, "maxOpenPositions: " + to)
        .commit(TradingDesk.BO, "Open positions in prod: " + to);
    desk.syncOnce();
  }

  /** Closes everything the fixture started, all of it even when one fails. */
  @Override
  public void close() {
    IllegalStateException failure = null;
    for (AutoCloseable c : toClose) {
      try {
        c.close();
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        failure = failure == null ? new IllegalStateException("closing " + c, e) : failure;
      }
    }
    desk.close();
    if (failure != null) {
      throw failure;
    }
  }
}
