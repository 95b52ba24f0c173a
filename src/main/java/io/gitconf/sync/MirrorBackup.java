package io.gitconf.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gitconf.core.GitconfException;
import io.gitconf.core.Json;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import javax.sql.DataSource;

/**
 * A backup of the whole mirror as JSON lines: one line per row ({@code {"table": …, "row": {…}}},
 * tables in foreign-key order), then a trailer with the row count and the SHA-256 of every line
 * before it. Restore reads the file twice: first to check the trailer, then, only if it matches, to
 * insert every row in one transaction into an empty mirror.
 *
 * <p>Stateless; each call uses its own connection.
 */
public final class MirrorBackup {
  public static final String FORMAT = "gitconf-backup-v1";

  /** Tables in the order rows must be inserted, with the order rows are written in. */
  private static final Map<String, String> TABLES = new LinkedHashMap<>();

  static {
    TABLES.put("environments", "name");
    TABLES.put("sync_commits", "id");
    TABLES.put("config_versions", "environment, version");
    TABLES.put("config_items", "environment, path, valid_from");
    TABLES.put("config_audit", "id");
    TABLES.put("sync_state", "branch");
    TABLES.put("sync_events", "id");
  }

  private static final List<String> SERIAL_TABLES =
      List.of("sync_commits", "config_audit", "sync_events");

  private MirrorBackup() {}

  /**
   * Writes every row of the mirror to {@code file}; reports (table, rows) as each table is done.
   */
  public static long backup(DataSource dataSource, Path file, BiConsumer<String, Long> progress) {
    MessageDigest digest = sha256();
    long total = 0;
    try (Connection conn = dataSource.getConnection();
        BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      conn.setAutoCommit(false);
      conn.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
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
    } catch (SQLException e) {
      throw new GitconfException.Unavailable("cannot read the mirror: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return total;
  }

  /**
   * Restores a backup into an empty mirror: checks the file against its trailer first and writes
   * nothing unless it matches, then inserts every row in one transaction. {@code progress} hears of
   * each table as its rows are in (before the commit, so a long restore shows how far it got).
   */
  public static long restore(DataSource dataSource, Path file, BiConsumer<String, Long> progress) {
    long rows = verifyFile(file);
    try (Connection conn = dataSource.getConnection()) {
      requireEmpty(conn);
      conn.setAutoCommit(false);
      String current = null;
      long inTable = 0;
      try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        String line;
        long done = 0;
        while (done < rows && (line = in.readLine()) != null) {
          JsonNode entry = Json.parse(file.toString(), line);
          String table = entry.path("table").asText();
          if (!TABLES.containsKey(table)) {
            throw new GitconfException.Integrity(file + ": unknown table '" + table + "'");
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
      conn.commit();
      return rows;
    } catch (SQLException e) {
      throw new GitconfException.Unavailable(
          "cannot restore into the mirror: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The number of rows, if the file matches its trailer; a clear error naming the mismatch
   * otherwise.
   */
  static long verifyFile(Path file) {
    MessageDigest digest = sha256();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String previous = null;
      String line;
      long lines = 0;
      while ((line = in.readLine()) != null) {
        if (previous != null) {
          digest.update((previous + "\n").getBytes(StandardCharsets.UTF_8));
          lines++;
        }
        previous = line;
      }
      JsonNode trailer = previous == null ? null : Json.parse(file.toString(), previous);
      if (trailer == null || !FORMAT.equals(trailer.path("format").asText())) {
        throw new GitconfException.BadRequest(
            file + ": not a gitconf backup (no " + FORMAT + " trailer)");
      }
      String actual = HexFormat.of().formatHex(digest.digest());
      if (trailer.path("rows").asLong(-1) != lines
          || !actual.equals(trailer.path("sha256").asText())) {
        throw new GitconfException.BadRequest(
            file
                + ": the backup does not match its checksum (altered or truncated); nothing was restored");
      }
      return lines;
    } catch (IOException e) {
      throw new GitconfException.BadRequest(file + ": cannot read the backup: " + e.getMessage());
    } catch (GitconfException e) {
      throw e instanceof GitconfException.BadRequest
          ? e
          : new GitconfException.BadRequest(file + ": " + e.getMessage());
    }
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
