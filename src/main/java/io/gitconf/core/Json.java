package io.gitconf.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * Shared Jackson mappers and the canonical JSON form that checksums are computed over. Thread-safe.
 */
public final class Json {
  /** Writes object keys sorted, so equal trees always give equal text. */
  public static final JsonMapper MAPPER =
      JsonMapper.builder().enable(JsonNodeFeature.WRITE_PROPERTIES_SORTED).build();

  public static final YAMLMapper YAML =
      YAMLMapper.builder(
              YAMLFactory.builder()
                  .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                  .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                  .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                  .build())
          .build();

  private Json() {}

  /** Compact JSON with sorted keys. */
  public static String canonical(JsonNode node) {
    String scalar = plainScalar(node);
    if (scalar != null) {
      return scalar;
    }
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw unwritable(e);
    }
  }

  /**
   * The canonical text of the scalars that make up most configuration (integers, booleans, null,
   * plain ASCII strings) without a JSON generator, which costs more than the value itself when a
   * checksum covers 10,000 of them; the same text the generator writes. Null for anything else.
   */
  private static String plainScalar(JsonNode node) {
    if (node.isInt() || node.isLong()) {
      return Long.toString(node.longValue());
    }
    if (node.isBoolean()) {
      return node.booleanValue() ? "true" : "false";
    }
    if (node.isNull()) {
      return "null";
    }
    if (node.isTextual()) {
      String text = node.textValue();
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
          return null;
        }
      }
      return '"' + text + '"';
    }
    return null;
  }

  /**
   * True for a NaN or infinite number. The reader refuses them, but JSON from elsewhere (the
   * mirror, a cache file) reads {@code 1e400} as an infinite double, and neither BigDecimal nor the
   * schema library accepts one.
   */
  public static boolean isNonFiniteNumber(JsonNode node) {
    return node != null
        && node.isFloatingPointNumber()
        && !node.isBigDecimal()
        && !Double.isFinite(node.doubleValue());
  }

  public static String pretty(JsonNode node) {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw unwritable(e);
    }
  }

  public static String yaml(JsonNode node) {
    try {
      return YAML.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw unwritable(e);
    }
  }

  /**
   * Configuration values are plain JSON trees, which always write; a tree that does not (one
   * carrying a Java object) is not the data it claims to be.
   */
  private static GitconfException unwritable(JsonProcessingException e) {
    return new GitconfException.Integrity(
        "a value cannot be written as JSON: " + e.getOriginalMessage(), e);
  }

  /**
   * Equal as configuration values: compared in canonical JSON, as checksums are, because the same
   * number arrives as different node types (a long from YAML, an int from the mirror's JSON).
   */
  public static boolean sameValue(JsonNode a, JsonNode b) {
    if (a == null || b == null) {
      return a == b;
    }
    return a.equals(b) || canonical(a).equals(canonical(b));
  }

  /** Parses JSON text; a clear error naming the origin when it is not JSON. */
  public static JsonNode parse(String origin, String text) {
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new GitconfException.Integrity(origin + ": not valid JSON: " + e.getOriginalMessage());
    }
  }
}
