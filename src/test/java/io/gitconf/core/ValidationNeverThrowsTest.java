package io.gitconf.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gitconf.core.crypto.EncryptionKeys;
import io.gitconf.core.crypto.SecretRules;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * No value crashes validation: whatever is written at a numeric path of the shipped schemas (as
 * YAML, through the strict reader), or stored at any path of a snapshot (as JSON, as the mirror and
 * the cache hold it), validation returns problems with file and line and never throws. Schema
 * checks, cross-field rules and secret checks all meet every value.
 */
class ValidationNeverThrowsTest {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static Path dir;
  private static ProbeRepository probe;
  private static ConfigSnapshot prod;
  private static List<ShippedSchemaPaths.NumericPath> numericPaths;
  private static final ConfigSchemaValidator VALIDATOR =
      ConfigSchemaValidator.of(SchemaSet.shipped());

  @BeforeContainer
  static void template() throws IOException {
    dir = Files.createTempDirectory("gitconf-probe");
    probe = ProbeRepository.create(dir);
    prod = probe.load().snapshot("prod");
    numericPaths = ShippedSchemaPaths.numericPaths(prod);
  }

  @AfterContainer
  static void removeTemplate() throws IOException {
    try (var files = Files.walk(dir)) {
      for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }

  /** A YAML value as written in a file, and whether it is a number in YAML 1.2. */
  record Written(String yaml, boolean number) {
    @Override
    public String toString() {
      return yaml;
    }
  }

  @Property(tries = 400)
  void anyValueWrittenAtANumericPathIsReportedWithFileAndLineNeverThrown(
      @ForAll("numericPaths") ShippedSchemaPaths.NumericPath at, @ForAll("written") Written value) {
    List<Problem> problems = ProbeRepository.validate(probe.with(at.path(), value.yaml()));

    assertThat(problems)
        .allSatisfy(
            p -> assertThat(p.origin()).hasValueSatisfying(o -> assertThat(o.line()).isPositive()));
    if (!value.number()) {
      assertThat(problems).as("%s = %s", at, value).anyMatch(Problem::isError);
    }
  }

  @Property(tries = 1000)
  void anyStoredValueAtAnyPathIsReportedNeverThrown(
      @ForAll("anyPath") String path, @ForAll("stored") JsonNode value) {
    SortedMap<String, JsonNode> leaves = new TreeMap<>(prod.leaves());
    leaves
        .keySet()
        .removeIf(p -> p.equals(path) || p.startsWith(path + ".") || path.startsWith(p + "."));
    flattenInto(path, value, leaves);
    ConfigSnapshot snapshot = ConfigSnapshot.fromLeaves("prod", leaves);

    List<Problem> problems = new ArrayList<>(VALIDATOR.validate(snapshot));
    problems.addAll(SecretRules.check(snapshot, SchemaSet.shipped(), EncryptionKeys.none()));
    SecretRules.unproven(List.of(snapshot), EncryptionKeys.none());

    boolean numeric = numericPaths.stream().anyMatch(n -> n.path().toString().equals(path));
    if (numeric && !value.isNumber()) {
      assertThat(problems).as("%s = %s", path, value).anyMatch(Problem::isError);
    }
    if (Json.isNonFiniteNumber(value)) {
      assertThat(problems)
          .anyMatch(p -> p.path().equals(path) && p.message().equals("must be a finite number"));
    }
  }

  @Provide
  Arbitrary<ShippedSchemaPaths.NumericPath> numericPaths() {
    return Arbitraries.of(numericPaths);
  }

  /** Every leaf path of prod, every map above one, and every numeric path. */
  @Provide
  Arbitrary<String> anyPath() {
    TreeSet<String> paths = new TreeSet<>();
    for (String leaf : prod.leaves().keySet()) {
      for (ConfigPath p = ConfigPath.parse(leaf); ; p = p.parent().orElseThrow()) {
        paths.add(p.toString());
        if (p.parent().isEmpty()) {
          break;
        }
      }
    }
    numericPaths.forEach(n -> paths.add(n.path().toString()));
    return Arbitraries.of(List.copyOf(paths));
  }

  @Provide
  Arbitrary<Written> written() {
    Arbitrary<Written> numbers =
        Arbitraries.oneOf(
                Arbitraries.longs().map(String::valueOf),
                Arbitraries.bigIntegers()
                    .between(BigInteger.TEN.pow(40).negate(), BigInteger.TEN.pow(40))
                    .map(String::valueOf),
                Arbitraries.doubles().map(String::valueOf),
                Arbitraries.bigDecimals()
                    .between(new BigDecimal("-1e30"), new BigDecimal("1e30"))
                    .ofScale(30)
                    .map(BigDecimal::toPlainString),
                Arbitraries.integers().between(-400, 400).map(e -> "1e" + e),
                Arbitraries.integers().between(-400, 400).map(e -> "-9.99e" + e),
                Arbitraries.of(
                    "1e400",
                    "-1e400",
                    "1e-400",
                    "12e99999999999",
                    "0x7fffffff",
                    "0x8000000000000000",
                    "0o777",
                    "2147483648",
                    "9223372036854775808",
                    "-9223372036854775809",
                    "4.9e-324",
                    "1.7976931348623157e308",
                    "0.1000000000000000000001",
                    "-0",
                    "+1"))
            .map(text -> new Written(text, true));
    Arbitrary<String> others =
        Arbitraries.oneOf(
            Arbitraries.of(
                ".inf",
                "-.Inf",
                ".nan",
                "true",
                "False",
                "~",
                "null",
                "\"\"",
                "'5'",
                "\"1e400\"",
                "[]",
                "{}",
                "[1, 2]",
                "{a: 1}",
                "[1e400]",
                "{x: .nan}",
                "on",
                "0x",
                "1_000",
                "2026-01-01",
                "!!float 5",
                "!!int abc",
                "!!str 5",
                "\"\\0\"",
                "*nowhere",
                "&a [1, *a]",
                "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"),
            Arbitraries.strings().ofMaxLength(40).map(s -> Json.canonical(NODES.textNode(s))),
            Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12));
    return Arbitraries.oneOf(numbers, others.map(text -> new Written(text, false)));
  }

