package io.gitconf.sync;

import io.gitconf.core.GitconfException;
import java.time.Duration;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A small HTTP server for the syncer's endpoints (webhook, health, metrics), on Jetty 12's core
 * handlers. Requests are served concurrently from a bounded pool, and each connection may stay
 * silent for at most {@link Limits#idleTimeout()}: a client that announces a body and stops sending
 * it is dropped then, and never holds up anyone else's request meanwhile.
 *
 * <p>Thread-safe. {@link #close} stops accepting, lets running requests finish for a moment, and
 * stops the threads; it may be called more than once.
 */
final class HttpEndpoint implements AutoCloseable {
  /** How long a connection may be silent, and how large a request body may be. */
  record Limits(Duration idleTimeout, int maxBody) {
    static Limits defaults() {
      return new Limits(Duration.ofSeconds(10), 1 << 20);
    }
  }

  private static final int MAX_THREADS = 16;
  private static final Duration STOP_GRACE = Duration.ofSeconds(2);

  private final Server server;
  private final ServerConnector connector;

  private HttpEndpoint(Server server, ServerConnector connector) {
    this.server = server;
    this.connector = connector;
  }

  /**
   * Listens on {@code port} (0 for any free port) and serves {@code handler}; a request it does not
   * handle gets 404.
   *
   * @param name names the threads ({@code gitconf-webhook-3}) and the failure message
   * @throws GitconfException.Unavailable when the port cannot be listened on
   */
  static HttpEndpoint start(String name, int port, Limits limits, Handler handler) {
    QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 2);
    threads.setName("gitconf-" + name);
    threads.setDaemon(true);
    Server server = new Server(threads);
    server.setStopTimeout(STOP_GRACE.toMillis());
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
    connector.setPort(port);
    connector.setIdleTimeout(limits.idleTimeout().toMillis());
    server.addConnector(connector);
    server.setHandler(handler);
    try {
      server.start();
    } catch (Exception e) {
      stopQuietly(server);
      throw new GitconfException.Unavailable(
          "cannot serve " + name + " on port " + port + ": " + e.getMessage(), e);
    }
    return new HttpEndpoint(server, connector);
  }

  int port() {
    return connector.getLocalPort();
  }

  /** Writes a whole text response and completes {@code callback}. */
  static void respond(
      Response response, Callback callback, int status, String contentType, String body) {
    response.setStatus(status);
    response.getHeaders().put(new HttpField(HttpHeader.CONTENT_TYPE, contentType));
    Content.Sink.write(response, true, body, callback);
  }

  /** As {@link #respond} for plain text. */
  static void respond(Response response, Callback callback, int status, String text) {
    respond(response, callback, status, "text/plain; charset=utf-8", text);
  }

  @Override
  public void close() {
    stopQuietly(server);
  }

  private static void stopQuietly(Server server) {
    try {
      server.stop();
    } catch (Exception e) {
      // Stopping is best effort; the threads are daemons and die with the JVM anyway.
    }
  }
}
