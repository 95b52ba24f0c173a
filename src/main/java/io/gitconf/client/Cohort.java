package io.gitconf.client;

import io.gitconf.mirror.ReleaseState;
import java.util.Optional;
import java.util.Set;

/**
 * Which version one instance serves while a release is in progress, whatever the source (the
 * mirror, a relay): the candidate when the instance is in the cohort of the release's current step
 * ({@link ReleaseState#includes}: its bucket is below percent × 100) and has not refused that
 * candidate itself; otherwise the active (base) version. A held release serves nobody.
 *
 * <p>Stateless and thread-safe.
 */
final class Cohort {
  private Cohort() {}

  /**
   * The candidate version {@code instanceId} is to serve, or empty for the base version.
   *
   * @param refused candidates this instance could not apply (they failed validation or binding
   *     here); it stays on the base rather than retrying them
   */
  static Optional<Integer> candidate(
      Optional<ReleaseState> release, String instanceId, Set<Integer> refused) {
    if (release.isEmpty()) {
      return Optional.empty();
    }
    ReleaseState state = release.get();
    return candidate(
        state.environment(),
        state.version(),
        state.serving(),
        state.salt(),
        state.percent(),
        instanceId,
        refused);
  }

  /**
   * The same decision from the fields a relay sends of a release (docs/serve.md): the candidate
   * {@code version}, whether it is being served (not held), the release's salt and step percent.
   */
  static Optional<Integer> candidate(
      String environment,
      int version,
      boolean serving,
      String salt,
      int percent,
      String instanceId,
      Set<Integer> refused) {
    if (!serving
        || !ReleaseState.inCohort(environment, salt, instanceId, percent)
        || refused.contains(version)) {
      return Optional.empty();
    }
    return Optional.of(version);
  }
}
