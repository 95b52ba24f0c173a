package io.gitconf.sync;

import java.util.List;

/**
 * What mirroring one commit did. Immutable.
 *
 * @param environments one entry per environment that got a new version (active or rejected)
 * @param errors every validation error of a rejected commit, as {@code file:line: path: message
 *     (rule)} lines; empty otherwise
 */
public record CommitOutcome(
    CommitInfo commit, Kind kind, List<EnvironmentVersion> environments, List<String> errors) {

  public enum Kind {
    /** At least one environment got a new active version. */
    MIRRORED,
    /** Valid, but no environment's resolved snapshot changed. */
    UNCHANGED,
    /** Invalid: recorded with its errors; the active versions stay. */
    REJECTED,
    /** Processed before (by this or another syncer); nothing was written. */
    ALREADY_DONE
  }

  /** A version written for one environment. */
  public record EnvironmentVersion(
      String environment, int version, VersionStatus status, String checksum, int changedPaths) {}

  public CommitOutcome {
    environments = List.copyOf(environments);
    errors = List.copyOf(errors);
  }

  /** The number of versions this commit activated. */
  public int activated() {
    return (int) environments.stream().filter(e -> e.status() == VersionStatus.ACTIVE).count();
  }
}
