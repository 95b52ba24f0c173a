package io.gitconf.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gitconf.core.ConfigSnapshot;
import io.gitconf.core.GitconfException;
import io.gitconf.core.Json;
import io.gitconf.mirror.InstanceReport;
import io.gitconf.mirror.MirrorReader;
import io.gitconf.mirror.ReleaseState;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mirror as one or more relays ({@code gitconf serve}) serve it, over HTTP: loads the active
 * version of an environment, checks its items against the version's checksum with the mirror's own
 * check, and validates it as the mirror source does ({@link MirrorVersions}). One thread of its own
 * holds a long poll ({@code watch}) on the relay; when it returns a new version, that document is
 * what the next load applies, so an activation costs one response per client. When a relay cannot
 * be reached the next URL is tried, after an exponential backoff with jitter (a fleet whose relay
 * restarts does not come back in the same millisecond). The token is sent as a bearer token and
 * appears in no message.
 *
 * <p>It takes part in releases as the mirror source does: each load also reads the environment's
 * release state from the relay ({@code release}: base, candidate, step percent, salt), serves the
 * candidate when this instance is in the step's cohort ({@link Cohort}, the same formula), refuses
 * a candidate that fails validation or binding here, and reports through the same {@link
 * ReleaseReporter}, whose reports it posts to the relay ({@code reports}). Its long poll names the
 * release state it holds, so the relay answers it when a step advances, rolls back, is promoted or
 * aborted, not only on an activation.
 *
 * <p>Thread-safe.
 */
final class ServerSource implements ConfigSource {
  private static final Logger LOG = LoggerFactory.getLogger(ServerSource.class);

  /** How long the relay is asked to hold a watch. */
  static final Duration WATCH = Duration.ofSeconds(60);

  /** How much longer than the watch a response may take before the relay counts as gone. */
  private static final Duration GRACE = Duration.ofSeconds(15);

  private static final Duration CONNECT = Duration.ofSeconds(5);

  /** The header of a long poll's answer that tags the release state (docs/serve.md). */
  static final String RELEASE_HEADER = "Gitconf-Release";

  /** One version as a relay sends it. */
  record Document(
      String environment, int version, String commit, String checksum, JsonNode items) {}

  /** A release in progress as a relay sends it; {@code serving} is false while it is held. */
  record Release(int version, boolean serving, String salt, int percent) {}

  private final List<URI> relays;
  private final String token;
  private final String environment;
  private final Backoff backoff;
  private final ThreadFactory threads;
  private final HttpClient http;
  private final AtomicInteger preferred = new AtomicInteger();
  private final AtomicReference<Document> received = new AtomicReference<>();
  private final AtomicReference<Document> candidate = new AtomicReference<>();
  private final Set<Integer> refused = ConcurrentHashMap.newKeySet();
  private final ReleaseReporter reporter;
  private volatile int seen;

  /** The tag of the release state to hold: the last one read, or the one a watch announced. */
  private volatile String releaseTag;

  /** The release state last read, under its tag. */
  private volatile Known known;

  /** A release state read from a relay, under its tag. */
  private record Known(String tag, Optional<Release> release) {}

  private volatile boolean closed;
  private Thread watcher;

  ServerSource(
      List<String> urls,
      String token,
      String environment,
      Backoff backoff,
      ThreadFactory threads,
      InstanceIdentity identity,
      Duration reportInterval) {
    if (urls.isEmpty()) {
      throw new GitconfException.BadRequest("server(...) needs at least one relay URL");
    }
    this.relays = urls.stream().map(ServerSource::base).toList();
    this.token = token;
    this.environment = environment;
    this.backoff = backoff;
    this.threads = threads;
    this.http = HttpClient.newBuilder().connectTimeout(CONNECT).build();
    this.reporter = new ReleaseReporter(environment, identity, this::send, reportInterval);
  }

