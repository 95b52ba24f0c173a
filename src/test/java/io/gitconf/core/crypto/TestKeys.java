package io.gitconf.core.crypto;

import java.util.Base64;
import java.util.Map;

/** Fixed keys and a distinctive plaintext shared by the crypto tests. */
final class TestKeys {
  /** A plaintext no test output may ever contain. */
  static final String PLAINTEXT = "s3cr3t-PLAINTEXT-7f";

  /** Bytes 0x00..0x1f, base64: the master key the derivation vectors are pinned for. */
  static final String MASTER = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

  /** Bytes 0x20..0x3f, base64: a second, unrelated master key. */
  static final String OTHER_MASTER = base64(0x20);

  private TestKeys() {}

  static EncryptionKeys master() {
    return EncryptionKeys.from(Map.of("GITCONF_MASTER_KEY", MASTER));
  }

  static String base64(int firstByte) {
    byte[] key = new byte[32];
    for (int i = 0; i < key.length; i++) {
      key[i] = (byte) (firstByte + i);
    }
    return Base64.getEncoder().encodeToString(key);
  }
}
