package io.gitconf.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Numbers given to set are written as a person would write them, whatever Java type held them. */
class NumberFormTest {
  private static final ConfigPath PATH = ConfigPath.parse("risk.parameters.maxPositionSizeUsd");
  private static final Optional<JsonNode> INTEGER_IN_FILE = Optional.of(IntNode.valueOf(500));
  private static final Optional<JsonNode> NUMBER_SCHEMA =
      Optional.of(Json.parse("schema", "{\"type\": \"number\"}"));

  private static Arguments form(Object value, String written) {
    return Arguments.of(value.getClass().getSimpleName() + " " + value, value, written);
  }

  static Stream<Arguments> forms() {
    return Stream.of(
        form(450, "450"),
        form(450L, "450"),
        form((short) 450, "450"),
        form((byte) 45, "45"),
        form(BigInteger.valueOf(450), "450"),
        form(new AtomicLong(450), "450"),
        form(450.0, "450"),
        form(450.0f, "450"),
        form(new BigDecimal("450.00"), "450"),
        form(new BigDecimal("4.5E+2"), "450"),
        form(-0.0, "0"),
        form(-450.0, "-450"),
        form(450.5, "450.5"),
        form(450.5f, "450.5"),
        form(0.1f, "0.1"),
        form(new BigDecimal("450.50"), "450.5"),
        form(1e-7, "1.0E-7"),
        // An integral double too large to be a count a person typed keeps its form.
        form(1e20, "1.0E20"),
        form(9007199254740992.0, "9007199254740992"));
  }

  @ParameterizedTest(name = "{0} is written {2}")
  @MethodSource("forms")
  void everyNumericFormIsWrittenAsAPersonWouldWhereTheFileHoldsIntegers(
      String name, Object value, String written) {
    JsonNode node = Json.MAPPER.valueToTree(value);
    JsonNode result = NumberForm.written(PATH, node, INTEGER_IN_FILE, NUMBER_SCHEMA);
    assertThat(Json.canonical(result)).isEqualTo(written);
    assertThat(result.decimalValue().compareTo(new BigDecimal(written))).isZero();
    // And the file reads it back as the same number.
    String file = OverlayEditor.set("f.yaml", "max: 500\n", java.util.List.of("max"), result);
    assertThat(file).isEqualTo("max: " + written + "\n");
  }

  @Test
  void aValueReplacingADecimalKeepsItsFractionUnlessTheSchemaAsksForAnInteger() {
    Optional<JsonNode> decimal = Optional.of(DoubleNode.valueOf(0.5));
    assertThat(
            Json.canonical(
                NumberForm.written(PATH, DoubleNode.valueOf(1.0), decimal, NUMBER_SCHEMA)))
        .isEqualTo("1.0");
    Optional<JsonNode> integerSchema = Optional.of(Json.parse("s", "{\"type\": \"integer\"}"));
    assertThat(
            Json.canonical(
                NumberForm.written(PATH, DoubleNode.valueOf(1.0), decimal, integerSchema)))
        .isEqualTo("1");
    Optional<JsonNode> nullableInteger =
        Optional.of(Json.parse("s", "{\"type\": [\"integer\", \"null\"]}"));
    assertThat(
            Json.canonical(
                NumberForm.written(PATH, DoubleNode.valueOf(2.0), decimal, nullableInteger)))
        .isEqualTo("2");
    // Nothing replaced: a person writes an integer.
    assertThat(
            Json.canonical(
                NumberForm.written(
                    PATH, DoubleNode.valueOf(3.0), Optional.empty(), Optional.empty())))
        .isEqualTo("3");
  }

  @Test
  void notANumberAndInfinityAreRefused() {
    for (double value :
        new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
      assertThatThrownBy(
              () ->
                  NumberForm.written(
                      PATH, DoubleNode.valueOf(value), INTEGER_IN_FILE, NUMBER_SCHEMA))
          .isInstanceOf(GitconfException.BadRequest.class)
          .hasMessage(
              "risk.parameters.maxPositionSizeUsd: "
                  + Double.toString(value)
                  + " is not a number a configuration file can hold");
    }
  }

  @Test
  void anyDoubleKeepsItsValueAndAnExactlyHeldIntegralOneLosesItsFraction() {
    Random random = new Random(20261130);
    for (int i = 0; i < 10_000; i++) {
      double value =
          i % 2 == 0
              ? Math.rint(random.nextGaussian() * Math.pow(10, random.nextInt(16)))
              : random.nextGaussian() * Math.pow(10, random.nextInt(20) - 10);
      JsonNode result =
          NumberForm.written(PATH, DoubleNode.valueOf(value), INTEGER_IN_FILE, NUMBER_SCHEMA);
      assertThat(result.decimalValue().compareTo(BigDecimal.valueOf(value)))
          .as("%s", value)
          .isZero();
      boolean exactInteger = value == Math.rint(value) && Math.abs(value) <= 9007199254740992.0;
      assertThat(result.isIntegralNumber()).as("%s", value).isEqualTo(exactInteger);
      String file = OverlayEditor.set("f.yaml", "max: 500\n", java.util.List.of("max"), result);
      JsonNode reread = OverlayEditor.leaves("f.yaml", file).get("max");
      assertThat(reread.decimalValue().compareTo(result.decimalValue())).as("%s", value).isZero();
    }
  }
}
