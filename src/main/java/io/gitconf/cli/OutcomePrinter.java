package io.gitconf.cli;

import io.gitconf.mirror.ReleaseEvent;
import io.gitconf.sync.CommitOutcome;
import io.gitconf.sync.SyncListener;
import java.io.PrintWriter;
import java.util.stream.Collectors;

/**
 * Prints each commit a syncer processes, one line per commit (plus errors of a rejected one), and
 * each move of a release. Only those: the syncer logs its role changes, its progress and rewritten
 * branches itself, and a fact printed and logged would appear twice.
 */
final class OutcomePrinter implements SyncListener {
  private final PrintWriter out;

  OutcomePrinter(PrintWriter out) {
    this.out = out;
  }

  @Override
  public void releaseChanged(ReleaseEvent e) {
    out.println(e.environment() + " " + ReleaseCommand.describe(e));
    out.flush();
  }

  @Override
  public void commitProcessed(CommitOutcome outcome) {
    String head =
        outcome.commit().shortId()
            + " "
            + outcome.commit().authorName()
            + " \""
            + outcome.commit().subject()
            + "\": ";
    switch (outcome.kind()) {
      case MIRRORED ->
          out.println(
              head
                  + outcome.environments().stream()
                      .map(
                          e ->
                              e.environment()
                                  + " version "
                                  + e.version()
                                  + " "
                                  + e.status().sql()
                                  + " (checksum "
                                  + e.checksum().substring(0, 8)
                                  + ", "
                                  + e.changedPaths()
                                  + (e.changedPaths() == 1 ? " changed path)" : " changed paths)"))
                      .collect(Collectors.joining(", ")));
      case UNCHANGED -> out.println(head + "no environment changed");
      case ALREADY_DONE -> out.println(head + "already mirrored");
      case REJECTED -> {
        out.println(
            head
                + "REJECTED ("
                + outcome.errors().size()
                + (outcome.errors().size() == 1 ? " error" : " errors")
                + "); active versions unchanged");
        outcome.errors().forEach(e -> out.println("    " + e));
      }
    }
    out.flush();
  }
}
