package io.gitconf.client;

import java.util.List;
import java.util.Optional;

/**
 * What a subscriber is told. Values of secret paths (and any ciphertext) are always {@code ****}.
 *
 * <p>A subscription to a prefix ({@code "risk"}) receives the events that concern paths under it:
 * {@link ValueChanged} of such a path, and {@link RestartRequired} narrowed to such paths (none, no
 * event). {@link VersionActivated}, {@link ReloadFailed} and {@link EventsLost} concern the whole
 * snapshot or the subscription itself, and every subscription receives them.
 */
public sealed interface ConfigChangeEvent {

  /**
   * A value changed in the snapshot just applied. {@code before} and {@code after} are plain values
   * as {@link ClientSnapshot#get(String, Class) get(path, Object.class)} returns them (String,
   * Long, Double, Boolean, List, Map), or {@code "****"} for a secret; empty where the path was not
   * set (or set to null).
   */
  record ValueChanged(String path, Optional<Object> before, Optional<Object> after, String version)
      implements ConfigChangeEvent {

    /** A change where both sides are set. */
    public static ValueChanged of(String path, Object before, Object after, String version) {
      return new ValueChanged(path, Optional.of(before), Optional.of(after), version);
    }

    /** {@code before} as text, {@code (none)} when the path was not set. */
    public String beforeText() {
      return text(before);
    }

    /** {@code after} as text, {@code (none)} when the path is no longer set. */
    public String afterText() {
      return text(after);
    }

    private static String text(Optional<Object> value) {
      return value.map(String::valueOf).orElse("(none)");
    }
  }

  /**
   * A new version is being served: {@code version} describes it ({@code version 7, <commit>} from
   * the mirror, a commit, or a directory) and {@code checksum} is its checksum as the source has
   * it, so it can be compared with the mirror's. Paths held back until a restart are told apart in
   * a {@link RestartRequired} before it, and by {@link ClientSnapshot#heldBack()}.
   */
  record VersionActivated(String environment, String version, String checksum)
      implements ConfigChangeEvent {}

  /**
   * These paths changed but are marked {@code x-reload: restart}; they keep their start-up values
   * until a restart.
   */
  record RestartRequired(List<String> paths, String version) implements ConfigChangeEvent {
    public RestartRequired {
      paths = List.copyOf(paths);
    }
  }

  /** A new configuration could not be applied; the previous snapshot is still served. */
  record ReloadFailed(List<String> reasons) implements ConfigChangeEvent {
    public ReloadFailed {
      reasons = List.copyOf(reasons);
    }
  }

  /**
   * The subscriber's queue was full and this many events were dropped. It is the next event the
   * subscriber receives, ahead of the older events still queued: re-read what you need from {@link
   * ConfigManager#snapshot()}.
   */
  record EventsLost(long count) implements ConfigChangeEvent {}
}
