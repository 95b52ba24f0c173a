package io.gitconf.sync;

import io.gitconf.mirror.MirrorSql;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;

/**
 * How the syncer reports a dependency that is down while it retries: one WARN line per fact (the
 * first failure, and each time the reason changes), with the cause's message and never its stack
 * trace; every retry and the trace at DEBUG; one INFO line when it is back. A database outage of an
 * hour is then three lines in the log, not a trace every ten seconds.
 *
 * <p>Not thread-safe: the syncer's thread owns it.
 */
final class OutageLog {
  private static final Pattern DIGITS = Pattern.compile("\\d+");

  private final Logger log;
  private Optional<String> reason = Optional.empty();
  private Instant since;
  private int failures;

  OutageLog(Logger log) {
    this.log = log;
  }

  /** A failure of {@code what}; it is retried in {@code retryIn}. */
  void failed(String what, Throwable cause, Duration retryIn) {
    String fact = what + ": " + MirrorSql.firstLine(cause.getMessage());
    // "timed out after 10003ms" and "after 10001ms" are the same fact.
    String key = DIGITS.matcher(fact).replaceAll("#");
    failures++;
    if (reason.isEmpty()) {
      since = Instant.now();
    }
    if (!reason.equals(Optional.of(key))) {
      log.warn("{}; retrying until it works (next in {} ms)", fact, retryIn.toMillis());
      reason = Optional.of(key);
    } else {
      log.debug("{}; attempt {} failed, next in {} ms", fact, failures, retryIn.toMillis());
    }
    log.debug("{} failed", what, cause);
  }

  /** Says, once, that what failed works again. */
  void recovered() {
    if (reason.isPresent()) {
      log.info(
          "working again after {} failed attempts over {} s",
          failures,
          Duration.between(since, Instant.now()).toSeconds());
      reason = Optional.empty();
      failures = 0;
    }
  }
}
