package io.gitconf.sync;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The syncer's health and Prometheus metrics: last mirrored commit, lag behind the branch head
 * (commits and seconds), versions mirrored, commits rejected, leader or standby.
 *
 * <p>Thread-safe: the syncer thread writes, HTTP threads read.
 */
public final class SyncMetrics {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicLong lagCommits = new AtomicLong();
  private final AtomicLong lagSeconds = new AtomicLong();
  private final AtomicLong leader = new AtomicLong();
  private final AtomicLong lastCommitTime = new AtomicLong();
  private final AtomicReference<String> lastCommit = new AtomicReference<>("");
  private final AtomicReference<Gauge> lastCommitInfo = new AtomicReference<>();
  private final AtomicReference<Instant> lastSuccess = new AtomicReference<>();
  private final Counter versionsMirrored;
  private final Counter commitsRejected;
  private final Counter commitsProcessed;

  SyncMetrics() {
    gauge("gitconf_sync_lag_commits", lagCommits, "Commits on the branch not yet mirrored");
    gauge(
        "gitconf_sync_lag_seconds",
        lagSeconds,
        "Age of the oldest commit not yet mirrored, 0 when up to date");
    gauge("gitconf_sync_leader", leader, "1 when this syncer holds the leader lock, 0 on standby");
    gauge(
        "gitconf_sync_last_commit_timestamp_seconds",
        lastCommitTime,
        "Commit time of the last processed commit");
    versionsMirrored =
        counter("gitconf_sync_versions_mirrored", "Versions activated by this syncer");
    commitsRejected = counter("gitconf_sync_commits_rejected", "Commits rejected by validation");
    commitsProcessed =
        counter(
            "gitconf_sync_commits_processed",
            "Commits processed (mirrored, unchanged or rejected)");
  }

  private void gauge(String name, AtomicLong value, String description) {
    Gauge.builder(name, value, AtomicLong::get).description(description).register(registry);
  }

  private Counter counter(String name, String description) {
    return Counter.builder(name).description(description).register(registry);
  }

  void processed(CommitOutcome outcome) {
    if (outcome.kind() != CommitOutcome.Kind.ALREADY_DONE) {
      commitsProcessed.increment();
      versionsMirrored.increment(outcome.activated());
      if (outcome.kind() == CommitOutcome.Kind.REJECTED) {
        commitsRejected.increment();
      }
    }
    position(outcome.commit().id(), outcome.commit().time());
  }

  void position(String commitId, Instant commitTime) {
    lastSuccess.set(Instant.now());
    lastCommitTime.set(commitTime.getEpochSecond());
    if (!commitId.equals(lastCommit.getAndSet(commitId))) {
      Gauge previous =
          lastCommitInfo.getAndSet(
              Gauge.builder("gitconf_sync_last_commit", () -> 1)
                  .description("The last processed commit, as a label")
                  .tag("commit", commitId)
                  .register(registry));
      if (previous != null) {
        registry.remove(previous);
      }
    }
  }

  void lag(long commits, long seconds) {
    lagCommits.set(commits);
    lagSeconds.set(seconds);
  }

  void leader(boolean isLeader) {
    leader.set(isLeader ? 1 : 0);
  }

  public boolean isLeader() {
    return leader.get() == 1;
  }

  public Optional<String> lastCommit() {
    return Optional.of(lastCommit.get()).filter(s -> !s.isEmpty());
  }

  public long lagCommits() {
    return lagCommits.get();
  }

  public long lagSeconds() {
    return lagSeconds.get();
  }

  public long versionsMirrored() {
    return (long) versionsMirrored.count();
  }

  public long commitsRejected() {
    return (long) commitsRejected.count();
  }

  /** When the syncer last reached the database and the branch successfully, if ever. */
  public Optional<Instant> lastSuccess() {
    return Optional.ofNullable(lastSuccess.get());
  }

  void reachable() {
    lastSuccess.set(Instant.now());
  }

  /** The metrics in the Prometheus text format. */
  public String scrape() {
    return registry.scrape();
  }
}
