package io.gitconf.cli;

import io.gitconf.core.ConfigSnapshot;
import io.gitconf.core.GitconfException;
import io.gitconf.mirror.MirrorReader;
import io.gitconf.sync.Database;

/** Snapshots read from the mirror by the commands that can read either Git or the database. */
final class MirrorReads {
  private MirrorReads() {}

  /** Version N of an environment, or its active version when {@code version} is null. */
  static ConfigSnapshot snapshot(DatabaseOptions database, String environment, Integer version) {
    try (Database db = database.open()) {
      MirrorReader mirror = MirrorReader.of(db.dataSource());
      if (version != null) {
        return mirror.snapshot(environment, version);
      }
      return mirror
          .activeSnapshot(environment)
          .orElseThrow(
              () ->
                  new GitconfException.BadRequest(
                      "environment " + environment + " has no active version in the mirror"));
    }
  }
}
