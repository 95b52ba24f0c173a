package io.gitconf.client;

import static io.gitconf.client.TradingDesk.ADA;
import static org.assertj.core.api.Assertions.assertThat;

import io.gitconf.core.Json;
import io.gitconf.mirror.InstanceReport;
import io.gitconf.mirror.ReleaseState;
import io.gitconf.serve.Relay;
import io.gitconf.sync.Database;
import io.gitconf.sync.Syncer;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every test of {@link ReleaseFleetTest} again, with the fleet of 20 reading through a real relay
 * ({@code gitconf serve}) over the same mirror: the relay serves the release state and the
 * candidate, answers the clients' long polls when the release state changes, and carries their
 * reports to the mirror (the clients hold no database connection). Then what is the relay's own:
 * its watch naming a release state, and reports written in batches.
 */
class RelayReleaseFleetTest extends ReleaseFleetTest {
  private Relay relay;

  /** The relay over the mirror, started at the first use (once the test's policy is mirrored). */
  Relay relay() {
    if (relay == null) {
      Database db = Database.connect(desk.testDb.jdbcUrl(), Optional.empty());
      toClose.add(0, db);
      relay =
          Relay.start(
              db.dataSource(), db::openDedicated, db::connectionsInUse, Relay.Options.loopback(0));
      toClose.add(0, relay);
    }
    return relay;
  }

  @Override
  ConfigManager.Builder source(ConfigManager.Builder builder) {
    return builder.server(relay().url(), "");
  }

  @Test
  void aWatchNamingTheReleaseStateReturnsWhenItIsPromotedAndWhenItIsAborted() throws Exception {
    Syncer syncer = withPolicy("");
    desk.edit(RISK, "maxOpenPositions: 5", "maxOpenPositions: 4")
        .commit(ADA, "One fewer open position");
    syncer.syncOnce();
    ReleaseState state = release();
    HttpResponse<String> rolling = get("/v1/environments/prod/release");
    String tag = rolling.headers().firstValue("ETag").orElseThrow();
    assertThat(rolling.body())
        .startsWith(
            "{\"environment\":\"prod\",\"release\":{\"percent\":25,"
                + "\"phase\":\"rolling\",\"salt\":\""
                + state.salt()
                + "\",\"step\":0,\"version\":"
                + state.version()
                + "},\"tag\":");
    assertThat(get("/v1/environments/prod/versions/" + state.version()).body())
        .contains("\"risk.parameters.maxOpenPositions\":4");

    assertThat(Json.parse("health", get("/health").body()).get("releases").toString())
        .isEqualTo(
            "{\"prod\":{\"percent\":25,\"phase\":\"rolling\",\"version\":"
                + state.version()
                + "}}");

    CompletableFuture<HttpResponse<String>> watch = watch(1, tag);
    syncer.releases().promote("prod", Optional.of(60), "Bo Risk", "looks fine");

    HttpResponse<String> promoted = watch.get(30, TimeUnit.SECONDS);
    assertThat(promoted.statusCode()).isEqualTo(200);
    assertThat(promoted.body()).contains("\"version\":1,");
    String next = promoted.headers().firstValue("Gitconf-Release").orElseThrow();
    assertThat(next).isNotEqualTo(tag);
    assertThat(get("/v1/environments/prod/release").body()).contains("\"percent\":60");

    CompletableFuture<HttpResponse<String>> again = watch(1, next);
    syncer.releases().abort("prod", "Bo Risk", "wrong limit");
    HttpResponse<String> aborted = again.get(30, TimeUnit.SECONDS);
    assertThat(aborted.statusCode()).isEqualTo(200);
    assertThat(get("/v1/environments/prod/release").body())
        .startsWith("{\"environment\":\"prod\",\"release\":null,");
  }

  private CompletableFuture<HttpResponse<String>> watch(int version, String tag) {
    return HttpClient.newHttpClient()
        .sendAsync(
            HttpRequest.newBuilder(
                    URI.create(
                        relay().url()
                            + "/v1/environments/prod/watch?version="
                            + version
                            + "&timeout=60s&release="
                            + URLEncoder.encode(tag, StandardCharsets.UTF_8)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(relay().url() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void reportsReachTheMirrorInBatchesNotOneStatementEach() throws Exception {
    withPolicy("");
    startFleet();
    awaitTrue(
        () ->
            releases().reports("prod").size() == 20
                && releases().reports("prod").stream().allMatch(r -> r.version() == 1));
    double received = metric("gitconf_relay_reports_received_total");
    double written = metric("gitconf_relay_reports_written_total");
    double batches = metric("gitconf_relay_report_batches_total");

    // A fleet reports once when something changes (then only as its heartbeat): every instance
    // sends its reports at the same moment, 20 each, as after a burst of releases.
    List<String> instances =
        releases().reports("prod").stream().map(InstanceReport::instanceId).toList();
    HttpClient http = HttpClient.newHttpClient();
    List<CompletableFuture<Void>> senders = new ArrayList<>();
    for (String instance : instances) {
      senders.add(
          CompletableFuture.runAsync(
              () -> {
                for (int i = 0; i < 20; i++) {
                  postReport(http, instance);
                }
              }));
    }
    CompletableFuture.allOf(senders.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    awaitTrue(() -> metric("gitconf_relay_reports_received_total") >= received + 400);
    awaitTrue(() -> metric("gitconf_relay_reports_written_total") > written);

    double reports = metric("gitconf_relay_reports_received_total") - received;
    double statements = metric("gitconf_relay_report_batches_total") - batches;
    // 400 reports in a burst, written at most 4 times a second, one row per instance in each.
    assertThat(statements).isPositive();
    assertThat(reports / statements).isGreaterThan(10);
    assertThat(metric("gitconf_relay_reports_written_total") - written).isLessThan(reports);
    assertThat(relay().reportBatches()).isGreaterThanOrEqualTo((long) statements);
    assertThat(releases().reports("prod")).hasSize(20);
  }

  private void postReport(HttpClient http, String instance) {
    try {
      HttpResponse<String> accepted =
          http.send(
              HttpRequest.newBuilder(URI.create(relay().url() + "/v1/environments/prod/reports"))
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"reports\":[{\"instanceId\":"
                              + Json.MAPPER.writeValueAsString(instance)
                              + ",\"version\":1,\"state\":\"applied\"}]}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private double metric(String name) {
    try {
      HttpResponse<String> scrape =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(relay().url() + "/metrics")).build(),
                  HttpResponse.BodyHandlers.ofString());
      Matcher m =
          Pattern.compile("(?m)^" + name + "(?:\\{[^}]*\\})? ([0-9.eE+-]+)$")
              .matcher(scrape.body());
      assertThat(m.find()).as(name + " in " + scrape.body()).isTrue();
      return Double.parseDouble(m.group(1));
    } catch (IOException | InterruptedException e) {
      throw new AssertionError(e);
    }
  }
}
