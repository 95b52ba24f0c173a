package io.gitconf.cli;

import ch.qos.logback.classic.Level;
import picocli.CommandLine.Option;

/**
 * {@code -v}/{@code --verbose}: debug logging with stack traces, as {@code GITCONF_LOG_LEVEL=debug}
 * gives every command, and the notes a command prints only when asked ({@code validate}).
 */
final class VerboseOption {
  @Option(
      names = {"-v", "--verbose"},
      description =
          "More detail: every note, and logging at debug level with stack traces (any command:"
              + " GITCONF_LOG_LEVEL=debug).")
  boolean verbose;

  /** Switches the program's logging to debug when asked; call before the command's work. */
  void apply() {
    if (verbose) {
      Logging.configure(Level.DEBUG, System.err);
    }
  }
}
