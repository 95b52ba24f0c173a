package io.gitconf.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The resolved configuration of one environment: base, then each ancestor, then the environment's
 * own overlay, merged. Keeps for every path the layers (file and line) that set or deleted it.
 *
 * <p>Immutable and thread-safe. Nothing a caller is handed can change it: maps and lists of values
 * refuse changes, and a value that is a Jackson list or map ({@link #get}, {@link #leaves}, {@link
 * Layer#value}) is a copy, since Jackson's nodes are mutable (see {@link LeafView}).
 */
public final class ConfigSnapshot {

  /**
   * One layer's contribution to a path: where it was written, whether it set or deleted the key,
   * and the value it set when that value is a scalar or a list (maps merge, so a map's value is the
   * merge of many layers).
   */
  public record Layer(Origin origin, Action action, Optional<JsonNode> value) {
    public enum Action {
      SET,
      DELETE
    }

    public Layer {
      value = value.map(LeafView::handOut);
    }

    /** The value this layer set; a list is a copy, so changing it changes no snapshot. */
    @Override
    public Optional<JsonNode> value() {
      return value.map(LeafView::handOut);
    }

    @Override
    public String toString() {
      return (action == Action.DELETE ? "deleted at " : "") + origin;
    }
  }

  private final String environment;
  private final ObjectNode root;
  private final Map<String, List<Layer>> provenance;
  private final SortedMap<String, JsonNode> leaves;
  private final String checksum;

  ConfigSnapshot(String environment, ObjectNode root, Map<String, List<Layer>> provenance) {
    this.environment = environment;
    this.root = root;
    Map<String, List<Layer>> layers = new HashMap<>();
    provenance.forEach((path, list) -> layers.put(path, List.copyOf(list)));
    this.provenance = Collections.unmodifiableMap(layers);
    SortedMap<String, JsonNode> flat = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.properties().iterator(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> category = it.next();
      flatten(category.getKey(), category.getValue(), flat);
    }
    this.leaves = new LeafView(flat);
    this.checksum = checksumOf(flat);
  }

  /**
   * Builds a snapshot from leaf values alone (as stored in a mirror), without provenance. Leaves
   * are what {@link #leaves()} returns: every scalar, list and empty map, keyed by path (a Java
   * null stands for a YAML null). Leaves that do not make one tree, because a path holds a value
   * and also has values below it, are {@link GitconfException.Integrity}: the snapshot would
   * silently drop one of them.
   */
  public static ConfigSnapshot fromLeaves(String environment, Map<String, JsonNode> leaves) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    for (Map.Entry<String, JsonNode> leaf : leaves.entrySet()) {
      List<String> segments;
      try {
        segments = ConfigPath.parse(leaf.getKey()).segments();
      } catch (GitconfException.BadRequest e) {
        throw new GitconfException.Integrity(
            environment + ": a stored value has no valid path: " + e.getMessage());
      }
      ObjectNode parent = root;
      for (String key : segments.subList(0, segments.size() - 1)) {
        JsonNode child = parent.get(key);
        parent = child instanceof ObjectNode object ? object : parent.putObject(key);
      }
      JsonNode value =
          leaf.getValue() == null ? NullNode.getInstance() : leaf.getValue().deepCopy();
      parent.set(segments.get(segments.size() - 1), value);
    }
    ConfigSnapshot snapshot = new ConfigSnapshot(environment, root, Map.of());
    for (String path : leaves.keySet()) {
      if (!snapshot.leaves.containsKey(path)) {
        throw new GitconfException.Integrity(
            environment
                + ": the stored values are not one configuration tree: "
                + path
                + " holds a value and has values below it");
      }
    }
    return snapshot;
  }

  public String environment() {
    return environment;
  }

  /** The value at a path: a scalar, a list, or (as a copy) a map. */
  public Optional<JsonNode> get(ConfigPath path) {
    JsonNode node = root;
    for (String key : path.segments()) {
      node = node.get(key);
      if (node == null) {
        return Optional.empty();
      }
    }
    return Optional.of(node.isContainerNode() ? node.deepCopy() : node);
  }

  /** A copy of one category's tree, or empty if the category has no values. */
  public Optional<ObjectNode> category(String name) {
    JsonNode node = root.get(name);
    return node instanceof ObjectNode object ? Optional.of(object.deepCopy()) : Optional.empty();
  }

  /** A copy of the whole resolved tree: categories at the top. */
  public ObjectNode tree() {
    return root.deepCopy();
  }

  /**
   * Every leaf value (scalar, list, empty map) by path, sorted by path text. The map refuses
   * changes; its lists and maps are copies.
   */
  public SortedMap<String, JsonNode> leaves() {
    return leaves;
  }

  /** The layers that set or deleted a path, in resolution order; empty when nothing did. */
  public List<Layer> provenance(ConfigPath path) {
    return provenance.getOrDefault(path.toString(), List.of());
  }

  /** False for a snapshot built from leaves alone (as read from the mirror or a cache file). */
  public boolean hasProvenance() {
    return !provenance.isEmpty();
  }

  /** The file and line of the value in effect at a path, if the path is set. */
  public Optional<Origin> origin(ConfigPath path) {
    List<Layer> layers = provenance(path);
    if (layers.isEmpty() || layers.get(layers.size() - 1).action() == Layer.Action.DELETE) {
      return Optional.empty();
    }
    return Optional.of(layers.get(layers.size() - 1).origin());
  }

  /**
   * SHA-256 (hex) of every leaf's path and canonical JSON: equal snapshots have equal checksums.
   */
  public String checksum() {
    return checksum;
  }

  /** The checksum of a set of leaves, as {@link #checksum()} computes it. */
  public static String checksumOf(SortedMap<String, JsonNode> leaves) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (Map.Entry<String, JsonNode> leaf : leaves.entrySet()) {
        digest.update(leaf.getKey().getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        digest.update(Json.canonical(leaf.getValue()).getBytes(StandardCharsets.UTF_8));
        digest.update((byte) '\n');
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  private static void flatten(String path, JsonNode node, SortedMap<String, JsonNode> out) {
    if (node.isObject() && !node.isEmpty()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        flatten(path + "." + field.getKey(), field.getValue(), out);
      }
    } else {
      out.put(path, node);
    }
  }

  @Override
  public String toString() {
    return "ConfigSnapshot["
        + environment
        + ", "
        + leaves.size()
        + " values, "
        + checksum.substring(0, 12)
        + "]";
  }
}
