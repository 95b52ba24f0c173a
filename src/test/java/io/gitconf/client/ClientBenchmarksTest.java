package io.gitconf.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs each benchmark's set-up and every measured call once, so that a change to the client that
 * breaks a benchmark fails the build rather than the next person who measures. Times nothing.
 */
class ClientBenchmarksTest {
  @TempDir Path dir;

  @Test
  void everyLookupReadsTheSameValueFromEveryConfigurationLibrary() throws Exception {
    ClientLookupBenchmark benchmark = new ClientLookupBenchmark();
    benchmark.load();
    try {
      assertThat(
              new double[] {
                benchmark.typedGetter(),
                benchmark.pathGetter(),
                benchmark.typesafeGetDouble(),
                benchmark.smallryeGetValue(),
                benchmark.commonsGetDouble()
              })
          .containsOnly(500.0);
      assertThat(benchmark.smallrye.getValue("trader.mode", String.class))
          .isEqualTo(benchmark.manager.getString("trader.mode"))
          .isEqualTo(benchmark.typesafe.getString("trader.mode"))
          .isEqualTo(benchmark.commons.getString("trader.mode"))
          .isEqualTo("live");
    } finally {
      benchmark.close();
    }
  }

  @Test
  void everyColdStartCaseServesTheWholeFixture() throws Exception {
    ColdStartBenchmark.Fixture fixture = ColdStartBenchmark.Fixture.in(dir);
    ColdStartBenchmark.prepare(fixture);
    assertThat(ColdStartBenchmark.CASES)
        .extracting(ColdStartBenchmark.Case::name)
        .containsExactly("directory", "cache");
    for (ColdStartBenchmark.Case c : ColdStartBenchmark.CASES) {
      try (ConfigManager manager = c.start().apply(fixture)) {
        ColdStartBenchmark.check(manager, fixture, c.name());
        assertThat(manager.snapshot().values()).hasSizeGreaterThan(10_000);
      }
    }
  }
}
