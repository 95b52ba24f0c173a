package io.gitconf.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gitconf.client.TradingDesk;
import io.gitconf.core.ConfigPath;
import io.gitconf.core.Json;
import io.gitconf.core.crypto.EncryptionKeys;
import io.gitconf.core.crypto.Secret;
import io.gitconf.core.crypto.SecretCipher;
import io.gitconf.mirror.MirrorReader;
import io.gitconf.mirror.VersionRecord;
import io.gitconf.testing.Awaits;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay's protocol over a real mirror and real HTTP: documents, entity tags, errors, watches.
 */
class RelayTest {
  static final String DEMO_KEY = "Z2l0Y29uZi1kZW1vLWtleS1OT1QtRk9SLVBST0QhISE=";

  @TempDir Path dir;
  RelayFixture fixture;
  Relay relay;
  String prod;

  @BeforeEach
  void start() {
    fixture = new RelayFixture(dir);
    relay = fixture.relay(Relay.Options.loopback(0));
    prod = relay.url() + "/v1/environments/prod";
  }

  @AfterEach
  void stop() throws Exception {
    fixture.close();
  }

  @Test
  void servesTheActiveVersionAsStoredWithAStrongEntityTag() {
    HttpResponse<String> response = fixture.get(prod);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    JsonNode body = Json.parse("response", response.body());
    VersionRecord active =
        MirrorReader.of(fixture.desk.database.dataSource()).activeVersion("prod").orElseThrow();
    assertThat(body.get("environment").asText()).isEqualTo("prod");
    assertThat(body.get("version").asInt()).isEqualTo(1);
    assertThat(body.get("commit").asText()).isEqualTo(active.commitId());
    assertThat(body.get("checksum").asText()).isEqualTo(active.checksum().orElseThrow());
    assertThat(body.at("/items/risk.parameters.maxOpenPositions").asLong()).isEqualTo(5);
    assertThat(response.headers().firstValue("etag"))
        .hasValue("\"v1-" + active.checksum().orElseThrow() + "\"");
  }

  @Test
  void anEntityTagThatStillMatchesGets304AndAStaleOneTheNewVersion() {
    String etag = fixture.get(prod).headers().firstValue("etag").orElseThrow();

    HttpResponse<String> same = fixture.get(prod, "If-None-Match", etag);
    assertThat(same.statusCode()).isEqualTo(304);
    assertThat(same.body()).isEmpty();

    fixture.changeProd(5, 4);
    awaitVersion(2);
    HttpResponse<String> changed = fixture.get(prod, "If-None-Match", etag);
    assertThat(changed.statusCode()).isEqualTo(200);
    assertThat(Json.parse("response", changed.body()).get("version").asInt()).isEqualTo(2);
    assertThat(changed.headers().firstValue("etag")).isNotEqualTo(Optional.of(etag));
  }

  @Test
  void aGivenVersionIsServedAndBadRequestsGetTheirReason() {
    fixture.changeProd(5, 4);
    awaitVersion(2);

    HttpResponse<String> first = fixture.get(prod + "/versions/1");
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(
            Json.parse("v1", first.body()).at("/items/risk.parameters.maxOpenPositions").asLong())
        .isEqualTo(5);

    assertError(
        fixture.get(prod + "/versions/x1"), 400, "a version is a positive integer, not 'x1'");
    assertError(fixture.get(prod + "/versions/0"), 400, "a version is a positive integer, not '0'");
    assertError(
        fixture.get(prod + "/versions/99"), 404, "no version 99 of environment prod with values");
    assertError(
        fixture.get(relay.url() + "/v1/environments/nowhere"), 404, "no environment nowhere");
    assertError(
        fixture.get(prod + "/watch"),
        400,
        "watch needs version=N, the version the client holds (0 for none), not 'null'");
    assertError(
        fixture.get(prod + "/watch?version=1&timeout=forever"),
        400,
        "timeout is a duration such as 60s, 1500ms or 2m, not 'forever'");
    assertError(fixture.get(relay.url() + "/v2/things"), 404, "no such endpoint: /v2/things");
  }

