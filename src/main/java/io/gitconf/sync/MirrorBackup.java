package io.gitconf.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gitconf.core.GitconfException;
import io.gitconf.core.Json;
import io.gitconf.mirror.MirrorReader;
import io.gitconf.mirror.MirrorSql;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import javax.sql.DataSource;

/**
 * A backup of the whole mirror as JSON lines: one line per row ({@code {"table": …, "row": {…}}},
 * every table the migrations create, in foreign-key order), then a trailer with the row count and
 * the SHA-256 of every line before it.
 *
 * <p>The trailer proves the file was not damaged or cut short since it was written; it does not
 * prove who wrote it (anyone who can edit the file can write a matching trailer). What a restore
 * trusts is therefore checked again inside its transaction: every version's items against its
 * checksum, every audit hash chain, one active version per environment, pins on active versions.
 * Any discrepancy rolls the whole restore back, so the database is left as empty as it was.
 *
 * <p>Stateless; each call uses its own connection.
 */
public final class MirrorBackup {
  public static final String FORMAT = "gitconf-backup-v1";

  /**
   * Every table the migrations create, in the order rows must be inserted, with the order rows are
   * written in. A test compares it with the tables of a migrated database, and {@link #backup}
   * refuses a database with a table it does not know, so none is ever left out.
   */
  private static final Map<String, String> TABLES = new LinkedHashMap<>();

  static {
    TABLES.put("environments", "name");
    TABLES.put("sync_commits", "id");
    TABLES.put("config_versions", "environment, version");
    TABLES.put("config_items", "environment, path, valid_from");
    TABLES.put("config_audit", "id");
    TABLES.put("environment_pins", "environment");
    TABLES.put("sync_state", "branch");
    TABLES.put("sync_events", "id");
    TABLES.put("release_state", "environment");
    TABLES.put("instance_reports", "environment, instance_id");
    TABLES.put("release_events", "id");
  }

  private static final List<String> SERIAL_TABLES =
      List.of("sync_commits", "config_audit", "sync_events", "release_events");

  /** Flyway's own table: the migrations that ran, recreated by migrating the target first. */
  private static final String FLYWAY_TABLE = "flyway_schema_history";

  /**
   * What a restore did: the rows it read and the check of the mirror they make, run before the
   * commit. When the check failed, nothing was committed.
   */
  public record Restored(long rows, IntegrityCheck.Report report) {
    public boolean committed() {
      return report.ok();
    }
  }

  private MirrorBackup() {}

  /** The tables a backup holds, in the order a restore inserts them. */
  static List<String> tables() {
    return List.copyOf(TABLES.keySet());
  }

