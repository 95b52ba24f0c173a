package io.gitconf.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.gitconf.core.ConfigRepository;
import io.gitconf.core.ConfigSnapshot;
import io.gitconf.core.GitconfException;
import io.gitconf.core.GoldenRepos;
import io.gitconf.core.Json;
import io.gitconf.core.Problem;
import io.gitconf.core.RepoTree;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Snapshot values frozen at every depth, categories bound to any type, and the binding check. */
class ClientSnapshotTest {
  @TempDir Path dir;

  /** A category of a team's own, bound as a record. */
  public record LiquidityConfig(int maxSlippageBps, List<Pool> pools, Limits limits) {
    public record Pool(String name, double weight) {}

    public record Limits(double maxPoolShare) {}
  }

  /** The same category bound as a bean. */
  public static final class LiquidityBean {
    private int maxSlippageBps;
    private List<LiquidityConfig.Pool> pools;

    public int getMaxSlippageBps() {
      return maxSlippageBps;
    }

    public void setMaxSlippageBps(int maxSlippageBps) {
      this.maxSlippageBps = maxSlippageBps;
    }

    public List<LiquidityConfig.Pool> getPools() {
      return pools;
    }

    public void setPools(List<LiquidityConfig.Pool> pools) {
      this.pools = pools;
    }
  }

  private static ClientSnapshot snapshot(Map<String, String> leaves) {
    SortedMap<String, JsonNode> parsed = new TreeMap<>();
    leaves.forEach((path, json) -> parsed.put(path, Json.parse(path, json)));
    return ClientSnapshot.of(
        ConfigSnapshot.fromLeaves("dev", parsed), OptionalLong.of(3), "0123456789abcdef");
  }

  @Test
  void valuesCannotBeChangedAtAnyDepth() {
    ClientSnapshot snapshot =
        snapshot(
            Map.of(
                "app.nested",
                "[1, {\"a\": [{\"b\": [2, {\"c\": {\"d\": [3]}}]}], \"n\": null}, \"x\"]",
                "app.empty",
                "{}"));
    Object nested = snapshot.get("app.nested", Object.class);
    List<String> visited = new ArrayList<>();
    assertFrozen(nested, "app.nested", visited);
    assertFrozen(snapshot.get("app.empty", Map.class), "app.empty", visited);
    assertThat(visited)
        .containsExactly(
            "app.nested",
            "app.nested[1]",
            "app.nested[1].a",
            "app.nested[1].a[0]",
            "app.nested[1].a[0].b",
            "app.nested[1].a[0].b[1]",
            "app.nested[1].a[0].b[1].c",
            "app.nested[1].a[0].b[1].c.d",
            "app.empty");
    @SuppressWarnings("unchecked")
    Map<String, Object> second =
        (Map<String, Object>) snapshot.get("app.nested", List.class).get(1);
    assertThat(second)
        .containsEntry("n", null)
        .containsEntry(
            "a", List.of(Map.of("b", List.of(2L, Map.of("c", Map.of("d", List.of(3L)))))));
  }

