package io.gitconf.cli;

import io.gitconf.core.GitconfException;
import io.gitconf.core.Problem;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * The {@code gitconf} command. Only {@link #main} exits the JVM; everything else returns exit
 * codes.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    try {
      // Before anything logs: the jar carries no logging configuration of its own.
      Logging.configure(Logging.levelFrom(System.getenv()), System.err);
    } catch (GitconfException.BadRequest e) {
      System.err.println("gitconf: " + e.getMessage());
      System.exit(ExitCodes.USAGE);
    }
    System.exit(commandLine().execute(args));
  }

  /** The configured picocli command line, as tests drive it through {@code execute()}. */
  public static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new GitconfCommand());
    commandLine.setExecutionExceptionHandler(Main::handle);
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    // Descriptions are written as lines of up to about 110 characters; at picocli's default of 80
    // each of them wraps mid-sentence.
    commandLine.setUsageHelpWidth(120);
    return commandLine;
  }

  /** Turns an exception into its message and exit code; stack traces are not for users. */
  private static int handle(
      Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
    PrintWriter err = commandLine.getErr();
    if (e instanceof GitconfException.ValidationFailed failed) {
      for (Problem problem : failed.problems()) {
        err.println(problem);
      }
      err.flush();
      return ExitCodes.INVALID;
    }
    if (e instanceof GitconfException gitconf) {
      err.println("gitconf: " + gitconf.getMessage());
      err.flush();
      return exitCode(gitconf);
    }
    err.println("gitconf: unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage());
    err.flush();
    return ExitCodes.INVALID;
  }

  /** The exit code of each kind of failure; one meaning per code. */
  static int exitCode(GitconfException e) {
    if (e instanceof GitconfException.Unavailable) {
      return ExitCodes.UNAVAILABLE;
    }
    if (e instanceof GitconfException.Conflict) {
      return ExitCodes.CONFLICT;
    }
    if (e instanceof GitconfException.BadRequest
        || e instanceof GitconfException.Missing
        || e instanceof GitconfException.WrongType) {
      return ExitCodes.USAGE;
    }
    return ExitCodes.INVALID;
  }
}
