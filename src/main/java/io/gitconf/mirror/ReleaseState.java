package io.gitconf.mirror;

import io.gitconf.core.ReleasePolicy;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Optional;

/**
 * The release in progress in one environment, one row of {@code release_state}: which version is
 * the candidate, the step it is at and since when, the salt its cohorts are drawn with, the policy
 * of its own commit, the counts of the last evaluation and why it is paused or held. Immutable;
 * what the mirror source and a relay serve to clients so each can tell which version it serves.
 *
 * @param step index into {@code policy.steps()} (0 for the first)
 * @param percent the percent of instances now served the candidate (the step's, or an operator's
 *     {@code promote --to})
 * @param emergency the reason of a {@code Gitconf-Emergency:} trailer, which skipped freeze and
 *     pacing
 */
public record ReleaseState(
    String environment,
    int version,
    Phase phase,
    int step,
    int percent,
    Optional<Instant> stepStartedAt,
    String salt,
    ReleasePolicy policy,
    Optional<String> emergency,
    Counts counts,
    Optional<String> pausedReason,
    Optional<String> holdReason,
    Optional<Instant> holdUntil,
    Instant createdAt,
    Instant updatedAt) {

  /** Buckets per environment: a percent is {@code percent × 100} of them. */
  public static final int BUCKETS = 10_000;

  /** Where a release stands, in {@code release_state.phase}. */
  public enum Phase implements StoredName {
    /** Mirrored, waiting for a freeze window or the minimum interval to end; nobody serves it. */
    HELD,
    /** Served to the cohort of the current step. */
    ROLLING,
    /** Served to the cohort of the current step, which does not advance until resumed. */
    PAUSED
  }

  /**
   * The cohort of the current step at the last evaluation and what its instances reported about the
   * candidate; {@code failed} counts every instance that reported the candidate failed or
   * unhealthy.
   */
  public record Counts(int cohort, int applied, int failed, int restartRequired, int silent) {
    public static final Counts NONE = new Counts(0, 0, 0, 0, 0);
  }

  /**
   * The bucket of an instance in a release: the first 8 bytes of SHA-256 over the UTF-8 text {@code
   * environment + ":" + salt + ":" + instanceId}, read as an unsigned big-endian 64-bit integer,
   * modulo {@value #BUCKETS}. The same in every language (docs/releases.md has test vectors), the
   * same after a restart, and a later step's cohort contains an earlier one's.
   */
  public static int bucket(String environment, String salt, String instanceId) {
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    byte[] digest =
        sha256.digest(
            (environment + ":" + salt + ":" + instanceId).getBytes(StandardCharsets.UTF_8));
    long first = ByteBuffer.wrap(digest, 0, 8).getLong();
    return (int) Long.remainderUnsigned(first, BUCKETS);
  }

  /**
   * True when an instance of {@code percent}'s cohort: its bucket is below {@code percent × 100}.
   */
  public static boolean inCohort(String environment, String salt, String instanceId, int percent) {
    return bucket(environment, salt, instanceId) < percent * (BUCKETS / 100);
  }

  /** True when the candidate is being served (rolling or paused), not held. */
  public boolean serving() {
    return phase != Phase.HELD;
  }

  /** True when {@code instanceId} is to be served the candidate now. */
  public boolean includes(String instanceId) {
    return serving() && inCohort(environment, salt, instanceId, percent);
  }

  /** The instant the current step may advance, once its reports are in; empty while held. */
  public Optional<Instant> bakedAt() {
    return stepStartedAt.map(started -> started.plus(policy.bake()));
  }
}
