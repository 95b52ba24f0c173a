package io.gitconf.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gitconf.core.Json;
import io.gitconf.sync.Database;
import io.gitconf.sync.IntegrityCheck;
import io.gitconf.sync.MirrorBackup;
import io.gitconf.sync.MirrorStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** gitconf backup and gitconf restore. */
final class BackupCommand {
  private BackupCommand() {}

  @Command(
      name = "backup",
      mixinStandardHelpOptions = true,
      description =
          "Write the whole mirror (versions, items, audit, sync state) to a checksummed file.")
  static final class Backup implements Callable<Integer> {
    @Mixin DatabaseOptions database;
    @Mixin OutputOption output;

    @Option(
        names = "--out",
        required = true,
        paramLabel = "FILE",
        description = "Backup file to write.")
    Path file;

    @Override
    public Integer call() {
      ObjectNode tables = OutputOption.object();
      try (Database db = database.open()) {
        long rows = MirrorBackup.backup(db.dataSource(), file, progress(output, tables));
        if (output.json()) {
          output.print(
              OutputOption.object()
                  .put("database", db.describe())
                  .put("file", file.toString())
                  .put("rows", rows)
                  .set("tables", tables));
          return ExitCodes.OK;
        }
        PrintWriter out = output.out();
        out.println("Backed up " + rows + " rows of " + db.describe() + " to " + file);
        out.flush();
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "restore",
      header = "Restore a backup into an empty mirror, checked first and verified after.",
      mixinStandardHelpOptions = true,
      description = {
        "Restore a backup into an empty mirror. The file is checked against its checksum before anything is",
        "written; the restored mirror is then verified like gitconf verify."
      })
  static final class Restore implements Callable<Integer> {
    @Mixin DatabaseOptions database;
    @Mixin OutputOption output;

    @Parameters(
        index = "0",
        paramLabel = "FILE",
        description = "Backup file (from gitconf backup).")
    Path file;

    @Override
    public Integer call() {
      ObjectNode tables = OutputOption.object();
      try (Database db = database.open()) {
        long rows = MirrorBackup.restore(db.dataSource(), file, progress(output, tables));
        IntegrityCheck.Report report =
            IntegrityCheck.run(new MirrorStore(db.dataSource()), Optional.empty());
        int exitCode = report.ok() ? ExitCodes.OK : ExitCodes.INVALID;
        if (output.json()) {
          ObjectNode json =
              OutputOption.object()
                  .put("database", db.describe())
                  .put("file", file.toString())
                  .put("rows", rows)
                  .put("verified", report.ok())
                  .put("versions", report.versions())
                  .put("auditRows", report.auditRows());
          json.set("tables", tables);
          // As gitconf verify --output json lists them.
          json.set("discrepancies", Json.MAPPER.valueToTree(report.discrepancies()));
          output.print(json);
          return exitCode;
        }
        PrintWriter out = output.out();
        report.discrepancies().forEach(out::println);
        out.println(
            "Restored "
                + rows
                + " rows into "
                + db.describe()
                + "; "
                + (report.ok() ? "verified " : report.discrepancies().size() + " discrepancies in ")
                + report.versions()
                + " versions and "
                + report.auditRows()
                + " audit rows");
        out.flush();
        return exitCode;
      }
    }
  }

  /**
   * Reports each table as it is done (on standard error under JSON, so standard output stays one
   * document) and collects the counts for the JSON result.
   */
  private static BiConsumer<String, Long> progress(OutputOption output, ObjectNode tables) {
    return (table, rows) -> {
      tables.put(table, rows);
      PrintWriter progress = output.progress();
      progress.println("  " + table + ": " + rows + " rows");
      progress.flush();
    };
  }
}
