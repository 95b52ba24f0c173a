package io.gitconf.serve;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gitconf.core.GitconfException;
import io.gitconf.core.Json;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's endpoints (see {@code docs/serve.md}): {@code /v1/environments/{env}} and its {@code
 * versions/{n}}, {@code release}, {@code watch} and {@code events}, and {@code POST reports},
 * behind bearer tokens; {@code /health} and {@code /metrics}, open. Every refusal is a JSON error
 * with its reason.
 *
 * <p>Thread-safe.
 */
final class RelayHandler extends Handler.Abstract {
  private static final Logger LOG = LoggerFactory.getLogger(RelayHandler.class);
  private static final Pattern ROUTE =
      Pattern.compile(
          "/v1/environments/([^/]+)(?:/(versions/([^/]*)|watch|events|release|reports))?/?");
  private static final Pattern VERSION = Pattern.compile("[1-9][0-9]{0,8}");
  private static final Pattern WATCHED = Pattern.compile("0|[1-9][0-9]{0,8}");

  /** How long a long poll is held when the client does not say. */
  static final Duration DEFAULT_WATCH = Duration.ofSeconds(60);

  /** The longest a client may ask a long poll to be held. */
  static final Duration MAX_WATCH = Duration.ofMinutes(5);

  private final MirrorFeed feed;
  private final Watchers watchers;
  private final TokenGate gate;
  private final RelayMetrics metrics;
  private final ReportBatcher reports;

