package io.gitconf.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * A fresh, empty PostgreSQL database for one test: {@code CREATE DATABASE gitconf_t_<random>} on
 * the server named by {@code GITCONF_TEST_JDBC_URL} (e.g. {@code
 * jdbc:postgresql://127.0.0.1:5432/test?user=postgres}), or else on one embedded PostgreSQL per
 * test JVM, started on first use and stopped by a shutdown hook. {@link #close} drops the database,
 * so an external server keeps nothing.
 *
 * <p>Thread-safe.
 */
public final class TestDatabase implements AutoCloseable {
  public static final String URL_VARIABLE = "GITCONF_TEST_JDBC_URL";

  private static EmbeddedPostgres embedded;

  private final String name;
  private final String jdbcUrl;

  private TestDatabase(String name, String jdbcUrl) {
    this.name = name;
    this.jdbcUrl = jdbcUrl;
  }

  /** Creates a new database with a random name. */
  public static TestDatabase create() {
    String name = "gitconf_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    try (Connection admin = adminConnection();
        Statement statement = admin.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database " + name, e);
    }
    return new TestDatabase(name, urlFor(name));
  }

  public String name() {
    return name;
  }

  public String jdbcUrl() {
    return jdbcUrl;
  }

  /** A new connection to this database (not pooled); the caller closes it. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl);
  }

  /** Drops the database, ending any connection still open on it. */
  @Override
  public void close() {
    try (Connection admin = adminConnection();
        Statement statement = admin.createStatement()) {
      statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot drop test database " + name, e);
    }
  }

  private static Connection adminConnection() throws SQLException {
    String external = System.getenv(URL_VARIABLE);
    if (external != null && !external.isBlank()) {
      return DriverManager.getConnection(external);
    }
    return DriverManager.getConnection(embedded().getJdbcUrl("postgres", "postgres"));
  }

  private static String urlFor(String database) {
    String external = System.getenv(URL_VARIABLE);
    if (external == null || external.isBlank()) {
      return embedded().getJdbcUrl("postgres", database);
    }
    // jdbc:postgresql://host:port/db?params -> the same with another db
    int slash = external.indexOf('/', "jdbc:postgresql://".length());
    int query = external.indexOf('?', slash);
    return external.substring(0, slash + 1)
        + database.toLowerCase(Locale.ROOT)
        + (query < 0 ? "" : external.substring(query));
  }

  private static synchronized EmbeddedPostgres embedded() {
    if (embedded == null) {
      try {
        embedded = EmbeddedPostgres.builder().start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the embedded PostgreSQL for tests", e);
      }
      EmbeddedPostgres started = embedded;
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      started.close();
                    } catch (IOException e) {
                      // The JVM is exiting; nothing left to clean up.
                    }
                  }));
    }
    return embedded;
  }
}
