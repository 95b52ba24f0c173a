package io.gitconf.cli;

import io.gitconf.core.crypto.EncryptionKeys;
import java.util.Map;

/**
 * The encryption keys of this process, from its environment variables (tests may substitute a map).
 */
final class Keys {
  private static volatile Map<String, String> substitute;

  private Keys() {}

  static EncryptionKeys fromEnvironment() {
    Map<String, String> env = substitute;
    return EncryptionKeys.from(env != null ? env : System.getenv());
  }

  /**
   * Tests only: read keys from {@code env} instead of the process environment; {@code null}
   * restores it.
   */
  static void substituteEnvironment(Map<String, String> env) {
    substitute = env;
  }
}
