package io.gitconf.sync;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class OutageLogTest {
  final Logger logger = (Logger) LoggerFactory.getLogger("io.gitconf.test.outage");
  final ListAppender<ILoggingEvent> logs = new ListAppender<>();

  @BeforeEach
  void capture() {
    logs.start();
    logger.addAppender(logs);
    logger.setLevel(Level.DEBUG);
  }

  @AfterEach
  void release() {
    logger.detachAppender(logs);
    logger.setLevel(null);
  }

  @Test
  void aFailureIsOneWarningLinePerFactThenOneLineWhenItIsOver() {
    OutageLog outage = new OutageLog(logger);
    for (int ms : new int[] {10003, 10001, 10012}) {
      outage.failed(
          "cannot follow repo (main)",
          new SQLTransientConnectionException(
              "gitconf - Connection is not available, request timed out after "
                  + ms
                  + "ms (total=0, active=0, idle=0, waiting=0)\nsecond line"),
          Duration.ofMillis(200));
    }
    outage.failed(
        "cannot follow repo (main)", new IllegalStateException("another"), Duration.ofMillis(400));
    outage.recovered();
    outage.recovered();

    assertThat(logs.list)
        .filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.INFO))
        .extracting(e -> e.getLevel() + " " + e.getFormattedMessage())
        .satisfiesExactly(
            line ->
                assertThat(line)
                    .isEqualTo(
                        "WARN cannot follow repo (main): gitconf - Connection is not available,"
                            + " request timed out after 10003ms (total=0, active=0, idle=0,"
                            + " waiting=0); retrying until it works (next in 200 ms)"),
            line ->
                assertThat(line)
                    .isEqualTo(
                        "WARN cannot follow repo (main): another; retrying until it works (next"
                            + " in 400 ms)"),
            line ->
                assertThat(line).matches("INFO working again after 4 failed attempts over \\d+ s"));
    assertThat(logs.list)
        .filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.INFO))
        .allMatch(e -> e.getThrowableProxy() == null);
    assertThat(logs.list)
        .filteredOn(e -> e.getLevel() == Level.DEBUG && e.getThrowableProxy() != null)
        .hasSize(4);
  }
}
