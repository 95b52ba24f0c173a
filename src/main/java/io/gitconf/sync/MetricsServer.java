package io.gitconf.sync;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gitconf.core.Json;
import io.gitconf.mirror.ReleaseState;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Serves the syncer's health ({@code GET /health}, JSON) and metrics ({@code GET /metrics},
 * Prometheus text format), concurrently and within the same limits as the webhook. Health is 200
 * for a standby, and for a leader that reached Git and the database within {@code staleAfter}; 503
 * otherwise.
 *
 * <p>Thread-safe.
 */
public final class MetricsServer implements AutoCloseable {
  private final HttpEndpoint endpoint;

  private MetricsServer(HttpEndpoint endpoint) {
    this.endpoint = endpoint;
  }

  /** Listens on {@code port} (0 for any free port). */
  public static MetricsServer start(int port, SyncMetrics metrics, Duration staleAfter) {
    return new MetricsServer(
        HttpEndpoint.start(
            "metrics", port, HttpEndpoint.Limits.defaults(), new Pages(metrics, staleAfter)));
  }

  public int port() {
    return endpoint.port();
  }

  /** {@code /metrics} and {@code /health}; each answer is computed from memory at once. */
  private static final class Pages extends Handler.Abstract.NonBlocking {
    private final SyncMetrics metrics;
    private final Duration staleAfter;

    Pages(SyncMetrics metrics, Duration staleAfter) {
      this.metrics = metrics;
      this.staleAfter = staleAfter;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      switch (Request.getPathInContext(request)) {
        case "/metrics" ->
            HttpEndpoint.respond(
                response,
                callback,
                HttpStatus.OK_200,
                "text/plain; version=0.0.4; charset=utf-8",
                metrics.scrape());
        case "/health" -> health(response, callback);
        default -> {
          return false;
        }
      }
      return true;
    }

    private void health(Response response, Callback callback) {
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
      // Releases in progress: a paused or held one says why.
      ArrayNode releases = health.putArray("releases");
      for (ReleaseState release : metrics.releasesInProgress()) {
        ObjectNode r = releases.addObject();
        r.put("environment", release.environment());
        r.put("version", release.version());
        r.put("phase", release.phase().sql());
        r.put("percent", release.serving() ? release.percent() : 0);
        release.pausedReason().ifPresent(reason -> r.put("pausedReason", reason));
        release.holdReason().ifPresent(reason -> r.put("holdReason", reason));
      }
      HttpEndpoint.respond(
          response,
          callback,
          up ? HttpStatus.OK_200 : HttpStatus.SERVICE_UNAVAILABLE_503,
          "application/json",
          Json.pretty(health) + "\n");
    }
  }

  @Override
  public void close() {
    endpoint.close();
  }
}
