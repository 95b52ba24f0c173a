package io.gitconf.cli;

import io.gitconf.client.ClientSnapshot;
import io.gitconf.core.GitRemotes;
import io.gitconf.core.GitconfException;
import io.gitconf.serve.Relay;
import io.gitconf.sync.Database;
import io.gitconf.sync.MetricsServer;
import io.gitconf.sync.SyncSettings;
import io.gitconf.sync.Syncer;
import io.gitconf.sync.WebhookServer;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;

/**
 * A running syncer with its database and optional HTTP servers, closed in reverse order of opening.
 * {@link #runUntilStopped} blocks until the JVM is asked to stop (Ctrl-C, SIGTERM).
 */
final class SyncService implements AutoCloseable {
  /**
   * The settings every command that mirrors uses: Git credentials from the environment, and the
   * client's typed-record binding as the check each snapshot must pass before it activates, so the
   * syncer never activates a version no client can load.
   */
  static SyncSettings settings(String source, String branch, Duration poll, Path cacheDir) {
    return SyncSettings.of(source, branch, poll, cacheDir)
        .withCredentials(GitRemotes.credentials())
        .withCheck(ClientSnapshot.bindingCheck());
  }

  static final String WEBHOOK_SECRET_VARIABLE = "GITCONF_WEBHOOK_SECRET";

  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private final CountDownLatch stopped = new CountDownLatch(1);

  <T extends AutoCloseable> T own(T resource) {
    resources.push(resource);
    return resource;
  }

  /** Starts the metrics/health server when a port is given. */
  void metrics(Integer port, Syncer syncer, Duration poll, PrintWriter out) {
    if (port != null) {
      Duration stale =
          poll.multipliedBy(5).compareTo(Duration.ofSeconds(60)) > 0
              ? poll.multipliedBy(5)
              : Duration.ofSeconds(60);
      MetricsServer server = own(MetricsServer.start(port, syncer.metrics(), stale));
      out.println("metrics: http://localhost:" + server.port() + "/metrics  health: /health");
    }
  }

  /** Starts the webhook server when a port is given; the secret comes from the environment. */
  void webhook(Integer port, Syncer syncer, PrintWriter out) {
    if (port != null) {
      String secret = System.getenv(WEBHOOK_SECRET_VARIABLE);
      if (secret == null || secret.isEmpty()) {
        throw new GitconfException.BadRequest(
            "--webhook-port needs the shared secret in $" + WEBHOOK_SECRET_VARIABLE);
      }
      WebhookServer server =
          own(WebhookServer.start(port, secret.getBytes(StandardCharsets.UTF_8), syncer::trigger));
      out.println("webhook: POST http://localhost:" + server.port() + "/webhook");
    }
  }

  /** Starts a relay over {@code db}, closed with the rest. */
  Relay relay(Database db, Relay.Options options) {
    return own(Relay.start(db.dataSource(), db::openDedicated, db::connectionsInUse, options));
  }

  /** Blocks until the JVM shuts down, then closes everything (before the JVM exits). */
  void runUntilStopped() throws InterruptedException {
    CountDownLatch closed = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              stopped.countDown();
              try {
                closed.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "gitconf-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      stopped.await();
    } finally {
      close();
      closed.countDown();
    }
  }

  @Override
  public void close() {
    while (!resources.isEmpty()) {
      try {
        resources.pop().close();
      } catch (Exception e) {
        // Closing the rest matters more than one failure while shutting down.
      }
    }
  }
}
