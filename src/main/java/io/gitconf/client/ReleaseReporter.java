package io.gitconf.client;

import io.gitconf.core.GitconfException;
import io.gitconf.mirror.InstanceReport;
import io.gitconf.mirror.ReportWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the releases what this instance serves: on its own thread (never on the read path), at
 * every poll interval, one report with the version served and whether it is applied or waits for a
 * restart, sent when it differs from the last one sent, and otherwise once every {@link #HEARTBEAT}
 * so that the instance stays in the fleet; a candidate this instance refused is reported failed
 * with the reason, at once (without waiting for the interval, so a rollback is not delayed), and
 * stays reported until a newer version is served. The application's own health ({@link
 * ConfigManager#reportHealth}) goes with the version it was given for.
 *
 * <p>Where reports go is its {@link ReportWriter}, the one thing that differs between sources: the
 * mirror's {@code instance_reports} for a mirror client, the relay's {@code reports} endpoint for a
 * relay client ({@link ServerSource}).
 *
 * <p>Thread-safe. A report that cannot be written is logged once and tried again at the next
 * interval; reporting never fails the client.
 */
final class ReleaseReporter {
  private static final Logger LOG = LoggerFactory.getLogger(ReleaseReporter.class);

  /**
   * How often an unchanged report is sent again: well inside the five minutes after which the
   * releases count a silent instance as gone, and a twelfth of the reports a fleet would send at
   * every five-second poll.
   */
  static final Duration HEARTBEAT = Duration.ofMinutes(1);

  /** A candidate this instance could not apply. */
  private record Failure(int version, String reason) {}

  /** The application's verdict on the version it serves. */
  private record Health(long version, boolean healthy, String reason) {}

  private final String environment;
  private final InstanceIdentity identity;
  private final ReportWriter writer;
  private final Duration interval;
  private final Clock clock;
  private volatile Failure failure;
  private volatile Health health;
  private volatile Supplier<ClientSnapshot> served;
  private volatile ScheduledExecutorService executor;
  private volatile boolean failing;
  private InstanceReport lastSent;
  private Instant lastSentAt = Instant.MIN;

  ReleaseReporter(
      String environment, InstanceIdentity identity, ReportWriter writer, Duration interval) {
    this(environment, identity, writer, interval, Clock.systemUTC());
  }

  ReleaseReporter(
      String environment,
      InstanceIdentity identity,
      ReportWriter writer,
      Duration interval,
      Clock clock) {
    this.environment = environment;
    this.identity = identity;
    this.writer = writer;
    this.interval = interval;
    this.clock = clock;
  }

  InstanceIdentity identity() {
    return identity;
  }

  /** Starts reporting what {@code served} serves, every interval, on {@code executor}. */
  void start(ScheduledExecutorService executor, Supplier<ClientSnapshot> served) {
    this.served = served;
    this.executor = executor;
    executor.scheduleWithFixedDelay(this::report, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** This instance refused candidate {@code version}; reported at once. */
  void failed(int version, String reason) {
    failure = new Failure(version, reason);
    reportNow();
  }

  /** The application's health for the version it serves now; a failing one is reported at once. */
  void health(boolean healthy, String reason) {
    Supplier<ClientSnapshot> current = served;
    long version = current == null ? -1 : current.get().version().orElse(-1);
    health = new Health(version, healthy, reason);
    if (!healthy) {
      reportNow();
    }
  }

  /** Reports on the reporting thread without waiting for the interval; not once it has stopped. */
  private void reportNow() {
    ScheduledExecutorService now = executor;
    if (now == null) {
      return;
    }
    try {
      now.execute(this::report);
    } catch (RejectedExecutionException e) {
      // The client is closing: nothing more is reported.
    }
  }

  /** The report this instance would send now, if it serves a mirrored version. */
  Optional<InstanceReport> current() {
    Supplier<ClientSnapshot> current = served;
    if (current == null) {
      return Optional.empty();
    }
    ClientSnapshot snapshot = current.get();
    OptionalLong version = snapshot.version();
    Failure refused = failure;
    if (refused != null && (version.isEmpty() || refused.version() > version.getAsLong())) {
      return Optional.of(
          report(
              refused.version(), InstanceReport.State.FAILED, Optional.of(refused.reason()), null));
    }
    if (version.isEmpty()) {
      return Optional.empty();
    }
    Health given = health;
    Health forThis = given != null && given.version() == version.getAsLong() ? given : null;
    InstanceReport.State state =
        snapshot.heldBack().isEmpty()
            ? InstanceReport.State.APPLIED
            : InstanceReport.State.RESTART_REQUIRED;
    return Optional.of(report((int) version.getAsLong(), state, Optional.empty(), forThis));
  }

  private InstanceReport report(
      int version, InstanceReport.State state, Optional<String> reason, Health health) {
    return new InstanceReport(
        environment,
        identity.id(),
        identity.labels(),
        version,
        state,
        reason,
        health == null || health.healthy(),
        health == null || health.healthy() ? Optional.empty() : Optional.of(health.reason()),
        Instant.EPOCH);
  }

  /**
   * Writes the current report if it changed since the last one written or the heartbeat is due;
   * never throws (the executor would stop the schedule).
   */
  synchronized void report() {
    try {
      Optional<InstanceReport> report = current();
      Instant now = clock.instant();
      if (report.isPresent()
          && (!report.get().equals(lastSent) || !now.isBefore(lastSentAt.plus(HEARTBEAT)))) {
        writer.write(List.of(report.get()));
        lastSent = report.get();
        lastSentAt = now;
      }
      if (failing) {
        LOG.info(
            "reports of {} to the releases of {} go through again", identity.id(), environment);
        failing = false;
      }
    } catch (GitconfException | IllegalStateException e) {
      if (!failing) {
        LOG.warn(
            "cannot report {} to the releases of {}: {}",
            identity.id(),
            environment,
            e.getMessage());
        failing = true;
      }
    } catch (RuntimeException e) {
      LOG.warn("unexpected failure reporting to the releases of {}: {}", environment, e.toString());
    }
  }
}
