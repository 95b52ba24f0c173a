package io.gitconf.mirror;

import java.util.Locale;

/**
 * What a version did to one path, in {@code config_audit.action}. The only place the stored names
 * are written in Java; the migrations' {@code CHECK} constraint lists the same names, and a test
 * compares the two.
 */
public enum AuditAction {
  CREATE,
  UPDATE,
  DELETE;

  /** The value stored in {@code config_audit.action}, and hashed into the audit chain. */
  public String sql() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The action a stored value names. */
  public static AuditAction ofSql(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
