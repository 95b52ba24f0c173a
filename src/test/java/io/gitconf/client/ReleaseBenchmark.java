package io.gitconf.client;

import io.gitconf.mirror.InstanceReport;
import io.gitconf.mirror.ReleaseEvent;
import io.gitconf.mirror.ReleaseReader;
import io.gitconf.mirror.ReportWriter;
import io.gitconf.sync.Syncer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The release figures of {@code docs/benchmarks.md}:
 *
 * <ul>
 *   <li>rollback: 50 mirror clients serve a candidate (a one-step release); one reports it
 *       unhealthy; the time from that call until each client serves the base version again, over
 *       several releases;
 *   <li>report cost: {@code N} simulated instances each reporting once per default poll interval (5
 *       s) for {@code seconds}: rows in {@code instance_reports}, upserts per second, their
 *       latency, and the leader's evaluation of a release over that many reports;
 *   <li>evaluation: {@code N} instances' reports in the mirror, and the leader's evaluation of the
 *       release over them, {@code ticks} times: wall time and the CPU time of the leader's thread.
 * </ul>
 *
 * Uses the embedded PostgreSQL unless {@code GITCONF_TEST_JDBC_URL} is set. Not a JUnit test; run
 * it as that document says. Arguments: {@code rollback [releases] [clients]} (default 10, 50) or
 * {@code reports [instances] [seconds]} (default 1000, 20) or {@code evaluate [instances] [ticks]}
 * (default 10000, 200).
 */
public final class ReleaseBenchmark {
  private static final String POSITIONS = "risk.parameters.maxOpenPositions";
  private static final String RISK = "environments/prod/risk.yaml";

