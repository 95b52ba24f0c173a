package io.gitconf.sync;

import java.util.List;
import java.util.Optional;
import java.util.SortedMap;

/**
 * What one commit will write for one environment, worked out before anything is written.
 *
 * @param next the environment's items after this version (canonical JSON by path); empty for a
 *     rejected version, which has no items
 * @param changes the changed paths, sorted, with audit values already masked
 */
record VersionPlan(
    String environment,
    int version,
    VersionStatus status,
    Optional<String> checksum,
    int itemCount,
    SortedMap<String, String> next,
    List<Change> changes) {

  /** One changed path: {@code create}, {@code update} or {@code delete}, old and new as audited. */
  record Change(String path, String action, String oldValue, String newValue) {}
}
