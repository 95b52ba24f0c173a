package io.gitconf.sync;

import io.gitconf.core.GitconfException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.thread.Invocable.InvocationType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives push webhooks ({@code POST /webhook}) and asks the syncer to fetch at once. The request
 * must carry {@code X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>} (the GitHub form;
 * Gitea and GitLab-compatible senders can be set to it) computed with the shared secret; anything
 * else is refused with 401 and logged. The body itself is not trusted or parsed: a valid call only
 * means "fetch now".
 *
 * <p>Each call is read without holding a thread, within the {@linkplain HttpEndpoint.Limits limits}
 * of time and size, so a sender that stalls, or sends too much, is dropped without delaying a
 * signed push from anyone else.
 *
 * <p>Thread-safe.
 */
public final class WebhookServer implements AutoCloseable {
  public static final String SIGNATURE_HEADER = "X-Hub-Signature-256";
  static final String PATH = "/webhook";
  private static final Logger log = LoggerFactory.getLogger(WebhookServer.class);

  private final HttpEndpoint endpoint;

  private WebhookServer(HttpEndpoint endpoint) {
    this.endpoint = endpoint;
  }

  /** Listens on {@code port} (0 for any free port) and calls {@code onPush} for each valid call. */
  public static WebhookServer start(int port, byte[] secret, Runnable onPush) {
    return start(port, secret, onPush, HttpEndpoint.Limits.defaults());
  }

  static WebhookServer start(int port, byte[] secret, Runnable onPush, HttpEndpoint.Limits limits) {
    if (secret.length == 0) {
      throw new GitconfException.BadRequest("the webhook secret must not be empty");
    }
    SecretKeySpec key = new SecretKeySpec(secret.clone(), "HmacSHA256");
    return new WebhookServer(
        HttpEndpoint.start("webhook", port, limits, new Calls(key, onPush, limits)));
  }

  public int port() {
    return endpoint.port();
  }

  /** The header value a sender computes for {@code body}, e.g. for tests and scripts. */
  public static String signature(byte[] secret, byte[] body) {
    return "sha256="
        + HexFormat.of().formatHex(hmac(new SecretKeySpec(secret, "HmacSHA256"), body));
  }

  /** Handles {@code /webhook}; reads the body asynchronously, so waiting for it holds no thread. */
  private static final class Calls extends Handler.Abstract.NonBlocking {
    private final SecretKeySpec key;
    private final Runnable onPush;
    private final HttpEndpoint.Limits limits;

    Calls(SecretKeySpec key, Runnable onPush, HttpEndpoint.Limits limits) {
      this.key = key;
      this.onPush = onPush;
      this.limits = limits;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      if (!PATH.equals(Request.getPathInContext(request))) {
        return false;
      }
      if (!"POST".equals(request.getMethod())) {
        HttpEndpoint.respond(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, "POST only\n");
        return true;
      }
      String from = Request.getRemoteAddr(request);
      if (request.getLength() > limits.maxBody()) {
        refuse(from, "body larger than " + limits.maxBody() + " bytes");
        HttpEndpoint.respond(
            response, callback, HttpStatus.PAYLOAD_TOO_LARGE_413, "body too large\n");
        return true;
      }
      String given = request.getHeaders().get(SIGNATURE_HEADER);
      // Blocking: the push callback and the response may wait, so Jetty runs it on a thread of its
      // pool rather than on the one reading the network.
      Content.Source.asByteArrayAsync(
          request,
          limits.maxBody(),
          Promise.Invocable.from(
              InvocationType.BLOCKING,
              (byte[] body, Throwable failure) -> {
                if (failure != null) {
                  // Too large when sent without a length, or not sent within the idle timeout.
                  refuse(
                      from,
                      "body not received within "
                          + limits.idleTimeout().toSeconds()
                          + " s or larger than "
                          + limits.maxBody()
                          + " bytes");
                  Response.writeError(request, response, callback, HttpStatus.BAD_REQUEST_400);
                  return;
                }
                if (given == null || !validSignature(given, body)) {
                  refuse(
                      from, given == null ? "no " + SIGNATURE_HEADER + " header" : "bad signature");
                  HttpEndpoint.respond(
                      response, callback, HttpStatus.UNAUTHORIZED_401, "bad signature\n");
                  return;
                }
                onPush.run();
                HttpEndpoint.respond(response, callback, HttpStatus.ACCEPTED_202, "fetching\n");
              }));
      return true;
    }

    private boolean validSignature(String given, byte[] body) {
      if (!given.startsWith("sha256=")) {
        return false;
      }
      byte[] actual;
      try {
        actual = HexFormat.of().parseHex(given.substring("sha256=".length()).trim());
      } catch (IllegalArgumentException e) {
        return false;
      }
      return MessageDigest.isEqual(hmac(key, body), actual);
    }
  }

  private static void refuse(String from, String why) {
    log.warn("refused a webhook call from {}: {}", from, why);
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

  /** Stops listening; a call being handled finishes first, for a moment at most. */
  @Override
  public void close() {
    endpoint.close();
  }
}
