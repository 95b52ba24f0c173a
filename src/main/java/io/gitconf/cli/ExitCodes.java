package io.gitconf.cli;

/** The exit codes every gitconf command uses. */
final class ExitCodes {
  static final int OK = 0;

  /** Validation or an integrity check failed. */
  static final int INVALID = 1;

  /** Bad usage: unknown option, missing argument, unknown environment or path. */
  static final int USAGE = 2;

  /** A dependency is unavailable: Git remote, database, key. */
  static final int UNAVAILABLE = 3;

  /**
   * The repository or the mirror moved under the change (a diverged clone, a concurrent change).
   */
  static final int CONFLICT = 4;

  private ExitCodes() {}
}
