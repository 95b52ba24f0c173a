package io.gitconf.client;

import java.util.List;

/** What a subscriber is told. Values of secret paths are always {@code ****}. */
public sealed interface ConfigChangeEvent {

  /**
   * A value changed in the snapshot just applied ({@code before} or {@code after} is "(none)" when
   * absent).
   */
  record ValueChanged(String path, String before, String after, String version)
      implements ConfigChangeEvent {}

  /** A new snapshot is being served. */
  record VersionActivated(String environment, String version, String checksum)
      implements ConfigChangeEvent {}

  /**
   * These paths changed but are marked x-reload: restart; they keep their start-up values until a
   * restart.
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

  /** The subscriber's queue was full: this many events were dropped before the next one. */
  record EventsLost(long count) implements ConfigChangeEvent {}
}
