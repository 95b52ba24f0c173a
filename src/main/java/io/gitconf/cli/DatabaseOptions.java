package io.gitconf.cli;

import io.gitconf.core.GitconfException;
import io.gitconf.sync.Database;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * Which mirror database a command uses: an external PostgreSQL ({@code --db}, or the {@code
 * GITCONF_DB_URL} variable) or an embedded one whose data lives in a folder. A password is read
 * from {@code GITCONF_DB_PASSWORD}, never from the command line.
 */
final class DatabaseOptions {
  static final String URL_VARIABLE = "GITCONF_DB_URL";
  static final String PASSWORD_VARIABLE = "GITCONF_DB_PASSWORD";

  @ArgGroup(exclusive = true)
  Source source;

  /** One database at a time: the parser refuses both. */
  static final class Source {
    @Option(
        names = "--db",
        paramLabel = "JDBC_URL",
        description =
            "Mirror database, e.g. jdbc:postgresql://db:5432/gitconf?user=gitconf (default:"
                + " $GITCONF_DB_URL; password from $GITCONF_DB_PASSWORD).")
    String jdbcUrl;

    @Option(
        names = "--embedded-postgres",
        paramLabel = "DIR",
        description = "Run an embedded PostgreSQL with its data in DIR (kept between runs).")
    Path embedded;
  }

  /** True when the command line names a database (the environment variable does not count). */
  boolean given() {
    return source != null;
  }

  /** Opens (and migrates) the database asked for. */
  Database open() {
    return open(true);
  }

  /**
   * Opens the database asked for to read it only (the relay): an external one is not migrated; an
   * embedded one, a quick start's, is.
   */
  Database openForReading() {
    return open(false);
  }

  private Database open(boolean migrate) {
    if (source != null && source.embedded != null) {
      return Database.embedded(source.embedded);
    }
    String url = source != null ? source.jdbcUrl : System.getenv(URL_VARIABLE);
    if (url == null || url.isBlank()) {
      throw new GitconfException.BadRequest(
          "a database is required: --db JDBC_URL, --embedded-postgres DIR, or $" + URL_VARIABLE);
    }
    if (!url.startsWith("jdbc:postgresql:")) {
      throw new GitconfException.BadRequest(
          "--db must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/database)");
    }
    Optional<String> password = Optional.ofNullable(System.getenv(PASSWORD_VARIABLE));
    return migrate ? Database.connect(url, password) : Database.connectForReading(url, password);
  }
}
