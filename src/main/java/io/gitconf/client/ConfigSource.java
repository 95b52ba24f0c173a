package io.gitconf.client;

import io.gitconf.core.ConfigRepository;
import io.gitconf.core.ConfigSnapshot;
import io.gitconf.core.GitconfException;
import io.gitconf.core.Problem;
import io.gitconf.core.SchemaSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** Where a {@link ConfigManager} reads configuration from, and how it learns that it changed. */
interface ConfigSource extends AutoCloseable {

  /**
   * One load: the environment's resolved snapshot, validated, with what identifies it. {@code
   * fingerprint} tells this load from another of the same source (a mirror version and checksum, a
   * commit id); equal fingerprints mean equal snapshots.
   */
  record Loaded(
      ConfigSnapshot snapshot,
      OptionalLong version,
      String commit,
      SchemaSet schemas,
      String fingerprint) {}

  /**
   * Loads the environment's current configuration. Throws {@link
   * io.gitconf.core.GitconfException.Unavailable} when the source cannot be reached and {@link
   * io.gitconf.core.GitconfException.ValidationFailed} when what it holds is not valid.
   */
  Loaded load(String environment);

  /**
   * The {@link Loaded#fingerprint()} the next {@link #load} would return, when the source can tell
   * it more cheaply than by loading (the mirror reads one row instead of every item). Empty when it
   * cannot; the caller then loads.
   */
  default Optional<String> fingerprint(String environment) {
    return Optional.empty();
  }

  /**
   * Starts calling {@code changed} (from any thread) whenever the configuration may have changed.
   */
  void watch(Runnable changed);

  /**
   * True when the source does not tell of every change by itself, so the manager must also ask it
   * every TTL (the mirror, whose notifications can be lost, and a Git remote).
   */
  boolean needsPolling();

  /** The Git working copy this source reads, which {@link ConfigManager#set} commits to. */
  default Optional<ChangeWriter> writer() {
    return Optional.empty();
  }

  String describe();

  /**
   * Where this source's instance reports what it serves to the releases (the mirror, a relay);
   * empty for a source without releases (a directory, a Git remote).
   */
  default Optional<ReleaseReporter> reporter() {
    return Optional.empty();
  }

  /**
   * The environment's snapshot of a repository read from files or a commit, once the repository has
   * no error for that environment.
   *
   * @throws GitconfException.ValidationFailed naming {@code origin}, with every error
   */
  static ConfigSnapshot validSnapshot(
      ConfigRepository repository, String environment, String origin) {
    List<Problem> errors =
        repository.validate(List.of(environment)).stream().filter(Problem::isError).toList();
    if (!errors.isEmpty()) {
      throw new GitconfException.ValidationFailed(origin, errors);
    }
    return repository.snapshot(environment);
  }

  @Override
  void close();
}
