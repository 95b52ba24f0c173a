package io.gitconf.client;

import io.gitconf.core.GitconfException;
import io.gitconf.mirror.MirrorReader;
import io.gitconf.mirror.ReleaseReader;
import io.gitconf.mirror.ReleaseState;
import io.gitconf.mirror.VersionRecord;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mirror the syncer writes: loads the active version of an environment from PostgreSQL through
 * the mirror's one {@link MirrorReader} (so its items are checked against the version's checksum as
 * everywhere else), and validates it against the schemas shipped with this client before it may be
 * served (a mirror written by another gitconf version is thus checked against what this client's
 * typed records expect). Changes arrive through {@link MirrorListener} ({@code LISTEN}), and the
 * manager also polls every TTL in case a notification was lost.
 *
 * <p>While a release is in progress in the environment, it serves the candidate instead when this
 * instance is in the cohort of the release's step ({@link Cohort}); a candidate that fails
 * validation or binding here is refused, reported failed through the {@link ReleaseReporter}, and
 * the active version served instead.
 *
 * <p>Thread-safe. Reads only, except the instance's reports.
 */
final class PostgresSource implements ConfigSource {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresSource.class);

  /** SQLSTATE of a missing table. */
  private final DataSource dataSource;

  private final MirrorReader mirror;
  private final ReleaseReader releases;
  private final ReleaseReporter reporter;
  private final Set<Integer> refused = ConcurrentHashMap.newKeySet();
  private final String environment;
  private final Duration firstBackoff;
  private final Duration maxBackoff;
  private MirrorListener listener;

  PostgresSource(
      DataSource dataSource,
      String environment,
      Duration firstBackoff,
      Duration maxBackoff,
      ReleaseReporter reporter) {
    this.dataSource = dataSource;
    this.mirror = MirrorReader.of(dataSource);
    this.releases = ReleaseReader.of(dataSource);
    this.reporter = reporter;
    this.environment = environment;
    this.firstBackoff = firstBackoff;
    this.maxBackoff = maxBackoff;
  }

  /**
   * {@inheritDoc}
   *
   * @throws GitconfException.Integrity when the stored items do not reproduce the version's
   *     checksum
   */
  @Override
  public Loaded load(String environment) {
    try {
      VersionRecord active =
          mirror
              .activeVersion(environment)
              .orElseThrow(
                  () ->
                      new GitconfException.Unavailable(
                          describe()
                              + ": environment "
                              + environment
                              + " has no active version (has the syncer mirrored it?)"));
      Optional<VersionRecord> candidate = candidate(environment);
      if (candidate.isPresent()) {
        try {
          Loaded loaded = load(candidate.get());
          ClientSnapshot.of(loaded.snapshot(), loaded.version(), loaded.commit());
          return loaded;
        } catch (GitconfException.ValidationFailed | GitconfException.Integrity e) {
          int version = candidate.get().version();
          refused.add(version);
          String reason = MirrorVersions.refusal(e);
          LOG.warn(
              "{}: candidate version {} of {} refused, serving the active version: {}",
              describe(),
              version,
              environment,
              reason);
          reporter.failed(version, reason);
        }
      }
      return load(active);
    } catch (GitconfException.Unavailable e) {
      throw unavailable(e);
    }
  }

  /** One version, rebuilt from its items and validated against the shipped schemas. */
  private Loaded load(VersionRecord row) {
    return MirrorVersions.loaded(describe(), mirror.snapshot(row), row.version(), row.commitId());
  }

  /** The candidate this instance is to serve, if a release includes it. */
  private Optional<VersionRecord> candidate(String environment) {
    // A mirror migrated by a gitconf without releases: nothing is being released.
    Optional<ReleaseState> state = releases.stateIfReleases(environment);
    Optional<Integer> version = Cohort.candidate(state, reporter.identity().id(), refused);
    return version.flatMap(v -> mirror.version(environment, v));
  }

  @Override
  public Optional<String> fingerprint(String environment) {
    try {
      Optional<VersionRecord> candidate = candidate(environment);
      if (candidate.isPresent()) {
        return candidate.map(PostgresSource::fingerprint);
      }
      return mirror.activeVersion(environment).map(PostgresSource::fingerprint);
    } catch (GitconfException.Unavailable e) {
      throw unavailable(e);
    }
  }

  /** What tells one activation from another: a version, its commit and its checksum. */
  private static String fingerprint(VersionRecord version) {
    return MirrorVersions.fingerprint(
        version.version(), version.commitId(), version.checksum().orElse(""));
  }

  @Override
  public synchronized void watch(Runnable changed) {
    listener = new MirrorListener(dataSource, environment, changed, firstBackoff, maxBackoff);
    listener.start();
  }

  @Override
  public Optional<ReleaseReporter> reporter() {
    return Optional.of(reporter);
  }

  @Override
  public boolean needsPolling() {
    return true;
  }

  /** True while the listener holds a connection with {@code LISTEN} in effect. */
  synchronized boolean listening() {
    return listener != null && listener.listening();
  }

  @Override
  public String describe() {
    return "mirror";
  }

  /** A read that failed, said as the client's: which source, which environment. */
  private GitconfException.Unavailable unavailable(GitconfException.Unavailable e) {
    if (e.getMessage().startsWith(describe() + ": ")) {
      return e;
    }
    return new GitconfException.Unavailable(
        describe() + ": cannot read environment " + environment + ": " + e.getMessage(), e);
  }

  @Override
  public synchronized void close() {
    if (listener != null) {
      listener.close();
    }
  }
}
