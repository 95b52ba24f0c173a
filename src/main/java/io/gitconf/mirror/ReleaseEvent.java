package io.gitconf.mirror;

import java.time.Instant;
import java.util.Optional;

/**
 * One transition of a release, one row of {@code release_events}: what happened to which version,
 * who or what caused it ({@code actor}: a user, {@code timer}, {@code syncer}, or {@code reports})
 * and why. Immutable.
 */
public record ReleaseEvent(
    long id,
    String environment,
    int version,
    Kind kind,
    Optional<Integer> percent,
    String actor,
    String cause,
    boolean emergency,
    Instant recordedAt) {

  /** The channel every release event is announced on, with {@link #payload()}. */
  public static final String CHANNEL = "gitconf_release";

  /** What happened, in {@code release_events.event}. */
  public enum Kind implements StoredName {
    HELD,
    RELEASED_FROM_HOLD,
    STARTED,
    REPLACED,
    STEP_ADVANCED,
    PAUSED,
    RESUMED,
    PROMOTED,
    ROLLED_BACK,
    ABORTED,
    COMPLETED;

    /** As people read it: {@code rolled back}. */
    public String label() {
      return sql().replace('_', ' ');
    }
  }

  /** The {@code NOTIFY} payload: canonical JSON with the environment, version and event. */
  public String payload() {
    return io.gitconf.core.Json.canonical(
        io.gitconf.core.Json.MAPPER
            .createObjectNode()
            .put("environment", environment)
            .put("version", version)
            .put("event", kind.sql()));
  }
}
