package io.gitconf.mirror;

import java.util.Locale;

/**
 * An enum the mirror stores by name: the stored value is the constant's name in lower case ({@code
 * rolled_back}), the one rule for every status, action and phase column. The migrations' {@code
 * CHECK} constraints list the same values.
 */
public interface StoredName {
  /** The constant's name, as {@link Enum#name()}. */
  String name();

  /** The value stored in the database, and sent in notifications and JSON. */
  default String sql() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The constant of {@code type} that a stored {@code value} names. */
  static <E extends Enum<E>> E parse(Class<E> type, String value) {
    return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
  }
}
