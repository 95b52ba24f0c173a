package io.gitconf.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import io.gitconf.core.GitconfException;
import java.io.ByteArrayOutputStream;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class LoggingTest {
  private static final String TIME = "\\d\\d:\\d\\d:\\d\\d\\.\\d{3} ";

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  @AfterEach
  void restoreTheSuitesLogging() throws Exception {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    new ContextInitializer(context).autoConfig();
  }

  /** The warning HikariCP logs when the database goes away under a pooled connection. */
  private static void brokenConnection() {
    SQLException broken =
        new SQLException(
            "An I/O error occurred while sending to the backend.",
            "08006",
            new SocketException("Connection reset"));
    LoggerFactory.getLogger("com.zaxxer.hikari.pool.ProxyConnection")
        .warn(
            "{} - Connection {} marked as broken because of SQLSTATE({}), ErrorCode({})",
            "gitconf",
            "org.postgresql.jdbc.PgConnection@6d3af739",
            "08006",
            0,
            broken);
  }

  private List<String> lines() {
    return out.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void aThrowableIsOneLineWithItsMessageAndRootCause() {
    Logging.configure(Level.INFO, out);

    brokenConnection();

    assertThat(lines()).hasSize(1);
    assertThat(lines().get(0))
        .matches(
            TIME
                + "WARN  ProxyConnection - gitconf - Connection"
                + " org.postgresql.jdbc.PgConnection@6d3af739 marked as broken because of"
                + " SQLSTATE\\(08006\\), ErrorCode\\(0\\) \\(SQLException: An I/O error occurred"
                + " while sending to the backend\\.; caused by SocketException: Connection"
                + " reset\\)");
  }

  @Test
  void aMultiLineMessageOfAThrowableKeepsItsFirstLine() {
    Logging.configure(Level.INFO, out);

    LoggerFactory.getLogger("io.gitconf.sync.Syncer")
        .error("unexpected failure", new IllegalStateException("first line\n\tsecond line"));

    assertThat(lines())
        .singleElement()
        .asString()
        .endsWith("ERROR Syncer - unexpected failure (IllegalStateException: first line)");
  }

  @Test
  void debugLinesCarryTheThreadAndTheStackTrace() {
    Logging.configure(Level.DEBUG, out);

    brokenConnection();
    LoggerFactory.getLogger("io.gitconf.sync.Syncer").debug("polling");

    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text)
        .contains("WARN  [main] com.zaxxer.hikari.pool.ProxyConnection - gitconf - Connection")
        .contains("java.sql.SQLException: An I/O error occurred while sending to the backend.")
        .contains("\tat io.gitconf.cli.LoggingTest.brokenConnection(")
        .contains("Caused by: java.net.SocketException: Connection reset")
        .contains("DEBUG [main] io.gitconf.sync.Syncer - polling");
  }

  @Test
  void librariesSayOnlyWarningsAndErrorsUnlessTracing() {
    Logging.configure(Level.DEBUG, out);
    for (String library :
        List.of("com.zaxxer.hikari.HikariDataSource", "org.flywaydb.core.Flyway", "io.zonky.x")) {
      LoggerFactory.getLogger(library).info("{} starting", library);
    }
    LoggerFactory.getLogger("org.eclipse.jgit.transport").warn("fetch failed");
    assertThat(lines()).singleElement().asString().endsWith("fetch failed");

    out.reset();
    Logging.configure(Level.TRACE, out);
    LoggerFactory.getLogger("com.zaxxer.hikari.HikariDataSource").info("starting");
    assertThat(lines()).singleElement().asString().endsWith("starting");
  }

  @Test
  void aLineThatRepeatsItsLoggersLastLineIsDropped() {
    Logging.configure(Level.INFO, out);
    Logger lock = LoggerFactory.getLogger("io.gitconf.sync.LeaderLock");
    Logger syncer = LoggerFactory.getLogger("io.gitconf.sync.Syncer");

    for (int i = 0; i < 5; i++) {
      lock.warn("cannot reach the database to take the leader lock: {}", "Connection refused");
      syncer.info("standby: another syncer leads");
    }
    lock.warn("cannot reach the database to take the leader lock: {}", "timed out");
    lock.warn("cannot reach the database to take the leader lock: {}", "Connection refused");
    syncer.info("leader: mirroring");

    assertThat(lines())
        .map(line -> line.substring(13))
        .containsExactly(
            "WARN  LeaderLock - cannot reach the database to take the leader lock: Connection"
                + " refused",
            "INFO  Syncer - standby: another syncer leads",
            "WARN  LeaderLock - cannot reach the database to take the leader lock: timed out",
            "WARN  LeaderLock - cannot reach the database to take the leader lock: Connection"
                + " refused",
            "INFO  Syncer - leader: mirroring");
  }

  @Test
  void debugKeepsEveryRepeat() {
    Logging.configure(Level.DEBUG, out);
    Logger lock = LoggerFactory.getLogger("io.gitconf.sync.LeaderLock");
    lock.warn("down");
    lock.warn("down");
    assertThat(lines()).hasSize(2);
  }

  @Test
  void aRepeatIsLetThroughAgainAfterTheReminderInterval() {
    AtomicLong now = new AtomicLong();
    RepeatedLineFilter filter = new RepeatedLineFilter(Duration.ofMinutes(5), now::get);
    LoggerContext context = new LoggerContext();
    ch.qos.logback.classic.Logger logger = context.getLogger("io.gitconf.sync.Syncer");
    logger.setLevel(Level.INFO);

    assertThat(filter.decide(null, logger, Level.WARN, "down: {}", new Object[] {"x"}, null))
        .hasToString("NEUTRAL");
    now.addAndGet(Duration.ofMinutes(4).toNanos());
    assertThat(filter.decide(null, logger, Level.WARN, "down: {}", new Object[] {"x"}, null))
        .hasToString("DENY");
    now.addAndGet(Duration.ofMinutes(1).toNanos());
    assertThat(filter.decide(null, logger, Level.WARN, "down: {}", new Object[] {"x"}, null))
        .hasToString("NEUTRAL");
    // Another cause is another fact.
    assertThat(
            filter.decide(
                null, logger, Level.WARN, "down", null, new IllegalStateException("disk full")))
        .hasToString("NEUTRAL");
    assertThat(
            filter.decide(
                null, logger, Level.WARN, "down", null, new IllegalStateException("disk gone")))
        .hasToString("NEUTRAL");
    // A line the logger's level drops is not remembered.
    assertThat(filter.decide(null, logger, Level.DEBUG, "down", null, null)).hasToString("NEUTRAL");
    assertThat(
            filter.decide(
                null, logger, Level.WARN, "down", null, new IllegalStateException("disk gone")))
        .hasToString("DENY");
  }

  @Test
  void theLevelComesFromTheEnvironment() {
    assertThat(Logging.levelFrom(Map.of())).isEqualTo(Level.INFO);
    assertThat(Logging.levelFrom(Map.of("GITCONF_LOG_LEVEL", " "))).isEqualTo(Level.INFO);
    assertThat(Logging.levelFrom(Map.of("GITCONF_LOG_LEVEL", "DEBUG"))).isEqualTo(Level.DEBUG);
    assertThat(Logging.levelFrom(Map.of("GITCONF_LOG_LEVEL", "warn"))).isEqualTo(Level.WARN);
    assertThat(Logging.levelFrom(Map.of("GITCONF_LOG_LEVEL", "trace"))).isEqualTo(Level.TRACE);
    assertThat(Logging.levelFrom(Map.of("GITCONF_LOG_LEVEL", "error"))).isEqualTo(Level.ERROR);
    assertThatThrownBy(() -> Logging.levelFrom(Map.of("GITCONF_LOG_LEVEL", "loud")))
        .isInstanceOf(GitconfException.BadRequest.class)
        .hasMessage("$GITCONF_LOG_LEVEL is 'loud'; use error, warn, info, debug or trace");
  }
}
