package io.gitconf.sync;

import io.gitconf.mirror.CommitStatus;
import io.gitconf.mirror.VersionStatus;
import java.util.List;
import java.util.Optional;

/**
 * What mirroring one commit did. Immutable.
 *
 * @param environments one entry per environment that got a new version (active or rejected)
 * @param errors every reason a rejected commit was rejected, as {@code file:line: path: message
 *     (rule)} lines (or why it could not be processed); empty otherwise
 */
public record CommitOutcome(
    CommitInfo commit, Kind kind, List<EnvironmentVersion> environments, List<String> errors) {

  public enum Kind {
    /** At least one environment got a new active version. */
    MIRRORED,
    /** Valid, but no environment's resolved snapshot changed. */
    UNCHANGED,
    /**
     * Invalid, failed the snapshot check, or could not be processed at all: recorded with its
     * reasons; the active versions stay.
     */
    REJECTED,
    /** Processed before (by this or another syncer); nothing was written. */
    ALREADY_DONE;

    /** What {@code sync_commits} records for it; nothing for a commit found already done. */
    public Optional<CommitStatus> stored() {
      return switch (this) {
        case MIRRORED -> Optional.of(CommitStatus.MIRRORED);
        case UNCHANGED -> Optional.of(CommitStatus.UNCHANGED);
        case REJECTED -> Optional.of(CommitStatus.REJECTED);
        case ALREADY_DONE -> Optional.empty();
      };
    }
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
