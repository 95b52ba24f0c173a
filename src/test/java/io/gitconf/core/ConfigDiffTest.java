package io.gitconf.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ConfigDiffTest {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private static SortedMap<String, JsonNode> leaves(String path, JsonNode value) {
    SortedMap<String, JsonNode> leaves = new TreeMap<>();
    leaves.put(path, value);
    return leaves;
  }

  @Test
  void theSameNumberReadFromYamlAndFromTheMirrorIsNoChange() {
    // StrictYamlReader gives a long node, the mirror's JSON an int node: equal values all the same.
    ConfigDiff diff =
        ConfigDiff.between(
            leaves("risk.limits.max", NODES.numberNode(50L)),
            leaves("risk.limits.max", Json.parse("item", "50")),
            SchemaSet.none());

    assertThat(diff.isEmpty()).isTrue();
  }

  @Test
  void aDifferentNumberIsAChangeWithBothValues() {
    ConfigDiff diff =
        ConfigDiff.between(
            leaves("risk.limits.max", NODES.numberNode(50L)),
            leaves("risk.limits.max", Json.parse("item", "51")),
            SchemaSet.none());

    assertThat(diff.changes())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.kind()).isEqualTo(ConfigDiff.Kind.CHANGED);
              assertThat(c.before().orElseThrow().asLong()).isEqualTo(50);
              assertThat(c.after().orElseThrow().asLong()).isEqualTo(51);
            });
  }
}
