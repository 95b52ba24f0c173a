package io.gitconf.sync;

import io.gitconf.mirror.ReleaseState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
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
  private final Map<String, Map<String, AtomicLong>> releaseGauges = new ConcurrentHashMap<>();
  private volatile List<ReleaseState> lastReleases = List.of();

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

  /** Counts one release transition ({@code started}, {@code rolled_back}...). */
  void releaseTransition(String kind) {
    registry.counter("gitconf_release_transitions", "event", kind).increment();
  }

  /**
   * The state of every release in progress: {@code gitconf_release_percent}, {@code
   * gitconf_release_paused}, {@code gitconf_release_held} and the report counts, per environment;
   * an environment whose release ended reads 0.
   */
  void releases(List<ReleaseState> states) {
    lastReleases = List.copyOf(states);
    Map<String, ReleaseState> byEnv = new HashMap<>();
    states.forEach(s -> byEnv.put(s.environment(), s));
    for (String env : byEnv.keySet()) {
      releaseGauges.computeIfAbsent(env, this::registerRelease);
    }
    releaseGauges.forEach(
        (env, gauges) -> {
          ReleaseState s = byEnv.get(env);
          ReleaseState.Counts c = s == null ? ReleaseState.Counts.NONE : s.counts();
          gauges.get("version").set(s == null ? 0 : s.version());
          gauges.get("percent").set(s == null || !s.serving() ? 0 : s.percent());
          gauges.get("paused").set(s != null && s.phase() == ReleaseState.Phase.PAUSED ? 1 : 0);
          gauges.get("held").set(s != null && s.phase() == ReleaseState.Phase.HELD ? 1 : 0);
          gauges.get("cohort").set(c.cohort());
          gauges.get("applied").set(c.applied());
          gauges.get("failed").set(c.failed());
          gauges.get("restart_required").set(c.restartRequired());
          gauges.get("silent").set(c.silent());
        });
  }

  /** The releases in progress at the leader's last evaluation (none on a standby). */
  public List<ReleaseState> releasesInProgress() {
    return isLeader() ? lastReleases : List.of();
  }

  private Map<String, AtomicLong> registerRelease(String env) {
    Map<String, AtomicLong> gauges = new LinkedHashMap<>();
    for (String name :
        List.of(
            "version",
            "percent",
            "paused",
            "held",
            "cohort",
            "applied",
            "failed",
            "restart_required",
            "silent")) {
      AtomicLong value = new AtomicLong();
      gauges.put(name, value);
      Gauge.builder("gitconf_release_" + name, value, AtomicLong::get)
          .description("The release in progress: " + name.replace('_', ' '))
          .tag("environment", env)
          .register(registry);
    }
    return gauges;
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
