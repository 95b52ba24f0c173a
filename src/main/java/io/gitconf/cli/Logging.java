package io.gitconf.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.pattern.ThrowableHandlingConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import io.gitconf.core.GitconfException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * The logging of the {@code gitconf} program, set up by {@link Main} before anything logs. The jar
 * carries no logging configuration, so an application that embeds the client keeps its own; this
 * applies only when gitconf runs as a program.
 *
 * <p>One line per fact on standard error. A throwable adds its message to the line, never its stack
 * trace, and a line that repeats its logger's previous one is dropped ({@link RepeatedLineFilter}):
 * a database outage is a few lines, not twenty per retry. At {@code debug} (from {@value
 * #LEVEL_VARIABLE} or {@code --verbose}) lines name the thread and the full logger, and carry the
 * stack traces. Libraries log their warnings and errors only, except at {@code trace}.
 *
 * <p>Thread-safe as far as logback is: configuring replaces the whole previous configuration, so it
 * belongs at start-up, before other threads log.
 */
final class Logging {
  /** The environment variable that sets the level: error, warn, info (default), debug or trace. */
  static final String LEVEL_VARIABLE = "GITCONF_LOG_LEVEL";

  private static final String LINE = "%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%causes%n";
  private static final String DEBUG_LINE =
      "%d{HH:mm:ss.SSS} %-5level [%thread] %logger - %msg%n%ex";

  /** How long a repeated line stays silent during a long outage. */
  static final Duration REMIND_AFTER = Duration.ofMinutes(5);

  /** Libraries whose information lines repeat what gitconf says itself. */
  private static final String[] LIBRARIES = {
    "com.zaxxer.hikari", "org.flywaydb", "io.zonky", "org.eclipse.jgit", "org.postgresql"
  };

  private Logging() {}

  /** The level {@value #LEVEL_VARIABLE} asks for, or info when it is unset or empty. */
  static Level levelFrom(Map<String, String> environment) {
    String value = environment.getOrDefault(LEVEL_VARIABLE, "").strip();
    if (value.isEmpty()) {
      return Level.INFO;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "error" -> Level.ERROR;
      case "warn", "warning" -> Level.WARN;
      case "info" -> Level.INFO;
      case "debug" -> Level.DEBUG;
      case "trace" -> Level.TRACE;
      default ->
          throw new GitconfException.BadRequest(
              "$" + LEVEL_VARIABLE + " is '" + value + "'; use error, warn, info, debug or trace");
    };
  }

  /** Logs at {@code level} to {@code target}, replacing any configuration logback found. */
  static void configure(Level level, OutputStream target) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    boolean detailed = !level.isGreaterOrEqual(Level.INFO);

    PatternLayout layout = new PatternLayout();
    layout.setContext(context);
    layout.getInstanceConverterMap().put("causes", CausesConverter::new);
    layout.setPattern(detailed ? DEBUG_LINE : LINE);
    layout.start();
    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setContext(context);
    encoder.setLayout(layout);
    encoder.start();
    OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    appender.setContext(context);
    appender.setName("gitconf");
    appender.setEncoder(encoder);
    appender.setImmediateFlush(true);
    appender.setOutputStream(target);
    appender.start();

    if (!detailed) {
      context.addTurboFilter(new RepeatedLineFilter(REMIND_AFTER, System::nanoTime));
    }
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(level);
    root.addAppender(appender);
    Level libraries =
        level == Level.TRACE ? Level.TRACE : level == Level.ERROR ? Level.ERROR : Level.WARN;
    for (String library : LIBRARIES) {
      context.getLogger(library).setLevel(libraries);
    }
  }

  /**
   * Appends a throwable's message, and its root cause's when that differs, to the line: {@code "
   * (PSQLException: An I/O error occurred while sending to the backend.; caused by SocketException:
   * Connection reset)"}. Only the first line of each message, so one event stays one line.
   */
  private static final class CausesConverter extends ThrowableHandlingConverter {
    @Override
    public String convert(ILoggingEvent event) {
      IThrowableProxy thrown = event.getThrowableProxy();
      if (thrown == null) {
        return "";
      }
      IThrowableProxy root = thrown;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      StringBuilder text = new StringBuilder(" (").append(describe(thrown));
      if (root != thrown && !String.valueOf(root.getMessage()).equals(thrown.getMessage())) {
        text.append("; caused by ").append(describe(root));
      }
      return text.append(')').toString();
    }

    private static String describe(IThrowableProxy thrown) {
      String name = thrown.getClassName();
      String simple = name.substring(name.lastIndexOf('.') + 1);
      String message = thrown.getMessage();
      if (message == null || message.isBlank()) {
        return simple;
      }
      int end = message.indexOf('\n');
      return simple + ": " + (end < 0 ? message : message.substring(0, end)).strip();
    }
  }
}