  @Provide
  Arbitrary<JsonNode> stored() {
    Arbitrary<JsonNode> scalars =
        Arbitraries.oneOf(
            Arbitraries.doubles().map(NODES::numberNode),
            Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0)
                .map(NODES::numberNode),
            Arbitraries.floats().map(NODES::numberNode),
            Arbitraries.integers().map(NODES::numberNode),
            Arbitraries.longs().map(NODES::numberNode),
            Arbitraries.bigIntegers()
                .between(BigInteger.TEN.pow(400).negate(), BigInteger.TEN.pow(400))
                .map(NODES::numberNode),
            Arbitraries.of(
                    new BigDecimal("1e400"), new BigDecimal("-1e-400"), new BigDecimal("0.1"))
                .map(NODES::numberNode),
            Arbitraries.strings().ofMaxLength(30).map(NODES::textNode),
            Arbitraries.of(
                    "ENC[v1,prod,k1,AAAA]", "ENC[", "live", "token-2022", "transferFeeConfig")
                .map(NODES::textNode),
            Arbitraries.of(true, false).map(NODES::booleanNode),
            Arbitraries.just(NODES.nullNode()));
    return Arbitraries.recursive(() -> scalars, this::containerOf, 0, 3);
  }

  private Arbitrary<JsonNode> containerOf(Arbitrary<JsonNode> element) {
    Arbitrary<JsonNode> lists =
        element
            .list()
            .ofMaxSize(3)
            .map(
                items -> {
                  ArrayNode array = NODES.arrayNode();
                  items.forEach(array::add);
                  return array;
                });
    Arbitrary<JsonNode> maps =
        Arbitraries.maps(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(6), element)
            .ofMaxSize(3)
            .map(
                fields -> {
                  ObjectNode object = NODES.objectNode();
                  fields.forEach(object::set);
                  return object;
                });
    return Arbitraries.oneOf(lists, maps);
  }

  /** Leaves as a snapshot stores them: a map's values at paths below it, an empty map as itself. */
  private static void flattenInto(String path, JsonNode value, Map<String, JsonNode> leaves) {
    if (value instanceof ObjectNode object && !object.isEmpty()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = object.properties().iterator();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        flattenInto(path + "." + field.getKey(), field.getValue(), leaves);
      }
    } else {
      leaves.put(path, value);
    }
  }
}
