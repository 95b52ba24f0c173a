package io.gitconf.mirror;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One row of {@code config_versions}: a version of an environment and the commit it came from.
 * Immutable.
 *
 * @param errors the validation errors of a rejected version; empty otherwise
 * @param checksum the resolved snapshot's checksum; empty only for a rejected commit whose snapshot
 *     could not be resolved
 */
public record VersionRecord(
    String environment,
    int version,
    String commitId,
    String authorName,
    String authorEmail,
    Instant committedAt,
    String message,
    VersionStatus status,
    List<String> errors,
    Optional<String> checksum,
    int itemCount,
    int changedPaths) {

  public VersionRecord {
    errors = List.copyOf(errors);
  }
}
