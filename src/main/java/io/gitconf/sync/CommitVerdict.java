package io.gitconf.sync;

import io.gitconf.core.ConfigPath;
import io.gitconf.core.ConfigRepository;
import io.gitconf.core.ConfigSnapshot;
import io.gitconf.core.Problem;
import io.gitconf.core.SnapshotCheck;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a commit may become active: every error of its validation and, when it validates, every
 * problem the {@link SnapshotCheck} finds in any environment's snapshot, as the lines the mirror
 * records ({@code file:line: path: message (rule)}). Empty means it may.
 *
 * <p>Stateless.
 */
final class CommitVerdict {
  private CommitVerdict() {}

  static List<String> errors(ConfigRepository repository, SnapshotCheck check) {
    List<String> errors =
        repository.validate().stream().filter(Problem::isError).map(Problem::toString).toList();
    if (!errors.isEmpty()) {
      return errors;
    }
    Map<String, ConfigSnapshot> snapshots = repository.snapshots();
    // A problem found in several environments is one line naming them, as validation does.
    Map<Problem, List<String>> found = new LinkedHashMap<>();
    for (Map.Entry<String, ConfigSnapshot> env : snapshots.entrySet()) {
      for (Problem problem : check.check(env.getValue())) {
        if (problem.isError()) {
          found
              .computeIfAbsent(located(problem, env.getValue()), p -> new ArrayList<>())
              .add(env.getKey());
        }
      }
    }
    List<String> lines = new ArrayList<>();
    found.forEach(
        (problem, envs) -> {
          String where =
              envs.size() == snapshots.size()
                  ? ""
                  : (envs.size() == 1 ? " in environment " : " in environments ")
                      + String.join(", ", envs);
          lines.add(masked(problem + where));
        });
    return lines;
  }

  /**
   * The problem with the file and line of its path when the check did not say where it is (a check
   * sees a resolved snapshot, not files); the snapshot's provenance knows.
   */
  private static Problem located(Problem problem, ConfigSnapshot snapshot) {
    if (problem.origin().isPresent() || problem.path().isEmpty()) {
      return problem;
    }
    Optional<ConfigPath> path;
    try {
      path = Optional.of(ConfigPath.parse(problem.path()));
    } catch (RuntimeException e) {
      path = Optional.empty();
    }
    return path.flatMap(snapshot::origin)
        .map(
            origin ->
                new Problem(
                    problem.severity(),
                    Optional.of(origin),
                    problem.path(),
                    problem.message(),
                    problem.rule()))
        .orElse(problem);
  }

  /** A reason as the mirror may store it: any ciphertext it quotes reads {@code ****}. */
  static String masked(String reason) {
    return io.gitconf.core.SecretMask.inText(reason);
  }
}
