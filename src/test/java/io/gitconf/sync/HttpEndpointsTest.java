package io.gitconf.sync;

import static io.gitconf.sync.SyncerTest.awaitTrue;
import static io.gitconf.testing.TestGitRepo.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.gitconf.testing.TestDatabase;
import io.gitconf.testing.TestGitRepo;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class HttpEndpointsTest {
  static final byte[] SECRET = "webhook-test-secret".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;
  TestDatabase testDb;
  Database database;
  TestGitRepo repo;
  Syncer syncer;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();

  @BeforeEach
  void setUp() {
    testDb = TestDatabase.create();
    database = Database.connect(testDb.jdbcUrl(), Optional.empty());
    repo = TestGitRepo.withFirstCommit(dir.resolve("repo"));
    // Polls once an hour: only the webhook can make it fetch during the test.
    syncer =
        new Syncer(
            database,
            SyncSettings.of(
                repo.root().toUri().toString(), "main", Duration.ofHours(1), dir.resolve("cache")),
            SyncListener.NONE);
  }

  @AfterEach
  void tearDown() {
    syncer.close();
    repo.close();
    database.close();
    testDb.close();
  }

  HttpResponse<String> post(int port, byte[] body, String signature) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhook"))
            // Generous: only a server that waits for another caller's body would take this long.
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (signature != null) {
      request.header(WebhookServer.SIGNATURE_HEADER, signature);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void webhookWithAGoodSignatureTriggersAFetchAndABadOneIsRefusedAndLogged() throws Exception {
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    ((Logger) LoggerFactory.getLogger(WebhookServer.class)).addAppender(logs);
    syncer.start();
    awaitTrue(() -> syncer.metrics().lastCommit().isPresent());
    RevCommit change =
        repo.file("environments/prod/app.yaml", "limits:\n  max: 444\n").commit(BOB, "Pushed");
    byte[] body = "{\"ref\":\"refs/heads/main\"}".getBytes(StandardCharsets.UTF_8);

    try (WebhookServer webhook = WebhookServer.start(0, SECRET, syncer::trigger)) {
      HttpResponse<String> forged =
          post(
              webhook.port(),
              body,
              WebhookServer.signature("wrong".getBytes(StandardCharsets.UTF_8), body));
      HttpResponse<String> unsigned = post(webhook.port(), body, null);
      assertThat(forged.statusCode()).isEqualTo(401);
      assertThat(unsigned.statusCode()).isEqualTo(401);
      assertThat(logs.list)
          .extracting(ILoggingEvent::getFormattedMessage)
          .containsExactly(
              "refused a webhook call from 127.0.0.1: bad signature",
              "refused a webhook call from 127.0.0.1: no X-Hub-Signature-256 header");
      assertThat(syncer.store().reader().isRecorded(change.name())).isFalse();

      HttpResponse<String> good = post(webhook.port(), body, WebhookServer.signature(SECRET, body));

      assertThat(good.statusCode()).isEqualTo(202);
      awaitTrue(() -> syncer.store().reader().isRecorded(change.name()));
      assertThat(syncer.store().activeVersion("prod").orElseThrow().commitId())
          .isEqualTo(change.name());
    } finally {
      ((Logger) LoggerFactory.getLogger(WebhookServer.class)).detachAppender(logs);
    }
  }

  @Test
  void stalledCallersNeverDelayASignedPush() throws Exception {
    syncer.start();
    awaitTrue(() -> syncer.metrics().lastCommit().isPresent());
    RevCommit change =
        repo.file("environments/prod/app.yaml", "limits:\n  max: 445\n").commit(BOB, "Pushed");
    byte[] body = "{\"ref\":\"refs/heads/main\"}".getBytes(StandardCharsets.UTF_8);
    List<Socket> stalled = new ArrayList<>();
    // Callers may stay silent far longer than this test takes, so they are all still waiting
    // when the push goes through, however slow the machine.
    HttpEndpoint.Limits patient = new HttpEndpoint.Limits(Duration.ofMinutes(5), 1 << 20);
    try (WebhookServer webhook = WebhookServer.start(0, SECRET, syncer::trigger, patient)) {
      // More stalled callers than the server has threads: each announced a body and sent none.
      for (int i = 0; i < 24; i++) {
        stalled.add(stall(webhook.port(), 100));
      }

      HttpResponse<String> good = post(webhook.port(), body, WebhookServer.signature(SECRET, body));

      assertThat(good.statusCode()).isEqualTo(202);
      awaitTrue(() -> syncer.store().reader().isRecorded(change.name()));
      // The stalled callers were still waiting while the push went through.
      for (Socket socket : stalled) {
        assertThat(socket.isClosed()).isFalse();
        assertThat(socket.getInputStream().available()).isZero();
      }
    } finally {
      for (Socket socket : stalled) {
        socket.close();
      }
    }
    // Closed means closed: none of the server's threads is left behind.
    awaitTrue(
        () ->
            Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("gitconf-webhook")));
  }

  @Test
  void aCallerThatStallsIsDroppedAfterTheIdleTimeoutAndTooLargeABodyIsRefused() throws Exception {
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    ((Logger) LoggerFactory.getLogger(WebhookServer.class)).addAppender(logs);
    java.util.concurrent.atomic.AtomicInteger pushes =
        new java.util.concurrent.atomic.AtomicInteger();
    try (WebhookServer webhook =
        WebhookServer.start(
            0,
            SECRET,
            pushes::incrementAndGet,
            new HttpEndpoint.Limits(Duration.ofSeconds(1), 1024))) {
      try (Socket socket = stall(webhook.port(), 100)) {
        // The server answers and closes: nothing waits for the body forever.
        String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(answer).startsWith("HTTP/1.1 400 ");
      }
      try (Socket socket = stall(webhook.port(), 4096)) {
        String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(answer).startsWith("HTTP/1.1 413 ");
      }
      HttpResponse<String> get =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + webhook.port() + WebhookServer.PATH))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(get.statusCode()).isEqualTo(405);
      HttpResponse<String> elsewhere =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + webhook.port() + "/other"))
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(elsewhere.statusCode()).isEqualTo(404);
    } finally {
      ((Logger) LoggerFactory.getLogger(WebhookServer.class)).detachAppender(logs);
    }
    assertThat(pushes.get()).isZero();
    assertThat(logs.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .containsExactly(
            "refused a webhook call from 127.0.0.1: body not received within 1 s or larger than"
                + " 1024 bytes",
            "refused a webhook call from 127.0.0.1: body larger than 1024 bytes");
  }

  /**
   * A raw connection that sends a signed-looking request's headers announcing {@code length} bytes
   * of body, and then nothing.
   */
  private static Socket stall(int port, int length) throws Exception {
    Socket socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(30_000);
    socket
        .getOutputStream()
        .write(
            ("POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + WebhookServer.SIGNATURE_HEADER
                    + ": sha256=00\r\nContent-Length: "
                    + length
                    + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
    return socket;
  }

  @Test
  void metricsAndHealthDescribeTheSyncer() throws Exception {
    repo.file("environments/prod/app.yaml", "limits:\n  max: -1\n").commit(BOB, "Bad");
    RevCommit head =
        repo.file("environments/prod/app.yaml", "limits:\n  max: 1\n").commit(BOB, "Good");
    syncer.syncOnce();

    try (MetricsServer server = MetricsServer.start(0, syncer.metrics(), Duration.ofMinutes(1))) {
      String metrics =
          http.send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      HttpResponse<String> health =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/health"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(metrics)
          .contains("gitconf_sync_leader 1.0")
          .contains("gitconf_sync_lag_commits 0.0")
          .contains("gitconf_sync_lag_seconds 0.0")
          .contains("gitconf_sync_versions_mirrored_total 3.0")
          .contains("gitconf_sync_commits_rejected_total 1.0")
          .contains("gitconf_sync_last_commit{commit=\"" + head.name() + "\"} 1.0");
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body())
          .contains("\"status\" : \"UP\"")
          .contains("\"role\" : \"leader\"")
          .contains("\"lastCommit\" : \"" + head.name() + "\"");
    }
  }
}