  /**
   * Writes every row of the mirror to {@code file}; reports (table, rows) as each table is done.
   *
   * @throws GitconfException.BadRequest when the database has a table this gitconf does not know
   *     (it was migrated by a newer one), which a backup would silently leave out
   */
  public static long backup(DataSource dataSource, Path file, BiConsumer<String, Long> progress) {
    MessageDigest digest = sha256();
    long total = 0;
    try (Connection conn = dataSource.getConnection()) {
      conn.setAutoCommit(false);
      conn.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      requireKnownTables(conn);
      try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        for (Map.Entry<String, String> table : TABLES.entrySet()) {
          long rows = 0;
          try (Statement s = conn.createStatement();
              ResultSet rs =
                  s.executeQuery(
                      "SELECT row_to_json(t)::text FROM "
                          + table.getKey()
                          + " t ORDER BY "
                          + table.getValue())) {
            while (rs.next()) {
              ObjectNode line = Json.MAPPER.createObjectNode();
              line.put("table", table.getKey());
              line.set("row", Json.parse(table.getKey(), rs.getString(1)));
              write(out, digest, Json.canonical(line));
              rows++;
            }
          }
          progress.accept(table.getKey(), rows);
          total += rows;
        }
        conn.commit();
        ObjectNode trailer = Json.MAPPER.createObjectNode();
        trailer.put("format", FORMAT);
        trailer.put("rows", total);
        trailer.put("sha256", HexFormat.of().formatHex(digest.digest()));
        out.write(Json.canonical(trailer));
        out.newLine();
      }
    } catch (SQLException e) {
      throw MirrorSql.failure("cannot read the mirror", e);
    } catch (IOException e) {
      throw new GitconfException.Unavailable(
          file + ": cannot write the backup: " + e.getMessage(), e);
    }
    return total;
  }

  /** Refuses a database holding a table the backup does not know. */
  private static void requireKnownTables(Connection conn) throws SQLException {
    List<String> unknown = new ArrayList<>();
    for (String table : schemaTables(conn)) {
      if (!TABLES.containsKey(table) && !table.equals(FLYWAY_TABLE)) {
        unknown.add(table);
      }
    }
    if (!unknown.isEmpty()) {
      throw new GitconfException.BadRequest(
          "the mirror has tables this gitconf does not back up ("
              + String.join(", ", unknown)
              + "): it was migrated by a newer gitconf; back it up with that one");
    }
  }

  /** The base tables of the schema the connection works in. */
  static List<String> schemaTables(Connection conn) throws SQLException {
    List<String> tables = new ArrayList<>();
    try (Statement s = conn.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT table_name FROM information_schema.tables"
                    + " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
                    + " ORDER BY table_name")) {
      while (rs.next()) {
        tables.add(rs.getString(1));
      }
    }
    return tables;
  }

  /**
   * Restores a backup into an empty mirror, all or nothing: checks the file against its trailer
   * first and writes nothing unless it matches, then inserts every row in one transaction, checks
   * the mirror they make ({@link IntegrityCheck}, inside the transaction) and commits only if it
   * holds. {@code progress} hears of each table as its rows are in (before the commit, so a long
   * restore shows how far it got).
   *
   * @throws GitconfException.Integrity when the file does not match its trailer, names a table that
   *     is not the mirror's, or holds rows the database refuses; nothing is restored
   * @throws GitconfException.BadRequest when the file is not a backup or the mirror is not empty
   */
  public static Restored restore(
      DataSource dataSource, Path file, BiConsumer<String, Long> progress) {
    long rows = verifyFile(file);
    try (Connection conn = dataSource.getConnection()) {
      requireEmpty(conn);
      conn.setAutoCommit(false);
      try {
        insertRows(conn, file, rows, progress);
        IntegrityCheck.Report report =
            IntegrityCheck.run(MirrorReader.within(conn), Optional.empty());
        if (report.ok()) {
          conn.commit();
        } else {
          conn.rollback();
        }
        return new Restored(rows, report);
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(conn);
        throw e;
      }
    } catch (SQLException e) {
      throw MirrorSql.failure(file + ": cannot restore into the mirror; nothing was restored", e);
    }
  }

  private static void insertRows(
      Connection conn, Path file, long rows, BiConsumer<String, Long> progress)
      throws SQLException {
    String current = null;
    long inTable = 0;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      long done = 0;
      while (done < rows && (line = in.readLine()) != null) {
        JsonNode entry = Json.parse(file + ":" + (done + 1), line);
        String table = entry.path("table").asText();
        if (!TABLES.containsKey(table)) {
          throw new GitconfException.Integrity(
              file + ":" + (done + 1) + ": unknown table '" + table + "'; nothing was restored");
        }
        if (!table.equals(current)) {
          if (current != null) {
            progress.accept(current, inTable);
          }
          current = table;
          inTable = 0;
        }
        try (PreparedStatement insert =
            conn.prepareStatement(
                "INSERT INTO "
                    + table
                    + " SELECT * FROM json_populate_record(NULL::"
                    + table
                    + ", ?::json)")) {
          insert.setString(1, Json.canonical(entry.get("row")));
          insert.executeUpdate();
        }
        inTable++;
        done++;
      }
    } catch (IOException e) {
      throw new GitconfException.Unavailable(
          file + ": cannot read the backup: " + e.getMessage(), e);
    }
    if (current != null) {
      progress.accept(current, inTable);
    }
    try (Statement s = conn.createStatement()) {
      for (String table : SERIAL_TABLES) {
        s.execute(
            "SELECT setval(pg_get_serial_sequence('"
                + table
                + "', 'id'), coalesce(max(id), 0) + 1, false) FROM "
                + table);
      }
    }
  }

  /**
   * The number of rows, if the file matches its trailer; a clear error naming the mismatch
   * otherwise.
   */
  static long verifyFile(Path file) {
    MessageDigest digest = sha256();
    String previous = null;
    long lines = 0;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        if (previous != null) {
          digest.update((previous + "\n").getBytes(StandardCharsets.UTF_8));
          lines++;
        }
        previous = line;
      }
    } catch (IOException e) {
      throw new GitconfException.BadRequest(file + ": cannot read the backup: " + e.getMessage());
    }
    JsonNode trailer;
    try {
      trailer = previous == null ? null : Json.parse(file.toString(), previous);
    } catch (GitconfException e) {
      trailer = null;
    }
    if (trailer == null || !FORMAT.equals(trailer.path("format").asText())) {
      throw new GitconfException.BadRequest(
          file + ": not a gitconf backup (no " + FORMAT + " trailer)");
    }
    String actual = HexFormat.of().formatHex(digest.digest());
    if (trailer.path("rows").asLong(-1) != lines
        || !actual.equals(trailer.path("sha256").asText())) {
      throw new GitconfException.Integrity(
          file
              + ": the backup does not match its checksum (altered or truncated); nothing was"
              + " restored");
    }
    return lines;
  }

  private static void requireEmpty(Connection conn) throws SQLException {
    for (String table : TABLES.keySet()) {
      try (Statement s = conn.createStatement();
          ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
        rs.next();
        if (rs.getLong(1) > 0) {
          throw new GitconfException.BadRequest(
              "restore needs an empty mirror; "
                  + table
                  + " already has "
                  + rs.getLong(1)
                  + " rows");
        }
      }
    }
  }

  private static void rollbackQuietly(Connection conn) {
    try {
      conn.rollback();
    } catch (SQLException e) {
      // The connection is gone; the server rolls the transaction back itself.
    }
  }

  private static void write(BufferedWriter out, MessageDigest digest, String line)
      throws IOException {
    out.write(line);
    out.newLine();
    digest.update((line + "\n").getBytes(StandardCharsets.UTF_8));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
