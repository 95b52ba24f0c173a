package io.gitconf.sync;

import java.time.Instant;
import java.util.List;

/**
 * Where the mirror stands: the active version of every environment, the position of each branch's
 * syncer, the latest rejected commits and force pushes. Immutable.
 */
public record MirrorStatus(
    List<VersionRecord> active,
    List<Position> positions,
    List<RejectedCommit> rejected,
    List<ForcePush> forcePushes) {

  /** The last commit the syncer of a branch processed. */
  public record Position(String branch, String lastCommitId, Instant updatedAt) {}

  /** A commit that failed validation, with its author and every error. */
  public record RejectedCommit(
      String commitId, String author, Instant committedAt, String message, List<String> errors) {
    public RejectedCommit {
      errors = List.copyOf(errors);
    }
  }

  /** A rewritten branch the syncer noticed and did not mirror as history. */
  public record ForcePush(
      String branch, String oldHead, String newHead, String detail, Instant recordedAt) {}

  public MirrorStatus {
    active = List.copyOf(active);
    positions = List.copyOf(positions);
    rejected = List.copyOf(rejected);
    forcePushes = List.copyOf(forcePushes);
  }
}