  /** Tries every kind of change on every list and map inside {@code value}. */
  @SuppressWarnings("unchecked")
  private static void assertFrozen(Object value, String path, List<String> visited) {
    if (value instanceof List<?> list) {
      visited.add(path);
      List<Object> any = (List<Object>) list;
      assertUnsupported(() -> any.add("more"), path);
      assertUnsupported(() -> any.add(0, "more"), path);
      assertUnsupported(() -> any.addAll(List.of("more")), path);
      assertUnsupported(() -> any.clear(), path);
      if (!list.isEmpty()) {
        assertUnsupported(() -> any.set(0, "other"), path);
        assertUnsupported(() -> any.remove(0), path);
        assertUnsupported(() -> any.removeIf(x -> true), path);
        assertUnsupported(() -> any.replaceAll(x -> "other"), path);
        assertUnsupported(
            () -> {
              var iterator = any.iterator();
              iterator.next();
              iterator.remove();
            },
            path);
      }
      for (int i = 0; i < list.size(); i++) {
        assertFrozen(list.get(i), path + "[" + i + "]", visited);
      }
    } else if (value instanceof Map<?, ?> map) {
      visited.add(path);
      Map<String, Object> any = (Map<String, Object>) map;
      assertUnsupported(() -> any.put("more", 1), path);
      assertUnsupported(() -> any.putAll(Map.of("more", 1)), path);
      assertUnsupported(() -> any.clear(), path);
      assertUnsupported(() -> any.remove("a"), path);
      if (!map.isEmpty()) {
        assertUnsupported(() -> any.entrySet().iterator().next().setValue("other"), path);
        assertUnsupported(() -> any.keySet().clear(), path);
        assertUnsupported(() -> any.values().clear(), path);
        assertUnsupported(() -> any.replaceAll((k, v) -> "other"), path);
      }
      for (Map.Entry<String, Object> entry : any.entrySet()) {
        assertFrozen(entry.getValue(), path + "." + entry.getKey(), visited);
      }
    }
  }

  private static void assertUnsupported(Runnable change, String path) {
    assertThatThrownBy(change::run)
        .as("a change to %s", path)
        .isInstanceOf(UnsupportedOperationException.class);
  }

  private Path withLiquidity() throws Exception {
    Path repo = GoldenRepos.template(dir.resolve("config"));
    Files.createDirectories(repo.resolve("schemas"));
    Files.writeString(
        repo.resolve("schemas/liquidity.schema.json"),
        """
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "type": "object",
          "additionalProperties": false,
          "properties": {
            "maxSlippageBps": {"type": "integer", "minimum": 0, "maximum": 10000},
            "pools": {
              "type": "array",
              "items": {
                "type": "object",
                "additionalProperties": false,
                "required": ["name", "weight"],
                "properties": {"name": {"type": "string"}, "weight": {"type": "number"}}
              }
            },
            "limits": {
              "type": "object",
              "additionalProperties": false,
              "properties": {"maxPoolShare": {"type": "number"}}
            }
          }
        }
        """);
    Files.writeString(
        repo.resolve("gitconf.yaml"),
        Files.readString(repo.resolve("gitconf.yaml"))
            + "  liquidity: {schema: schemas/liquidity.schema.json}\n");
    Files.writeString(
        repo.resolve("base/liquidity.yaml"),
        """
        maxSlippageBps: 30
        pools:
          - name: orca
            weight: 0.6
          - name: raydium
            weight: 0.4
        limits:
          maxPoolShare: 0.25
        """);
    return repo;
  }

  @Test
  void aTeamsOwnCategoryBindsToItsRecordOrBeanOncePerSnapshot() throws Exception {
    Path repo = withLiquidity();
    try (ConfigManager prod =
        ConfigManager.builder()
            .directory(repo)
            .environment("prod")
            .debounce(Duration.ofHours(1))
            .build()) {
      LiquidityConfig liquidity = prod.get("liquidity", LiquidityConfig.class);
      assertThat(liquidity)
          .isEqualTo(
              new LiquidityConfig(
                  30,
                  List.of(
                      new LiquidityConfig.Pool("orca", 0.6),
                      new LiquidityConfig.Pool("raydium", 0.4)),
                  new LiquidityConfig.Limits(0.25)));
      assertThat(prod.get("liquidity", LiquidityConfig.class)).isSameAs(liquidity);
      assertThat(prod.get("liquidity.limits", LiquidityConfig.Limits.class))
          .isEqualTo(new LiquidityConfig.Limits(0.25));
      LiquidityBean bean = prod.get("liquidity", LiquidityBean.class);
      assertThat(bean.getMaxSlippageBps()).isEqualTo(30);
      assertThat(bean.getPools()).hasSize(2);
      assertThat(prod.get("risk.parameters.maxOpenPositions", Integer.class)).isEqualTo(5);

      Files.writeString(
          repo.resolve("base/liquidity.yaml"),
          Files.readString(repo.resolve("base/liquidity.yaml"))
              .replace("maxSlippageBps: 30", "maxSlippageBps: 25"));
      assertThat(prod.reload()).isTrue();

      LiquidityConfig reloaded = prod.get("liquidity", LiquidityConfig.class);
      assertThat(reloaded.maxSlippageBps()).isEqualTo(25);
      assertThat(liquidity.maxSlippageBps()).isEqualTo(30);
    }
  }

