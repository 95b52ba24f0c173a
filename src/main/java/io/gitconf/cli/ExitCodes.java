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

  private ExitCodes() {}
}
