package io.gitconf.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gitconf.core.Json;
import io.gitconf.sync.Database;
import io.gitconf.sync.IntegrityCheck;
import io.gitconf.sync.MirrorBackup;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
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
          "Write the whole mirror (versions, items, audit, pins, sync state) to a checksummed file.")
  static final class Backup implements Callable<Integer> {
    @Mixin MirrorCopyOptions copy;

    @Option(
        names = "--out",
        required = true,
        paramLabel = "FILE",
        description = "Backup file to write.")
    Path file;

    @Override
    public Integer call() {
      OutputOption output = copy.output;
      try (Database db = copy.database.open()) {
        long rows = MirrorBackup.backup(db.dataSource(), file, copy.progress());
        if (output.json()) {
          output.print(copy.result(db, file, rows));
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
      header = "Restore a backup into an empty mirror, all or nothing: checked before it commits.",
      mixinStandardHelpOptions = true,
      description = {
        "Restore a backup into an empty mirror. The file is checked against its checksum before anything is",
        "written; the rows are then inserted in one transaction and checked like gitconf verify (checksums,",
        "audit hash chains, one active version per environment) before it commits. Any discrepancy rolls",
        "everything back and exits 1: the database stays empty. The checksum proves the file is undamaged,",
        "not who wrote it; the checks inside the transaction are what keep altered data out."
      })
  static final class Restore implements Callable<Integer> {
    @Mixin MirrorCopyOptions copy;

    @Parameters(
        index = "0",
        paramLabel = "FILE",
        description = "Backup file (from gitconf backup).")
    Path file;

    @Override
    public Integer call() {
      OutputOption output = copy.output;
      try (Database db = copy.database.open()) {
        MirrorBackup.Restored restored =
            MirrorBackup.restore(db.dataSource(), file, copy.progress());
        IntegrityCheck.Report report = restored.report();
        int exitCode = restored.committed() ? ExitCodes.OK : ExitCodes.INVALID;
        if (output.json()) {
          ObjectNode json =
              copy.result(db, file, restored.rows())
                  .put("restored", restored.committed())
                  .put("verified", report.ok())
                  .put("versions", report.versions())
                  .put("auditRows", report.auditRows());
          // As gitconf verify --output json lists them.
          json.set("discrepancies", Json.MAPPER.valueToTree(report.discrepancies()));
          output.print(json);
          return exitCode;
        }
        PrintWriter out = output.out();
        report.discrepancies().forEach(out::println);
        if (restored.committed()) {
          out.println(
              "Restored "
                  + restored.rows()
                  + " rows into "
                  + db.describe()
                  + "; verified "
                  + report.versions()
                  + " versions and "
                  + report.auditRows()
                  + " audit rows");
        } else {
          out.println(
              "Not restored: "
                  + file
                  + " gives a mirror with "
                  + report.discrepancies().size()
                  + (report.discrepancies().size() == 1 ? " discrepancy" : " discrepancies")
                  + "; every row was rolled back and "
                  + db.describe()
                  + " is as empty as before");
        }
        out.flush();
        return exitCode;
      }
    }
  }
}
