package io.gitconf.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which overlay edits bring one environment back to a version: removals first (a key the
 * environment's own overlay sets is removed, an inherited one is marked {@code !delete}), then
 * values. Only that environment's overlays are edited; {@link #change} refuses a result that does
 * not equal the version or that changes another environment (one that inherits this one).
 *
 * <p>Immutable.
 */
public final class RollbackPlan {
  private final String environment;
  private final int version;
  private final ConfigSnapshot target;
  private final ConfigDiff diff;
  private final Map<String, String> edits;

  private RollbackPlan(
      String environment,
      int version,
      ConfigSnapshot target,
      ConfigDiff diff,
      Map<String, String> edits) {
    this.environment = environment;
    this.version = version;
    this.target = target;
    this.diff = diff;
    this.edits = Map.copyOf(edits);
  }

  /**
   * The plan that makes {@code environment} of {@code repository} resolve to {@code target}, the
   * snapshot of its version {@code version}.
   */
  public static RollbackPlan of(
      ConfigRepository repository, String environment, ConfigSnapshot target, int version) {
    repository.requireManifest().requireEnvironment(environment);
    ConfigSnapshot current = repository.snapshot(environment);
    ConfigDiff diff = ConfigDiff.between(current, target, repository.schemas());
    Map<String, String> edits = new LinkedHashMap<>();
    List<ConfigDiff.Change> ordered = new ArrayList<>(diff.changes());
    ordered.sort(
        Comparator.comparing((ConfigDiff.Change c) -> c.kind() != ConfigDiff.Kind.REMOVED));
    for (ConfigDiff.Change edit : ordered) {
      ConfigPath path = ConfigPath.parse(edit.path());
      String file = ConfigChange.overlayFile(environment, path.category());
      String text = edits.containsKey(file) ? edits.get(file) : ConfigChange.text(repository, file);
      List<String> keys = path.segments().subList(1, path.depth());
      if (edit.kind() == ConfigDiff.Kind.REMOVED) {
        boolean inherited =
            current.provenance(path).stream()
                .anyMatch(
                    l ->
                        l.action() == ConfigSnapshot.Layer.Action.SET
                            && !l.origin().file().equals(file));
        text =
            inherited
                ? OverlayEditor.delete(file, text, keys)
                : OverlayEditor.remove(file, text, keys);
      } else {
        JsonNode value = target.leaves().get(edit.path());
        text = OverlayEditor.set(file, text, keys, value);
      }
      edits.put(file, text);
    }
    return new RollbackPlan(environment, version, target, diff, edits);
  }

  /** What the rollback changes, secrets masked. */
  public ConfigDiff diff() {
    return diff;
  }

  public boolean isEmpty() {
    return diff.isEmpty();
  }

  /** The new overlay texts by file; an empty text removes the file. */
  public Map<String, String> edits() {
    return edits;
  }

  /**
   * The rollback as a change. It plans again from the commit it is made on; if that plan differs
   * from this one (someone changed the environment since it was shown), it is refused.
   */
  public Change change() {
    return new Change() {
      @Override
      public String describe() {
        return "rolling " + environment + " back to version " + version;
      }

      @Override
      public Optional<String> environment() {
        return Optional.of(environment);
      }

      @Override
      public Map<String, String> edit(ConfigRepository head) {
        RollbackPlan now = RollbackPlan.of(head, environment, target, version);
        if (!now.diff.changes().equals(diff.changes())) {
          throw new GitconfException.Conflict(
              environment
                  + " changed since the rollback to version "
                  + version
                  + " was shown; nothing was changed: run it again to review the new change");
        }
        return now.edits;
      }

      @Override
      public void check(ConfigRepository before, ConfigRepository after) {
        RollbackPlan.this.check(before, after);
      }

      @Override
      public String message(String reason) {
        return reason + "\n\nRoll back " + environment + " to version " + version + ".";
      }
    };
  }

  /** The edit must give exactly the target and leave every other environment as it was. */
  private void check(ConfigRepository before, ConfigRepository after) {
    if (!after.snapshot(environment).checksum().equals(target.checksum())) {
      throw new GitconfException.BadRequest(
          "cannot express version "
              + version
              + " of "
              + environment
              + " as a change of its overlays alone; compare with gitconf diff and edit by hand");
    }
    for (String other : before.requireManifest().environmentNames()) {
      if (!other.equals(environment)
          && !before.snapshot(other).checksum().equals(after.snapshot(other).checksum())) {
        throw new GitconfException.BadRequest(
            "rolling back "
                + environment
                + " would also change "
                + other
                + " (it inherits "
                + environment
                + "); roll back with an edit that keeps "
                + other
                + " as it is");
      }
    }
  }
}
