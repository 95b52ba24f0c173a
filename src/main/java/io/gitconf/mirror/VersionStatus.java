package io.gitconf.mirror;

/**
 * The life of a version in {@code config_versions.status}: active until a newer one activates;
 * rejected ones never were; a release's candidate is active for its cohort only. The only place the
 * stored names are written in Java; the migrations' {@code CHECK} constraint lists the same names,
 * and a test compares the two.
 */
public enum VersionStatus implements StoredName {
  ACTIVE,
  SUPERSEDED,
  REJECTED,
  /**
   * Mirrored, not activated: while the environment is pinned (break-glass), until unpinned; or a
   * release waiting for a freeze window or the minimum interval to end ({@link ReleaseState}).
   */
  HELD,
  /** Being rolled out: served to the cohort of the release's current step; at most one. */
  CANDIDATE,
  /** A candidate taken back (a failed report or an operator); never released again. */
  ROLLED_BACK
}
