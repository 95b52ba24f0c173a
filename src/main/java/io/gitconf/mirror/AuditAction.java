package io.gitconf.mirror;

/**
 * What a version did to one path, in {@code config_audit.action}. The only place the stored names
 * are written in Java; the migrations' {@code CHECK} constraint lists the same names, and a test
 * compares the two.
 */
public enum AuditAction implements StoredName {
  CREATE,
  UPDATE,
  DELETE
}
