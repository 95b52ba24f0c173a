package io.gitconf.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The schemas shipped in the jar keep the promises the README makes about them: draft 2020-12, and
 * no object that silently accepts a misspelt key.
 */
class ShippedSchemasTest {
  @TempDir java.nio.file.Path dir;

  @Test
  void everyCategoryHasADraft202012SchemaInTheJar() {
    SchemaSet shipped = SchemaSet.shipped();
    assertThat(shipped.schemas().keySet())
        .containsExactlyInAnyOrder(
            "trader", "risk", "mev", "tokens", "monitoring", "circuit-breaker");
    shipped
        .schemas()
        .forEach(
            (name, schema) ->
                assertThat(schema.path("$schema").asText())
                    .as(name)
                    .isEqualTo("https://json-schema.org/draft/2020-12/schema"));
  }

  /**
   * An object either lists its keys ({@code additionalProperties: false}) or is a keyed collection
   * whose keys are constrained ({@code propertyNames}) and whose entries have a schema.
   */
  @Test
  void everyObjectRefusesUnknownKeys() {
    List<String> open = new ArrayList<>();
    SchemaSet.shipped().schemas().forEach((name, schema) -> collectOpen(name, schema, open));
    assertThat(open).isEmpty();
  }

  @Test
  void modeNeedsARestartAndApiKeysAreSecret() {
    SchemaSet shipped = SchemaSet.shipped();
    assertThat(shipped.requiresRestart(ConfigPath.parse("trader.mode"))).isTrue();
    assertThat(shipped.requiresRestart(ConfigPath.parse("trader.defaultSlippageBps"))).isFalse();
    assertThat(shipped.isSecret(ConfigPath.parse("trader.apiKey"))).isTrue();
    assertThat(shipped.isSecret(ConfigPath.parse("trader.rpc.endpoints.helius.apiKey"))).isTrue();
    assertThat(shipped.isSecret(ConfigPath.parse("trader.rpc.endpoints.helius.url"))).isFalse();
  }

  /**
   * Every number has a lower and an upper bound, so none binds as an infinite double, and an
   * integer's bounds lie within the range of a long. The typed records' own ranges (an int where
   * the record has one) are proven by the client's binding property.
   */
  @Test
  void everyNumberIsBoundedAndEveryIntegerWithinTheRangeOfALong() {
    List<String> unbounded = new ArrayList<>();
    ConfigSnapshot example =
        ConfigRepository.load(RepoTree.directory(GoldenRepos.template(dir))).snapshot("prod");
    for (ShippedSchemaPaths.NumericPath at : ShippedSchemaPaths.numericPaths(example)) {
      JsonNode schema = SchemaSet.shipped().schemaAt(at.path()).orElseThrow();
      JsonNode low = schema.has("minimum") ? schema.get("minimum") : schema.get("exclusiveMinimum");
      JsonNode high =
          schema.has("maximum") ? schema.get("maximum") : schema.get("exclusiveMaximum");
      boolean bounded =
          low != null
              && high != null
              && (!at.integer() || (low.canConvertToLong() && high.canConvertToLong()));
      if (!bounded) {
        unbounded.add(at.toString());
      }
    }
    assertThat(unbounded).isEmpty();
  }

  private static void collectOpen(String where, JsonNode node, List<String> open) {
    if (node.isObject()) {
      if ("object".equals(node.path("type").asText())) {
        JsonNode additional = node.get("additionalProperties");
        boolean closed = additional != null && additional.isBoolean() && !additional.asBoolean();
        boolean keyed = additional != null && additional.isObject() && node.has("propertyNames");
        if (!closed && !keyed) {
          open.add(where);
        }
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        collectOpen(where + "/" + field.getKey(), field.getValue(), open);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        collectOpen(where + "/" + i, node.get(i), open);
      }
    }
  }
}
