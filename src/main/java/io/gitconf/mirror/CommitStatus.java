package io.gitconf.mirror;

/**
 * What became of a processed commit, in {@code sync_commits.outcome}. The only place the stored
 * names are written in Java; the migrations' {@code CHECK} constraint lists the same names, and a
 * test compares the two.
 */
public enum CommitStatus implements StoredName {
  /** At least one environment got a new version. */
  MIRRORED,
  /** Valid, but no environment's resolved snapshot changed. */
  UNCHANGED,
  /** Invalid, or impossible to process: recorded with its reasons; the active versions stay. */
  REJECTED
}
