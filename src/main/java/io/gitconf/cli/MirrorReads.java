package io.gitconf.cli;

import io.gitconf.core.ConfigSnapshot;
import io.gitconf.core.GitconfException;
import io.gitconf.sync.Database;
import io.gitconf.sync.MirrorStore;

/** Snapshots read from the mirror by the commands that can read either Git or the database. */
final class MirrorReads {
  private MirrorReads() {}

  /** Version N of an environment, or its active version when {@code version} is null. */
  static ConfigSnapshot snapshot(DatabaseOptions database, String environment, Integer version) {
    try (Database db = database.open()) {
      MirrorStore store = new MirrorStore(db.dataSource());
      if (version != null) {
        return store.snapshot(environment, version);
      }
      return store
          .activeSnapshot(environment)
          .orElseThrow(
              () ->
                  new GitconfException.BadRequest(
                      "environment " + environment + " has no active version in the mirror"));
    }
  }
}