  private static URI base(String url) {
    URI uri;
    try {
      uri = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
    } catch (IllegalArgumentException e) {
      throw new GitconfException.BadRequest("not a relay URL: " + url);
    }
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
      throw new GitconfException.BadRequest("a relay URL starts with http:// or https://: " + url);
    }
    if (uri.getUserInfo() != null) {
      throw new GitconfException.BadRequest(
          "a relay URL carries no credentials; give the token to server(url, token)");
    }
    return uri;
  }

  /**
   * {@inheritDoc}
   *
   * @throws GitconfException.Integrity when the items do not reproduce the version's checksum
   */
  @Override
  public Loaded load(String environment) {
    Document document = received.getAndSet(null);
    boolean watched = document != null && document.environment().equals(environment);
    if (!watched) {
      document = fetchActive(environment);
    }
    seen = document.version();
    // A watch answered for an activation alone leaves the release state as it was: not read again.
    Known held = known;
    Optional<Release> release =
        watched && held != null && held.tag().equals(releaseTag)
            ? held.release()
            : fetchRelease(environment);
    Optional<Integer> version =
        release.flatMap(
            r ->
                Cohort.candidate(
                    environment,
                    r.version(),
                    r.serving(),
                    r.salt(),
                    r.percent(),
                    reporter.identity().id(),
                    refused));
    if (version.isPresent()) {
      try {
        Loaded loaded = loaded(fetchVersion(environment, version.get()));
        ClientSnapshot.of(loaded.snapshot(), loaded.version(), loaded.commit());
        return loaded;
      } catch (GitconfException.ValidationFailed | GitconfException.Integrity e) {
        refused.add(version.get());
        String reason = MirrorVersions.refusal(e);
        LOG.warn(
            "{}: candidate version {} of {} refused, serving the active version: {}",
            describe(),
            version.get(),
            environment,
            reason);
        reporter.failed(version.get(), reason);
      }
    }
    return loaded(document);
  }

  /** One version document, checked against its checksum and validated. */
  private Loaded loaded(Document document) {
    String origin = "relay " + relays.get(preferred.get());
    SortedMap<String, String> items = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = document.items().properties().iterator();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> item = it.next();
      items.put(item.getKey(), Json.canonical(item.getValue()));
    }
    ConfigSnapshot snapshot =
        MirrorReader.checkedSnapshot(
            origin,
            document.environment(),
            document.version(),
            Optional.of(document.checksum()),
            items);
    return MirrorVersions.loaded(origin, snapshot, document.version(), document.commit());
  }

  /**
   * The release in progress, as the relay that last answered tells it; empty without one (or from a
   * relay that does not tell releases).
   */
  private Optional<Release> fetchRelease(String environment) {
    URI relay = relays.get(preferred.get());
    HttpResponse<String> response =
        send(relay, "/v1/environments/" + encode(environment) + "/release", Duration.ofSeconds(30));
    if (response.statusCode() == 404) {
      return Optional.empty();
    }
    if (response.statusCode() != 200) {
      throw refused(relay, response);
    }
    JsonNode json = Json.parse("relay " + relay, response.body());
    Optional<Release> release = release(relay, json.path("release"));
    if (json.path("tag").isTextual()) {
      releaseTag = json.path("tag").asText();
      known = new Known(releaseTag, release);
    }
    return release;
  }

  private static Optional<Release> release(URI relay, JsonNode release) {
    if (!release.isObject()) {
      return Optional.empty();
    }
    if (!release.path("version").canConvertToInt()
        || !release.path("salt").isTextual()
        || !release.path("percent").canConvertToInt()
        || !release.path("phase").isTextual()) {
      throw new GitconfException.Integrity(
          "relay " + relay + ": not a release (version, phase, percent, salt)");
    }
    return Optional.of(
        new Release(
            release.path("version").asInt(),
            !ReleaseState.Phase.HELD.sql().equals(release.path("phase").asText()),
            release.path("salt").asText(),
            release.path("percent").asInt()));
  }

  /** A candidate's document, read once per version. */
  private Document fetchVersion(String environment, int version) {
    Document held = candidate.get();
    if (held != null && held.environment().equals(environment) && held.version() == version) {
      return held;
    }
    URI relay = relays.get(preferred.get());
    HttpResponse<String> response =
        send(
            relay,
            "/v1/environments/" + encode(environment) + "/versions/" + version,
            Duration.ofSeconds(30));
    if (response.statusCode() != 200) {
      throw refused(relay, response);
    }
    Document document = document(relay, response.body());
    candidate.set(document);
    return document;
  }

  /** Posts this instance's reports to the relay that last answered (the reporter's sink). */
  private void send(List<InstanceReport> reports) {
    URI relay = relays.get(preferred.get());
    ObjectNode body = Json.MAPPER.createObjectNode();
    ArrayNode list = body.putArray("reports");
    for (InstanceReport report : reports) {
      ObjectNode node = list.addObject();
      node.put("instanceId", report.instanceId());
      node.set("labels", Json.MAPPER.valueToTree(report.labels()));
      node.put("version", report.version());
      node.put("state", report.state().sql());
      report.reason().ifPresent(r -> node.put("reason", r));
      node.put("healthy", report.healthy());
      report.healthReason().ifPresent(r -> node.put("healthReason", r));
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create(relay + "/v1/environments/" + encode(environment) + "/reports"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(Json.canonical(body)));
    HttpResponse<String> response = exchange(relay, request);
    if (response.statusCode() != 202) {
      throw refused(relay, response);
    }
  }

  /** The active version from the first relay that answers, starting with the last that did. */
  private Document fetchActive(String environment) {
    GitconfException last = null;
    int start = preferred.get();
    for (int i = 0; i < relays.size(); i++) {
      int index = (start + i) % relays.size();
      URI relay = relays.get(index);
      try {
        HttpResponse<String> response =
            send(relay, "/v1/environments/" + encode(environment), Duration.ofSeconds(30));
        if (response.statusCode() == 200) {
          preferred.set(index);
          return document(relay, response.body());
        }
        last = refused(relay, response);
      } catch (GitconfException e) {
        last = e;
      }
    }
    throw new GitconfException.Unavailable(
        describe() + ": cannot read environment " + environment + ": " + last.getMessage(), last);
  }

  @Override
  public synchronized void watch(Runnable changed) {
    watcher = threads.newThread(() -> follow(changed));
    watcher.start();
  }

  /** The watch loop: one long poll after another, on the relay that last answered. */
  private void follow(Runnable changed) {
    int failures = 0;
    while (!closed) {
      int index = preferred.get();
      URI relay = relays.get(index);
      try {
        HttpResponse<String> response =
            send(
                relay,
                "/v1/environments/"
                    + encode(environment)
                    + "/watch?version="
                    + seen
                    + "&timeout="
                    + WATCH.toSeconds()
                    + "s"
                    + (releaseTag == null ? "" : "&release=" + encode(releaseTag)),
                WATCH.plus(GRACE));
        response.headers().firstValue(RELEASE_HEADER).ifPresent(tag -> releaseTag = tag);
        if (response.statusCode() == 200) {
          Document document = document(relay, response.body());
          seen = document.version();
          received.set(document);
        } else if (response.statusCode() != 304) {
          throw refused(relay, response);
        }
        if (failures > 0) {
          LOG.info("relay {} answers again; following {}", relay, environment);
          failures = 0;
          // Whatever was activated while no relay answered is loaded now.
          changed.run();
        } else if (response.statusCode() == 200) {
          changed.run();
        }
      } catch (GitconfException e) {
        if (closed) {
          return;
        }
        failures++;
        Duration wait = backoff.delay(failures);
        if (failures == 1) {
          LOG.warn(
              "relay {} unavailable for {} ({}); trying {} in {} ms",
              relay,
              environment,
              e.getMessage(),
              relays.size() > 1 ? "the next relay" : "again",
              wait.toMillis());
        }
        preferred.compareAndSet(index, (index + 1) % relays.size());
        if (!Backoff.sleep(wait)) {
          return;
        }
      }
    }
  }

  private HttpResponse<String> send(URI relay, String path, Duration timeout) {
    return exchange(
        relay,
        HttpRequest.newBuilder(URI.create(relay + path))
            .timeout(timeout)
            .header("Accept", "application/json"));
  }

  private HttpResponse<String> exchange(URI relay, HttpRequest.Builder request) {
    if (!token.isEmpty()) {
      request.header("Authorization", "Bearer " + token);
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new GitconfException.Unavailable(
          "relay "
              + relay
              + ": "
              + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GitconfException.Unavailable("relay " + relay + ": interrupted", e);
    }
  }

  /** A relay's refusal, with the reason it gave. */
  private static GitconfException refused(URI relay, HttpResponse<String> response) {
    String reason;
    try {
      reason = Json.parse("relay", response.body()).path("error").asText("(no reason given)");
    } catch (GitconfException e) {
      reason = "(no reason given)";
    }
    return new GitconfException.Unavailable(
        "relay " + relay + " answered " + response.statusCode() + ": " + reason);
  }

  private Document document(URI relay, String body) {
    JsonNode json = Json.parse("relay " + relay, body);
    JsonNode version = json.path("version");
    if (!json.path("environment").isTextual()
        || !version.canConvertToInt()
        || !json.path("commit").isTextual()
        || !json.path("checksum").isTextual()
        || !json.path("items").isObject()) {
      throw new GitconfException.Integrity(
          "relay "
              + relay
              + ": not a version document (environment, version, commit, checksum,"
              + " items)");
    }
    if (!json.path("environment").asText().equals(environment)) {
      throw new GitconfException.Integrity(
          "relay "
              + relay
              + " sent environment "
              + json.path("environment").asText()
              + " for "
              + environment);
    }
    return new Document(
        json.path("environment").asText(),
        version.asInt(),
        json.path("commit").asText(),
        json.path("checksum").asText(),
        json.path("items"));
  }

  private static String encode(String environment) {
    return URLEncoder.encode(environment, StandardCharsets.UTF_8);
  }

  @Override
  public Optional<ReleaseReporter> reporter() {
    return Optional.of(reporter);
  }

  @Override
  public boolean needsPolling() {
    return false;
  }

  @Override
  public String describe() {
    return "relay " + relays.get(preferred.get());
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (watcher != null) {
      watcher.interrupt();
    }
  }
}
