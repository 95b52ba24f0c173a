package io.gitconf.sync;

import io.gitconf.mirror.AuditAction;
import io.gitconf.mirror.VersionStatus;
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

  /** One changed path, old and new value as audited (null where there is none). */
  record Change(String path, AuditAction action, String oldValue, String newValue) {}
}
