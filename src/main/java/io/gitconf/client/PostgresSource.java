package io.gitconf.client;

import io.gitconf.core.ConfigSnapshot;
import io.gitconf.core.GitconfException;
import io.gitconf.mirror.MirrorReader;
import io.gitconf.mirror.VersionRecord;
import java.time.Duration;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The mirror the syncer writes: loads the active version of an environment from PostgreSQL through
 * the mirror's one {@link MirrorReader} (so its items are checked against the version's checksum as
 * everywhere else), and validates it against the schemas shipped with this client before it may be
 * served (a mirror written by another gitconf version is thus checked against what this client's
 * typed records expect). Changes arrive through {@link MirrorListener} ({@code LISTEN}), and the
 * manager also polls every TTL in case a notification was lost.
 *
 * <p>Thread-safe. Reads only.
 */
final class PostgresSource implements ConfigSource {
  private final DataSource dataSource;
  private final MirrorReader mirror;
  private final String environment;
  private final Duration firstBackoff;
  private final Duration maxBackoff;
  private MirrorListener listener;

  PostgresSource(
      DataSource dataSource, String environment, Duration firstBackoff, Duration maxBackoff) {
    this.dataSource = dataSource;
    this.mirror = MirrorReader.of(dataSource);
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
      ConfigSnapshot snapshot = mirror.snapshot(active);
      return MirrorVersions.loaded(describe(), snapshot, active.version(), active.commitId());
    } catch (GitconfException.Unavailable e) {
      throw unavailable(e);
    }
  }

  @Override
  public Optional<String> fingerprint(String environment) {
    try {
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
