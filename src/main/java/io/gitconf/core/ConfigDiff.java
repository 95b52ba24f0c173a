package io.gitconf.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeSet;

/**
 * The differences between two snapshots, path by path. Values of secret paths (and any ciphertext)
 * are never carried: a changed secret is reported as changed, with both sides masked. Immutable.
 */
public final class ConfigDiff {

  /** What happened to a path. */
  public enum Kind {
    ADDED,
    CHANGED,
    REMOVED
  }

  /**
   * One changed path. {@code before} and {@code after} are empty on the side where the path does
   * not exist, and {@link SecretMask#MASKED} for secrets.
   */
  public record Change(
      String path, Kind kind, Optional<JsonNode> before, Optional<JsonNode> after) {}

  private final List<Change> changes;

  private ConfigDiff(List<Change> changes) {
    this.changes = List.copyOf(changes);
  }

  /** The changes that turn {@code before} into {@code after}, sorted by path. */
  public static ConfigDiff between(ConfigSnapshot before, ConfigSnapshot after, SchemaSet schemas) {
    return between(before.leaves(), after.leaves(), schemas);
  }

  /** As {@link #between(ConfigSnapshot, ConfigSnapshot, SchemaSet)}, over leaf maps. */
  public static ConfigDiff between(
      SortedMap<String, JsonNode> before, SortedMap<String, JsonNode> after, SchemaSet schemas) {
    TreeSet<String> paths = new TreeSet<>(before.keySet());
    paths.addAll(after.keySet());
    List<Change> changes = new ArrayList<>();
    for (String path : paths) {
      JsonNode old = before.get(path);
      JsonNode now = after.get(path);
      if (old != null && now != null && Json.sameValue(old, now)) {
        continue;
      }
      Kind kind = old == null ? Kind.ADDED : now == null ? Kind.REMOVED : Kind.CHANGED;
      ConfigPath configPath = ConfigPath.parse(path);
      changes.add(
          new Change(
              path,
              kind,
              Optional.ofNullable(old).map(v -> SecretMask.forDisplay(schemas, configPath, v)),
              Optional.ofNullable(now).map(v -> SecretMask.forDisplay(schemas, configPath, v))));
    }
    return new ConfigDiff(changes);
  }

  public List<Change> changes() {
    return changes;
  }

  public boolean isEmpty() {
    return changes.isEmpty();
  }

  /** Counts by kind, for summaries. */
  public Map<Kind, Long> counts() {
    Map<Kind, Long> counts = new java.util.EnumMap<>(Kind.class);
    for (Kind kind : Kind.values()) {
      counts.put(kind, changes.stream().filter(c -> c.kind() == kind).count());
    }
    return counts;
  }
}
