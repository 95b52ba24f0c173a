package io.gitconf.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Git remote over HTTP that asks for credentials, for tests of what gitconf sends to a real Git
 * host. It serves one bare repository read-only with Git's "dumb" HTTP protocol: plain files
 * ({@code info/refs}, {@code HEAD}, {@code objects/...}) under {@code /<name>.git/}, which JGit
 * fetches from when the server does not speak the smart protocol. Every request without the right
 * {@code Authorization: Basic} header gets 401 with {@code WWW-Authenticate: Basic realm="git"}, as
 * a Git host does.
 *
 * <p>The bare repository must have been prepared with {@code git update-server-info} (after every
 * change too), since dumb clients read the refs from {@code info/refs}. Listens on 127.0.0.1 only,
 * on a free port; answers at most {@link #MAX_REQUESTS} requests (then 503), so a client in a loop
 * cannot keep a test busy; {@link #close} stops it.
 *
 * <p>Thread-safe: requests are answered one at a time on the server's own thread.
 */
public final class AuthenticatedGitServer implements AutoCloseable {
  public static final int MAX_REQUESTS = 10_000;

  private final HttpServer server;
  private final Path bareRepository;
  private final String name;
  private final String expectedAuthorization;
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();

  private AuthenticatedGitServer(
      HttpServer server, Path bareRepository, String name, String expectedAuthorization) {
    this.server = server;
    this.bareRepository = bareRepository;
    this.name = name;
    this.expectedAuthorization = expectedAuthorization;
  }

  /**
   * Starts serving {@code bareRepository} as {@code http://127.0.0.1:<port>/<name>}, to clients
   * that authenticate as {@code username} with {@code password}.
   */
  public static AuthenticatedGitServer start(
      Path bareRepository, String name, String username, String password) {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      String token =
          Base64.getEncoder()
              .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
      AuthenticatedGitServer git =
          new AuthenticatedGitServer(
              server, bareRepository.toAbsolutePath().normalize(), name, "Basic " + token);
      server.createContext("/", git::handle);
      // null: the server's own dispatcher thread answers, one request at a time.
      server.setExecutor(null);
      server.start();
      return git;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the test Git server", e);
    }
  }

  /** The repository's URL, e.g. {@code http://127.0.0.1:40123/config.git}. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + name;
  }

  /** The URL with {@code userInfo} (e.g. {@code user:password}) written into it. */
  public String url(String userInfo) {
    return "http://" + userInfo + "@127.0.0.1:" + server.getAddress().getPort() + "/" + name;
  }

  /** Requests answered so far, refused ones included. */
  public int requests() {
    return requests.get();
  }

  /** Requests answered with 401 so far. */
  public int refused() {
    return refused.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (requests.incrementAndGet() > MAX_REQUESTS) {
        send(exchange, 503, "too many requests for a test");
        return;
      }
      if (!expectedAuthorization.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
        refused.incrementAndGet();
        exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"git\"");
        send(exchange, 401, "authentication required");
        return;
      }
      if (!"GET".equals(exchange.getRequestMethod())) {
        send(exchange, 405, "read-only");
        return;
      }
      Path file = resolve(exchange.getRequestURI().getPath());
      if (file == null || !Files.isRegularFile(file)) {
        send(exchange, 404, "not found");
        return;
      }
      // Plain text, never a smart-protocol content type: that is what makes a client go dumb.
      byte[] body = Files.readAllBytes(file);
      exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /** The file under the bare repository that {@code path} names, or null if it names none. */
  private Path resolve(String path) {
    String prefix = "/" + name + "/";
    if (!path.startsWith(prefix)) {
      return null;
    }
    Path file = bareRepository.resolve(path.substring(prefix.length())).normalize();
    return file.startsWith(bareRepository) ? file : null;
  }

  private static void send(HttpExchange exchange, int status, String text) throws IOException {
    byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** Stops listening at once; a request in progress is cut off. */
  @Override
  public void close() {
    server.stop(0);
  }
}
