package io.gitconf.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.gitconf.core.Json;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that send a request a byte at a time, or never read what they asked for, hold no thread
 * of the relay and delay no one else.
 */
class RelaySlowClientTest {
  /** More than the relay's threads, so a thread held per slow client would starve the rest. */
  static final int SLOW_CLIENTS = 80;

  @TempDir Path dir;
  RelayFixture fixture;
  Relay relay;
  final List<Socket> sockets = new ArrayList<>();

  @BeforeEach
  void start() {
    fixture = new RelayFixture(dir);
    relay = fixture.relay(Relay.Options.loopback(0));
  }

  @AfterEach
  void stop() throws Exception {
    for (Socket socket : sockets) {
      socket.close();
    }
    fixture.close();
  }

  @Test
  void requestHeadersOverTheLimitAreRefused() {
    HttpResponse<String> response =
        fixture.get(relay.url() + "/v1/environments/prod", "X-Padding", "x".repeat(9 * 1024));
    assertThat(response.statusCode()).isEqualTo(431);
  }

  @Test
  void halfSentRequestsAndUnreadResponsesDelayNoOtherClient() throws Exception {
    URI uri = URI.create(relay.url());
    byte[] pipelined =
        "GET /v1/environments/prod HTTP/1.1\r\nHost: relay\r\n\r\n"
            .repeat(200)
            .getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < SLOW_CLIENTS; i++) {
      Socket socket = new Socket(uri.getHost(), uri.getPort());
      socket.setReceiveBufferSize(1024);
      sockets.add(socket);
      OutputStream out = socket.getOutputStream();
      if (i % 2 == 0) {
        out.write("GET /v1/environments/pr".getBytes(StandardCharsets.US_ASCII));
      } else {
        // Asks for the version 200 times and never reads an answer.
        out.write(pipelined);
      }
      out.flush();
    }
    CompletableFuture<HttpResponse<String>> waiting =
        fixture.getAsync(relay.url() + "/v1/environments/prod/watch?version=1");

    HttpResponse<String> meanwhile = fixture.get(relay.url() + "/v1/environments/prod");
    assertThat(meanwhile.statusCode()).isEqualTo(200);
    fixture.changeProd(5, 4);
    HttpResponse<String> changed = waiting.get(60, TimeUnit.SECONDS);
    assertThat(Json.parse("watch", changed.body()).get("version").asInt()).isEqualTo(2);

    long relayThreads =
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().startsWith("gitconf-relay"))
            .count();
    // Jetty's 32 at most, the feed, the keep-alive timer, the report writer and one fan-out thread
    // per core.
    assertThat(relayThreads)
        .isLessThanOrEqualTo(32 + 3 + Runtime.getRuntime().availableProcessors());
  }
}
