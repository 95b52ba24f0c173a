package io.gitconf.serve;

import com.sun.management.OperatingSystemMXBean;
import io.gitconf.client.ConfigChangeEvent;
import io.gitconf.client.ConfigManager;
import io.gitconf.client.ConfigSubscription;
import io.gitconf.client.RelayLoadGenerator;
import io.gitconf.client.TradingDesk;
import io.gitconf.core.Json;
import io.gitconf.mirror.MirrorReader;
import io.gitconf.mirror.Notification;
import io.gitconf.sync.Database;
import io.gitconf.sync.Syncer;
import io.gitconf.sync.WebhookServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The relay's benchmark (docs/benchmarks.md, "Relay"): a plain {@code main}, not a JUnit test. In
 * this JVM: a config remote, the PostgreSQL mirror ({@code GITCONF_TEST_JDBC_URL} or embedded), a
 * syncer and one relay; in a JVM of its own, {@link RelayLoadGenerator} with N watchers. For each N
 * it measures what the relay JVM holds (heap after a GC, threads, the relay's database sessions,
 * CPU while idle), the fan-out from {@code NOTIFY} to the last watcher (N = 1,000 and 10,000), and
 * at the largest N a relay restart under the watchers (thundering herd); then 100 commits through a
 * signed webhook to a {@code ConfigManager.server(...)} client.
 *
 * <p>Usage: {@code RelayBenchmark [N ...]} (default 1000 5000 10000).
 */
public final class RelayBenchmark {
  private static final int FANOUT_COMMITS = 5;
  private static final int WEBHOOK_COMMITS = 100;
  private static final byte[] SECRET = "relay-benchmark-secret".getBytes(StandardCharsets.UTF_8);

  private final TradingDesk desk;
  private final Map<Integer, Instant> notified = new ConcurrentHashMap<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private Database relayDb;
  private Relay relay;
  private int port;
  private int positions = 5;

  private RelayBenchmark(Path dir) {
    desk = TradingDesk.open(dir);
    desk.syncOnce();
  }

  public static void main(String[] args) throws Exception {
    List<Integer> sizes =
        args.length == 0
            ? List.of(1000, 5000, 10000)
            : Arrays.stream(args).map(Integer::parseInt).toList();
    Path dir = Files.createTempDirectory("relay-benchmark");
    RelayBenchmark benchmark = new RelayBenchmark(dir);
    benchmark.listen();
    benchmark.startRelay(0);
    say("relay " + benchmark.relay.url() + "; load average " + loadAverage());
    for (int n : sizes) {
      benchmark.watchers(n, n == 1000 || n == 10000, n == sizes.get(sizes.size() - 1));
    }
    benchmark.webhook();
    System.exit(0);
  }

  private void startRelay(int port) {
    relayDb = Database.connect(desk.testDb.jdbcUrl(), Optional.empty());
    relay =
        Relay.start(
            relayDb.dataSource(),
            relayDb::openDedicated,
            relayDb::connectionsInUse,
            Relay.Options.loopback(port));
    this.port = relay.port();
  }

  private void stopRelay() {
    relay.close();
    relayDb.close();
  }

  /** A connection of its own that records when each version's NOTIFY arrives. */
  private void listen() throws Exception {
    Connection connection = DriverManager.getConnection(desk.testDb.jdbcUrl());
    try (Statement statement = connection.createStatement()) {
      statement.execute("LISTEN " + Notification.CHANNEL);
    }
    PGConnection pg = connection.unwrap(PGConnection.class);
    Thread thread =
        new Thread(
            () -> {
              try {
                while (true) {
                  PGNotification[] notifications = pg.getNotifications(0);
                  Instant now = Instant.now();
                  if (notifications != null) {
                    for (PGNotification n : notifications) {
                      Notification.parse(n.getParameter())
                          .filter(p -> p.environment().equals("prod"))
                          .ifPresent(p -> notified.put(p.version(), now));
                    }
                  }
                }
              } catch (Exception e) {
                say("listener stopped: " + e);
              }
            },
            "benchmark-listener");
    thread.setDaemon(true);
    thread.start();
  }

