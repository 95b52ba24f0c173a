package io.gitconf.client;

import io.gitconf.core.GoldenRepos;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;

/**
 * The cold-start figures of {@code docs/benchmarks.md}: how long {@code ConfigManager.build()}
 * takes for the template's {@code prod} environment plus a category of 10,000 paths, from each
 * source it can start from. Each case runs in a JVM of its own, so its first start is as cold as a
 * trading process's; the later starts of that JVM show the cost without class loading and JIT.
 *
 * <p>A case is one entry of {@link #CASES}: a name and how it builds the manager over the prepared
 * {@link Fixture}. The PostgreSQL source is meant to be added there as a third.
 *
 * <p>Run it as that document says; not a JUnit test.
 */
public final class ColdStartBenchmark {
  static final int RUNS = 21;
  static final String BENCH_SCHEMA =
      "{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\", \"type\": \"object\"}";

  /** One way to start a client: its name, and how it builds the manager over the fixture. */
  record Case(String name, Function<Fixture, ConfigManager> start) {}

  static final List<Case> CASES =
      List.of(
          new Case("directory", fixture -> fixture.builder(fixture.repository()).build()),
          // The source is an empty directory: loading it fails, so the manager serves the cache.
          new Case("cache", fixture -> fixture.builder(fixture.unavailable()).build()));

  /** The configuration repository, an unusable source, and the cache file both cases share. */
  record Fixture(Path repository, Path unavailable, Path cacheFile) {
    static Fixture in(Path dir) {
      return new Fixture(dir.resolve("config"), dir.resolve("unavailable"), dir.resolve("cache"));
    }

    /** Every case starts with the same options: prod, with the last-known-good cache. */
    ConfigManager.Builder builder(Path directory) {
      return ConfigManager.builder()
          .directory(directory)
          .environment("prod")
          .cacheFile(cacheFile)
          .debounce(Duration.ofHours(1));
    }
  }

  private ColdStartBenchmark() {}

  /**
   * Without arguments: prepares a fixture, then runs every case in a JVM of its own. With {@code
   * <case> <fixture directory>}: runs that case here.
   */
  public static void main(String[] args) throws Exception {
    if (args.length == 2) {
      run(find(args[0]), Fixture.in(Path.of(args[1])));
      return;
    }
    Path dir = Files.createTempDirectory("gitconf-cold-start");
    prepare(Fixture.in(dir));
    for (Case c : CASES) {
      Process child =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  ColdStartBenchmark.class.getName(),
                  c.name(),
                  dir.toString())
              .inheritIO()
              .start();
      if (child.waitFor() != 0) {
        throw new IllegalStateException("case " + c.name() + " failed");
      }
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }

  /** The template plus a {@code bench} category of 100 groups of 100 keys, and its cache file. */
  static void prepare(Fixture fixture) throws IOException {
    Path repo = GoldenRepos.template(fixture.repository());
    Files.writeString(
        repo.resolve("gitconf.yaml"),
        "  bench: {schema: schemas/bench.schema.json}\n",
        StandardOpenOption.APPEND);
    write(repo.resolve("schemas/bench.schema.json"), BENCH_SCHEMA);
    StringBuilder yaml = new StringBuilder();
    for (int g = 0; g < 100; g++) {
      yaml.append("group").append(g).append(":\n");
      for (int k = 0; k < 100; k++) {
        yaml.append("  key").append(k).append(": ").append(g * 100 + k).append('\n');
      }
    }
    write(repo.resolve("base/bench.yaml"), yaml.toString());
    Files.createDirectories(fixture.unavailable());
    try (ConfigManager first = fixture.builder(repo).build()) {
      check(first, fixture, "preparing the fixture");
    }
  }

  static void run(Case c, Fixture fixture) {
    // The cache case warns on every start that its source is unavailable; once is enough to know.
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(ConfigManager.class))
        .setLevel(ch.qos.logback.classic.Level.ERROR);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    List<Double> millis = new ArrayList<>();
    List<Double> cpuMillis = new ArrayList<>();
    for (int i = 0; i < RUNS; i++) {
      long cpu0 = threads.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      ConfigManager manager = c.start().apply(fixture);
      millis.add((System.nanoTime() - t0) / 1e6);
      cpuMillis.add((threads.getCurrentThreadCpuTime() - cpu0) / 1e6);
      try (manager) {
        check(manager, fixture, c.name());
      }
    }
    // The starting thread's CPU time is reported too: on a shared machine it varies far less
    // than elapsed time, which includes waiting for a core.
    System.out.printf(
        "%s: first start %s; later starts: median %s over %d%n",
        c.name(), figures(millis.get(0), cpuMillis.get(0)), medians(millis, cpuMillis), RUNS - 1);
  }

  private static String medians(List<Double> millis, List<Double> cpuMillis) {
    List<Double> wall = new ArrayList<>(millis.subList(1, millis.size()));
    List<Double> cpu = new ArrayList<>(cpuMillis.subList(1, cpuMillis.size()));
    Collections.sort(wall);
    Collections.sort(cpu);
    return String.format(
        "%s (elapsed min %.0f ms, max %.0f ms)",
        figures(wall.get(wall.size() / 2), cpu.get(cpu.size() / 2)),
        wall.get(0),
        wall.get(wall.size() - 1));
  }

  private static String figures(double wallMillis, double cpuMillis) {
    return String.format("%.0f ms elapsed, %.0f ms CPU", wallMillis, cpuMillis);
  }

  /** Fails unless the manager serves the whole fixture, bench paths and typed records alike. */
  static void check(ConfigManager manager, Fixture fixture, String what) {
    ClientSnapshot snapshot = manager.snapshot();
    // Both sources serve what was read from the repository: the cache case has no other way to.
    String commit = "directory " + fixture.repository().toAbsolutePath().normalize();
    if (manager.getLong("bench.group42.key7") != 4207
        || manager.getRiskParameters().parameters().maxPositionSizeUsd() != 500.0
        || snapshot.values().size() < 10_000
        || !snapshot.commit().equals(commit)) {
      throw new IllegalStateException(what + ": served " + manager.snapshot());
    }
  }

  private static Case find(String name) {
    return CASES.stream()
        .filter(c -> c.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no case " + name + " in " + CASES));
  }

  private static void write(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, content, StandardCharsets.UTF_8);
  }
}
