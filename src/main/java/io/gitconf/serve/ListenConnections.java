package io.gitconf.serve;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Opens the relay's one {@code LISTEN} connection, which lives outside the pool (a pool would hand
 * it to someone else, or recycle it and drop the {@code LISTEN}). The relay closes it.
 */
@FunctionalInterface
public interface ListenConnections {
  Connection open() throws SQLException;
}
