package io.gitconf.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.gitconf.testing.RawHttp;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Connections of every gitconf HTTP endpoint (webhook, metrics, relay) when a handler answers
 * before reading the body it was sent: the answer says {@code Connection: close}, so no client
 * reuses a connection the server is about to drop, while a request whose body was read keeps its
 * connection.
 */
class HttpEndpointConnectionsTest {
  HttpEndpoint endpoint;

  /** One client for a whole test, over HTTP/1.1, so its requests reuse connections. */
  final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(30))
          .build();

  /**
   * {@code /refuse} answers 403 without reading; {@code /read} reads the body and echoes its size.
   */
  static final class Handlers extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
      if (Request.getPathInContext(request).equals("/refuse")) {
        HttpEndpoint.respond(response, callback, HttpStatus.FORBIDDEN_403, "no\n");
      } else {
        String body = Content.Source.asString(request, StandardCharsets.UTF_8);
        HttpEndpoint.respond(response, callback, HttpStatus.OK_200, body.length() + "\n");
      }
      return true;
    }
  }

  @BeforeEach
  void start() {
    endpoint =
        HttpEndpoint.start(
            "test",
            new HttpEndpoint.Settings(
                "127.0.0.1", 0, HttpEndpoint.Limits.defaults(), 8, true, Optional.empty()),
            new Handlers());
  }

  @AfterEach
  void stop() {
    endpoint.close();
  }

  @Test
  void aRefusalBeforeTheBodyClosesTheConnectionAndSaysSo() throws Exception {
    for (String body : List.of("Content-Length: 20", "Transfer-Encoding: chunked")) {
      try (Socket socket = new Socket("127.0.0.1", endpoint.port())) {
        // The body is announced and never sent: the handler answers without it.
        RawHttp.send(socket, "POST /refuse HTTP/1.1\r\nHost: x\r\n" + body + "\r\n\r\n");
        RawHttp.Answer answer = RawHttp.read(socket);
        assertThat(answer.status()).as(body).isEqualTo(403);
        assertThat(answer.header("connection")).as(body).isEqualTo("close");
      }
    }
  }

  @Test
  void aRequestWhoseBodyWasReadOrThatHasNoneKeepsItsConnection() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", endpoint.port())) {
      RawHttp.send(socket, "POST /read HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
      RawHttp.Answer read = RawHttp.read(socket);
      assertThat(read.status()).isEqualTo(200);
      assertThat(read.body()).isEqualTo("5\n");
      assertThat(read.header("connection")).isNull();

      RawHttp.send(socket, "GET /refuse HTTP/1.1\r\nHost: x\r\n\r\n");
      RawHttp.Answer second = RawHttp.read(socket);
      assertThat(second.status()).isEqualTo(403);
      assertThat(second.header("connection")).isNull();
    }
  }

  @Test
  void aClientStillSendingABodyRefusedUnreadGetsTheRefusal() throws Exception {
    String large = "x".repeat(200_000);
    for (int i = 0; i < 100; i++) {
      HttpResponse<String> answer = post("/refuse", large);
      assertThat(answer.statusCode()).isEqualTo(403);
      assertThat(answer.body()).isEqualTo("no\n");
    }
  }

  @Test
  void aClientAlternatingRefusedAndAcceptedPostsAlwaysGetsAnAnswer() throws Exception {
    for (int i = 0; i < 200; i++) {
      String path = i % 2 == 0 ? "/refuse" : "/read";
      HttpResponse<String> answer = post(path, "{\"n\":" + i + "}");
      assertThat(answer.statusCode()).isEqualTo(i % 2 == 0 ? 403 : 200);
    }
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + path))
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
