package io.gitconf.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.gitconf.core.ConfigRepository;
import io.gitconf.core.ProbeRepository;
import io.gitconf.core.Problem;
import io.gitconf.core.ShippedSchemaPaths;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * What validates, binds: any number written at any numeric path of the shipped schemas (found by
 * walking them, so a new field is covered) that validation accepts, the client binds to its typed
 * records. A schema bound looser than its record's Java type (an {@code int} field without a
 * maximum) fails here.
 */
class WhatValidatesBindsTest {
  private static Path dir;
  private static ProbeRepository probe;
  private static List<ShippedSchemaPaths.NumericPath> numericPaths;

  @BeforeContainer
  static void template() throws IOException {
    dir = Files.createTempDirectory("gitconf-binding");
    probe = ProbeRepository.create(dir);
    numericPaths =
        ShippedSchemaPaths.numericPaths(probe.load().snapshot(ProbeRepository.ENVIRONMENT));
  }

  @AfterContainer
  static void removeTemplate() throws IOException {
    try (var files = Files.walk(dir)) {
      for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }

  @Property(tries = 600)
  void anyNumberThatValidatesBindsToTheTypedRecords(
      @ForAll("numericPaths") ShippedSchemaPaths.NumericPath at, @ForAll("numbers") String number) {
    ConfigRepository repository = probe.with(at.path(), number);
    List<Problem> problems = ProbeRepository.validate(repository);
    boolean valid = problems.stream().noneMatch(Problem::isError);
    Statistics.label("validates").collect(valid);
    // Not vacuous: a good share of the numbers tried are accepted and then bound.
    Statistics.label("validates").coverage(check -> check.check(true).percentage(p -> p > 10));
    if (valid) {
      assertThatCode(
              () ->
                  ClientSnapshot.of(
                      repository.snapshot(ProbeRepository.ENVIRONMENT),
                      OptionalLong.empty(),
                      "probe"))
          .as("%s = %s", at, number)
          .doesNotThrowAnyException();
    }
  }

  /** Every numeric path the schemas describe is found in the template, and bounds are tight. */
  @Property(tries = 1)
  void theWalkFindsEveryTypedRecordField() {
    assertThat(numericPaths).hasSizeGreaterThanOrEqualTo(40);
    assertThat(numericPaths.stream().map(n -> n.path().toString()))
        .contains(
            "circuit-breaker.errorRate.minRequests",
            "risk.limits.perToken.So11111111111111111111111111111111111111112.maxPositionSizeUsd",
            "trader.rpc.endpoints.public-mainnet.weight");
  }

  @Provide
  Arbitrary<ShippedSchemaPaths.NumericPath> numericPaths() {
    return Arbitraries.of(numericPaths);
  }

  /**
   * Numbers around every bound a field can have: small ones most fields accept, the edges of int
   * and long, integers beyond them, and doubles of every magnitude.
   */
  @Provide
  Arbitrary<String> numbers() {
    BigInteger intMax = BigInteger.valueOf(Integer.MAX_VALUE);
    BigInteger longMax = BigInteger.valueOf(Long.MAX_VALUE);
    return Arbitraries.oneOf(
        Arbitraries.integers().between(0, 1000).map(String::valueOf),
        Arbitraries.integers()
            .between(-3, 3)
            .map(d -> intMax.add(BigInteger.valueOf(d)).toString()),
        Arbitraries.integers()
            .between(-3, 3)
            .map(d -> longMax.add(BigInteger.valueOf(d)).toString()),
        Arbitraries.integers()
            .between(-3, 3)
            .map(d -> BigInteger.TEN.pow(12).add(BigInteger.valueOf(d)).toString()),
        Arbitraries.longs().map(String::valueOf),
        Arbitraries.bigIntegers()
            .between(BigInteger.TEN.pow(30).negate(), BigInteger.TEN.pow(30))
            .map(String::valueOf),
        Arbitraries.integers().between(0, 60).map(e -> "1e" + e),
        Arbitraries.integers().between(0, 60).map(e -> "9.99e" + e),
        Arbitraries.doubles().between(0, 1e20).map(String::valueOf),
        Arbitraries.bigDecimals()
            .between(BigDecimal.ZERO, new BigDecimal("10000"))
            .ofScale(2)
            .map(BigDecimal::toPlainString),
        Arbitraries.of(
            "2147483647.0",
            "2147483648.0",
            "9.223372036854775807e18",
            "9223372036854775807.0",
            "0x7fffffff",
            "0x80000000",
            "0x7fffffffffffffff",
            "0x8000000000000000",
            "1.5",
            "0.5"));
  }
}