  private ReleaseBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path work = Files.createTempDirectory("gitconf-release-benchmark");
    String mode = args.length > 0 ? args[0] : "rollback";
    if (mode.equals("evaluate")) {
      evaluate(
          work,
          args.length > 1 ? Integer.parseInt(args[1]) : 10_000,
          args.length > 2 ? Integer.parseInt(args[2]) : 200);
    } else if (mode.equals("reports")) {
      reports(
          work,
          args.length > 1 ? Integer.parseInt(args[1]) : 1000,
          args.length > 2 ? Integer.parseInt(args[2]) : 20);
    } else {
      rollback(
          work,
          args.length > 1 ? Integer.parseInt(args[1]) : 10,
          args.length > 2 ? Integer.parseInt(args[2]) : 50);
    }
    System.exit(0);
  }

  /**
   * Builds a fleet client that notes in {@code backAt}, by instance id, when it serves the base
   * value of maxOpenPositions (5) again.
   */
  static ConfigManager timingTheWayBack(ConfigManager.Builder builder, Map<String, Long> backAt) {
    ConfigManager client = builder.build();
    client.subscribe(
        "",
        event -> {
          if (event instanceof ConfigChangeEvent.ValueChanged v
              && v.path().equals(POSITIONS)
              && v.after().map(Object::toString).orElse("").equals("5")) {
            backAt.put(client.instanceId(), System.nanoTime());
          }
        },
        Runnable::run);
    return client;
  }

  /**
   * Runs {@code releases} releases of a candidate to {@code fleet}, each rolled back by one
   * client's failing health: the milliseconds from that report until each client, timed by {@link
   * #timingTheWayBack}, serves the base again, sorted. {@code released} is told each release's
   * index once the fleet is back on the base.
   */
  static List<Double> rollbacks(
      TradingDesk desk,
      Syncer syncer,
      List<ConfigManager> fleet,
      Map<String, Long> backAt,
      int releases,
      java.util.function.IntConsumer released)
      throws InterruptedException {
    List<Double> millis = new ArrayList<>();
    String risk = desk.read(RISK);
    ReleaseReader reader = ReleaseReader.of(desk.database.dataSource());
    for (int r = 0; r < releases; r++) {
      desk.write(RISK, risk.replace("maxOpenPositions: 5", "maxOpenPositions: " + (6 + r % 3)));
      desk.commit(TradingDesk.ADA, "Candidate " + r);
      syncer.trigger();
      long candidate = 6 + r % 3;
      awaitTrue(() -> fleet.stream().allMatch(c -> c.getLong(POSITIONS) == candidate));
      backAt.clear();
      long start = System.nanoTime();
      fleet.get(r % fleet.size()).reportHealth(false, "benchmark: unhealthy");
      awaitTrue(() -> backAt.size() == fleet.size());
      for (long at : backAt.values()) {
        millis.add((at - start) / 1e6);
      }
      awaitTrue(() -> reader.state("prod").isEmpty());
      desk.write(RISK, risk);
      // Restores the base in Git: a commit equal to the active version changes nothing.
      desk.commit(TradingDesk.ADA, "Back to the base " + r);
      released.accept(r);
    }
    Collections.sort(millis);
    return millis;
  }

  /** Gives prod a one-step release that never completes during a trial. */
  static void policy(TradingDesk desk) {
    desk.releasePolicy("steps: [100]\nbake: 1h\n");
    desk.commit(TradingDesk.BO, "Release prod in one step");
  }

  static void rollback(Path dir, int releases, int clients) throws Exception {
    try (TradingDesk desk = TradingDesk.open(dir)) {
      policy(desk);
      desk.syncOnce();
      Syncer syncer = desk.startSyncer(Duration.ofMillis(200));
      List<ConfigManager> fleet = new ArrayList<>();
      Map<String, Long> backAt = new ConcurrentHashMap<>();
      for (int i = 0; i < clients; i++) {
        fleet.add(
            ReleaseBenchmark.timingTheWayBack(
                ConfigManager.builder()
                    .postgres(desk.testDb.jdbcUrl())
                    .environment("prod")
                    .instanceId(String.format("bench-%03d", i)),
                backAt));
      }
      ReleaseReader reader = ReleaseReader.of(desk.database.dataSource());
      List<Double> millis =
          rollbacks(
              desk,
              syncer,
              fleet,
              backAt,
              releases,
              r -> System.out.printf("release %d: all %d clients on the base%n", r + 1, clients));
      System.out.printf(
          "rollback, %d releases x %d clients (%d samples): p50 %.0f ms, p99 %.0f ms, max %.0f"
              + " ms%n",
          releases,
          clients,
          millis.size(),
          percentile(millis, 50),
          percentile(millis, 99),
          millis.get(millis.size() - 1));
      System.out.println(
          "last events: " + reader.events("prod", 2).stream().map(ReleaseEvent::cause).toList());
      for (ConfigManager c : fleet) {
        c.close();
      }
    }
  }

  /** Gives prod a candidate in a one-step release; returns a writer of reports to the mirror. */
  private static ReportWriter releasingACandidate(TradingDesk desk) {
    policy(desk);
    desk.syncOnce();
    desk.edit(RISK, "maxOpenPositions: 5", "maxOpenPositions: 4");
    desk.commit(TradingDesk.ADA, "A candidate");
    desk.syncOnce();
    return ReportWriter.mirror(desk.database.dataSource());
  }

  static void reports(Path dir, int instances, int seconds) throws Exception {
    try (TradingDesk desk = TradingDesk.open(dir)) {
      ReportWriter writer = releasingACandidate(desk);
      long interval = 5_000;
      ExecutorService pool = Executors.newFixedThreadPool(4);
      List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
      AtomicLong written = new AtomicLong();
      long statementsBefore = statements(desk);
      long start = System.nanoTime();
      long end = start + TimeUnit.SECONDS.toNanos(seconds);
      // Each instance reports once per interval, spread evenly over it.
      long gapNanos = TimeUnit.MILLISECONDS.toNanos(interval) / instances;
      CountDownLatch done = new CountDownLatch(1);
      Thread driver =
          new Thread(
              () -> {
                long next = start;
                int i = 0;
                while (next < end) {
                  long wait = next - System.nanoTime();
                  if (wait > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(wait);
                  }
                  int instance = i % instances;
                  pool.execute(
                      () -> {
                        long t0 = System.nanoTime();
                        writer.write(List.of(report(instance)));
                        latencies.add((System.nanoTime() - t0) / 1e6);
                        written.incrementAndGet();
                      });
                  i++;
                  next += gapNanos;
                }
                done.countDown();
              });
      driver.start();
      done.await();
      pool.shutdown();
      pool.awaitTermination(1, TimeUnit.MINUTES);
      double elapsed = (System.nanoTime() - start) / 1e9;
      long statements = statements(desk) - statementsBefore;
      Collections.sort(latencies);
      try (Syncer leader = desk.startSyncer(Duration.ofHours(1))) {
        // The leader's evaluation reads every report of the environment.
        List<Double> ticks = new ArrayList<>();
        for (int t = 0; t < 20; t++) {
          long t0 = System.nanoTime();
          leader.releases().tick();
          ticks.add((System.nanoTime() - t0) / 1e6);
        }
        Collections.sort(ticks);
        System.out.printf(
            "%d instances, one report each per 5 s, %d s: %d reports (%.0f/s), %d rows in"
                + " instance_reports, %d statements committed (%.0f/s); upsert p50 %.2f ms, p99"
                + " %.2f ms; release evaluation over %d reports p50 %.1f ms, max %.1f ms%n",
            instances,
            seconds,
            written.get(),
            written.get() / elapsed,
            rows(desk),
            statements,
            statements / elapsed,
            percentile(latencies, 50),
            percentile(latencies, 99),
            instances,
            percentile(ticks, 50),
            ticks.get(ticks.size() - 1));
      }
    }
  }

  static void evaluate(Path dir, int instances, int ticks) throws Exception {
    try (TradingDesk desk = TradingDesk.open(dir)) {
      ReportWriter writer = releasingACandidate(desk);
      List<InstanceReport> batch = new ArrayList<>();
      for (int i = 0; i < instances; i++) {
        batch.add(report(i));
        if (batch.size() == 1_000 || i == instances - 1) {
          writer.write(batch);
          batch = new ArrayList<>();
        }
      }
      java.lang.management.ThreadMXBean cpu =
          java.lang.management.ManagementFactory.getThreadMXBean();
      try (Syncer leader = desk.startSyncer(Duration.ofHours(1))) {
        for (int t = 0; t < 20; t++) {
          leader.releases().tick();
        }
        List<Double> wall = new ArrayList<>();
        List<Double> thread = new ArrayList<>();
        for (int t = 0; t < ticks; t++) {
          long c0 = cpu.getCurrentThreadCpuTime();
          long t0 = System.nanoTime();
          leader.releases().tick();
          wall.add((System.nanoTime() - t0) / 1e6);
          thread.add((cpu.getCurrentThreadCpuTime() - c0) / 1e6);
        }
        Collections.sort(wall);
        Collections.sort(thread);
        System.out.printf(
            "release evaluation over %d reports (%d rows), %d ticks: wall p50 %.1f ms, p99 %.1f"
                + " ms; the leader thread's CPU p50 %.1f ms, p99 %.1f ms; at one tick per 250 ms"
                + " that is %.0f %% of a core (CPU p50)%n",
            instances,
            rows(desk),
            ticks,
            percentile(wall, 50),
            percentile(wall, 99),
            percentile(thread, 50),
            percentile(thread, 99),
            percentile(thread, 50) / 250 * 100);
      }
    }
  }

  private static InstanceReport report(int instance) {
    return new InstanceReport(
        "prod",
        String.format("sim-%05d", instance),
        Map.of("zone", "z" + instance % 3),
        2,
        InstanceReport.State.APPLIED,
        Optional.empty(),
        true,
        Optional.empty(),
        java.time.Instant.EPOCH);
  }

  static long rows(TradingDesk desk) throws SQLException {
    return query(desk, "SELECT count(*) FROM instance_reports");
  }

  /** Transactions committed in this database so far (each report is one). */
  static long statements(TradingDesk desk) throws SQLException {
    return query(
        desk, "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()");
  }

  private static long query(TradingDesk desk, String sql) throws SQLException {
    try (Connection conn = desk.database.dataSource().getConnection();
        Statement s = conn.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static double percentile(List<Double> sorted, int p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
  }

  static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 60 s");
      }
      Thread.sleep(5);
    }
  }
}
