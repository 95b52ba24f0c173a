package io.gitconf.mirror;

import java.time.Instant;
import java.util.Optional;

/**
 * One row of {@code config_audit}: a path changed by a version. Values are canonical JSON as
 * stored, {@code "****"} for secrets. Immutable.
 *
 * @param oldValue empty for {@link AuditAction#CREATE}
 * @param newValue empty for {@link AuditAction#DELETE}
 * @param changedBy the Git author, {@code Name <email>}
 * @param reason the commit message
 */
public record AuditRecord(
    String environment,
    long seq,
    int version,
    String commitId,
    String path,
    AuditAction action,
    Optional<String> oldValue,
    Optional<String> newValue,
    String changedBy,
    String reason,
    Instant changedAt,
    String prevHash,
    String hash) {}
