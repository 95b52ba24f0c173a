package io.gitconf.mirror;

import java.time.Instant;
import java.util.List;

/**
 * Where the mirror stands: the active version of every environment, the position of each branch's
 * syncer, the latest rejected commits and force pushes, and every break-glass pin. Immutable.
 */
public record MirrorStatus(
    List<VersionRecord> active,
    List<Position> positions,
    List<RejectedCommit> rejected,
    List<ForcePush> forcePushes,
    List<Pin> pins) {

  /** The last commit the syncer of a branch processed. */
  public record Position(String branch, String lastCommitId, Instant updatedAt) {}

  /** A commit that failed validation (or could not be processed), with its author and reasons. */
  public record RejectedCommit(
      String commitId, String author, Instant committedAt, String message, List<String> errors) {
    public RejectedCommit {
      errors = List.copyOf(errors);
    }
  }

  /** A rewritten branch the syncer noticed and did not mirror as history. */
  public record ForcePush(
      String branch, String oldHead, String newHead, String detail, Instant recordedAt) {
    /** The {@code sync_events.kind} of a force push, the only kind of event there is. */
    public static final String KIND = "force_push";
  }

  public MirrorStatus {
    active = List.copyOf(active);
    positions = List.copyOf(positions);
    rejected = List.copyOf(rejected);
    forcePushes = List.copyOf(forcePushes);
    pins = List.copyOf(pins);
  }
}
