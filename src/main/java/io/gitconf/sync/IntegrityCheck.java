package io.gitconf.sync;

import io.gitconf.core.ConfigRepository;
import io.gitconf.core.ConfigSnapshot;
import io.gitconf.core.GitTrees;
import io.gitconf.core.GitconfException;
import io.gitconf.mirror.AuditChain;
import io.gitconf.mirror.AuditRecord;
import io.gitconf.mirror.MirrorReader;
import io.gitconf.mirror.Pin;
import io.gitconf.mirror.VersionRecord;
import io.gitconf.mirror.VersionStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.lib.Repository;

/**
 * Checks that the mirror is what the syncer wrote: every version's items reproduce its checksum,
 * every audit row hashes to its stored hash and links to the row before it, an environment with a
 * valid version has exactly one active version and a pin names that version, and (given the config
 * repository) every active version equals what its commit resolves to in Git. Reports every
 * discrepancy, not the first.
 *
 * <p>Stateless; reads only, through the reader it is given (which may be a restore's transaction,
 * checked before it commits).
 */
public final class IntegrityCheck {

  /** One thing that does not add up, with where it is. */
  public record Discrepancy(String environment, String where, String problem) {
    @Override
    public String toString() {
      return environment + ": " + where + ": " + problem;
    }
  }

  /** What was checked, and what failed. */
  public record Report(
      int versions, int auditRows, int gitComparisons, List<Discrepancy> discrepancies) {
    public boolean ok() {
      return discrepancies.isEmpty();
    }
  }

  private IntegrityCheck() {}

  public static Report run(MirrorReader mirror, Optional<Repository> git) {
    List<Discrepancy> found = new ArrayList<>();
    int versions = 0;
    int auditRows = 0;
    int comparisons = 0;
    for (String environment : mirror.environments()) {
      List<VersionRecord> history = mirror.history(environment);
      for (VersionRecord version : history) {
        if (version.status() == VersionStatus.REJECTED) {
          continue;
        }
        versions++;
        try {
          mirror.snapshot(version);
        } catch (GitconfException e) {
          found.add(new Discrepancy(environment, "version " + version.version(), e.getMessage()));
        }
      }
      checkActive(environment, history, mirror.pin(environment), found);
      auditRows += checkChain(mirror, environment, found);
      Optional<VersionRecord> active = mirror.activeVersion(environment);
      if (git.isPresent() && active.isPresent()) {
        comparisons++;
        compareWithGit(git.get(), environment, active.get(), found);
      }
    }
    return new Report(versions, auditRows, comparisons, List.copyOf(found));
  }

  /**
   * One active version once any version is valid (the database's index forbids two, a restored or
   * edited table may not have it), and a pin on the version that is active.
   */
  private static void checkActive(
      String environment, List<VersionRecord> history, Optional<Pin> pin, List<Discrepancy> found) {
    List<Integer> active =
        history.stream()
            .filter(v -> v.status() == VersionStatus.ACTIVE)
            .map(VersionRecord::version)
            .toList();
    boolean anyValid = history.stream().anyMatch(v -> v.status() != VersionStatus.REJECTED);
    if (active.size() > 1 || (anyValid && active.isEmpty())) {
      found.add(
          new Discrepancy(
              environment,
              "active version",
              active.isEmpty()
                  ? "no version is active, though " + environment + " has valid versions"
                  : active.size() + " versions are active (" + active + "); one must be"));
    }
    if (pin.isPresent() && !active.contains(pin.get().version())) {
      found.add(
          new Discrepancy(
              environment,
              "pin",
              "pinned to version "
                  + pin.get().version()
                  + ", but the active version is "
                  + (active.isEmpty() ? "none" : active.toString())));
    }
  }

  private static int checkChain(MirrorReader store, String environment, List<Discrepancy> found) {
    String previous = AuditChain.GENESIS;
    long expectedSeq = -1;
    List<AuditRecord> rows = store.audit(environment);
    for (AuditRecord row : rows) {
      String where =
          "audit row " + row.seq() + " (" + row.path() + ", version " + row.version() + ")";
      if (expectedSeq >= 0 && row.seq() != expectedSeq) {
        found.add(
            new Discrepancy(
                environment,
                where,
                "rows before it are missing (expected row " + expectedSeq + ")"));
      }
      if (!row.prevHash().equals(previous)) {
        found.add(
            new Discrepancy(
                environment, where, "does not link to the row before it: the chain is broken"));
      }
      String recomputed = AuditChain.hash(row);
      if (!recomputed.equals(row.hash())) {
        found.add(
            new Discrepancy(
                environment, where, "its content does not match its hash: the row was altered"));
      }
      previous = row.hash();
      expectedSeq = row.seq() + 1;
    }
    return rows.size();
  }

  private static void compareWithGit(
      Repository git, String environment, VersionRecord active, List<Discrepancy> found) {
    String where =
        "active version "
            + active.version()
            + " (commit "
            + active.commitId().substring(0, 10)
            + ")";
    try {
      ConfigRepository repository = ConfigRepository.load(GitTrees.commit(git, active.commitId()));
      ConfigSnapshot resolved = repository.snapshot(environment);
      if (!active.checksum().orElse("").equals(resolved.checksum())) {
        found.add(
            new Discrepancy(
                environment,
                where,
                "differs from what its commit resolves to in Git (checksum "
                    + active.checksum().orElse("none")
                    + " in the mirror, "
                    + resolved.checksum()
                    + " from Git)"));
      }
    } catch (GitconfException e) {
      found.add(
          new Discrepancy(environment, where, "cannot be compared with Git: " + e.getMessage()));
    }
  }
}
