package io.gitconf.sync;

import static io.gitconf.sync.SyncerTest.awaitTrue;
import static io.gitconf.testing.TestGitRepo.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.gitconf.testing.TestDatabase;
import io.gitconf.testing.TestGitRepo;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
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
  final HttpClient http = HttpClient.newHttpClient();

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
