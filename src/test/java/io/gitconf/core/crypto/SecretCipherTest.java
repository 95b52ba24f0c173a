package io.gitconf.core.crypto;

import static io.gitconf.core.crypto.EncryptionKeysTest.DEV_KEY;
import static io.gitconf.core.crypto.EncryptionKeysTest.PROD_KEY;
import static io.gitconf.core.crypto.TestKeys.MASTER;
import static io.gitconf.core.crypto.TestKeys.OTHER_MASTER;
import static io.gitconf.core.crypto.TestKeys.PLAINTEXT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.gitconf.core.ConfigPath;
import io.gitconf.core.GitconfException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SecretCipherTest {
  private static final ConfigPath API_KEY = ConfigPath.parse("trader.apiKey");
  private static final String TAMPERED =
      "trader.apiKey: cannot decrypt (scope prod, key k1): wrong key, or the value was altered or"
          + " moved from another path";

  /** Encrypted by Python's cryptography AESGCM with PROD_KEY, nonce 0xa0..0xab, AD below. */
  static final String GOLDEN =
      "ENC[v1,prod,k1,oKGio6SlpqeoqaqreEky7l3K3Zvmd0zmsmCOYnyrVDZzSMeSYqXtFRg7EDctFHc=]";

  private final SecretCipher cipher = SecretCipher.of(TestKeys.master());

  @Test
  void encryptedValuesDecryptToThePlaintext() {
    String encrypted = cipher.encrypt("prod", API_KEY, Secret.of(PLAINTEXT));

    assertThat(encrypted).startsWith("ENC[v1,prod,k1,").endsWith("]").doesNotContain(PLAINTEXT);
    assertThat(EncryptedValue.parse(encrypted).payloadBytes())
        .hasSize(12 + PLAINTEXT.length() + 16);
    assertThat(cipher.decrypt(API_KEY, "prod", encrypted).reveal()).isEqualTo(PLAINTEXT);
  }

  @Test
  void emptyAndNonAsciiSecretsRoundTrip() {
    for (String plaintext : new String[] {"", "żółw €", "x".repeat(10_000)}) {
      String encrypted = cipher.encrypt("base", API_KEY, Secret.of(plaintext));
      assertThat(cipher.decrypt(API_KEY, "base", encrypted).reveal()).isEqualTo(plaintext);
    }
  }

  @Test
  void decryptsAValueEncryptedByAnotherImplementation() {
    // Associated data v1|prod|k1|trader.apiKey; pins the format, the AD and the key derivation.
    assertThat(cipher.decrypt(API_KEY, "prod", GOLDEN).reveal()).isEqualTo(PLAINTEXT);
    SecretCipher scoped =
        SecretCipher.of(EncryptionKeys.from(Map.of("GITCONF_KEY_PROD", PROD_KEY)));
    assertThat(scoped.decrypt(API_KEY, "prod", GOLDEN).reveal()).isEqualTo(PLAINTEXT);
  }

  @Test
  void flippingAnyByteOfNonceCiphertextOrTagFails() {
    byte[] payload = EncryptedValue.parse(GOLDEN).payloadBytes();
    for (int i = 0; i < payload.length; i++) {
      byte[] altered = payload.clone();
      altered[i] ^= 0x01;
      String value = EncryptedValue.of("prod", "k1", altered).format();

      assertThatThrownBy(() -> cipher.decrypt(API_KEY, "prod", value))
          .as("byte %d", i)
          .isInstanceOf(GitconfException.Decryption.class)
          .hasMessage(TAMPERED)
          .hasNoCause();
    }
  }

  @Test
  void editingAnyCharacterOfTheValueFails() {
    for (int i = 0; i < GOLDEN.length(); i++) {
      char original = GOLDEN.charAt(i);
      String edited =
          GOLDEN.substring(0, i) + (original == 'A' ? 'B' : 'A') + GOLDEN.substring(i + 1);

      Throwable thrown = catchThrowable(() -> cipher.decrypt(API_KEY, "prod", edited));

      assertThat(thrown)
          .as("character %d", i)
          .isInstanceOfAny(GitconfException.Decryption.class, GitconfException.Unavailable.class)
          .hasNoCause();
      assertThat(thrown.getMessage()).startsWith("trader.apiKey: ").doesNotContain(PLAINTEXT);
    }
  }

  @Test
  void editedPartsGiveSpecificErrors() {
    assertThatThrownBy(() -> cipher.decrypt(API_KEY, "prod", GOLDEN.replace("k1", "k2")))
        .isInstanceOf(GitconfException.Unavailable.class)
        .hasMessage(
            "trader.apiKey: no key for scope prod (kid k2): set GITCONF_MASTER_KEY_K2, or"
                + " GITCONF_KEY_PROD with GITCONF_MASTER_KEY_ID=k2");
    assertThatThrownBy(() -> cipher.decrypt(API_KEY, "prod", GOLDEN.replace("v1", "v2")))
        .isInstanceOf(GitconfException.Decryption.class)
        .hasMessage(
            "trader.apiKey: cannot decrypt: malformed encrypted value: unsupported version in part"
                + " 1 (this gitconf reads v1)");
    String k1AsK2 = GOLDEN.replace("k1", "k2");
    SecretCipher k2 = SecretCipher.of(EncryptionKeys.from(Map.of("GITCONF_MASTER_KEY_K2", MASTER)));
    assertThatThrownBy(() -> k2.decrypt(API_KEY, "prod", k1AsK2))
        .isInstanceOf(GitconfException.Decryption.class)
        .hasMessage(TAMPERED.replace("key k1", "key k2"));
  }

  @Test
  void aValueOfAnotherScopeIsRefusedByName() {
    String dev = cipher.encrypt("dev", API_KEY, Secret.of(PLAINTEXT));

    assertThatThrownBy(() -> cipher.decrypt(API_KEY, "prod", dev))
        .isInstanceOf(GitconfException.Decryption.class)
        .hasMessage(
            "trader.apiKey: cannot decrypt (scope prod, key k1): the value is encrypted for scope"
                + " dev; encrypt it for prod (gitconf secrets encrypt)");
  }

  @Test
  void relabellingTheScopeDoesNotHelp() {
    String dev = cipher.encrypt("dev", API_KEY, Secret.of(PLAINTEXT));
    String relabelled = dev.replace("ENC[v1,dev,", "ENC[v1,prod,");

    assertThatThrownBy(() -> cipher.decrypt(API_KEY, "prod", relabelled))
        .isInstanceOf(GitconfException.Decryption.class)
        .hasMessage(TAMPERED);
  }

  @Test
  void anotherMasterKeyCannotDecrypt() {
    SecretCipher other =
        SecretCipher.of(EncryptionKeys.from(Map.of("GITCONF_MASTER_KEY", OTHER_MASTER)));

    assertThatThrownBy(() -> other.decrypt(API_KEY, "prod", GOLDEN))
        .isInstanceOf(GitconfException.Decryption.class)
        .hasMessage(TAMPERED)
        .hasNoCause();
  }

  @Test
  void aValueMovedToAnotherPathFails() {
    String encrypted = cipher.encrypt("prod", API_KEY, Secret.of(PLAINTEXT));

    assertThatThrownBy(
            () -> cipher.decrypt(ConfigPath.parse("trader.rpc.apiKey"), "prod", encrypted))
        .isInstanceOf(GitconfException.Decryption.class)
        .hasMessage(
            "trader.rpc.apiKey: cannot decrypt (scope prod, key k1): wrong key, or the value was"
                + " altered or moved from another path");
  }

  @Test
  void valuesUnderOldAndNewKeyIdsDecryptDuringRotation() {
    String underK1 = cipher.encrypt("prod", API_KEY, Secret.of(PLAINTEXT));
    SecretCipher rotating =
        SecretCipher.of(
            EncryptionKeys.from(
                Map.of(
                    "GITCONF_MASTER_KEY", OTHER_MASTER,
                    "GITCONF_MASTER_KEY_ID", "k2",
                    "GITCONF_MASTER_KEY_K1", MASTER)));

    String underK2 = rotating.encrypt("prod", API_KEY, Secret.of(PLAINTEXT + "-new"));

    assertThat(underK2).startsWith("ENC[v1,prod,k2,");
    assertThat(rotating.decrypt(API_KEY, "prod", underK1).reveal()).isEqualTo(PLAINTEXT);
    assertThat(rotating.decrypt(API_KEY, "prod", underK2).reveal()).isEqualTo(PLAINTEXT + "-new");
    assertThatThrownBy(() -> cipher.decrypt(API_KEY, "prod", underK2))
        .isInstanceOf(GitconfException.Unavailable.class);
  }

  @Test
  void rotationWorksWithNumberedVariablesOnly() {
    SecretCipher numbered =
        SecretCipher.of(
            EncryptionKeys.from(
                Map.of(
                    "GITCONF_MASTER_KEY_K1", MASTER,
                    "GITCONF_MASTER_KEY_K2", OTHER_MASTER,
                    "GITCONF_MASTER_KEY_ID", "k2")));

    String underK2 = numbered.encrypt("dev", API_KEY, Secret.of(PLAINTEXT));

    assertThat(underK2).startsWith("ENC[v1,dev,k2,");
    assertThat(numbered.decrypt(API_KEY, "prod", GOLDEN).reveal()).isEqualTo(PLAINTEXT);
    assertThat(numbered.decrypt(API_KEY, "dev", underK2).reveal()).isEqualTo(PLAINTEXT);
  }

  @Test
  void aScopedKeyDecryptsItsScopeAndNothingElse() {
    SecretCipher dev = SecretCipher.of(EncryptionKeys.from(Map.of("GITCONF_KEY_DEV", DEV_KEY)));
    String fromMaster = cipher.encrypt("dev", API_KEY, Secret.of(PLAINTEXT));
    String fromScoped = dev.encrypt("dev", API_KEY, Secret.of(PLAINTEXT));

    assertThat(dev.decrypt(API_KEY, "dev", fromMaster).reveal()).isEqualTo(PLAINTEXT);
    assertThat(cipher.decrypt(API_KEY, "dev", fromScoped).reveal()).isEqualTo(PLAINTEXT);
    assertThatThrownBy(() -> dev.decrypt(API_KEY, "prod", GOLDEN))
        .isInstanceOf(GitconfException.Unavailable.class)
        .hasMessage(
            "trader.apiKey: no key for scope prod (kid k1): set GITCONF_MASTER_KEY or"
                + " GITCONF_KEY_PROD");
    assertThatThrownBy(() -> dev.encrypt("base", API_KEY, Secret.of(PLAINTEXT)))
        .isInstanceOf(GitconfException.Unavailable.class)
        .hasMessage(
            "trader.apiKey: no key for scope base (kid k1): set GITCONF_MASTER_KEY or"
                + " GITCONF_KEY_BASE");
  }

  @Test
  void noncesNeverRepeat() {
    Set<String> nonces = new HashSet<>();
    Set<String> values = new HashSet<>();
    Secret secret = Secret.of(PLAINTEXT);
    for (int i = 0; i < 10_000; i++) {
      String value = cipher.encrypt("prod", API_KEY, secret);
      values.add(value);
      byte[] payload = EncryptedValue.parse(value).payloadBytes();
      nonces.add(Base64.getEncoder().encodeToString(Arrays.copyOf(payload, 12)));
    }

    assertThat(nonces).hasSize(10_000);
    assertThat(values).hasSize(10_000);
  }

  @Test
  void malformedValuesFailAsDecryption() {
    assertThatThrownBy(() -> cipher.decrypt(API_KEY, "prod", PLAINTEXT))
        .isInstanceOf(GitconfException.Decryption.class)
        .hasMessage(
            "trader.apiKey: cannot decrypt: malformed encrypted value: must start with 'ENC[' (the"
                + " form is ENC[v1,<scope>,<kid>,<base64>])");
  }

  @Test
  void tooLargeSecretsAreRefused() {
    assertThatThrownBy(() -> cipher.encrypt("prod", API_KEY, Secret.of("x".repeat(65_509))))
        .isInstanceOf(GitconfException.BadRequest.class)
        .hasMessage("trader.apiKey: the secret is 65509 bytes; at most 65508 can be encrypted");
    String largest = cipher.encrypt("prod", API_KEY, Secret.of("x".repeat(65_508)));
    assertThat(cipher.decrypt(API_KEY, "prod", largest).reveal()).hasSize(65_508);
  }

  @Test
  void noFailureEverShowsThePlaintext() {
    String encrypted = cipher.encrypt("prod", API_KEY, Secret.of(PLAINTEXT));
    SecretCipher other =
        SecretCipher.of(EncryptionKeys.from(Map.of("GITCONF_MASTER_KEY", OTHER_MASTER)));
    Throwable[] failures = {
      catchThrowable(() -> other.decrypt(API_KEY, "prod", encrypted)),
      catchThrowable(() -> cipher.decrypt(ConfigPath.parse("trader.other"), "prod", encrypted)),
      catchThrowable(() -> cipher.decrypt(API_KEY, "dev", encrypted)),
      catchThrowable(() -> cipher.decrypt(API_KEY, "prod", "ENC[v1,prod,k1," + PLAINTEXT + "]")),
      catchThrowable(() -> cipher.decrypt(API_KEY, "prod", PLAINTEXT)),
      catchThrowable(
          () ->
              SecretCipher.of(EncryptionKeys.none())
                  .encrypt("prod", API_KEY, Secret.of(PLAINTEXT))),
    };
    for (Throwable failure : failures) {
      assertThat(failure).isInstanceOf(GitconfException.class);
      StringWriter trace = new StringWriter();
      failure.printStackTrace(new PrintWriter(trace));
      assertThat(trace.toString()).contains("trader.").doesNotContain(PLAINTEXT);
    }
  }
}