  @Test
  void aLongPollReturnsAsSoonAsTheActiveVersionDiffers() throws Exception {
    CompletableFuture<HttpResponse<String>> waiting =
        fixture.getAsync(prod + "/watch?version=1&timeout=120s");
    awaitWatchers(1);
    assertThat(waiting).isNotDone();

    fixture.changeProd(5, 4);

    HttpResponse<String> response = waiting.get(60, TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = Json.parse("watch", response.body());
    assertThat(body.get("version").asInt()).isEqualTo(2);
    assertThat(body.at("/items/risk.parameters.maxOpenPositions").asLong()).isEqualTo(4);
  }

  @Test
  void aLongPollOnAnOlderVersionReturnsAtOnceAndOnTheCurrentOneTimesOutWith304() {
    assertThat(fixture.get(prod + "/watch?version=0").statusCode()).isEqualTo(200);

    HttpResponse<String> timedOut = fixture.get(prod + "/watch?version=1&timeout=300ms");
    assertThat(timedOut.statusCode()).isEqualTo(304);
    assertThat(relayWatchers()).isZero();
  }

  @Test
  void theEventStreamTellsTheActiveVersionThenEachActivation() throws Exception {
    CompletableFuture<HttpResponse<Stream<String>>> stream =
        fixture.http.sendAsync(
            RelayFixture.request(prod + "/events"), HttpResponse.BodyHandlers.ofLines());
    Iterator<String> lines = stream.get(30, TimeUnit.SECONDS).body().iterator();
    assertThat(stream.get().headers().firstValue("content-type"))
        .hasValue("text/event-stream; charset=utf-8");
    assertThat(lines.next()).isEqualTo("id: 1");
    assertThat(lines.next()).isEqualTo("event: activated");
    assertThat(lines.next()).startsWith("data: {\"checksum\":").contains("\"version\":1");
    assertThat(lines.next()).isEmpty();

    fixture.changeProd(5, 4);

    assertThat(lines.next()).isEqualTo("id: 2");
    assertThat(lines.next()).isEqualTo("event: activated");
    JsonNode data = Json.parse("event", lines.next().substring("data: ".length()));
    assertThat(data.get("version").asInt()).isEqualTo(2);
    assertThat(data.get("environment").asText()).isEqualTo("prod");
    assertThat(data.has("items")).isFalse();
  }

  @Test
  void healthAndMetricsSayWhatTheRelayHolds() {
    HttpResponse<String> health = fixture.get(relay.url() + "/health");
    assertThat(health.statusCode()).isEqualTo(200);
    JsonNode body = Json.parse("health", health.body());
    assertThat(body.get("status").asText()).isEqualTo("UP");
    assertThat(body.get("database").asText()).isEqualTo("reachable");
    assertThat(body.at("/environments/prod").asInt()).isEqualTo(1);

    String metrics = fixture.get(relay.url() + "/metrics").body();
    assertThat(metrics)
        .contains("gitconf_relay_watchers{kind=\"long-poll\"}")
        .contains("gitconf_relay_activations_fanned_out_total")
        .contains("gitconf_relay_fanout_seconds_bucket")
        .contains("gitconf_relay_db_connections_in_use")
        .contains("gitconf_relay_lag_seconds");
  }

  @Test
  void secretsTravelAsTheirCiphertextAndNeverAsPlaintext() throws Exception {
    EncryptionKeys keys = EncryptionKeys.from(Map.of("GITCONF_MASTER_KEY", DEMO_KEY));
    String plaintext = "s3cr3t-PLAINTEXT-7f";
    String ciphertext =
        SecretCipher.of(keys)
            .encrypt("prod", ConfigPath.parse("trader.apiKey"), Secret.of(plaintext));
    CompletableFuture<HttpResponse<String>> waiting =
        fixture.getAsync(prod + "/watch?version=1&timeout=120s");
    String trader = fixture.desk.read("environments/prod/trader.yaml");
    fixture
        .desk
        .write(
            "environments/prod/trader.yaml",
            trader.replaceAll("ENC\\[[^\\]]*\\]", Matcher.quoteReplacement(ciphertext)))
        .commit(TradingDesk.ADA, "Rotate the Jupiter API key");
    fixture.desk.syncOnce();

    List<String> bodies =
        List.of(
            waiting.get(60, TimeUnit.SECONDS).body(),
            fixture.get(prod).body(),
            fixture.get(prod + "/versions/2").body(),
            fixture.get(relay.url() + "/health").body(),
            fixture.get(relay.url() + "/metrics").body());
    assertThat(Json.parse("watch", bodies.get(0)).at("/items/trader.apiKey").asText())
        .isEqualTo(ciphertext);
    assertThat(bodies).noneMatch(body -> body.contains(plaintext));
  }

  static void assertError(HttpResponse<String> response, int status, String reason) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    JsonNode body = Json.parse("error", response.body());
    assertThat(body.get("error").asText()).isEqualTo(reason);
    assertThat(body.get("status").asInt()).isEqualTo(status);
  }

  private void awaitVersion(int version) {
    Awaits.until(
        () ->
            Json.parse("health", fixture.get(relay.url() + "/health").body())
                    .at("/environments/prod")
                    .asInt()
                == version);
  }

  private void awaitWatchers(int count) {
    Awaits.until(() -> relayWatchers() == count);
  }

  private int relayWatchers() {
    return Json.parse("health", fixture.get(relay.url() + "/health").body())
        .get("watchers")
        .asInt();
  }
}
