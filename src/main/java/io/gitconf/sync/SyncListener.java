package io.gitconf.sync;

import io.gitconf.mirror.ReleaseEvent;
import java.util.Optional;

/**
 * Hears what a syncer does, on the syncer's thread; implementations must return quickly. Every
 * method does nothing by default.
 */
public interface SyncListener {
  /** A commit was processed: mirrored, unchanged, rejected (or found already done). */
  default void commitProcessed(CommitOutcome outcome) {}

  /** The branch was rewritten; the new head was adopted without mirroring it. */
  default void forcePush(String oldHead, String newHead, Optional<String> mergeBase) {}

  /** Catching up over several commits: {@code done} of {@code total}, at {@code perSecond}. */
  default void progress(int done, int total, double perSecond) {}

  /**
   * A release moved (started, held, advanced, paused, promoted, completed, rolled back...), as
   * recorded in {@code release_events}, by this leader or by an operator.
   */
  default void releaseChanged(ReleaseEvent event) {}

  /** This syncer became the leader ({@code true}) or a standby ({@code false}). */
  default void roleChanged(boolean leader) {}

  SyncListener NONE = new SyncListener() {};
}
