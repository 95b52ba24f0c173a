package io.gitconf.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.gitconf.mirror.InstanceReport;
import io.gitconf.mirror.ReleaseReader;
import io.gitconf.testing.RawHttp;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay's release endpoints over a real mirror: {@code GET release} and {@code POST reports}
 * (scoped tokens, limits, malformed bodies refused whole, nothing written that a client did not
 * send).
 */
class RelayReportsTest {
  @TempDir Path dir;
  RelayFixture fixture;
  Relay relay;
  String prodToken;
  String devToken;

  @BeforeEach
  void start() {
    fixture = new RelayFixture(dir);
    Path tokenFile = dir.resolve("relay-tokens.json");
    Tokens.Created prod = Tokens.none().create("trader-fleet", Set.of("prod"), Instant.now());
    Tokens.Created dev = Tokens.none().create("dev-tools", Set.of("dev"), Instant.now());
    Tokens.none().with(prod).with(dev).write(tokenFile);
    prodToken = prod.token();
    devToken = dev.token();
    relay = fixture.relay(Relay.Options.loopback(0).withTokens(tokenFile));
  }

  @AfterEach
  void stop() throws Exception {
    fixture.close();
  }

  private HttpResponse<String> post(String env, String token, String body) {
    try {
      return fixture.http.send(
          HttpRequest.newBuilder(URI.create(relay.url() + "/v1/environments/" + env + "/reports"))
              .timeout(Duration.ofSeconds(30))
              .header("Authorization", "Bearer " + token)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private List<InstanceReport> reports(String env) {
    return ReleaseReader.of(fixture.desk.database.dataSource()).reports(env);
  }

  @Test
  void aReportIsAcceptedAndWrittenAsSent() throws Exception {
    HttpResponse<String> accepted =
        post(
            "prod",
            prodToken,
            "{\"reports\":[{\"instanceId\":\"trader-07\",\"labels\":{\"region\":\"fra\"},"
                + "\"version\":1,\"state\":\"failed\",\"reason\":\"risk.yaml: bad limit\","
                + "\"healthy\":true},{\"instanceId\":\"trader-08\",\"version\":1,"
                + "\"state\":\"restart-required\",\"healthy\":false,"
                + "\"healthReason\":\"order rejects\"}]}");

    assertThat(accepted.statusCode()).isEqualTo(202);
    assertThat(accepted.body()).isEqualTo("{\"accepted\":2}\n");
    for (int i = 0; i < 1500 && reports("prod").size() < 2; i++) {
      Thread.sleep(20);
    }
    InstanceReport failed = reports("prod").get(0);
    assertThat(failed.instanceId()).isEqualTo("trader-07");
    assertThat(failed.labels()).isEqualTo(Map.of("region", "fra"));
    assertThat(failed.state()).isEqualTo(InstanceReport.State.FAILED);
    assertThat(failed.reason()).contains("risk.yaml: bad limit");
    InstanceReport unhealthy = reports("prod").get(1);
    assertThat(unhealthy.state()).isEqualTo(InstanceReport.State.RESTART_REQUIRED);
    assertThat(unhealthy.healthy()).isFalse();
    assertThat(unhealthy.healthReason()).contains("order rejects");
  }

  @Test
  void reportsAreRefusedOutsideTheTokensScopeAndWhenMalformed() {
    String good = "{\"reports\":[{\"instanceId\":\"t1\",\"version\":1,\"state\":\"applied\"}]}";

    assertThat(post("prod", devToken, good).statusCode()).isEqualTo(403);
    assertThat(post("prod", "not-a-token", good).statusCode()).isEqualTo(401);
    HttpResponse<String> badState =
        post(
            "prod",
            prodToken,
            "{\"reports\":["
                + good.substring(12, good.length() - 2)
                + ",{\"instanceId\":\"t2\","
                + "\"version\":1,\"state\":\"fine\"}]}");
    assertThat(badState.statusCode()).isEqualTo(400);
    assertThat(badState.body())
        .contains("reports[1].state: applied, failed or restart-required, not 'fine'");
    assertThat(post("prod", prodToken, "{\"reports\":[{\"version\":1}]}").body())
        .contains("reports[0].instanceId: missing");
    assertThat(
            post(
                    "prod",
                    prodToken,
                    "{\"reports\":[{\"environment\":\"dev\",\"instanceId\":\"t\",\"version\":1,"
                        + "\"state\":\"applied\"}]}")
                .body())
        .contains("reports[0].environment: dev, sent to environment prod");
    assertThat(post("prod", prodToken, "not json").statusCode()).isEqualTo(400);
    HttpResponse<String> tooLarge =
        post("prod", prodToken, "{\"reports\":[],\"pad\":\"" + "x".repeat(70_000) + "\"}");
    assertThat(tooLarge.statusCode()).isEqualTo(413);
    assertThat(tooLarge.body()).contains("at most 65536 in one request");
    assertThat(
            fixture
                .get(
                    relay.url() + "/v1/environments/prod/reports",
                    "Authorization",
                    "Bearer " + prodToken)
                .statusCode())
        .isEqualTo(405);
    // Nothing of a refused request is written, not even its good reports.
    assertThat(reports("prod")).isEmpty();
  }

  @Test
  void everyRefusalOfAPostedBodyClosesItsConnectionAndAnAcceptedOneKeepsIt() throws Exception {
    URI uri = URI.create(relay.url());
    String reports = "/v1/environments/prod/reports";
    Map<String, Integer> refusals =
        Map.of(
            "POST " + reports + " HTTP/1.1\r\nAuthorization: Bearer " + devToken,
            403,
            "POST " + reports + " HTTP/1.1\r\nAuthorization: Bearer not-a-token",
            401,
            "POST /v1/environments/nowhere/reports HTTP/1.1\r\nAuthorization: Bearer " + prodToken,
            404,
            "POST /v1/environments/prod HTTP/1.1\r\nAuthorization: Bearer " + prodToken,
            405,
            "POST /health HTTP/1.1",
            405);
    for (Map.Entry<String, Integer> refusal : refusals.entrySet()) {
      try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
        // The body is announced and never sent: each refusal comes before it is read.
        RawHttp.send(socket, refusal.getKey() + "\r\nHost: relay\r\nContent-Length: 40\r\n\r\n");
        RawHttp.Answer answer = RawHttp.read(socket);
        assertThat(answer.status()).as(refusal.getKey()).isEqualTo(refusal.getValue());
        assertThat(answer.header("Connection")).as(refusal.getKey()).isEqualTo("close");
      }
    }
    try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
      String head = "POST " + reports + " HTTP/1.1\r\nHost: relay\r\nAuthorization: Bearer ";
      RawHttp.send(socket, head + prodToken + "\r\nContent-Length: " + (1 << 20) + "\r\n\r\n");
      RawHttp.Answer tooLarge = RawHttp.read(socket);
      assertThat(tooLarge.status()).isEqualTo(413);
      assertThat(tooLarge.header("Connection")).isEqualTo("close");
    }
    try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
      String good = "{\"reports\":[{\"instanceId\":\"t1\",\"version\":1,\"state\":\"applied\"}]}";
      RawHttp.send(
          socket,
          "POST "
              + reports
              + " HTTP/1.1\r\nHost: relay\r\nAuthorization: Bearer "
              + prodToken
              + "\r\nContent-Length: "
              + good.length()
              + "\r\n\r\n"
              + good);
      RawHttp.Answer accepted = RawHttp.read(socket);
      assertThat(accepted.status()).isEqualTo(202);
      assertThat(accepted.header("Connection")).isNull();
      RawHttp.send(
          socket,
          "GET /v1/environments/prod/release HTTP/1.1\r\nHost: relay\r\nAuthorization: Bearer "
              + prodToken
              + "\r\n\r\n");
      assertThat(RawHttp.read(socket).status()).isEqualTo(200);
    }
  }

  @Test
  void theReleaseStateIsServedWithATagAndNoReleaseIsNull() {
    HttpResponse<String> release =
        fixture.get(
            relay.url() + "/v1/environments/prod/release", "Authorization", "Bearer " + prodToken);

    assertThat(release.statusCode()).isEqualTo(200);
    String tag = release.headers().firstValue("ETag").orElseThrow();
    assertThat(release.body())
        .isEqualTo("{\"environment\":\"prod\",\"release\":null,\"tag\":" + json(tag) + "}\n");
    assertThat(
            fixture
                .get(
                    relay.url() + "/v1/environments/prod/release",
                    "Authorization",
                    "Bearer " + prodToken,
                    "If-None-Match",
                    tag)
                .statusCode())
        .isEqualTo(304);
    assertThat(
            fixture
                .get(
                    relay.url() + "/v1/environments/prod/release",
                    "Authorization",
                    "Bearer " + devToken)
                .statusCode())
        .isEqualTo(403);
  }

  private static String json(String text) {
    return "\"" + text.replace("\"", "\\\"") + "\"";
  }
}
