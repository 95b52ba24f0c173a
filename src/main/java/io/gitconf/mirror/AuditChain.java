package io.gitconf.mirror;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * The hash chain of the audit trail, one chain per environment. A row's hash is
 *
 * <pre>
 * hash = hex(SHA-256(field(prev_hash) field(environment) field(seq) field(version)
 *                    field(commit_id) field(path) field(action) field(old_value)
 *                    field(new_value) field(changed_by) field(reason) field(changed_at)))
 * </pre>
 *
 * in exactly that order, where {@code field(x)} is the UTF-8 byte length of {@code x} in decimal, a
 * colon, the UTF-8 bytes, and a semicolon ({@code 5:hello;}), and a null field is the single byte
 * {@code N} followed by a semicolon. Numbers are written in decimal, {@code changed_at} as an
 * ISO-8601 UTC instant ({@link Instant#toString()}, e.g. {@code 2026-11-24T00:29:49Z}), values as
 * stored (canonical JSON or {@code "****"}). The first row of an environment has {@code prev_hash}
 * = {@link #GENESIS}. Length prefixes keep fields that contain separators (commit messages) from
 * running into each other.
 *
 * <p>Stateless and thread-safe.
 */
public final class AuditChain {
  /** The {@code prev_hash} of an environment's first audit row. */
  public static final String GENESIS = "0".repeat(64);

  private AuditChain() {}

  /** The hash a stored audit row should have, recomputed from its fields. */
  public static String hash(AuditRecord row) {
    return hash(
        row.prevHash(),
        row.environment(),
        row.seq(),
        row.version(),
        row.commitId(),
        row.path(),
        row.action().sql(),
        row.oldValue().orElse(null),
        row.newValue().orElse(null),
        row.changedBy(),
        row.reason(),
        row.changedAt());
  }

  /** The hash of one audit row; see the class comment for the exact input. */
  public static String hash(
      String prevHash,
      String environment,
      long seq,
      int version,
      String commitId,
      String path,
      String action,
      String oldValue,
      String newValue,
      String changedBy,
      String reason,
      Instant changedAt) {
    MessageDigest digest = sha256();
    field(digest, prevHash);
    field(digest, environment);
    field(digest, Long.toString(seq));
    field(digest, Integer.toString(version));
    field(digest, commitId);
    field(digest, path);
    field(digest, action);
    field(digest, oldValue);
    field(digest, newValue);
    field(digest, changedBy);
    field(digest, reason);
    field(digest, changedAt.toString());
    return HexFormat.of().formatHex(digest.digest());
  }

  private static void field(MessageDigest digest, String value) {
    if (value == null) {
      digest.update((byte) 'N');
    } else {
      byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
      digest.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
      digest.update((byte) ':');
      digest.update(bytes);
    }
    digest.update((byte) ';');
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
