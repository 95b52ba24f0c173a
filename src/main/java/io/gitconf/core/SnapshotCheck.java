package io.gitconf.core;

import java.util.List;

/**
 * A check that a resolved snapshot must pass, beyond its schemas and cross-field rules, before it
 * may become active: above all, that a client can bind it to its typed records. The syncer takes
 * one so that it never activates a version no client can serve, without depending on the client
 * itself (the command line wires the client's check in).
 *
 * <p>Implementations are stateless and thread-safe.
 */
@FunctionalInterface
public interface SnapshotCheck {
  /** Every problem of {@code snapshot}; empty when it passes. */
  List<Problem> check(ConfigSnapshot snapshot);

  /** A check that passes everything. */
  static SnapshotCheck none() {
    return snapshot -> List.of();
  }
}
