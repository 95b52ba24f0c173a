package io.gitconf.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gitconf.core.Json;
import io.gitconf.mirror.MirrorReader;
import io.gitconf.sync.Database;
import io.gitconf.sync.IntegrityCheck;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.eclipse.jgit.lib.Repository;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "verify",
    header =
        "Check the mirror's checksums, audit hash chains and active versions; exit 1 on a discrepancy.",
    mixinStandardHelpOptions = true,
    description = {
      "Check the mirror's integrity: every version's items against its checksum, every environment's audit",
      "hash chain, one active version per environment and pins on it, and (with --repo) every active",
      "version against what its commit resolves to in Git.",
      "Lists every discrepancy and exits 1 if there is one."
    })
final class VerifyCommand implements Callable<Integer> {
  @Mixin DatabaseOptions database;

  /** Without it, nothing is compared with Git (the current directory is not assumed). */
  @Mixin RepoDirectory repo;

  @Mixin OutputOption output;

  @Override
  public Integer call() {
    IntegrityCheck.Report report;
    try (Database db = database.open();
        Repository git = repo.given() ? RepoOptions.openGit(repo.path()) : null) {
      report = IntegrityCheck.run(MirrorReader.of(db.dataSource()), Optional.ofNullable(git));
    }
    PrintWriter out = output.out();
    if (output.json()) {
      ObjectNode json = Json.MAPPER.valueToTree(report);
      json.put("ok", report.ok());
      out.println(Json.pretty(json));
    } else {
      report.discrepancies().forEach(out::println);
      out.println(
          (report.ok() ? "ok: " : report.discrepancies().size() + " discrepancies; ")
              + report.versions()
              + " versions, "
              + report.auditRows()
              + " audit rows"
              + (!repo.given()
                  ? ""
                  : ", " + report.gitComparisons() + " active versions compared with Git")
              + " verified");
    }
    out.flush();
    return report.ok() ? ExitCodes.OK : ExitCodes.INVALID;
  }
}
