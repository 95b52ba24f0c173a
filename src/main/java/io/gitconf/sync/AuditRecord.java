package io.gitconf.sync;

import java.time.Instant;
import java.util.Optional;

/**
 * One row of {@code config_audit}: a path changed by a version. Values are canonical JSON as
 * stored, {@code "****"} for secrets. Immutable.
 *
 * @param oldValue empty for {@code create}
 * @param newValue empty for {@code delete}
 * @param changedBy the Git author, {@code Name <email>}
 * @param reason the commit message
 */
public record AuditRecord(
    String environment,
    long seq,
    int version,
    String commitId,
    String path,
    String action,
    Optional<String> oldValue,
    Optional<String> newValue,
    String changedBy,
    String reason,
    Instant changedAt,
    String prevHash,
    String hash) {}
