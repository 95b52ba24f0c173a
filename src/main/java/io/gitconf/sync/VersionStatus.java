package io.gitconf.sync;

import java.util.Locale;

/** The life of a version: active until a newer one activates; rejected ones never were. */
public enum VersionStatus {
  ACTIVE,
  SUPERSEDED,
  REJECTED,
  /**
   * Mirrored while the environment is pinned (break-glass): stored, never activated until unpinned.
   */
  HELD;

  /** The value stored in {@code config_versions.status}. */
  public String sql() {
    return name().toLowerCase(Locale.ROOT);
  }

  static VersionStatus ofSql(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