  @Test
  void concurrentReadersShareOneBinding() throws Exception {
    Path repo = withLiquidity();
    ClientSnapshot snapshot =
        ClientSnapshot.of(
            ConfigRepository.load(RepoTree.directory(repo)).snapshot("prod"),
            OptionalLong.empty(),
            "directory");
    int readers = 8;
    CyclicBarrier start = new CyclicBarrier(readers);
    ExecutorService pool = Executors.newFixedThreadPool(readers);
    try {
      List<Future<LiquidityConfig>> bound = new ArrayList<>();
      for (int i = 0; i < readers; i++) {
        bound.add(
            pool.submit(
                () -> {
                  start.await();
                  return snapshot.get("liquidity", LiquidityConfig.class);
                }));
      }
      Set<Object> distinct = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
      for (Future<LiquidityConfig> future : bound) {
        distinct.add(future.get());
      }
      assertThat(distinct).hasSize(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aValueThatDoesNotBindNamesItsExactPath() {
    ClientSnapshot snapshot =
        snapshot(
            Map.of(
                "liquidity.maxSlippageBps", "30",
                "liquidity.pools",
                    "[{\"name\": \"orca\", \"weight\": 0.6}, {\"name\": \"x\", \"weight\": \"heavy\"}]"));

    assertThatThrownBy(() -> snapshot.get("liquidity", LiquidityConfig.class))
        .isInstanceOf(GitconfException.WrongType.class)
        .hasMessage(
            "liquidity.pools[1].weight: does not bind to LiquidityConfig: Cannot deserialize value"
                + " of type `double` from String \"heavy\": not a valid `double` value (as String to"
                + " convert)");
    assertThatThrownBy(() -> snapshot.get("liquidity.limits", LiquidityConfig.Limits.class))
        .isInstanceOf(GitconfException.Missing.class)
        .hasMessage("liquidity.limits: not set in dev (version 3, 0123456789abcdef)");
    assertThatThrownBy(() -> snapshot.get("liquidity.maxSlippageBps", Double.class))
        .isInstanceOf(GitconfException.WrongType.class)
        .hasMessage("liquidity.maxSlippageBps: is Long, not Double");
  }

  @Test
  void theBindingCheckRefusesAnIntSettingBeyondAnIntWithItsFileAndLine() throws Exception {
    Path repo = GoldenRepos.template(dir.resolve("config"));
    Path file = repo.resolve("base/circuit-breaker.yaml");
    Files.writeString(
        file,
        Files.readString(file).replace("minRequests: 50", "minRequests: 99999999999999999999999"));
    ConfigSnapshot prod = ConfigRepository.load(RepoTree.directory(repo)).snapshot("prod");

    List<Problem> problems = ClientSnapshot.bindingCheck().check(prod);

    assertThat(problems)
        .extracting(Problem::toString)
        .containsExactly(
            "base/circuit-breaker.yaml:11: circuit-breaker.errorRate.minRequests: does not bind"
                + " to CircuitBreakerConfig: Numeric value (99999999999999999999999) out of range"
                + " of int (-2147483648 - 2147483647) (binding)");
    assertThatThrownBy(() -> ClientSnapshot.of(prod, OptionalLong.empty(), "directory"))
        .isInstanceOf(GitconfException.ValidationFailed.class)
        .hasMessageContaining(problems.get(0).toString());
    assertThat(
            ClientSnapshot.bindingCheck()
                .check(
                    ConfigRepository.load(
                            RepoTree.directory(GoldenRepos.template(dir.resolve("ok"))))
                        .snapshot("prod")))
        .isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
    "trader.defaultSlippageBps, TraderConfig",
    "risk.parameters.maxOpenPositions, RiskParameters",
    "mev.transaction.maxRetries, MevProtection",
    "monitoring.metrics.collectionIntervalMs, MonitoringConfig",
    "circuit-breaker.latency.p99TargetMs, CircuitBreakerConfig",
    "tokens.DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263.decimals, TokenConfig"
  })
  void theBindingCheckCoversEveryTypedRecord(String path, String record) {
    SortedMap<String, JsonNode> leaves =
        new TreeMap<>(
            ConfigRepository.load(RepoTree.directory(GoldenRepos.template(dir.resolve("config"))))
                .snapshot("prod")
                .leaves());
    assertThat(leaves).containsKey(path);
    leaves.put(path, Json.MAPPER.getNodeFactory().numberNode(new BigInteger("99999999999")));

    List<Problem> problems =
        ClientSnapshot.bindingCheck().check(ConfigSnapshot.fromLeaves("prod", leaves));

    assertThat(problems)
        .extracting(Problem::toString)
        .containsExactly(
            path
                + ": does not bind to "
                + record
                + ": Numeric value (99999999999) out of range of int (-2147483648 - 2147483647)"
                + " (binding)");
  }

  @Test
  void theClientPackageShowsOnlyWhatAnApplicationUses() {
    Collection<Class<?>> all =
        new com.tngtech.archunit.core.importer.ClassFileImporter()
                .withImportOption(
                    com.tngtech.archunit.core.importer.ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.gitconf.client")
                .stream()
                .filter(c -> c.getPackageName().equals("io.gitconf.client"))
                .filter(
                    c ->
                        c.getModifiers()
                            .contains(com.tngtech.archunit.core.domain.JavaModifier.PUBLIC))
                .filter(c -> c.isTopLevelClass())
                .<Class<?>>map(c -> c.reflect())
                .toList();
    assertThat(all)
        .extracting(Class::getSimpleName)
        .containsExactlyInAnyOrder(
            "ConfigManager",
            "ClientSnapshot",
            "ConfigChangeEvent",
            "ConfigSubscription",
            "TraderConfig",
            "RiskParameters",
            "MevProtection",
            "TokenConfig",
            "MonitoringConfig",
            "CircuitBreakerConfig",
            // For health checks, metrics and property-based frameworks (Spring, MicroProfile).
            "ClientStatus",
            "PropertyValues");
    // No public signature hands out or takes core's or Jackson's internals.
    Set<String> allowedFromCore =
        Set.of(
            "io.gitconf.core.SnapshotCheck",
            "io.gitconf.core.ChangeRateLimit",
            "io.gitconf.core.crypto.EncryptionKeys",
            "io.gitconf.core.crypto.Secret");
    List<String> leaks = new ArrayList<>();
    for (Class<?> type : all) {
      for (Class<?> nested : withNested(type)) {
        for (java.lang.reflect.Method method : nested.getMethods()) {
          List<Class<?>> used = new ArrayList<>(List.of(method.getParameterTypes()));
          used.add(method.getReturnType());
          for (Class<?> t : used) {
            String name = t.getName();
            if ((name.startsWith("io.gitconf.core") && !allowedFromCore.contains(name))
                || name.startsWith("com.fasterxml")) {
              leaks.add(nested.getSimpleName() + "." + method.getName() + ": " + name);
            }
          }
        }
      }
    }
    assertThat(leaks).isEmpty();
  }

  private static List<Class<?>> withNested(Class<?> type) {
    List<Class<?>> all = new ArrayList<>(List.of(type));
    for (Class<?> nested : type.getClasses()) {
      all.addAll(withNested(nested));
    }
    return all;
  }
}
