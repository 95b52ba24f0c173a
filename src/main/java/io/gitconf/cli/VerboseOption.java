package io.gitconf.cli;

import ch.qos.logback.classic.Level;
import picocli.CommandLine.Option;

/**
 * {@code -v}/{@code --verbose} of the long-running commands: debug logging with stack traces, as
 * {@code GITCONF_LOG_LEVEL=debug} gives every command.
 */
final class VerboseOption {
  @Option(
      names = {"-v", "--verbose"},
      description = "Log at debug level, with stack traces (any command: GITCONF_LOG_LEVEL=debug).")
  boolean verbose;

  /** Switches the program's logging to debug when asked; call before the command's work. */
  void apply() {
    if (verbose) {
      Logging.configure(Level.DEBUG, System.err);
    }
  }
}
