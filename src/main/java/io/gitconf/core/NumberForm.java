package io.gitconf.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Optional;

/**
 * How a number given to {@code set} is written into a file, as a person would write it: a program
 * that passes {@code 450.0} (a {@code double}) where the file holds {@code 500} means {@code 450}.
 * An integral number is written as an integer, unless the value it replaces is written with a
 * fraction ({@code 0.5} replaced by {@code 1.0} stays {@code 1.0}) and the schema does not ask for
 * an integer; any other number keeps its value in its shortest form ({@code 450.50} is {@code
 * 450.5}). A {@code NaN} or infinity is refused: YAML files do not hold them.
 *
 * <p>Stateless and thread-safe.
 */
final class NumberForm {
  /** Integers a double holds exactly; beyond, an integral double is not a count a person typed. */
  private static final BigDecimal EXACT_DOUBLE = BigDecimal.valueOf(1L << 53);

  private NumberForm() {}

  /**
   * @param replaced the value the new one replaces (in the file, or inherited), if any
   * @param schema the schema of the path, if any
   */
  static JsonNode written(
      ConfigPath path, JsonNode given, Optional<JsonNode> replaced, Optional<JsonNode> schema) {
    JsonNode value = given;
    if (!value.isNumber() || value.isIntegralNumber()) {
      return value;
    }
    if ((value.isDouble() || value.isFloat()) && !Double.isFinite(value.doubleValue())) {
      throw new GitconfException.BadRequest(
          path + ": " + value.asText() + " is not a number a configuration file can hold");
    }
    if (value.isFloat()) {
      // A float's binary value is not the decimal the caller wrote (0.1f is 0.100000001490...):
      // take the shortest decimal that reads back as the same float, as Float.toString gives it.
      value = DoubleNode.valueOf(Double.parseDouble(Float.toString(value.floatValue())));
    }
    BigDecimal exact = value.decimalValue();
    boolean integral = exact.signum() == 0 || exact.stripTrailingZeros().scale() <= 0;
    if (!integral) {
      return value.isBigDecimal() ? DecimalNode.valueOf(exact.stripTrailingZeros()) : value;
    }
    boolean keepFraction =
        replaced.map(JsonNode::isFloatingPointNumber).orElse(false) && !asksForInteger(schema);
    boolean exactlyHeld = value.isBigDecimal() || exact.abs().compareTo(EXACT_DOUBLE) <= 0;
    if (keepFraction || !exactlyHeld) {
      return value;
    }
    BigInteger whole = exact.toBigIntegerExact();
    return whole.bitLength() < Long.SIZE
        ? LongNode.valueOf(whole.longValue())
        : BigIntegerNode.valueOf(whole);
  }

  private static boolean asksForInteger(Optional<JsonNode> schema) {
    if (schema.isEmpty()) {
      return false;
    }
    JsonNode type = schema.get().path("type");
    if (type.isTextual()) {
      return type.asText().equals("integer");
    }
    for (JsonNode t : type) {
      if (t.asText().equals("number")) {
        return false;
      }
    }
    for (JsonNode t : type) {
      if (t.asText().equals("integer")) {
        return true;
      }
    }
    return false;
  }
}
