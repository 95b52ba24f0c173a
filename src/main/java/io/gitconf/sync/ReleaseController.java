package io.gitconf.sync;

import io.gitconf.core.GitconfException;
import io.gitconf.core.ReleasePolicy;
import io.gitconf.mirror.InstanceReport;
import io.gitconf.mirror.MirrorReader;
import io.gitconf.mirror.ReleaseEvent;
import io.gitconf.mirror.ReleaseReader;
import io.gitconf.mirror.ReleaseState;
import io.gitconf.mirror.VersionRecord;
import io.gitconf.mirror.VersionStatus;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/**
 * Runs releases: at every {@link #tick} it evaluates each release in progress against its policy
 * and the instances' reports, and starts, advances, pauses, completes or rolls it back; operators
 * steer it with {@link #promote}, {@link #pause}, {@link #resume} and {@link #abort}. Only the
 * syncer's leader ticks. Everything it knows is in the mirror ({@code release_state}, {@code
 * instance_reports}), and the time comes from its {@link Clock}, so a standby that takes over
 * continues at the same step and time. Every transition is a {@code release_events} row naming its
 * cause, announced with {@code NOTIFY}.
 *
 * <ul>
 *   <li>The <b>fleet</b> is every instance that reported within {@link #STALE} (or 3 × bake, if
 *       longer); the <b>cohort</b> of a step is the fleet's instances whose bucket is below the
 *       step's percent × 100.
 *   <li>A step advances when its bake time has passed and at least {@code minReports} of its cohort
 *       report the candidate applied (or restart-required); an empty fleet never advances.
 *   <li>More failed reports of the candidate (failed, or unhealthy by the application) than {@code
 *       maxFailures} roll it back at once.
 *   <li>A cohort that has not reported enough 3 × bake (at least a minute) after its step started
 *       pauses the release; it resumes by itself when the reports arrive.
 *   <li>A pinned environment (break-glass) is left alone until unpinned.
 * </ul>
 *
 * <p>Thread-safe: every evaluation and operation is one transaction under the mirror's writers'
 * lock.
 */
public final class ReleaseController {
  /** Reports older than this (or than 3 × bake, if longer) are instances gone from the fleet. */
  static final Duration STALE = Duration.ofMinutes(5);

  /** A silent cohort pauses a release after 3 × bake, and never sooner than this. */
  static final Duration MIN_SILENCE = Duration.ofMinutes(1);

  static final String SILENT = "silent: ";

  private final MirrorStore store;
  private final Clock clock;

  public ReleaseController(MirrorStore store) {
    this.store = store;
    this.clock = store.clock();
  }

