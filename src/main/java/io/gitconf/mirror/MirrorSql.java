package io.gitconf.mirror;

import io.gitconf.core.GitconfException;
import io.gitconf.core.Redaction;
import java.sql.SQLException;

/**
 * What a failed statement on the mirror means, as one of gitconf's kinds of failure. The syncer
 * retries only what may succeed later, so the line between the two kinds is drawn here, once:
 *
 * <ul>
 *   <li>the database refused the data itself: a data exception (SQLSTATE class {@code 22}, e.g. a
 *       NUL character PostgreSQL text cannot hold) or a broken constraint (class {@code 23}). The
 *       same statement fails the same way every time: {@link GitconfException.Integrity};
 *   <li>anything else (the connection, the server, a lock, a missing table): {@link
 *       GitconfException.Unavailable}, worth retrying.
 * </ul>
 *
 * <p>Messages carry the first line of the driver's message (the rest is context a log does not
 * need), with any credential in it masked.
 *
 * <p>Stateless and thread-safe.
 */
public final class MirrorSql {
  private MirrorSql() {}

  /** The failure of {@code what} ("reading versions of prod") as the kind it is. */
  public static GitconfException failure(String what, SQLException e) {
    if (refusedData(e)) {
      return new GitconfException.Integrity(
          what
              + ": the database refused the data (SQLSTATE "
              + e.getSQLState()
              + "): "
              + firstLine(e.getMessage()),
          e);
    }
    return new GitconfException.Unavailable(what + ": " + firstLine(e.getMessage()), e);
  }

  /** True when the database refused the data, which no retry changes. */
  public static boolean refusedData(SQLException e) {
    String state = e.getSQLState();
    return state != null && (state.startsWith("22") || state.startsWith("23"));
  }

  /** The first line of a message, credentials masked; the class name when there is none. */
  public static String firstLine(String message) {
    if (message == null || message.isBlank()) {
      return "(no message)";
    }
    return Redaction.redact(message.strip().lines().findFirst().orElse(""));
  }
}