  RelayHandler(RelayParts parts) {
    this.feed = parts.feed();
    this.watchers = parts.watchers();
    this.gate = parts.gate();
    this.metrics = parts.metrics();
    this.reports = parts.reports();
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String path = Request.getPathInContext(request);
    boolean post = HttpMethod.POST.is(request.getMethod()) && path.endsWith("/reports");
    if (!HttpMethod.GET.is(request.getMethod()) && !post) {
      Replies.error(
          response,
          callback,
          HttpStatus.METHOD_NOT_ALLOWED_405,
          "the relay only reads, and takes instance reports: "
              + request.getMethod()
              + " is not allowed");
      return true;
    }
    switch (path) {
      case "/health" -> health(response, callback);
      case "/metrics" -> {
        response.setStatus(HttpStatus.OK_200);
        response
            .getHeaders()
            .put(HttpHeader.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
        Content.Sink.write(response, true, metrics.scrape(), callback);
      }
      default -> route(path, request, response, callback);
    }
    return true;
  }

  private void route(String path, Request request, Response response, Callback callback) {
    Matcher route = ROUTE.matcher(path);
    if (!route.matches()) {
      Replies.error(response, callback, HttpStatus.NOT_FOUND_404, "no such endpoint: " + path);
      return;
    }
    String environment = route.group(1);
    TokenGate.Verdict verdict =
        gate.check(request.getHeaders().get(HttpHeader.AUTHORIZATION), environment);
    if (verdict instanceof TokenGate.Verdict.Unknown unknown) {
      metrics.refused();
      LOG.warn(
          "relay: 401 for {} from {}: {}", path, Request.getRemoteAddr(request), unknown.reason());
      Replies.error(response, callback, HttpStatus.UNAUTHORIZED_401, unknown.reason());
      return;
    }
    if (!feed.knows(environment)) {
      Replies.error(response, callback, HttpStatus.NOT_FOUND_404, "no environment " + environment);
      return;
    }
    if (verdict instanceof TokenGate.Verdict.Forbidden forbidden) {
      metrics.refused();
      LOG.warn(
          "relay: 403 for {} from {}: token {} may not read {}",
          path,
          Request.getRemoteAddr(request),
          forbidden.name(),
          environment);
      Replies.error(
          response,
          callback,
          HttpStatus.FORBIDDEN_403,
          "token " + forbidden.name() + " may not read environment " + environment);
      return;
    }
    String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    String what = route.group(2);
    boolean post = HttpMethod.POST.is(request.getMethod());
    if ("reports".equals(what) != post) {
      Replies.error(
          response,
          callback,
          HttpStatus.METHOD_NOT_ALLOWED_405,
          post
              ? "only reports are posted to the relay"
              : "instance reports are sent with POST, not " + request.getMethod());
      return;
    }
    if (post) {
      ReportRequests.accept(environment, request, response, callback, reports);
    } else if (what == null) {
      active(environment, request, response, callback);
    } else if (what.startsWith("versions/")) {
      version(environment, route.group(3), response, callback);
    } else if (what.equals("release")) {
      release(environment, request, response, callback);
    } else if (what.equals("watch")) {
      watch(environment, authorization, request, response, callback);
    } else {
      watchers.stream(
          environment, authorization, feed.active(environment), request, response, callback);
    }
  }

  private void active(String environment, Request request, Response response, Callback callback) {
    Published version = feed.active(environment);
    String etag = version == null ? null : version.etag();
    if (!answeredWithoutBody(environment, etag, request, response, callback)) {
      Replies.version(response, callback, version);
    }
  }

  private void release(String environment, Request request, Response response, Callback callback) {
    ReleaseView view = feed.release(environment);
    String etag = view == null ? null : view.tag();
    if (!answeredWithoutBody(environment, etag, request, response, callback)) {
      Replies.release(response, callback, view);
    }
  }

  /**
   * The conditional reads' rule: 404 while the environment has no active version ({@code etag} is
   * null then), 304 when the client's {@code If-None-Match} names {@code etag}. False when neither
   * applies, and the caller sends the body.
   */
  private static boolean answeredWithoutBody(
      String environment, String etag, Request request, Response response, Callback callback) {
    if (etag == null) {
      Replies.error(
          response,
          callback,
          HttpStatus.NOT_FOUND_404,
          "environment " + environment + " has no active version yet");
      return true;
    }
    if (matches(request.getHeaders().get(HttpHeader.IF_NONE_MATCH), etag)) {
      Replies.notModified(response, callback, etag);
      return true;
    }
    return false;
  }

  private void version(String environment, String number, Response response, Callback callback) {
    if (!VERSION.matcher(number).matches()) {
      Replies.error(
          response,
          callback,
          HttpStatus.BAD_REQUEST_400,
          "a version is a positive integer, not '" + number + "'");
      return;
    }
    Optional<Published> version;
    try {
      version = feed.version(environment, Integer.parseInt(number));
    } catch (GitconfException e) {
      Replies.error(
          response,
          callback,
          HttpStatus.SERVICE_UNAVAILABLE_503,
          "cannot read the mirror: " + e.getMessage());
      return;
    }
    if (version.isEmpty()) {
      Replies.error(
          response,
          callback,
          HttpStatus.NOT_FOUND_404,
          "no version " + number + " of environment " + environment + " with values");
      return;
    }
    Replies.version(response, callback, version.get());
  }

  private void watch(
      String environment,
      String authorization,
      Request request,
      Response response,
      Callback callback) {
    Fields query = Request.extractQueryParameters(request);
    String known = query.getValue("version");
    if (known == null || !WATCHED.matcher(known).matches()) {
      Replies.error(
          response,
          callback,
          HttpStatus.BAD_REQUEST_400,
          "watch needs version=N, the version the client holds (0 for none), not '" + known + "'");
      return;
    }
    Duration timeout;
    try {
      timeout = timeout(query.getValue("timeout"));
    } catch (IllegalArgumentException e) {
      Replies.error(response, callback, HttpStatus.BAD_REQUEST_400, e.getMessage());
      return;
    }
    String release = query.getValue("release");
    if (release != null && (release.isEmpty() || release.length() > 64)) {
      Replies.error(
          response,
          callback,
          HttpStatus.BAD_REQUEST_400,
          "release= names the release state the client holds (its tag), not '" + release + "'");
      return;
    }
    watchers.poll(
        environment,
        Integer.parseInt(known),
        release,
        timeout,
        authorization,
        feed::active,
        feed::release,
        request,
        response,
        callback);
  }

  /** A long poll's timeout: {@code 60s}, {@code 1500ms}, {@code 2m} or plain seconds. */
  static Duration timeout(String text) {
    if (text == null) {
      return DEFAULT_WATCH;
    }
    Matcher m = Pattern.compile("([0-9]{1,7})(ms|s|m)?").matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "timeout is a duration such as 60s, 1500ms or 2m, not '" + text + "'");
    }
    long amount = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    Duration timeout =
        switch (unit) {
          case "ms" -> Duration.ofMillis(amount);
          case "m" -> Duration.ofMinutes(amount);
          default -> Duration.ofSeconds(amount);
        };
    if (timeout.isZero() || timeout.compareTo(MAX_WATCH) > 0) {
      throw new IllegalArgumentException(
          "timeout must be more than 0 and at most " + MAX_WATCH.toSeconds() + "s: " + text);
    }
    return timeout;
  }

  /** True when an {@code If-None-Match} value names {@code etag} (or is {@code *}). */
  static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String candidate : ifNoneMatch.split(",")) {
      String tag = candidate.strip();
      if (tag.equals("*") || tag.equals(etag)) {
        return true;
      }
    }
    return false;
  }

  private void health(Response response, Callback callback) {
    MirrorFeed.State state = feed.state();
    boolean up = state.databaseProblem().isEmpty();
    ObjectNode health = Json.MAPPER.createObjectNode();
    health.put("status", up ? "UP" : "DOWN");
    health.put("notifications", state.listening() ? "listening" : "polling");
    health.put(
        "database", state.databaseProblem().map(p -> "unreachable: " + p).orElse("reachable"));
    health.put("lagSeconds", state.staleNanos() / 1_000_000_000.0);
    health.put("watchers", watchers.size());
    ObjectNode versions = health.putObject("environments");
    for (String environment : feed.environmentNames()) {
      Published version = feed.active(environment);
      if (version != null) {
        versions.put(environment, version.version());
      }
    }
    ObjectNode releases = health.putObject("releases");
    for (String environment : feed.environmentNames()) {
      ReleaseView view = feed.release(environment);
      if (view != null && view.state().isPresent()) {
        releases
            .putObject(environment)
            .put("version", view.state().get().version())
            .put("phase", view.state().get().phase().sql())
            .put("percent", view.state().get().serving() ? view.state().get().percent() : 0);
      }
    }
    String body = Json.pretty(health) + "\n";
    response.setStatus(up ? HttpStatus.OK_200 : HttpStatus.SERVICE_UNAVAILABLE_503);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, Replies.JSON);
    Content.Sink.write(response, true, body, callback);
  }
}
