package io.gitconf.client;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How a {@link ConfigManager} is doing, for a health check or metrics: what it serves, and how its
 * reloads went. Taken at one moment by {@link ConfigManager#status()}; never holds a secret
 * (reasons are the messages {@link ConfigChangeEvent.ReloadFailed} carries).
 *
 * @param source the source as the manager describes it ({@code mirror}, a directory, a remote),
 *     never with a password
 * @param served the snapshot served
 * @param lastSuccessfulReload when a load of the source last succeeded, whether or not it changed
 *     anything; empty while a client that started from its last-known-good cache has not reached
 *     its source yet
 * @param lastFailure the reasons of the failure the client is in, empty when the last attempt
 *     succeeded
 * @param sourceReachable false while the last attempt could not reach the source (a failure of
 *     validation or binding reached it)
 * @param failuresByCause failed reload attempts since start, by cause ({@code unavailable}, {@code
 *     validation_failed}, {@code decryption}, ...); counters that only grow
 * @param eventsLost events dropped by subscriptions that fell behind ({@link
 *     ConfigManager#eventsLost()})
 */
public record ClientStatus(
    String source,
    ClientSnapshot served,
    Optional<Instant> lastSuccessfulReload,
    List<String> lastFailure,
    boolean sourceReachable,
    Map<String, Long> failuresByCause,
    long eventsLost) {

  public ClientStatus {
    lastFailure = List.copyOf(lastFailure);
    failuresByCause = Map.copyOf(failuresByCause);
  }
}
