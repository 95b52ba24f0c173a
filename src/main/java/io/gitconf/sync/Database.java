package io.gitconf.sync;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.gitconf.core.GitconfException;
import io.gitconf.core.Redaction;
import io.gitconf.mirror.MirrorSql;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * The mirror database: a HikariCP pool over PostgreSQL, migrated with Flyway when opened. Either an
 * external server ({@link #connect}) or an embedded PostgreSQL whose data lives in a folder ({@link
 * #embedded}), which this object then owns and stops on {@link #close}.
 *
 * <p>Thread-safe. No credential is ever part of a message: one written into the URL ({@code
 * user:password@host}, {@code ?password=}) is taken out of it before the driver or the pool sees it
 * ({@link JdbcUrl}), and every message that quotes the driver goes through {@link Redaction}.
 */
public final class Database implements AutoCloseable {
  /**
   * Flyway location of the migrations the build packages from the top-level {@code migrations/}.
   */
  public static final String MIGRATIONS = "classpath:gitconf/migrations";

  /**
   * Server-side settings of a {@linkplain #openDedicated dedicated session}: after 10 s without
   * traffic the server probes the client every 5 s and drops the session after 3 unanswered probes;
   * data it sent that stays unacknowledged for 25 s drops it too. A stray open transaction (never
   * started on purpose on these sessions) ends after 60 s instead of pinning the session's locks.
   * Ordinary settings any user may change for a session, on every supported PostgreSQL; they apply
   * to TCP connections only (a Unix socket has no keepalives, and SHOW says 0).
   */
  static final List<String> SESSION_SETTINGS =
      List.of(
          "tcp_keepalives_idle = 10",
          "tcp_keepalives_interval = 5",
          "tcp_keepalives_count = 3",
          "tcp_user_timeout = 25000",
          "idle_in_transaction_session_timeout = 60000");

  /** Idle time plus every probe: how long a dead client keeps a dedicated session, at most. */
  static final int DEAD_PEER_SECONDS = 10 + 5 * 3;

  /** The URL without credentials. */
  private final String jdbcUrl;

  /** The credentials, as connection properties. */
  private final Properties credentials;

  private final HikariDataSource pool;
  private final Optional<EmbeddedPostgres> embedded;

  private Database(
      String jdbcUrl,
      Properties credentials,
      HikariDataSource pool,
      Optional<EmbeddedPostgres> embedded) {
    this.jdbcUrl = jdbcUrl;
    this.credentials = credentials;
    this.pool = pool;
    this.embedded = embedded;
  }

  /**
   * Opens a pool on {@code jdbcUrl} and migrates the schema. {@code password} (from an environment
   * variable, never argv) is used when the URL does not carry one.
   *
   * @throws GitconfException.Unavailable when the database cannot be reached or migrated, with the
   *     driver's reason and no credential
   */
  public static Database connect(String jdbcUrl, Optional<String> password) {
    return open(jdbcUrl, password, Optional.empty());
  }

  /**
   * Starts (or restarts) an embedded PostgreSQL whose data lives in {@code dataDirectory}, then
   * connects as {@link #connect} does. The data survives {@link #close}; the next start reuses it.
   */
  public static Database embedded(Path dataDirectory) {
    EmbeddedPostgres postgres;
    try {
      Files.createDirectories(dataDirectory);
      postgres =
          EmbeddedPostgres.builder()
              .setDataDirectory(dataDirectory)
              .setCleanDataDirectory(false)
              .start();
    } catch (IllegalStateException e) {
      if (e instanceof OverlappingFileLockException
          || String.valueOf(e.getMessage()).startsWith("could not lock")) {
        // The folder's lock file is held: a server started by another gitconf (a running `up`
        // or `sync`) owns it. Reading the mirror while the syncer runs is the point of the
        // quick start, so use that server rather than fail.
        return running(dataDirectory);
      }
      throw new GitconfException.Unavailable(
          "cannot start the embedded PostgreSQL in " + dataDirectory + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new GitconfException.Unavailable(
          "cannot start the embedded PostgreSQL in " + dataDirectory + ": " + e.getMessage(), e);
    }
    try {
      return open(
          postgres.getJdbcUrl("postgres", "postgres"), Optional.empty(), Optional.of(postgres));
    } catch (RuntimeException e) {
      closeQuietly(postgres);
      throw e;
    }
  }

  /**
   * Connects to the embedded PostgreSQL another process runs on {@code dataDirectory}, found by the
   * port in its {@code postmaster.pid} (line 4). Closing the result leaves that server running.
   */
  private static Database running(Path dataDirectory) {
    Path pidFile = dataDirectory.resolve("postmaster.pid");
    List<String> lines;
    try {
      lines = Files.readAllLines(pidFile);
    } catch (IOException e) {
      lines = List.of();
    }
    if (lines.size() < 4 || !lines.get(3).strip().matches("\\d{1,5}")) {
      throw new GitconfException.Unavailable(
          "the embedded PostgreSQL in "
              + dataDirectory
              + " is locked by another gitconf process but is not accepting connections ("
              + pidFile
              + " names no port); wait for it to start, or stop it");
    }
    String url = "jdbc:postgresql://localhost:" + lines.get(3).strip() + "/postgres?user=postgres";
    return open(url, Optional.empty(), Optional.empty());
  }

  private static Database open(
      String givenUrl, Optional<String> password, Optional<EmbeddedPostgres> embedded) {
    JdbcUrl url = JdbcUrl.parse(givenUrl);
    Properties credentials = url.connectionProperties(password);
    probe(url.url(), credentials);
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url.url());
    credentials.forEach(
        (name, value) -> {
          switch ((String) name) {
            case "user" -> config.setUsername((String) value);
            case "password" -> config.setPassword((String) value);
            default -> config.addDataSourceProperty((String) name, value);
          }
        });
    config.setPoolName("gitconf");
    config.setMaximumPoolSize(4);
    config.setMinimumIdle(1);
    config.setConnectionTimeout(10_000);
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new GitconfException.Unavailable(
          "cannot connect to the mirror database at "
              + Redaction.redact(url.url())
              + ": "
              + JdbcUrl.mask(rootMessage(e), credentials),
          e);
    }
    try {
      migrate(pool, credentials);
      return new Database(url.url(), credentials, pool, embedded);
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  /**
   * Fails at once, with the driver's reason, when the database cannot be reached; later outages are
   * retried by callers. A connection of its own rather than the pool's first, so a wrong URL is one
   * line for the user and not the pool's logged stack trace.
   */
  private static void probe(String url, Properties credentials) {
    try (Connection connection = DriverManager.getConnection(url, credentials)) {
      connection.isValid(1);
    } catch (SQLException e) {
      throw new GitconfException.Unavailable(
          "cannot connect to the mirror database at "
              + Redaction.redact(url)
              + ": "
              + JdbcUrl.mask(MirrorSql.firstLine(e.getMessage()), credentials),
          e);
    }
  }

  /** Applies the mirror's migrations; safe to call on an up-to-date database. */
  private static void migrate(DataSource dataSource, Properties credentials) {
    try {
      Flyway.configure()
          .dataSource(dataSource)
          .locations(MIGRATIONS)
          .failOnMissingLocations(true)
          .load()
          .migrate();
    } catch (FlywayException e) {
      throw new GitconfException.Unavailable(
          "cannot migrate the mirror database: " + JdbcUrl.mask(rootMessage(e), credentials), e);
    }
  }

  public DataSource dataSource() {
    return pool;
  }

  /** The pool's connections lent out at this moment (for a relay's metrics). */
  public int connectionsInUse() {
    return pool.getHikariPoolMXBean() == null
        ? 0
        : pool.getHikariPoolMXBean().getActiveConnections();
  }

  /**
   * A connection outside the pool, for state that lives as long as a session: the leader's advisory
   * lock, a {@code LISTEN}. Both ends probe the other with TCP keepalives, so a session whose peer
   * vanished (a partition, a host that died without closing its socket) ends within seconds rather
   * than when TCP gives up, hours later: the server frees the session's locks once {@link
   * #SESSION_SETTINGS} declare the client dead (at most {@link #DEAD_PEER_SECONDS}). The caller
   * closes the connection.
   */
  public Connection openDedicated() throws SQLException {
    Properties properties = new Properties();
    properties.putAll(credentials);
    // Client side: the operating system's keepalive timing applies (often 2 hours idle); a caller
    // that must notice sooner checks the session itself (LeaderLock does, every poll).
    properties.setProperty("tcpKeepAlive", "true");
    Connection connection = DriverManager.getConnection(jdbcUrl, properties);
    try (Statement statement = connection.createStatement()) {
      for (String setting : SESSION_SETTINGS) {
        statement.execute("SET " + setting);
      }
    } catch (SQLException e) {
      connection.close();
      throw e;
    }
    return connection;
  }

  /** The database, for messages: its JDBC URL without credentials, or the embedded server. */
  public String describe() {
    return embedded.isPresent()
        ? "embedded PostgreSQL on port " + embedded.get().getPort()
        : Redaction.redact(jdbcUrl);
  }

  @Override
  public void close() {
    pool.close();
    embedded.ifPresent(Database::closeQuietly);
  }

  private static void closeQuietly(EmbeddedPostgres postgres) {
    try {
      postgres.close();
    } catch (IOException e) {
      // Stopping a server that is already gone is not worth failing a shutdown for.
    }
  }

  /** The message of the innermost cause (the driver's reason), its first line. */
  static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage() == null ? root.toString() : root.getMessage();
    return message.strip().lines().findFirst().orElse(root.getClass().getSimpleName());
  }
}
