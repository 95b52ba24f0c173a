package io.gitconf.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.gitconf.core.GoldenRepos;
import io.gitconf.core.Json;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.configuration2.MapConfiguration;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * The lookup figures of {@code docs/benchmarks.md}: one value read through our typed getter and our
 * path getter, and through Typesafe Config, SmallRye Config and Apache Commons Configuration 2
 * loaded with the same values (the template's resolved {@code prod} environment). Every peer reads
 * the same path, and each method returns the value so that JMH consumes it.
 *
 * <p>Typesafe Config is loaded from the environment's JSON tree, so its numbers are numbers, as
 * they are after parsing a file. SmallRye and Commons Configuration hold text, as they do when they
 * read properties files; converting it on every read is part of what their getters cost.
 *
 * <p>Run {@link #main} as that document says; JMH's defaults are too long for a shared machine. One
 * instance is shared by JMH's single benchmark thread; the configurations it reads are immutable.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
public class ClientLookupBenchmark {
  static final String PATH = "risk.parameters.maxPositionSizeUsd";
  static final double EXPECTED = 500.0;
  static final List<String> ORDER =
      List.of(
          "typedGetter", "pathGetter", "typesafeGetDouble", "smallryeGetValue", "commonsGetDouble");

  // Not final, and read from fields: JMH must not fold the path into a constant.
  String path = PATH;
  Path dir;
  ConfigManager manager;
  Config typesafe;
  SmallRyeConfig smallrye;
  MapConfiguration commons;

  @Setup
  public void load() throws IOException {
    dir = Files.createTempDirectory("gitconf-lookup");
    manager =
        ConfigManager.builder()
            .directory(GoldenRepos.template(dir.resolve("config")))
            .environment("prod")
            // No reload can happen during a run: the template is not edited.
            .debounce(Duration.ofHours(1))
            .build();
    ClientSnapshot snapshot = manager.snapshot();
    typesafe = ConfigFactory.parseString(Json.canonical(snapshot.source().tree())).resolve();
    Map<String, String> text = text(snapshot.source().leaves());
    smallrye =
        new SmallRyeConfigBuilder()
            .withSources(new PropertiesConfigSource(text, "prod", 100))
            .build();
    commons = new MapConfiguration(new LinkedHashMap<String, Object>(text));
    for (double value :
        new double[] {
          typedGetter(), pathGetter(), typesafeGetDouble(), smallryeGetValue(), commonsGetDouble()
        }) {
      if (value != EXPECTED) {
        throw new IllegalStateException(PATH + " is " + value + " in one of the configurations");
      }
    }
  }

  /** Every leaf as the text a properties file would hold: strings as they are, the rest as JSON. */
  static Map<String, String> text(Map<String, JsonNode> leaves) {
    Map<String, String> text = new TreeMap<>();
    leaves.forEach((p, v) -> text.put(p, v.isTextual() ? v.asText() : Json.canonical(v)));
    return text;
  }

  @TearDown
  public void close() throws IOException {
    manager.close();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }

  @Benchmark
  public double typedGetter() {
    return manager.getRiskParameters().parameters().maxPositionSizeUsd();
  }

  @Benchmark
  public double pathGetter() {
    return manager.getDouble(path);
  }

  @Benchmark
  public double typesafeGetDouble() {
    return typesafe.getDouble(path);
  }

  @Benchmark
  public double smallryeGetValue() {
    return smallrye.getValue(path, Double.class);
  }

  @Benchmark
  public double commonsGetDouble() {
    return commons.getDouble(path);
  }

  /**
   * Runs the benchmark with the settings annotated above (fit for 2 shared cores), or with JMH's
   * own options given as arguments (e.g. {@code -i 10 -prof stack}), then prints the table of
   * results for {@code docs/benchmarks.md}.
   */
  public static void main(String[] args) throws Exception {
    CommandLineOptions given = new CommandLineOptions(args);
    OptionsBuilder options = new OptionsBuilder();
    options.parent(given).shouldFailOnError(true);
    if (given.getIncludes().isEmpty()) {
      options.include(ClientLookupBenchmark.class.getName() + "\\.");
    }
    if (given.getProfilers().isEmpty()) {
      // Bytes allocated per lookup do not depend on what else the machine is running; times do.
      options.addProfiler(GCProfiler.class);
    }
    Collection<RunResult> results = new Runner(options.build()).run();
    Map<String, double[]> scores = new LinkedHashMap<>();
    for (RunResult result : results) {
      Result<?> allocated = result.getSecondaryResults().get("gc.alloc.rate.norm");
      scores.put(
          result.getParams().getBenchmark().replaceAll(".*\\.", ""),
          new double[] {
            result.getPrimaryResult().getScore(),
            result.getPrimaryResult().getScoreError(),
            allocated == null ? Double.NaN : allocated.getScore()
          });
    }
    if (!scores.keySet().containsAll(ORDER)) {
      return; // a partial run (a profile of one benchmark, say) has no table to print
    }
    double typed = scores.get("typedGetter")[0];
    double byPath = scores.get("pathGetter")[0];
    System.out.println();
    System.out.println("| benchmark | ns/op | bytes/op | × typed getter | × path getter |");
    System.out.println("|---|---|---|---|---|");
    for (String name : ORDER) {
      double[] score = scores.get(name);
      System.out.printf(
          "| %s | %.1f ± %.1f | %.0f | %.1f | %.1f |%n",
          name, score[0], score[1], score[2], score[0] / typed, score[0] / byPath);
    }
  }
}
