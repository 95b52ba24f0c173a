package io.gitconf.core;

import java.util.Comparator;
import java.util.Optional;

/**
 * One finding of loading or validation, in the format every gitconf tool prints: {@code
 * environments/prod/risk.yaml:12: risk.limits.dailyLossUsd: must be <= 1000000 (maximum)}.
 *
 * @param severity errors block a commit; warnings are reported only
 * @param origin file and line, if the finding belongs to a place in a file
 * @param path configuration path, or empty when the finding concerns a whole file
 * @param message what is wrong, never containing a secret value
 * @param rule the name of the rule that was broken (a JSON Schema keyword or a gitconf rule)
 */
public record Problem(
    Severity severity, Optional<Origin> origin, String path, String message, String rule) {

  public enum Severity {
    ERROR,
    WARNING
  }

  /** Orders problems by file, then line, then path, so reports read top to bottom. */
  public static final Comparator<Problem> READING_ORDER =
      Comparator.comparing((Problem p) -> p.origin().map(Origin::file).orElse(""))
          .thenComparingInt(p -> p.origin().map(Origin::line).orElse(0))
          .thenComparing(Problem::path)
          .thenComparing(Problem::message);

  public Problem {
    if (severity == null || origin == null || path == null || message == null || rule == null) {
      throw new IllegalArgumentException("problem fields must not be null");
    }
  }

  public static Problem error(Origin origin, String path, String message, String rule) {
    return new Problem(Severity.ERROR, Optional.ofNullable(origin), path, message, rule);
  }

  public static Problem warning(Origin origin, String path, String message, String rule) {
    return new Problem(Severity.WARNING, Optional.ofNullable(origin), path, message, rule);
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder();
    origin.ifPresent(o -> text.append(o).append(": "));
    if (severity == Severity.WARNING) {
      text.append("warning: ");
    }
    if (!path.isEmpty()) {
      text.append(path).append(": ");
    }
    return text.append(message).append(" (").append(rule).append(')').toString();
  }
}
