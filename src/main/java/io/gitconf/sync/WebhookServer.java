package io.gitconf.sync;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.gitconf.core.GitconfException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.Executors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives push webhooks ({@code POST /webhook}) and asks the syncer to fetch at once. The request
 * must carry {@code X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>} (the GitHub form;
 * Gitea and GitLab-compatible senders can be set to it) computed with the shared secret; anything
 * else is refused with 401 and logged. The body itself is not trusted or parsed: a valid call only
 * means "fetch now".
 *
 * <p>Thread-safe.
 */
public final class WebhookServer implements AutoCloseable {
  public static final String SIGNATURE_HEADER = "X-Hub-Signature-256";
  private static final Logger log = LoggerFactory.getLogger(WebhookServer.class);
  private static final int MAX_BODY = 1 << 20;

  private final HttpServer server;
  private final SecretKeySpec key;
  private final Runnable onPush;

  private WebhookServer(HttpServer server, byte[] secret, Runnable onPush) {
    this.server = server;
    this.key = new SecretKeySpec(secret, "HmacSHA256");
    this.onPush = onPush;
  }

  /** Listens on {@code port} (0 for any free port) and calls {@code onPush} for each valid call. */
  public static WebhookServer start(int port, byte[] secret, Runnable onPush) {
    if (secret.length == 0) {
      throw new GitconfException.BadRequest("the webhook secret must not be empty");
    }
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(port), 16);
      WebhookServer webhook = new WebhookServer(server, secret.clone(), onPush);
      server.createContext("/webhook", webhook::handle);
      server.setExecutor(Executors.newSingleThreadExecutor(r -> daemon(r, "gitconf-webhook")));
      server.start();
      return webhook;
    } catch (IOException e) {
      throw new GitconfException.Unavailable(
          "cannot listen for webhooks on port " + port + ": " + e.getMessage(), e);
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** The header value a sender computes for {@code body}, e.g. for tests and scripts. */
  public static String signature(byte[] secret, byte[] body) {
    return "sha256="
        + HexFormat.of().formatHex(hmac(new SecretKeySpec(secret, "HmacSHA256"), body));
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"POST".equals(exchange.getRequestMethod())) {
        respond(exchange, 405, "POST only\n");
        return;
      }
      byte[] body = readBody(exchange.getRequestBody());
      String given = exchange.getRequestHeaders().getFirst(SIGNATURE_HEADER);
      if (body == null || given == null || !validSignature(given, body)) {
        log.warn(
            "refused a webhook call from {}: {}",
            exchange.getRemoteAddress().getAddress().getHostAddress(),
            body == null
                ? "body larger than " + MAX_BODY + " bytes"
                : given == null ? "no " + SIGNATURE_HEADER + " header" : "bad signature");
        respond(exchange, 401, "bad signature\n");
        return;
      }
      onPush.run();
      respond(exchange, 202, "fetching\n");
    }
  }

  private boolean validSignature(String given, byte[] body) {
    if (!given.startsWith("sha256=")) {
      return false;
    }
    byte[] expected = hmac(key, body);
    byte[] actual;
    try {
      actual = HexFormat.of().parseHex(given.substring("sha256=".length()).trim());
    } catch (IllegalArgumentException e) {
      return false;
    }
    return MessageDigest.isEqual(expected, actual);
  }

  private static byte[] hmac(SecretKeySpec key, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac.doFinal(body);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  /** The body, or null when it is larger than the limit. */
  private static byte[] readBody(InputStream in) throws IOException {
    byte[] body = in.readNBytes(MAX_BODY + 1);
    return body.length > MAX_BODY ? null : body;
  }

  static void respond(HttpExchange exchange, int status, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  static Thread daemon(Runnable r, String name) {
    Thread thread = new Thread(r, name);
    thread.setDaemon(true);
    return thread;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
