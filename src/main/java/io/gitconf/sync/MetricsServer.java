package io.gitconf.sync;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.gitconf.core.GitconfException;
import io.gitconf.core.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;

/**
 * Serves the syncer's health ({@code GET /health}, JSON) and metrics ({@code GET /metrics},
 * Prometheus text format). Health is 200 for a standby, and for a leader that reached Git and the
 * database within {@code staleAfter}; 503 otherwise.
 *
 * <p>Thread-safe.
 */
public final class MetricsServer implements AutoCloseable {
  private final HttpServer server;
  private final SyncMetrics metrics;
  private final Duration staleAfter;

  private MetricsServer(HttpServer server, SyncMetrics metrics, Duration staleAfter) {
    this.server = server;
    this.metrics = metrics;
    this.staleAfter = staleAfter;
  }

  /** Listens on {@code port} (0 for any free port). */
  public static MetricsServer start(int port, SyncMetrics metrics, Duration staleAfter) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(port), 16);
      MetricsServer metricsServer = new MetricsServer(server, metrics, staleAfter);
      server.createContext("/metrics", metricsServer::metrics);
      server.createContext("/health", metricsServer::health);
      server.setExecutor(
          Executors.newSingleThreadExecutor(r -> WebhookServer.daemon(r, "gitconf-metrics")));
      server.start();
      return metricsServer;
    } catch (IOException e) {
      throw new GitconfException.Unavailable(
          "cannot serve metrics on port " + port + ": " + e.getMessage(), e);
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void metrics(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = metrics.scrape().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
    }
  }

  private void health(HttpExchange exchange) throws IOException {
    try (exchange) {
      boolean leader = metrics.isLeader();
      boolean fresh =
          metrics.lastSuccess().map(t -> t.plus(staleAfter).isAfter(Instant.now())).orElse(false);
      boolean up = !leader || fresh;
      ObjectNode health = Json.MAPPER.createObjectNode();
      health.put("status", up ? "UP" : "DOWN");
      health.put("role", leader ? "leader" : "standby");
      health.put("lastCommit", metrics.lastCommit().orElse(null));
      health.put("lagCommits", metrics.lagCommits());
      health.put("lagSeconds", metrics.lagSeconds());
      health.put("versionsMirrored", metrics.versionsMirrored());
      health.put("commitsRejected", metrics.commitsRejected());
      health.put("lastSuccess", metrics.lastSuccess().map(Instant::toString).orElse(null));
      byte[] body = (Json.pretty(health) + "\n").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(up ? 200 : 503, body.length);
      exchange.getResponseBody().write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
