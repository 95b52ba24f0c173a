package io.gitconf.client;

import io.gitconf.core.GoldenRepos;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The propagation and mirror cold-start figures of {@code docs/benchmarks.md}:
 *
 * <ul>
 *   <li>commit pushed to the config repository → syncer (polling) → one transaction → {@code
 *       NOTIFY} → client event, over many changes, on the embedded PostgreSQL;
 *   <li>file saved in a working copy → file watcher → client event;
 *   <li>a client's first load of a 10,000-path environment from the mirror.
 * </ul>
 *
 * Uses the embedded PostgreSQL unless {@code GITCONF_TEST_JDBC_URL} is set. Run it as that document
 * says; not a JUnit test. Arguments: {@code [changes] [syncer poll in ms]} (default 100, 1000) for
 * the propagation figures, or {@code cold} for the cold start alone, in a JVM of its own.
 */
public final class PropagationBenchmark {
  private static final String PATH = "risk.parameters.maxOpenPositions";
  private static final String PROD_RISK = "environments/prod/risk.yaml";

  private PropagationBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path work = Files.createTempDirectory("gitconf-propagation");
    if (args.length > 0 && args[0].equals("cold")) {
      coldStart(work.resolve("cold"));
      return;
    }
    int changes = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    Duration poll = Duration.ofMillis(args.length > 1 ? Long.parseLong(args[1]) : 1000);
    mirror(work.resolve("mirror"), changes, poll);
    directory(work.resolve("directory"), changes);
  }

  /** Commit → syncer → NOTIFY → event, with a client TTL far above the poll (NOTIFY only). */
  static void mirror(Path dir, int changes, Duration poll) throws Exception {
    try (TradingDesk desk = TradingDesk.open(dir)) {
      desk.syncOnce();
      desk.startSyncer(poll);
      try (ConfigManager prod =
          ConfigManager.builder()
              .postgres(desk.database.dataSource())
              .environment("prod")
              .cacheTtl(Duration.ofMinutes(10))
              .build()) {
        ConfigSubscription events = prod.subscribe();
        String risk = desk.read(PROD_RISK);
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < changes; i++) {
          long value = 6 + i % 10;
          if (value == prod.getLong(PATH)) {
            value = 5;
          }
          desk.write(PROD_RISK, risk.replace("maxOpenPositions: 5", "maxOpenPositions: " + value));
          desk.commit(TradingDesk.BO, "change " + i);
          long t0 = System.nanoTime();
          awaitValue(events, String.valueOf(value));
          millis.add((System.nanoTime() - t0) / 1e6);
          // Start the next change at a random point of the syncer's poll cycle.
          Thread.sleep(ThreadLocalRandom.current().nextLong(poll.toMillis()));
        }
        report(
            "commit -> syncer (poll " + poll.toMillis() + " ms) -> NOTIFY -> client event", millis);
      }
    }
  }

  /** File saved → watcher (50 ms debounce) → reload → event. */
  static void directory(Path dir, int changes) throws Exception {
    Path repo = GoldenRepos.template(dir);
    Path risk = repo.resolve(PROD_RISK);
    String text = Files.readString(risk);
    try (ConfigManager prod = ConfigManager.builder().directory(repo).environment("prod").build()) {
      ConfigSubscription events = prod.subscribe();
      List<Double> millis = new ArrayList<>();
      for (int i = 0; i < changes; i++) {
        long value = 6 + i % 10;
        if (value == prod.getLong(PATH)) {
          value = 5;
        }
        Files.writeString(
            risk,
            text.replace("maxOpenPositions: 5", "maxOpenPositions: " + value),
            StandardCharsets.UTF_8);
        long t0 = System.nanoTime();
        awaitValue(events, String.valueOf(value));
        millis.add((System.nanoTime() - t0) / 1e6);
        Thread.sleep(ThreadLocalRandom.current().nextLong(100));
      }
      report("file save -> watcher (debounce 50 ms) -> client event", millis);
    }
  }

  /** A client's first load of the template plus 10,000 paths from the mirror, repeated. */
  static void coldStart(Path dir) throws Exception {
    try (TradingDesk desk = TradingDesk.open(dir)) {
      desk.edit(
              "gitconf.yaml",
              "  risk: {schema: risk}",
              "  risk: {schema: risk}\n  bulk: {schema: schemas/bulk.schema.json}")
          .write(
              "schemas/bulk.schema.json",
              "{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\", \"type\": \"object\"}")
          .write("base/bulk.yaml", bulkYaml(10_000))
          .commit(TradingDesk.ADA, "10,000 paths");
      desk.syncOnce();
      List<Double> millis = new ArrayList<>();
      int paths = 0;
      for (int i = 0; i < 22; i++) {
        long t0 = System.nanoTime();
        try (ConfigManager prod =
            ConfigManager.builder()
                .postgres(desk.database.dataSource())
                .environment("prod")
                .cacheTtl(Duration.ofMinutes(10))
                .build()) {
          millis.add((System.nanoTime() - t0) / 1e6);
          paths = prod.snapshot().source().leaves().size();
        }
      }
      check(paths > 10_000, paths + " paths");
      double first = millis.remove(0);
      Collections.sort(millis);
      System.out.printf(
          "cold start from the mirror, %d paths (build(): read, check the checksum, validate, bind):"
              + " first in a new JVM %.0f ms, then median %.0f ms (min %.0f, max %.0f) over %d%n",
          paths,
          first,
          millis.get(millis.size() / 2),
          millis.get(0),
          millis.get(millis.size() - 1),
          millis.size());
    }
  }

  private static String bulkYaml(int paths) {
    StringBuilder yaml = new StringBuilder();
    for (int i = 0; i < paths; i++) {
      if (i % 100 == 0) {
        yaml.append("group").append(i / 100).append(":\n");
      }
      yaml.append("  key").append(i % 100).append(": ").append(i).append('\n');
    }
    return yaml.toString();
  }

  private static void awaitValue(ConfigSubscription events, String value) throws Exception {
    while (true) {
      Optional<ConfigChangeEvent> event = events.poll(Duration.ofSeconds(60));
      check(event.isPresent(), "an event within a minute");
      if (event.get() instanceof ConfigChangeEvent.ValueChanged changed
          && changed.path().equals(PATH)
          && changed.after().equals(value)) {
        return;
      }
    }
  }

  private static void report(String what, List<Double> millis) {
    List<Double> sorted = new ArrayList<>(millis);
    Collections.sort(sorted);
    System.out.printf(
        "%s: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms over %d%n",
        what,
        percentile(sorted, 50),
        percentile(sorted, 90),
        percentile(sorted, 99),
        sorted.get(sorted.size() - 1),
        sorted.size());
  }

  private static double percentile(List<Double> sorted, int p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
  }

  private static void check(boolean condition, Object detail) {
    if (!condition) {
      throw new IllegalStateException("benchmark did not do what it measures: " + detail);
    }
  }
}
