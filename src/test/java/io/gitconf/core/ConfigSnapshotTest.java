package io.gitconf.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.file.Path;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A snapshot cannot be changed through anything it hands out. */
class ConfigSnapshotTest {
  @TempDir Path dir;
  private ConfigSnapshot prod;
  private String checksum;

  @BeforeEach
  void load() {
    prod =
        TestRepo.app(dir)
            .file("base/app.yaml", "limits:\n  max: 10\nhosts: [a, b]\n")
            .file("environments/prod/app.yaml", "hosts: [c, d]\n")
            .load()
            .snapshot("prod");
    checksum = prod.checksum();
  }

  @Test
  void theLeavesRefuseEveryChange() {
    SortedMap<String, JsonNode> leaves = prod.leaves();
    assertThatThrownBy(() -> leaves.put("app.limits.min", IntNode.valueOf(1)))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> leaves.remove("app.hosts"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(leaves::clear).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> leaves.entrySet().iterator().next().setValue(IntNode.valueOf(1)))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> leaves.keySet().remove("app.hosts"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> leaves.tailMap("app").put("app.x", IntNode.valueOf(1)))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(prod.leaves()).containsOnlyKeys("app.hosts", "app.limits.max");
  }

  /**
   * Jackson's lists are mutable, and cannot be made read-only: each one handed out is a copy, so
   * changing it changes nothing in the snapshot.
   */
  @Test
  void aListHandedOutIsACopyThatCannotChangeTheSnapshot() {
    ((ArrayNode) prod.leaves().get("app.hosts")).add("changed");
    ((ArrayNode) prod.leaves().entrySet().iterator().next().getValue()).removeAll();
    prod.leaves()
        .values()
        .forEach(
            v -> {
              if (v instanceof ArrayNode list) {
                list.set(0, TextNode.valueOf("changed"));
              }
            });
    ((ArrayNode) prod.get(ConfigPath.parse("app.hosts")).orElseThrow()).add("changed");
    ((ObjectNode) prod.tree().get("app")).put("limits", 1);
    prod.category("app").orElseThrow().removeAll();
    ((ArrayNode) prod.provenance(ConfigPath.parse("app.hosts")).get(1).value().orElseThrow())
        .add("changed");

    assertThat(prod.leaves().get("app.hosts").toString()).isEqualTo("[\"c\",\"d\"]");
    assertThat(prod.provenance(ConfigPath.parse("app.hosts")).get(1).value().orElseThrow())
        .hasToString("[\"c\",\"d\"]");
    assertThat(prod.tree().toString())
        .isEqualTo("{\"app\":{\"limits\":{\"max\":10},\"hosts\":[\"c\",\"d\"]}}");
    assertThat(prod.checksum()).isEqualTo(checksum);
    assertThat(ConfigSnapshot.checksumOf(prod.leaves())).isEqualTo(checksum);
  }

  @Test
  void theLayersOfAPathRefuseChanges() {
    var layers = prod.provenance(ConfigPath.parse("app.hosts"));
    assertThat(layers).hasSize(2);
    assertThatThrownBy(layers::clear).isInstanceOf(UnsupportedOperationException.class);
    assertThat(prod.provenance(ConfigPath.parse("app.hosts"))).hasSize(2);
  }

  @Test
  void aLayerKeepsItsOwnCopyOfTheValueItWasGiven() {
    ArrayNode value = JsonNodeFactory.instance.arrayNode().add(1);
    ConfigSnapshot.Layer layer =
        new ConfigSnapshot.Layer(
            Origin.of("base/app.yaml", 1),
            ConfigSnapshot.Layer.Action.SET,
            java.util.Optional.of(value));
    value.add(2);
    assertThat(layer.value().orElseThrow()).hasToString("[1]");
  }

  @Test
  void storedLeavesAreCopiedInAndNullsAreYamlNulls() {
    ArrayNode hosts = JsonNodeFactory.instance.arrayNode().add("a");
    Map<String, JsonNode> stored = new TreeMap<>();
    stored.put("app.hosts", hosts);
    stored.put("app.limits.min", null);
    ConfigSnapshot snapshot = ConfigSnapshot.fromLeaves("prod", stored);
    hosts.add("b");
    assertThat(snapshot.leaves().get("app.hosts")).hasToString("[\"a\"]");
    assertThat(snapshot.leaves().get("app.limits.min").isNull()).isTrue();
  }

  @Test
  void storedLeavesThatAreNotOneTreeAreAnIntegrityFailureNotASilentLoss() {
    Map<String, JsonNode> stored = new TreeMap<>();
    stored.put("app.limits", IntNode.valueOf(1));
    stored.put("app.limits.max", IntNode.valueOf(10));
    assertThatThrownBy(() -> ConfigSnapshot.fromLeaves("prod", stored))
        .isInstanceOf(GitconfException.Integrity.class)
        .hasMessage(
            "prod: the stored values are not one configuration tree: app.limits holds a value and"
                + " has values below it");
    assertThatThrownBy(
            () -> ConfigSnapshot.fromLeaves("prod", Map.of("app..max", IntNode.valueOf(1))))
        .isInstanceOf(GitconfException.Integrity.class)
        .hasMessage(
            "prod: a stored value has no valid path: 'app..max' is not a configuration path: empty"
                + " key between dots");
  }
}
