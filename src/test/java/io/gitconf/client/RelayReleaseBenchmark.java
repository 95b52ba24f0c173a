package io.gitconf.client;

import io.gitconf.serve.Relay;
import io.gitconf.sync.Database;
import io.gitconf.sync.Syncer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The relay's release figures of {@code docs/benchmarks.md}: {@code clients} relay clients ({@code
 * ConfigManager.server(...)}, default 5 s poll interval) on one {@code gitconf serve} serve the
 * candidate of a one-step release; one reports it unhealthy; the time from that call until each
 * client publishes the base value again, over {@code releases} releases. Then, with the fleet idle,
 * {@code seconds} of the fleet's reports: what they cost the database through the relay (report
 * statements a second, against every commit of the database in the same time).
 *
 * <p>Uses the embedded PostgreSQL unless {@code GITCONF_TEST_JDBC_URL} is set. Not a JUnit test;
 * run it as that document says. Arguments: {@code [clients] [releases] [seconds]} (default 1000, 3,
 * 30).
 */
public final class RelayReleaseBenchmark {
  private static final String POSITIONS = "risk.parameters.maxOpenPositions";
  private static final String RISK = "environments/prod/risk.yaml";

  private RelayReleaseBenchmark() {}

  public static void main(String[] args) throws Exception {
    int clients = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int releases = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 30;
    Path dir = Files.createTempDirectory("gitconf-relay-release-benchmark");
    try (TradingDesk desk = TradingDesk.open(dir)) {
      ReleaseBenchmark.policy(desk);
      desk.syncOnce();
      Syncer syncer = desk.startSyncer(Duration.ofMillis(200));
      Database db = Database.connect(desk.testDb.jdbcUrl(), Optional.empty());
      Relay relay =
          Relay.start(
              db.dataSource(), db::openDedicated, db::connectionsInUse, Relay.Options.loopback(0));
      List<ConfigManager> fleet = new ArrayList<>();
      Map<String, Long> backAt = new ConcurrentHashMap<>();
      long started = System.nanoTime();
      for (int i = 0; i < clients; i++) {
        fleet.add(
            ReleaseBenchmark.timingTheWayBack(
                ConfigManager.builder()
                    .server(relay.url(), "")
                    .environment("prod")
                    .instanceId(String.format("relay-bench-%04d", i)),
                backAt));
      }
      System.out.printf(
          "%d relay clients started in %.1f s; load average %s%n",
          clients, (System.nanoTime() - started) / 1e9, loadAverage());

      List<Double> millis =
          ReleaseBenchmark.rollbacks(
              desk,
              syncer,
              fleet,
              backAt,
              releases,
              r ->
                  System.out.printf(
                      "release %d: all %d relay clients on the base; load average %s%n",
                      r + 1, clients, loadAverage()));
      System.out.printf(
          "rollback through the relay, %d releases x %d clients (%d samples): p50 %.0f ms, p99"
              + " %.0f ms, max %.0f ms%n",
          releases,
          clients,
          millis.size(),
          ReleaseBenchmark.percentile(millis, 50),
          ReleaseBenchmark.percentile(millis, 99),
          millis.get(millis.size() - 1));

      long received = relay.reportsReceived();
      long batches = relay.reportBatches();
      long commits = ReleaseBenchmark.statements(desk);
      long t0 = System.nanoTime();
      Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
      double elapsed = (System.nanoTime() - t0) / 1e9;
      long batchesIn = relay.reportBatches() - batches;
      long receivedIn = relay.reportsReceived() - received;
      long commitsIn = ReleaseBenchmark.statements(desk) - commits;
      System.out.printf(
          "%d clients reporting through the relay for %.0f s: %d reports received (%.1f/s),"
              + " %d report statements (%.1f/s), every commit of the database %d (%.1f/s, the syncer's included), %d rows in"
              + " instance_reports; load average %s%n",
          clients,
          elapsed,
          receivedIn,
          receivedIn / elapsed,
          batchesIn,
          batchesIn / elapsed,
          commitsIn,
          commitsIn / elapsed,
          ReleaseBenchmark.rows(desk),
          loadAverage());
      for (ConfigManager c : fleet) {
        c.close();
      }
      relay.close();
      db.close();
      syncer.close();
    }
    System.exit(0);
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).strip();
    } catch (java.io.IOException e) {
      return "(unknown)";
    }
  }
}
