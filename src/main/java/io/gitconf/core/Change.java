package io.gitconf.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Optional;

/**
 * What a change does to the config repository, computed from the repository as it is when the
 * change is made: {@link ConfigChange#apply} calls {@link #edit} with the clone's last commit while
 * it holds the clone's lock, so a change always starts from whatever landed before it.
 *
 * <p>Implementations may remember what their last {@link #edit} found (counts for a report); such a
 * change is used for one {@link ConfigChange#apply} at a time.
 */
public interface Change {

  /** What the change is, for messages: {@code risk.parameters.maxOpenPositions = 4 in prod}. */
  String describe();

  /**
   * The environment the change is made in ({@code base} for defaults), checked against the manifest
   * before anything else; empty for a change of the whole repository.
   */
  Optional<String> environment();

  /**
   * The new text of each file the change writes, by path in the config repository; an empty text
   * deletes the file. Files whose text does not change may be left out or given as they are.
   *
   * @param head the repository at the commit the change will be made on
   */
  Map<String, String> edit(ConfigRepository head);

  /**
   * Checks beyond validation, on the repository before and after the edit (a rollback must reach
   * its version and leave every other environment as it was).
   */
  default void check(ConfigRepository before, ConfigRepository after) {}

  /** The commit message: the reason, and what the change adds to it (after {@link #edit}). */
  default String message(String reason) {
    return reason;
  }

  /** Sets one value; how a number is written follows what the file already holds. */
  static Change set(String environment, ConfigPath path, JsonNode value) {
    return new SetValue(environment, path, value);
  }
}
