package io.gitconf.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The numeric values the shipped schemas describe, found by walking the schemas (so a field added
 * to a schema is covered by every test that uses this), at concrete paths of an example snapshot: a
 * keyed map (tokens by mint, endpoints by name) contributes the keys the example has.
 */
public final class ShippedSchemaPaths {

  /** A path whose schema is {@code type: integer} ({@code integer}) or {@code type: number}. */
  public record NumericPath(ConfigPath path, boolean integer) {
    @Override
    public String toString() {
      return path + (integer ? " (integer)" : " (number)");
    }
  }

  private ShippedSchemaPaths() {}

  /**
   * Every numeric path of the shipped schemas in {@code example}. Fails for a number inside a list,
   * which the walk does not reach: extend it rather than let such a field go untested.
   */
  public static List<NumericPath> numericPaths(ConfigSnapshot example) {
    List<NumericPath> found = new ArrayList<>();
    SchemaSet.shipped()
        .schemas()
        .forEach(
            (category, schema) -> walk(schema, schema, ConfigPath.of(category), example, found));
    return List.copyOf(found);
  }

  private static void walk(
      JsonNode root,
      JsonNode node,
      ConfigPath path,
      ConfigSnapshot example,
      List<NumericPath> found) {
    JsonNode schema = SchemaSet.resolve(root, node);
    if (isNumeric(schema)) {
      found.add(new NumericPath(path, hasType(schema, "integer")));
      return;
    }
    for (String lists : List.of("items", "prefixItems")) {
      if (schema.has(lists) && mentionsNumbers(root, schema.get(lists), 0)) {
        throw new IllegalStateException(
            path + ": a number inside a list; ShippedSchemaPaths does not walk lists yet");
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> it =
            schema.path("properties").properties().iterator();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> property = it.next();
      walk(root, property.getValue(), path.child(property.getKey()), example, found);
    }
    JsonNode entries = schema.get("additionalProperties");
    if (entries != null && entries.isObject()) {
      example
          .get(path)
          .filter(JsonNode::isObject)
          .ifPresent(
              map ->
                  map.fieldNames()
                      .forEachRemaining(
                          key -> walk(root, entries, path.child(key), example, found)));
    }
  }

  private static boolean isNumeric(JsonNode schema) {
    return hasType(schema, "integer") || hasType(schema, "number");
  }

  private static boolean hasType(JsonNode schema, String type) {
    JsonNode declared = schema.path("type");
    if (declared.isArray()) {
      for (JsonNode one : declared) {
        if (one.asText().equals(type)) {
          return true;
        }
      }
      return false;
    }
    return declared.asText().equals(type);
  }

  private static boolean mentionsNumbers(JsonNode root, JsonNode node, int depth) {
    if (depth > 32 || node == null) {
      return false;
    }
    JsonNode schema = SchemaSet.resolve(root, node);
    if (schema.isObject() && isNumeric(schema)) {
      return true;
    }
    for (JsonNode child : schema) {
      if (child.isContainerNode() && mentionsNumbers(root, child, depth + 1)) {
        return true;
      }
    }
    return false;
  }
}
