package io.gitconf.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gitconf.core.Json;
import io.gitconf.testing.Awaits;
import io.gitconf.testing.TcpProxy;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay when its database goes away: it keeps serving the versions it holds, says so in
 * /health, polls when LISTEN is lost, and catches up when the database is back.
 */
class RelayOutageTest {
  @TempDir Path dir;
  RelayFixture fixture;
  TcpProxy proxy;

  @BeforeEach
  void start() {
    fixture = new RelayFixture(dir);
    proxy = fixture.proxyToDatabase();
  }

  @AfterEach
  void stop() throws Exception {
    fixture.close();
  }

  @Test
  void aDatabaseCutUnderTheRelayKeepsItsVersionsServedAndReportsDownUntilItIsBack()
      throws Exception {
    Relay relay = fixture.relayThrough(proxy, true, Relay.Options.loopback(0));
    String prod = relay.url() + "/v1/environments/prod";
    assertThat(health(relay).get("status").asText()).isEqualTo("UP");

    proxy.cut();
    Awaits.until(() -> fixture.get(relay.url() + "/health").statusCode() == 503);
    JsonNode down = health(relay);
    assertThat(down.get("status").asText()).isEqualTo("DOWN");
    assertThat(down.get("notifications").asText()).isEqualTo("polling");
    assertThat(down.get("database").asText()).startsWith("unreachable: ");
    HttpResponse<String> held = fixture.get(prod);
    assertThat(held.statusCode()).isEqualTo(200);
    assertThat(Json.parse("held", held.body()).get("version").asInt()).isEqualTo(1);
    CompletableFuture<HttpResponse<String>> waiting = fixture.getAsync(prod + "/watch?version=1");

    fixture.changeProd(5, 4);
    proxy.restore();

    HttpResponse<String> caughtUp = waiting.get(60, TimeUnit.SECONDS);
    assertThat(Json.parse("watch", caughtUp.body()).get("version").asInt()).isEqualTo(2);
    Awaits.until(() -> fixture.get(relay.url() + "/health").statusCode() == 200);
    Awaits.until(() -> health(relay).get("notifications").asText().equals("listening"));
  }

  @Test
  void aLostListenConnectionFallsBackToPollingOnceASecondAndListensAgain() throws Exception {
    Relay relay = fixture.relayThrough(proxy, false, Relay.Options.loopback(0));
    String prod = relay.url() + "/v1/environments/prod";
    Awaits.until(() -> health(relay).get("notifications").asText().equals("listening"));

    proxy.cut();
    Awaits.until(() -> health(relay).get("notifications").asText().equals("polling"));
    assertThat(fixture.get(relay.url() + "/health").statusCode()).isEqualTo(200);
    CompletableFuture<HttpResponse<String>> waiting = fixture.getAsync(prod + "/watch?version=1");
    fixture.changeProd(5, 4);

    assertThat(Json.parse("watch", waiting.get(60, TimeUnit.SECONDS).body()).get("version").asInt())
        .isEqualTo(2);
    proxy.restore();
    Awaits.until(() -> health(relay).get("notifications").asText().equals("listening"));
  }

  private JsonNode health(Relay relay) {
    return Json.parse("health", fixture.get(relay.url() + "/health").body());
  }
}
