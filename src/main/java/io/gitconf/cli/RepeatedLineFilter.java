package io.gitconf.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Marker;
import org.slf4j.helpers.FormattingTuple;
import org.slf4j.helpers.MessageFormatter;

/**
 * Drops a log line that repeats the previous line of the same logger: a syncer retrying against a
 * database that is down says so once, not at every retry. The line is let through again when the
 * logger says something else in between, or after {@code remindAfter}, so a long outage still shows
 * in the log now and then.
 *
 * <p>Thread-safe: the last line of each logger is replaced atomically.
 */
final class RepeatedLineFilter extends TurboFilter {
  private final long remindAfterNanos;
  private final LongSupplier nanoTime;
  private final Map<String, Line> lastByLogger = new ConcurrentHashMap<>();

  private record Line(String text, long printedAt) {}

  RepeatedLineFilter(Duration remindAfter, LongSupplier nanoTime) {
    this.remindAfterNanos = remindAfter.toNanos();
    this.nanoTime = nanoTime;
  }

  @Override
  public FilterReply decide(
      Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    // Level checks (isDebugEnabled) come here without a message, and lines the logger's level
    // drops anyway are not lines a reader saw.
    if (format == null || !level.isGreaterOrEqual(logger.getEffectiveLevel())) {
      return FilterReply.NEUTRAL;
    }
    String text = level + " " + render(format, params, t);
    long now = nanoTime.getAsLong();
    boolean[] repeat = {false};
    lastByLogger.compute(
        logger.getName(),
        (name, last) -> {
          if (last != null
              && last.text().equals(text)
              && now - last.printedAt() < remindAfterNanos) {
            repeat[0] = true;
            return last;
          }
          return new Line(text, now);
        });
    return repeat[0] ? FilterReply.DENY : FilterReply.NEUTRAL;
  }

  private static String render(String format, Object[] params, Throwable t) {
    FormattingTuple tuple = MessageFormatter.arrayFormat(format, params);
    Throwable thrown = t != null ? t : tuple.getThrowable();
    return thrown == null
        ? tuple.getMessage()
        : tuple.getMessage() + " " + thrown.getClass().getName() + ": " + thrown.getMessage();
  }
}
