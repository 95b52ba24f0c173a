package io.gitconf.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gitconf.core.ConfigChange;
import java.io.PrintWriter;

/**
 * How the commands that commit a change ({@code set}, {@code import}, {@code rollback}, {@code
 * secrets encrypt}, {@code secrets rotate}) report the commit, so they all say it the same way:
 * {@code Committed 1a2b3c4d: WHAT}, then {@code Pushed to REMOTE} when it was pushed.
 *
 * <p>Stateless; thread-safe.
 */
final class ChangeReport {
  private ChangeReport() {}

  /** Prints the text report of a change that made a commit. */
  static void committed(PrintWriter out, ConfigChange.Result result, String what) {
    out.println("Committed " + result.commit().orElseThrow().substring(0, 8) + ": " + what);
    result.pushedTo().ifPresent(remote -> out.println("Pushed to " + remote));
    out.flush();
  }

  /**
   * Prints the text report of a change: {@code what} it committed, or the line {@code unchanged}
   * when it found nothing to change.
   */
  static void text(PrintWriter out, ConfigChange.Result result, String what, String unchanged) {
    if (result.commit().isEmpty()) {
      out.println(unchanged);
      out.flush();
    } else {
      committed(out, result, what);
    }
  }

  /**
   * Adds the commit and whether it was pushed to a JSON result; the push itself is a progress line,
   * on standard error, so standard output stays one document.
   */
  static ObjectNode committed(OutputOption output, ConfigChange.Result result, ObjectNode json) {
    result.pushedTo().ifPresent(remote -> output.progress().println("Pushed to " + remote));
    output.progress().flush();
    return json.put("commit", result.commit().orElseThrow())
        .put("pushed", result.pushedTo().isPresent());
  }

  /** Reports a change that found nothing to change: the JSON result, or {@code text}. */
  static int unchanged(OutputOption output, ObjectNode json, String text) {
    if (output.json()) {
      output.print(json);
    } else {
      output.out().println(text);
      output.out().flush();
    }
    return ExitCodes.OK;
  }

  /** {@code 1 value}, {@code 2 values}: a count with its noun. */
  static String count(int count, String noun) {
    return count + " " + noun + (count == 1 ? "" : "s");
  }
}
