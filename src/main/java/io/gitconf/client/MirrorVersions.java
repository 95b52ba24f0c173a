package io.gitconf.client;

import io.gitconf.core.ConfigSchemaValidator;
import io.gitconf.core.ConfigSnapshot;
import io.gitconf.core.GitconfException;
import io.gitconf.core.Problem;
import io.gitconf.core.SchemaSet;
import io.gitconf.core.SecretMask;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * What a client does with a mirror version before it may be served, whether it read the version
 * from PostgreSQL or from a relay: the snapshot (already checked against the version's checksum by
 * {@link io.gitconf.mirror.MirrorReader#checkedSnapshot}) is validated against the schemas shipped
 * with this client, so a mirror written by another gitconf version is checked against what this
 * client's typed records expect. Stateless.
 */
final class MirrorVersions {
  private MirrorVersions() {}

  /**
   * The load of a checked snapshot of version {@code version} (commit {@code commit}).
   *
   * @param origin names the source in a failure ("mirror", "relay http://…")
   * @throws GitconfException.ValidationFailed with every error
   */
  static ConfigSource.Loaded loaded(
      String origin, ConfigSnapshot snapshot, int version, String commit) {
    Set<String> categories = new HashSet<>();
    snapshot.tree().fieldNames().forEachRemaining(categories::add);
    SchemaSet schemas = SchemaSet.shipped().only(categories);
    List<Problem> errors =
        ConfigSchemaValidator.of(schemas).validate(snapshot).stream()
            .filter(Problem::isError)
            .toList();
    if (!errors.isEmpty()) {
      throw new GitconfException.ValidationFailed(
          origin + " " + snapshot.environment() + " version " + version, errors);
    }
    return new ConfigSource.Loaded(
        snapshot,
        OptionalLong.of(version),
        commit,
        schemas,
        fingerprint(version, commit, snapshot.checksum()));
  }

  /**
   * Why this instance refuses a candidate, as its failed report says it: the first three validation
   * problems ({@code path: message (rule)}, ciphertext masked), else the failure's first line.
   */
  static String refusal(GitconfException e) {
    if (e instanceof GitconfException.ValidationFailed validation
        && !validation.problems().isEmpty()) {
      List<Problem> problems = validation.problems();
      String shown =
          String.join(
              "; ", problems.stream().limit(3).map(p -> SecretMask.inText(p.toString())).toList());
      return problems.size() > 3 ? shown + "; and " + (problems.size() - 3) + " more" : shown;
    }
    return SecretMask.inText(String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
  }

  /** What tells one activation from another: a version, its commit and its checksum. */
  static String fingerprint(int version, String commit, String checksum) {
    return version + ":" + commit + ":" + checksum;
  }
}
