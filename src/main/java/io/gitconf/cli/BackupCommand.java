package io.gitconf.cli;

import io.gitconf.sync.Database;
import io.gitconf.sync.IntegrityCheck;
import io.gitconf.sync.MirrorBackup;
import io.gitconf.sync.MirrorStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** gitconf backup and gitconf restore. */
final class BackupCommand {
  private BackupCommand() {}

  @Command(
      name = "backup",
      mixinStandardHelpOptions = true,
      description =
          "Write the whole mirror (versions, items, audit, sync state) to a checksummed file.")
  static final class Backup implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DatabaseOptions database;

    @Option(
        names = "--out",
        required = true,
        paramLabel = "FILE",
        description = "Backup file to write.")
    Path file;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (Database db = database.open()) {
        long rows =
            MirrorBackup.backup(
                db.dataSource(),
                file,
                (table, n) -> out.println("  " + table + ": " + n + " rows"));
        out.println("Backed up " + rows + " rows of " + db.describe() + " to " + file);
      }
      out.flush();
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
    @Spec CommandSpec spec;
    @Mixin DatabaseOptions database;

    @Parameters(
        index = "0",
        paramLabel = "FILE",
        description = "Backup file (from gitconf backup).")
    Path file;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (Database db = database.open()) {
        long rows =
            MirrorBackup.restore(
                db.dataSource(),
                file,
                (table, n) -> out.println("  " + table + ": " + n + " rows"));
        IntegrityCheck.Report report =
            IntegrityCheck.run(new MirrorStore(db.dataSource()), Optional.empty());
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
        return report.ok() ? ExitCodes.OK : ExitCodes.INVALID;
      }
    }
  }
}
