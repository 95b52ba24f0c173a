package io.gitconf.mirror;

import java.time.Instant;

/**
 * A break-glass pin ({@code environment_pins}): the version activated by hand, without Git, by whom
 * and why. While it stands, the syncer mirrors the environment's commits as {@link
 * VersionStatus#HELD} versions and activates none of them. Immutable.
 */
public record Pin(
    String environment, int version, String pinnedBy, String reason, Instant pinnedAt) {

  /** {@code pinned to version 3 by Ada <ada@x> at 2026-…Z: Git is down}. */
  public String describe() {
    return "pinned to version " + version + " by " + pinnedBy + " at " + pinnedAt + ": " + reason;
  }
}
