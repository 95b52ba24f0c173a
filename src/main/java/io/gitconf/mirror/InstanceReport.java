package io.gitconf.mirror;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What one client instance says about the version it serves: one row of {@code instance_reports},
 * upserted at every report (the last one is the heartbeat). Immutable. A relay accepts the same
 * record over HTTP and writes it with the same {@link ReportWriter}.
 *
 * @param version the version the instance serves, or the candidate it failed to apply
 * @param reason why it failed (validation or binding of the candidate on that instance)
 * @param healthy the application's own verdict on the version it serves ({@code reportHealth}); an
 *     unhealthy report counts as a failed one
 * @param reportedAt the database's time of the report; {@link Instant#EPOCH} before it is written
 */
public record InstanceReport(
    String environment,
    String instanceId,
    Map<String, String> labels,
    int version,
    State state,
    Optional<String> reason,
    boolean healthy,
    Optional<String> healthReason,
    Instant reportedAt) {

  public InstanceReport {
    labels = Map.copyOf(new TreeMap<>(labels));
  }

  /** What an instance did with the version, in {@code instance_reports.state}. */
  public enum State implements StoredName {
    /** Serves it. */
    APPLIED,
    /** Could not serve it: the candidate failed validation or binding on this instance. */
    FAILED,
    /** Serves it, except settings marked {@code x-reload: restart}, which wait for a restart. */
    RESTART_REQUIRED
  }

  /** True when this report counts against a release: failed, or unhealthy by the application. */
  public boolean counterIndication() {
    return state == State.FAILED || !healthy;
  }

  /** Why this report counts against a release, as the audit names it. */
  public String failure() {
    if (state == State.FAILED) {
      return reason.orElse("failed");
    }
    return "unhealthy: " + healthReason.orElse("(no reason given)");
  }
}