  private void watchers(int n, boolean fanOut, boolean herd) throws Exception {
    Process generator =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "-cp",
                System.getProperty("java.class.path"),
                RelayLoadGenerator.class.getName(),
                relay.url(),
                String.valueOf(n),
                "prod")
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    BufferedReader answers =
        new BufferedReader(
            new InputStreamReader(generator.getInputStream(), StandardCharsets.UTF_8));
    PrintWriter commands = new PrintWriter(generator.getOutputStream(), true);
    Instant started = Instant.now();
    expect(answers, "READY");
    awaitWatchers(n);
    say(
        n
            + " watchers connected in "
            + Duration.between(started, Instant.now()).toMillis()
            + " ms");
    Thread.sleep(5_000);
    held(n);
    if (fanOut) {
      for (int i = 0; i < FANOUT_COMMITS; i++) {
        int version = commit();
        Instant t0 = awaitNotified(version);
        long[] report = awaitReport(commands, answers, version, n);
        say(
            String.format(
                "fan-out N=%d version %d: p50 %d ms, p99 %d ms, max %d ms (load average %s)",
                n,
                version,
                millisAfter(t0, report[2]),
                millisAfter(t0, report[3]),
                millisAfter(t0, report[4]),
                loadAverage()));
        Thread.sleep(2_000);
      }
      String metrics = get(relay.url() + "/metrics");
      say(
          "  relay side (notice -> last response written), all fan-outs so far: "
              + metrics
                  .lines()
                  .filter(
                      l ->
                          l.startsWith("gitconf_relay_fanout_seconds_max")
                              || l.startsWith("gitconf_relay_fanout_seconds_sum")
                              || l.startsWith("gitconf_relay_fanout_seconds_count"))
                  .toList());
    }
    if (herd) {
      stopRelay();
      int version = commit();
      Thread.sleep(2_000);
      Instant restarted = Instant.now();
      startRelay(port);
      long[] report = awaitReport(commands, answers, version, n);
      commands.println("peak " + restarted.getEpochSecond());
      String peak = answers.readLine();
      say(
          String.format(
              "herd N=%d: all hold version %d %d ms after the restart (p50 %d ms); peak %s"
                  + " requests/s (load average %s)",
              n,
              version,
              millisAfter(restarted, report[4]),
              millisAfter(restarted, report[2]),
              peak.substring("PEAK ".length()),
              loadAverage()));
      awaitWatchers(n);
    }
    generator.destroy();
    generator.waitFor();
    awaitWatchers(0);
  }

  /** What the relay JVM holds with the watchers connected. */
  private void held(int n) throws Exception {
    System.gc();
    Thread.sleep(500);
    Runtime runtime = Runtime.getRuntime();
    long heap = (runtime.totalMemory() - runtime.freeMemory()) >> 20;
    int threads = ManagementFactory.getThreadMXBean().getThreadCount();
    int relayThreads =
        (int)
            Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("gitconf-relay"))
                .count();
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpu0 = os.getProcessCpuTime();
    long wall0 = System.nanoTime();
    Thread.sleep(10_000);
    double idleCpu = 100.0 * (os.getProcessCpuTime() - cpu0) / (System.nanoTime() - wall0);
    say(
        String.format(
            "held N=%d: heap %d MB after GC (whole JVM), threads %d (relay %d), relay database"
                + " sessions %d, CPU while idle %.1f %% of one core (load average %s)",
            n, heap, threads, relayThreads, relaySessions(), idleCpu, loadAverage()));
  }

  /** The relay's sessions: every session of the mirror's database but the syncer's and ours. */
  private int relaySessions() throws Exception {
    String metrics = get(relay.url() + "/metrics");
    int inUse =
        (int)
            Double.parseDouble(
                metrics
                    .lines()
                    .filter(l -> l.startsWith("gitconf_relay_db_connections_in_use "))
                    .findFirst()
                    .orElseThrow()
                    .split(" ")[1]);
    try (Connection c = DriverManager.getConnection(desk.testDb.jdbcUrl());
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")) {
      rs.next();
      say("  (sessions on the database: " + rs.getInt(1) + " in all, relay in use " + inUse + ")");
    }
    return inUse;
  }

  private void webhook() throws Exception {
    Syncer syncer = desk.startSyncer(Duration.ofHours(1));
    try (WebhookServer hook = WebhookServer.start(0, SECRET, syncer::trigger);
        ConfigManager client =
            ConfigManager.builder().server(relay.url(), "").environment("prod").build()) {
      ConfigSubscription events = client.subscribe();
      List<Long> micros = new ArrayList<>();
      for (int i = 0; i < WEBHOOK_COMMITS; i++) {
        int from = positions;
        positions = positions == 5 ? 4 : 5;
        desk.edit(
            "environments/prod/risk.yaml",
            "maxOpenPositions: " + from,
            "maxOpenPositions: " + positions);
        long t0 = System.nanoTime();
        desk.commit(TradingDesk.BO, "Open positions: " + positions);
        byte[] body = "{\"ref\":\"refs/heads/main\"}".getBytes(StandardCharsets.UTF_8);
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hook.port() + "/webhook"))
                .header(WebhookServer.SIGNATURE_HEADER, WebhookServer.signature(SECRET, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.discarding());
        while (!(events.recv() instanceof ConfigChangeEvent.VersionActivated)) {
          // values changed come first
        }
        micros.add((System.nanoTime() - t0) / 1_000);
      }
      List<Long> sorted = micros.stream().sorted().toList();
      say(
          String.format(
              "webhook: push -> signed webhook -> syncer -> relay -> client event over %d commits:"
                  + " p50 %d ms, p99 %d ms, max %d ms (load average %s)",
              sorted.size(),
              sorted.get(sorted.size() / 2) / 1000,
              sorted.get((int) Math.floor(0.99 * (sorted.size() - 1))) / 1000,
              sorted.get(sorted.size() - 1) / 1000,
              loadAverage()));
    } finally {
      syncer.close();
    }
  }

  private int commit() {
    int from = positions;
    positions = positions == 5 ? 4 : 5;
    desk.edit(
            "environments/prod/risk.yaml",
            "maxOpenPositions: " + from,
            "maxOpenPositions: " + positions)
        .commit(TradingDesk.BO, "Open positions: " + positions);
    desk.syncOnce();
    return activeVersion();
  }

  private int activeVersion() {
    return MirrorReader.of(desk.database.dataSource())
        .activeVersion("prod")
        .orElseThrow()
        .version();
  }

  private Instant awaitNotified(int version) throws InterruptedException {
    while (!notified.containsKey(version)) {
      Thread.sleep(5);
    }
    return notified.get(version);
  }

  private static long[] awaitReport(
      PrintWriter commands, BufferedReader answers, int version, int n) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (System.nanoTime() < deadline) {
      commands.println("report " + version);
      String[] words = answers.readLine().split(" ");
      long[] report = Arrays.stream(words).skip(2).mapToLong(Long::parseLong).toArray();
      if (report[0] == n) {
        return report;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("not every watcher received version " + version);
  }

  private void awaitWatchers(int n) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (Json.parse("health", get(relay.url() + "/health")).get("watchers").asInt() == n) {
          return;
        }
      } catch (Exception e) {
        // the relay is starting
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("the relay never held " + n + " watchers");
  }

  private String get(String url) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static void expect(BufferedReader answers, String line) throws Exception {
    String got = answers.readLine();
    if (!line.equals(got)) {
      throw new IllegalStateException("the load generator said " + got);
    }
  }

  private static long millisAfter(Instant t0, long epochMicros) {
    return (epochMicros - (t0.getEpochSecond() * 1_000_000 + t0.getNano() / 1_000)) / 1_000;
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (Exception e) {
      return "?";
    }
  }

  private static void say(String line) {
    System.out.println(Instant.now() + "  " + line);
    System.out.flush();
  }
}
