package io.gitconf.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Configuration values as plain Java, the form getters and events hand out: {@code String}, {@code
 * Long} (or {@code BigInteger} beyond a long), {@code Double}, {@code Boolean}, {@code List} and
 * {@code Map}. Lists and maps are frozen at every depth, since one snapshot's values are shared by
 * every thread that reads it; a YAML null inside them stays {@code null}.
 *
 * <p>Stateless.
 */
final class PlainValues {
  private PlainValues() {}

  /** The plain value of {@code value}; {@code null} for a YAML null. */
  static Object of(JsonNode value) {
    if (value.isTextual()) {
      return value.textValue();
    }
    if (value.isIntegralNumber()) {
      return value.canConvertToLong() ? (Object) value.longValue() : value.bigIntegerValue();
    }
    if (value.isNumber()) {
      return value.doubleValue();
    }
    if (value.isBoolean()) {
      return value.booleanValue();
    }
    if (value.isArray()) {
      List<Object> list = new ArrayList<>(value.size());
      value.forEach(item -> list.add(of(item)));
      return Collections.unmodifiableList(list);
    }
    if (value.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      value.properties().forEach(entry -> map.put(entry.getKey(), of(entry.getValue())));
      return Collections.unmodifiableMap(map);
    }
    // Null, and node kinds a configuration never holds (binary, POJO, missing).
    return null;
  }
}
