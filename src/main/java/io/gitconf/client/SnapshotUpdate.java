package io.gitconf.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.gitconf.core.ConfigDiff;
import io.gitconf.core.ConfigPath;
import io.gitconf.core.ConfigSnapshot;
import io.gitconf.core.Json;
import io.gitconf.core.SchemaSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What applying one load to a client changes: the snapshot to serve next and the events that tell
 * subscribers about it. Paths marked {@code x-reload: restart} keep their start-up values in the
 * served snapshot and are reported as {@link ConfigChangeEvent.RestartRequired} instead; the next
 * snapshot still names the version (and checksum) the source holds, and lists those paths as held
 * back. Building the next {@link ClientSnapshot} binds every typed record, so an update that cannot
 * be served fails here, before anything is swapped.
 *
 * <p>Immutable.
 */
record SnapshotUpdate(ClientSnapshot next, List<ConfigChangeEvent> events) {

  /**
   * The update from {@code current} to what {@code loaded} holds.
   *
   * @throws io.gitconf.core.GitconfException.ValidationFailed when the new snapshot does not bind
   */
  static SnapshotUpdate of(
      ClientSnapshot startup, ClientSnapshot current, ConfigSource.Loaded loaded) {
    SchemaSet schemas = loaded.schemas();
    SortedMap<String, JsonNode> leaves = new TreeMap<>(loaded.snapshot().leaves());
    List<String> heldBack = keepStartupValues(startup.source().leaves(), leaves, schemas);
    ConfigSnapshot served =
        heldBack.isEmpty()
            ? loaded.snapshot()
            : ConfigSnapshot.fromLeaves(loaded.snapshot().environment(), leaves);
    ClientSnapshot next =
        ClientSnapshot.of(
            served, loaded.version(), loaded.commit(), loaded.snapshot().checksum(), heldBack);
    String version = ClientSnapshot.describe(next.version(), next.commit());
    List<ConfigChangeEvent> events = new ArrayList<>();
    for (ConfigDiff.Change change :
        ConfigDiff.between(current.source(), served, schemas).changes()) {
      events.add(
          new ConfigChangeEvent.ValueChanged(
              change.path(), plain(change.before()), plain(change.after()), version));
    }
    if (!heldBack.isEmpty()) {
      events.add(new ConfigChangeEvent.RestartRequired(heldBack, version));
    }
    events.add(
        new ConfigChangeEvent.VersionActivated(next.environment(), version, next.checksum()));
    return new SnapshotUpdate(next, List.copyOf(events));
  }

  /**
   * Puts back the start-up value of every x-reload: restart path that {@code leaves} changes;
   * returns those paths.
   */
  private static List<String> keepStartupValues(
      SortedMap<String, JsonNode> startup, SortedMap<String, JsonNode> leaves, SchemaSet schemas) {
    List<String> changed = new ArrayList<>();
    TreeSet<String> paths = new TreeSet<>(leaves.keySet());
    paths.addAll(startup.keySet());
    for (String path : paths) {
      if (Json.sameValue(leaves.get(path), startup.get(path))
          || !schemas.requiresRestart(ConfigPath.parse(path))) {
        continue;
      }
      changed.add(path);
      if (startup.containsKey(path)) {
        leaves.put(path, startup.get(path));
      } else {
        leaves.remove(path);
      }
    }
    return changed;
  }

  /** A value as events carry it (already masked where secret); empty for none or null. */
  private static Optional<Object> plain(Optional<JsonNode> value) {
    return value.map(PlainValues::of);
  }
}
