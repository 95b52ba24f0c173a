package io.gitconf.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gitconf.sync.Database;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.function.BiConsumer;
import picocli.CommandLine.Mixin;

/**
 * What {@code backup} and {@code restore} share: the mirror database, {@code --output}, and the
 * per-table progress both report while they copy rows (on standard error under JSON, so standard
 * output stays one document), counted for the JSON result.
 *
 * <p>Not thread-safe: one instance belongs to one command invocation.
 */
final class MirrorCopyOptions {
  @Mixin DatabaseOptions database;
  @Mixin OutputOption output;

  private final ObjectNode tables = OutputOption.object();

  /** Reports each table as it is done, and counts its rows into {@link #tables()}. */
  BiConsumer<String, Long> progress() {
    return (table, rows) -> {
      tables.put(table, rows);
      PrintWriter progress = output.progress();
      progress.println("  " + table + ": " + rows + " rows");
      progress.flush();
    };
  }

  /**
   * The start of both commands' JSON result: the database, the file, the rows copied and the rows
   * of each table.
   */
  ObjectNode result(Database db, Path file, long rows) {
    ObjectNode json =
        OutputOption.object()
            .put("database", db.describe())
            .put("file", file.toString())
            .put("rows", rows);
    json.set("tables", tables);
    return json;
  }
}
