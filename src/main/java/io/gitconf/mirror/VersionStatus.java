package io.gitconf.mirror;

import java.util.Locale;

/**
 * The life of a version in {@code config_versions.status}: active until a newer one activates;
 * rejected ones never were. The only place the stored names are written in Java; the migrations'
 * {@code CHECK} constraint lists the same names, and a test compares the two.
 */
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

  /** The status a stored value names. */
  public static VersionStatus ofSql(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