  /** Evaluates every release in progress once; returns the transitions it made. */
  public List<ReleaseEvent.Kind> tick() {
    List<ReleaseEvent.Kind> done = new ArrayList<>();
    for (ReleaseState state : ReleaseReader.of(store.dataSource()).states()) {
      done.addAll(
          store.locked(
              "evaluating the release of " + state.environment(),
              conn -> evaluate(conn, state.environment(), now())));
    }
    return done;
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  private List<ReleaseEvent.Kind> evaluate(Connection conn, String env, Instant now)
      throws SQLException {
    MirrorReader mirror = MirrorReader.within(conn);
    Optional<ReleaseState> read = ReleaseReader.within(conn).state(env);
    if (read.isEmpty() || mirror.pin(env).isPresent()) {
      return List.of();
    }
    ReleaseState state = read.get();
    if (stale(mirror, state)) {
      // Unpinned past it, say: the release ends, and its version is one no one serves.
      VersionStatus status =
          mirror
              .version(env, state.version())
              .map(VersionRecord::status)
              .orElse(VersionStatus.SUPERSEDED);
      if (status == VersionStatus.CANDIDATE || status == VersionStatus.HELD) {
        VersionRows.setStatus(conn, env, state.version(), VersionStatus.SUPERSEDED);
      }
      ReleaseRows.delete(conn, env);
      ReleaseRows.event(
          conn,
          state,
          ReleaseEvent.Kind.REPLACED,
          "syncer",
          "the environment moved past it: version "
              + mirror.activeVersion(env).map(VersionRecord::version).orElse(0)
              + " is active",
          now);
      return List.of(ReleaseEvent.Kind.REPLACED);
    }
    if (state.phase() == ReleaseState.Phase.HELD) {
      return releaseFromHold(conn, state, now);
    }
    ReleasePolicy policy = state.policy();
    List<InstanceReport> reports = ReleaseReader.within(conn).reportsWithoutLabels(env);
    List<InstanceReport> failures =
        reports.stream()
            .filter(r -> r.version() == state.version() && r.counterIndication())
            .toList();
    if (failures.size() > policy.maxFailures()) {
      String cause =
          failures.size()
              + " failed report(s), more than maxFailures "
              + policy.maxFailures()
              + ": "
              + failures.stream()
                  .map(r -> r.instanceId() + ": " + r.failure())
                  .collect(Collectors.joining("; "));
      ReleaseRows.event(conn, state, ReleaseEvent.Kind.ROLLED_BACK, "reports", cause, now);
      ReleaseRows.rollBack(conn, state);
      return List.of(ReleaseEvent.Kind.ROLLED_BACK);
    }
    Duration stale =
        STALE.compareTo(policy.bake().multipliedBy(3)) > 0 ? STALE : policy.bake().multipliedBy(3);
    List<InstanceReport> fleet =
        reports.stream().filter(r -> !r.reportedAt().isBefore(now.minus(stale))).toList();
    ReleaseState.Counts counts = counts(state, fleet);
    boolean enough =
        !fleet.isEmpty()
            && (long) (counts.applied() + counts.restartRequired()) * 100
                >= (long) policy.minReportsPercent() * counts.cohort();
    Instant started = state.stepStartedAt().orElseThrow();
    if (state.phase() == ReleaseState.Phase.PAUSED) {
      if (enough && state.pausedReason().orElse("").startsWith(SILENT)) {
        ReleaseState resumed =
            with(state, ReleaseState.Phase.ROLLING, counts, now, Optional.empty());
        ReleaseRows.save(conn, resumed);
        ReleaseRows.event(
            conn,
            resumed,
            ReleaseEvent.Kind.RESUMED,
            "reports",
            describe(counts, resumed) + " reported",
            now);
        return List.of(ReleaseEvent.Kind.RESUMED);
      }
      saveCounts(conn, state, counts, now);
      return List.of();
    }
    if (enough && !now.isBefore(started.plus(policy.bake()))) {
      return advance(
          conn,
          state,
          counts,
          "timer",
          "baked " + format(policy.bake()) + "; " + describe(counts, state) + " reported applied",
          now);
    }
    Duration silence = policy.bake().multipliedBy(3);
    if (silence.compareTo(MIN_SILENCE) < 0) {
      silence = MIN_SILENCE;
    }
    if (!enough && !now.isBefore(started.plus(silence))) {
      String reason =
          SILENT
              + (fleet.isEmpty()
                  ? "no instance has reported within " + format(stale)
                  : describe(counts, state)
                      + " reported the candidate applied, "
                      + policy.minReportsPercent()
                      + "% needed")
              + " after "
              + format(silence);
      ReleaseState paused =
          with(state, ReleaseState.Phase.PAUSED, counts, now, Optional.of(reason));
      ReleaseRows.save(conn, paused);
      ReleaseRows.event(conn, paused, ReleaseEvent.Kind.PAUSED, "timer", reason, now);
      return List.of(ReleaseEvent.Kind.PAUSED);
    }
    saveCounts(conn, state, counts, now);
    return List.of();
  }

  /** True when the release's version is no longer one to release (unpinned past it, say). */
  private static boolean stale(MirrorReader mirror, ReleaseState state) {
    Optional<VersionRecord> version = mirror.version(state.environment(), state.version());
    VersionStatus expected =
        state.phase() == ReleaseState.Phase.HELD ? VersionStatus.HELD : VersionStatus.CANDIDATE;
    Optional<VersionRecord> active = mirror.activeVersion(state.environment());
    return version.isEmpty()
        || version.get().status() != expected
        || active.isPresent() && active.get().version() > state.version();
  }

  private static ReleaseState.Counts counts(ReleaseState state, List<InstanceReport> fleet) {
    int cohort = 0;
    int applied = 0;
    int failed = 0;
    int restart = 0;
    for (InstanceReport r : fleet) {
      boolean candidate = r.version() == state.version();
      if (candidate && r.counterIndication()) {
        failed++;
      }
      if (!state.includes(r.instanceId())) {
        continue;
      }
      cohort++;
      if (candidate && !r.counterIndication()) {
        if (r.state() == InstanceReport.State.RESTART_REQUIRED) {
          restart++;
        } else {
          applied++;
        }
      }
    }
    int failedInCohort =
        (int)
            fleet.stream()
                .filter(
                    r ->
                        r.version() == state.version()
                            && r.counterIndication()
                            && state.includes(r.instanceId()))
                .count();
    return new ReleaseState.Counts(
        cohort, applied, failed, restart, cohort - applied - restart - failedInCohort);
  }

  private static String describe(ReleaseState.Counts counts, ReleaseState state) {
    return (counts.applied() + counts.restartRequired())
        + " of "
        + counts.cohort()
        + " instance(s) of the "
        + state.percent()
        + " % cohort";
  }

  private List<ReleaseEvent.Kind> releaseFromHold(Connection conn, ReleaseState state, Instant now)
      throws SQLException {
    ReleaseRows.Start start =
        ReleaseRows.start(conn, state.environment(), state.policy(), state.emergency(), now);
    if (start.holdUntil().isPresent()) {
      if (!start.holdUntil().equals(state.holdUntil())) {
        ReleaseRows.save(conn, held(state, start, now));
      }
      return List.of();
    }
    VersionRows.setStatus(conn, state.environment(), state.version(), VersionStatus.CANDIDATE);
    ReleaseState rolling = startAt(state, 0, state.policy().percent(0), now);
    ReleaseRows.save(conn, rolling);
    ReleaseRows.event(
        conn,
        rolling,
        ReleaseEvent.Kind.RELEASED_FROM_HOLD,
        "timer",
        "hold ended (" + state.holdReason().orElse("") + ")",
        now);
    ReleaseRows.event(conn, rolling, ReleaseEvent.Kind.STARTED, "timer", "released from hold", now);
    ReleaseRows.notifyClients(conn, state.environment(), state.version());
    return List.of(ReleaseEvent.Kind.RELEASED_FROM_HOLD, ReleaseEvent.Kind.STARTED);
  }

  /** The next step, or completion after the last one. */
  private List<ReleaseEvent.Kind> advance(
      Connection conn,
      ReleaseState state,
      ReleaseState.Counts counts,
      String actor,
      String cause,
      Instant now)
      throws SQLException {
    List<Integer> steps = state.policy().steps();
    for (int i = 0; i < steps.size(); i++) {
      if (steps.get(i) > state.percent()) {
        ReleaseState next = startAt(state, i, steps.get(i), now);
        next = with(next, ReleaseState.Phase.ROLLING, counts, now, Optional.empty());
        ReleaseRows.save(conn, next);
        ReleaseRows.event(conn, next, ReleaseEvent.Kind.STEP_ADVANCED, actor, cause, now);
        ReleaseRows.notifyClients(conn, state.environment(), state.version());
        return List.of(ReleaseEvent.Kind.STEP_ADVANCED);
      }
    }
    complete(conn, state, actor, cause, now);
    return List.of(ReleaseEvent.Kind.COMPLETED);
  }

  /** The candidate becomes the active version, audited path by path as its commit's change. */
  private void complete(
      Connection conn, ReleaseState state, String actor, String cause, Instant now)
      throws SQLException {
    MirrorReader mirror = MirrorReader.within(conn);
    String env = state.environment();
    VersionRecord candidate = mirror.version(env, state.version()).orElseThrow();
    int active = mirror.activeVersion(env).orElseThrow().version();
    EnvironmentPins.activate(
        conn,
        mirror,
        env,
        active,
        candidate,
        candidate.authorName() + " <" + candidate.authorEmail() + ">",
        candidate.message(),
        now);
    ReleaseRows.delete(conn, env);
    ReleaseRows.event(
        conn,
        with(state, state.phase(), state.counts(), now, state.pausedReason()),
        ReleaseEvent.Kind.COMPLETED,
        actor,
        cause + "; version " + state.version() + " is active",
        now);
  }

  // ---- operators ----

  /**
   * Moves the release of {@code env} on: to {@code toPercent} of instances (the cohort grows; later
   * steps continue from there), or, without it or at 100, completes it now. A held release starts.
   *
   * @return the events recorded
   */
  public List<ReleaseEvent.Kind> promote(
      String env, Optional<Integer> toPercent, String user, String reason) {
    return store.locked(
        "promoting the release of " + env,
        conn -> {
          ReleaseState state = current(conn, env);
          Instant now = now();
          int to = toPercent.orElse(100);
          if (to < 1 || to > 100 || state.serving() && to <= state.percent()) {
            throw new GitconfException.BadRequest(
                "promote --to must be above the current "
                    + state.percent()
                    + " % and at most 100, not "
                    + to);
          }
          String cause = reason + " (promoted to " + to + " %)";
          if (state.phase() == ReleaseState.Phase.HELD) {
            VersionRows.setStatus(conn, env, state.version(), VersionStatus.CANDIDATE);
          }
          if (to == 100) {
            ReleaseState every = startAt(state, state.policy().steps().size() - 1, 100, now);
            ReleaseRows.event(conn, every, ReleaseEvent.Kind.PROMOTED, user, cause, now);
            complete(conn, every, user, cause, now);
            return List.of(ReleaseEvent.Kind.PROMOTED, ReleaseEvent.Kind.COMPLETED);
          }
          int step = 0;
          List<Integer> steps = state.policy().steps();
          for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i) <= to) {
              step = i;
            }
          }
          ReleaseState next = startAt(state, step, to, now);
          ReleaseRows.save(conn, next);
          ReleaseRows.event(conn, next, ReleaseEvent.Kind.PROMOTED, user, cause, now);
          ReleaseRows.notifyClients(conn, env, state.version());
          return List.of(ReleaseEvent.Kind.PROMOTED);
        });
  }

  /**
   * Stops the release of {@code env} where it is: the cohort keeps the candidate, none is added.
   */
  public List<ReleaseEvent.Kind> pause(String env, String user, String reason) {
    return move(
        "pausing",
        env,
        ReleaseState.Phase.ROLLING,
        ReleaseEvent.Kind.PAUSED,
        user,
        reason,
        (state, now) ->
            with(
                state,
                ReleaseState.Phase.PAUSED,
                state.counts(),
                now,
                Optional.of("paused by " + user + ": " + reason)));
  }

  /** Lets a paused release of {@code env} go on; its step bakes again from now. */
  public List<ReleaseEvent.Kind> resume(String env, String user, String reason) {
    return move(
        "resuming",
        env,
        ReleaseState.Phase.PAUSED,
        ReleaseEvent.Kind.RESUMED,
        user,
        reason,
        (state, now) -> startAt(state, state.step(), state.percent(), now));
  }

  /**
   * The one way an operator moves a release between phases: refused unless it is in {@code from};
   * the next state is saved and the transition recorded as {@code kind}.
   */
  private List<ReleaseEvent.Kind> move(
      String doing,
      String env,
      ReleaseState.Phase from,
      ReleaseEvent.Kind kind,
      String user,
      String reason,
      BiFunction<ReleaseState, Instant, ReleaseState> next) {
    return store.locked(
        doing + " the release of " + env,
        conn -> {
          ReleaseState state = current(conn, env);
          if (state.phase() != from) {
            throw new GitconfException.BadRequest(
                "the release of " + env + " is " + state.phase().sql() + ", not " + from.sql());
          }
          Instant now = now();
          ReleaseState moved = next.apply(state, now);
          ReleaseRows.save(conn, moved);
          ReleaseRows.event(conn, moved, kind, user, reason, now);
          return List.of(kind);
        });
  }

  /**
   * Takes the release of {@code env} back: the candidate is rolled back, never released again, and
   * every instance returns to the active version.
   */
  public List<ReleaseEvent.Kind> abort(String env, String user, String reason) {
    return store.locked(
        "aborting the release of " + env,
        conn -> {
          ReleaseState state = current(conn, env);
          ReleaseRows.event(conn, state, ReleaseEvent.Kind.ABORTED, user, reason, now());
          ReleaseRows.rollBack(conn, state);
          return List.of(ReleaseEvent.Kind.ABORTED);
        });
  }

  private static ReleaseState current(Connection conn, String env) {
    return ReleaseReader.within(conn)
        .state(env)
        .orElseThrow(() -> new GitconfException.BadRequest("no release in progress in " + env));
  }

  private static ReleaseState startAt(ReleaseState s, int step, int percent, Instant now) {
    return new ReleaseState(
        s.environment(),
        s.version(),
        ReleaseState.Phase.ROLLING,
        step,
        percent,
        Optional.of(now),
        s.salt(),
        s.policy(),
        s.emergency(),
        s.counts(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        s.createdAt(),
        now);
  }

  private static ReleaseState held(ReleaseState s, ReleaseRows.Start start, Instant now) {
    return new ReleaseState(
        s.environment(),
        s.version(),
        ReleaseState.Phase.HELD,
        s.step(),
        s.percent(),
        Optional.empty(),
        s.salt(),
        s.policy(),
        s.emergency(),
        s.counts(),
        Optional.empty(),
        start.holdReason(),
        start.holdUntil(),
        s.createdAt(),
        now);
  }

  private static ReleaseState with(
      ReleaseState s,
      ReleaseState.Phase phase,
      ReleaseState.Counts counts,
      Instant now,
      Optional<String> pausedReason) {
    return new ReleaseState(
        s.environment(),
        s.version(),
        phase,
        s.step(),
        s.percent(),
        s.stepStartedAt(),
        s.salt(),
        s.policy(),
        s.emergency(),
        counts,
        pausedReason,
        s.holdReason(),
        s.holdUntil(),
        s.createdAt(),
        now);
  }

  /** Keeps the counts current for status and metrics, writing only when they changed. */
  private static void saveCounts(
      Connection conn, ReleaseState state, ReleaseState.Counts counts, Instant now)
      throws SQLException {
    if (!counts.equals(state.counts())) {
      ReleaseRows.save(conn, with(state, state.phase(), counts, now, state.pausedReason()));
    }
  }

  private static String format(Duration duration) {
    return io.gitconf.core.ReleasePolicyReader.format(duration);
  }
}
