package io.gitconf.core;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * How many configuration changes one user may make in a window (e.g. 10 a minute). The state is the
 * list of that user's recent change times, which callers read from Git history, so every CLI run
 * and every client shares it. Immutable.
 */
public record ChangeRateLimit(int changes, Duration window) {

  public ChangeRateLimit {
    if (changes < 1 || window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException(
          "a rate limit needs at least one change in a positive window");
    }
  }

  public static ChangeRateLimit defaults() {
    return new ChangeRateLimit(10, Duration.ofMinutes(1));
  }

  /** Parses {@code 10/min}, {@code 3/s}, {@code 100/h}. */
  public static ChangeRateLimit parse(String text) {
    String[] parts = text.split("/", 2);
    try {
      Duration window =
          switch (parts.length == 2 ? parts[1] : "") {
            case "s" -> Duration.ofSeconds(1);
            case "min" -> Duration.ofMinutes(1);
            case "h" -> Duration.ofHours(1);
            default -> throw new NumberFormatException();
          };
      return new ChangeRateLimit(Integer.parseInt(parts[0]), window);
    } catch (NumberFormatException e) {
      throw new GitconfException.BadRequest(
          "'" + text + "' is not a rate limit; write it as 10/min, 3/s or 100/h");
    }
  }

  /**
   * Empty when one more change is allowed now; otherwise how long until it is. {@code recent} are
   * the user's change times, in any order.
   */
  public Optional<Duration> retryAfter(List<Instant> recent, Instant now) {
    Instant windowStart = now.minus(window);
    List<Instant> inWindow = recent.stream().filter(t -> t.isAfter(windowStart)).sorted().toList();
    if (inWindow.size() < changes) {
      return Optional.empty();
    }
    Instant oldestCounted = inWindow.get(inWindow.size() - changes);
    return Optional.of(Duration.between(windowStart, oldestCounted).plusSeconds(1));
  }

  /** As it is written: {@code 10/min}, {@code 3/s}, {@code 100/h}, or {@code 5/PT30M}. */
  @Override
  public String toString() {
    String unit =
        window.equals(Duration.ofSeconds(1))
            ? "s"
            : window.equals(Duration.ofMinutes(1))
                ? "min"
                : window.equals(Duration.ofHours(1)) ? "h" : window.toString();
    return changes + "/" + unit;
  }
}
