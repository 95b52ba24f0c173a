package io.gitconf.sync;

import io.gitconf.core.GitconfException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The one HTTP server setup of gitconf, on Jetty 12's core handlers: the syncer's endpoints
 * (webhook, health, metrics) and the relay ({@code gitconf serve}), which adds HTTP/2 (h2c in clear
 * text, h2 over TLS) and a bind address through {@link Settings}. Requests are served concurrently
 * from a bounded pool, and each connection may stay silent for at most {@link
 * Limits#idleTimeout()}: a client that announces a body and stops sending it is dropped then, and
 * never holds up anyone else's request meanwhile.
 *
 * <p>Thread-safe. {@link #close} stops accepting, lets running requests finish for a moment, and
 * stops the threads; it may be called more than once.
 */
public final class HttpEndpoint implements AutoCloseable {
  /** How long a connection may be silent, and how large a request body may be. */
  public record Limits(Duration idleTimeout, int maxBody) {
    public static Limits defaults() {
      return new Limits(Duration.ofSeconds(10), 1 << 20);
    }
  }

  /**
   * A PKCS#12 keystore holding the server's certificate and key; the password is read by the caller
   * (from an environment variable, never the command line).
   */
  public record Tls(Path keystore, String password) {
    @Override
    public String toString() {
      return "Tls[keystore=" + keystore + ", password=****]";
    }
  }

  /**
   * Where and how to listen: {@code host} (null for every address), {@code port} (0 for any free
   * one), HTTP/2 beside HTTP/1.1 when {@code http2} (h2c upgrade and prior knowledge in clear text;
   * ALPN over TLS), and TLS when {@code tls} is present. Request lines and headers larger than
   * {@link #MAX_REQUEST_HEADERS} bytes are refused with 431.
   */
  public record Settings(
      String host, int port, Limits limits, int maxThreads, boolean http2, Optional<Tls> tls) {
    /** The syncer's endpoints: every address, HTTP/1.1, no TLS. */
    static Settings plain(int port, Limits limits) {
      return new Settings(null, port, limits, MAX_THREADS, false, Optional.empty());
    }
  }

  /** The largest request line plus headers accepted. */
  public static final int MAX_REQUEST_HEADERS = 8 * 1024;

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
    return start(name, Settings.plain(port, limits), handler);
  }

  /**
   * Listens as {@code settings} say and serves {@code handler}; a request it does not handle gets
   * 404.
   *
   * @throws GitconfException.Unavailable when the address cannot be listened on or the keystore
   *     cannot be read
   */
  public static HttpEndpoint start(String name, Settings settings, Handler handler) {
    QueuedThreadPool threads = new QueuedThreadPool(settings.maxThreads(), 2);
    threads.setName("gitconf-" + name);
    threads.setDaemon(true);
    Server server = new Server(threads);
    server.setStopTimeout(STOP_GRACE.toMillis());
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    http.setRequestHeaderSize(MAX_REQUEST_HEADERS);
    // Jetty's per-connection cache of header fields costs about 100 KB a connection (measured with
    // JFR); a relay holds thousands of connections that each send one request a minute.
    http.setHeaderCacheSize(0);
    ServerConnector connector =
        new ServerConnector(server, 1, 1, HttpProtocols.factories(http, settings));
    connector.setHost(settings.host());
    connector.setPort(settings.port());
    connector.setIdleTimeout(settings.limits().idleTimeout().toMillis());
    server.addConnector(connector);
    server.setHandler(new UnreadBodies(handler));
    try {
      server.start();
    } catch (Exception e) {
      stopQuietly(server);
      throw new GitconfException.Unavailable(
          "cannot serve "
              + name
              + " on "
              + (settings.host() == null ? "port " : settings.host() + ":")
              + settings.port()
              + ": "
              + e.getMessage(),
          e);
    }
    return new HttpEndpoint(server, connector);
  }

  public int port() {
    return connector.getLocalPort();
  }

  /** Writes a whole text response and completes {@code callback}. */
  public static void respond(
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

  /**
   * What becomes of an HTTP/1 request body that a handler answers without reading to its end: a
   * refusal sent before the body (401, 403, 413, ...). The answer says {@code Connection: close},
   * so no client reuses a connection that is about to close. A body of at most {@link #DRAINED}
   * bytes is then read and dropped before the connection closes: a client still sending it would
   * otherwise have the connection reset under it before it reads the answer. A larger body, or one
   * without a length, is not read; its connection closes at once. A body read to its end keeps the
   * connection.
   */
  private static final class UnreadBodies extends Handler.Wrapper {
    /** The largest unread body that is read and dropped rather than cut off. */
    static final long DRAINED = 1 << 20;

    UnreadBodies(Handler handler) {
      super(handler);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
      long length = request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
      boolean chunked = request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
      boolean http1 = request.getConnectionMetaData().getHttpVersion().getVersion() < 20;
      if (!http1 || (length <= 0 && !chunked)) {
        return super.handle(request, response, callback);
      }
      response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
      Reading reading = new Reading(request, response);
      Callback done =
          length > 0 && length <= DRAINED
              ? Callback.from(() -> reading.drain(callback), callback::failed)
              : callback;
      if (!super.handle(reading, response, done)) {
        Response.writeError(reading, response, done, HttpStatus.NOT_FOUND_404);
      }
      return true;
    }
  }

  /** A request that notes whether its body was read to the end. */
  private static final class Reading extends Request.Wrapper {
    private final Response response;
    private volatile boolean readToEnd;

    Reading(Request request, Response response) {
      super(request);
      this.response = response;
    }

    @Override
    public Content.Chunk read() {
      Content.Chunk chunk = super.read();
      if (chunk != null && chunk.isLast() && !Content.Chunk.isFailure(chunk)) {
        readToEnd = true;
        if (!response.isCommitted()) {
          response.getHeaders().remove(HttpHeader.CONNECTION);
        }
      }
      return chunk;
    }

    /** Reads what is left of the body, then completes {@code callback}. */
    void drain(Callback callback) {
      if (readToEnd) {
        callback.succeeded();
      } else {
        Content.Source.consumeAll(getWrapped(), callback);
      }
    }
  }

  private static void stopQuietly(Server server) {
    try {
      server.stop();
    } catch (Exception e) {
      // Stopping is best effort; the threads are daemons and die with the JVM anyway.
    }
  }
}
