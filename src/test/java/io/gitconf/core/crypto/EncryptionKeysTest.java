package io.gitconf.core.crypto;

import static io.gitconf.core.crypto.TestKeys.MASTER;
import static io.gitconf.core.crypto.TestKeys.OTHER_MASTER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gitconf.core.GitconfException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EncryptionKeysTest {
  /** HKDF-SHA256(ikm = 0x00..0x1f, salt "gitconf/v1", info "scope:<scope>"), checked in Python. */
  static final String BASE_KEY = "wRBVt3s9afU9/k9cyJHHYKP3UZX3fdpzHbcqSaPgz7M=";

  static final String DEV_KEY = "q2BFEHwIPzLKZhGjZsMTW8zLHBFmbFtl+BX4/qrlcbU=";
  static final String PROD_KEY = "p3/7F0T2JoWTU0nZs9+OTwcMk9w/iD8zNIFOU715Qko=";

  private static final String KEY_FORM =
      "a key is the base64 (standard alphabet) of 32 random bytes, e.g. from gitconf secrets"
          + " keygen";

  @Test
  void masterKeyDerivesThePinnedScopedKeys() {
    EncryptionKeys keys = TestKeys.master();

    assertThat(keys.deriveScopedKey("base")).isEqualTo(BASE_KEY);
    assertThat(keys.deriveScopedKey("dev")).isEqualTo(DEV_KEY);
    assertThat(keys.deriveScopedKey("prod")).isEqualTo(PROD_KEY);
  }

  @Test
  void derivationIsRfc5869Hkdf() {
    // RFC 5869, test case A.1.
    HexFormat hex = HexFormat.of();
    byte[] okm =
        EncryptionKeys.hkdfSha256(
            hex.parseHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"),
            hex.parseHex("000102030405060708090a0b0c"),
            hex.parseHex("f0f1f2f3f4f5f6f7f8f9"),
            42);

    assertThat(hex.formatHex(okm))
        .isEqualTo(
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
    assertThat(new String(EncryptionKeys.HKDF_SALT, StandardCharsets.UTF_8))
        .isEqualTo("gitconf/v1");
  }

  @Test
  void derivedKeysDoNotDependOnTheKeyId() {
    EncryptionKeys k7 =
        EncryptionKeys.from(Map.of("GITCONF_MASTER_KEY", MASTER, "GITCONF_MASTER_KEY_ID", "k7"));

    assertThat(k7.currentKeyId()).isEqualTo("k7");
    assertThat(k7.deriveScopedKey("prod")).isEqualTo(PROD_KEY);
  }

  @Test
  void generatedMasterKeysAreFresh32ByteKeys() {
    String first = EncryptionKeys.generateMasterKey();
    String second = EncryptionKeys.generateMasterKey();

    assertThat(Base64.getDecoder().decode(first)).hasSize(32);
    assertThat(first).isNotEqualTo(second);
    assertThat(EncryptionKeys.from(Map.of("GITCONF_MASTER_KEY", first)).isEmpty()).isFalse();
  }

  @Test
  void currentKeyIdDefaultsToK1() {
    assertThat(TestKeys.master().currentKeyId()).isEqualTo("k1");
    assertThat(EncryptionKeys.none().currentKeyId()).isEqualTo("k1");
  }

  @Test
  void noKeysHoldNothing() {
    EncryptionKeys none = EncryptionKeys.none();

    assertThat(none.isEmpty()).isTrue();
    assertThat(none.hasKeyFor("prod")).isFalse();
    assertThat(EncryptionKeys.from(Map.of("PATH", "/usr/bin")).isEmpty()).isTrue();
    assertThatThrownBy(() -> none.key("prod", "k1"))
        .isInstanceOf(GitconfException.Unavailable.class)
        .hasMessage("no key for scope prod (kid k1): set GITCONF_MASTER_KEY or GITCONF_KEY_PROD");
    assertThatThrownBy(() -> none.deriveScopedKey("dev"))
        .isInstanceOf(GitconfException.Unavailable.class)
        .hasMessage(
            "deriving a scoped key needs the master key of key id k1: set GITCONF_MASTER_KEY");
  }

  @Test
  void scopedKeyAloneHoldsItsScopeOnly() {
    EncryptionKeys dev = EncryptionKeys.from(Map.of("GITCONF_KEY_DEV", DEV_KEY));

    assertThat(dev.hasKeyFor("dev")).isTrue();
    assertThat(dev.hasKeyFor("prod")).isFalse();
    assertThat(dev.hasKeyFor("base")).isFalse();
    assertThat(dev.key("dev", "k1")).isEqualTo(Base64.getDecoder().decode(DEV_KEY));
    assertThatThrownBy(() -> dev.key("prod", "k1"))
        .isInstanceOf(GitconfException.Unavailable.class)
        .hasMessage("no key for scope prod (kid k1): set GITCONF_MASTER_KEY or GITCONF_KEY_PROD");
    assertThatThrownBy(() -> dev.key("dev", "k2"))
        .isInstanceOf(GitconfException.Unavailable.class)
        .hasMessage(
            "no key for scope dev (kid k2): set GITCONF_MASTER_KEY_K2, or GITCONF_KEY_DEV with"
                + " GITCONF_MASTER_KEY_ID=k2");
  }

  @Test
  void variableNamesMapDashesToUnderscores() {
    EncryptionKeys keys =
        EncryptionKeys.from(
            Map.of(
                "GITCONF_KEY_PROD_EU", PROD_KEY,
                "GITCONF_MASTER_KEY_2026_11", MASTER));

    assertThat(keys.hasKeyFor("prod-eu")).isTrue();
    assertThat(keys.key("prod-eu", "k1")).isEqualTo(Base64.getDecoder().decode(PROD_KEY));
    assertThat(keys.key("prod", "2026-11")).isEqualTo(Base64.getDecoder().decode(PROD_KEY));
  }

  @Test
  void rotationKeepsEveryKeyIdReadable() {
    EncryptionKeys keys =
        EncryptionKeys.from(
            Map.of(
                "GITCONF_MASTER_KEY", OTHER_MASTER,
                "GITCONF_MASTER_KEY_ID", "k2",
                "GITCONF_MASTER_KEY_K1", MASTER));

    assertThat(keys.currentKeyId()).isEqualTo("k2");
    assertThat(keys.key("prod", "k1")).isEqualTo(Base64.getDecoder().decode(PROD_KEY));
    assertThat(keys.key("prod", "k2")).isNotEqualTo(Base64.getDecoder().decode(PROD_KEY));
    assertThatThrownBy(() -> keys.key("prod", "k3"))
        .isInstanceOf(GitconfException.Unavailable.class)
        .hasMessage(
            "no key for scope prod (kid k3): set GITCONF_MASTER_KEY_K3, or GITCONF_KEY_PROD with"
                + " GITCONF_MASTER_KEY_ID=k3");
  }

  @Test
  void emptyValuesCountAsUnsetAndWhitespaceIsIgnored() {
    EncryptionKeys keys =
        EncryptionKeys.from(
            Map.of(
                "GITCONF_MASTER_KEY", " " + MASTER + "\n",
                "GITCONF_MASTER_KEY_ID", "",
                "GITCONF_KEY_PROD", ""));

    assertThat(keys.currentKeyId()).isEqualTo("k1");
    assertThat(keys.deriveScopedKey("prod")).isEqualTo(PROD_KEY);
  }

  @Test
  void malformedBase64NamesTheVariableNotTheValue() {
    assertUnavailable(
        Map.of("GITCONF_MASTER_KEY", "s3cr3t-PLAINTEXT-7f!"),
        "GITCONF_MASTER_KEY: not valid base64 (" + KEY_FORM + ")");
    assertUnavailable(
        Map.of("GITCONF_KEY_PROD", PROD_KEY.replace('/', '_')),
        "GITCONF_KEY_PROD: not valid base64 (" + KEY_FORM + ")");
  }

  @Test
  void wrongKeyLengthNamesTheVariableAndTheLength() {
    assertUnavailable(
        Map.of("GITCONF_MASTER_KEY", Base64.getEncoder().encodeToString(new byte[16])),
        "GITCONF_MASTER_KEY: decodes to 16 bytes, expected 32 (" + KEY_FORM + ")");
    assertUnavailable(
        Map.of("GITCONF_MASTER_KEY_K2", Base64.getEncoder().encodeToString(new byte[33])),
        "GITCONF_MASTER_KEY_K2: decodes to 33 bytes, expected 32 (" + KEY_FORM + ")");
  }

  @Test
  void badKeyIdIsRejectedWithoutEchoingIt() {
    String expected =
        "GITCONF_MASTER_KEY_ID: not a valid key id (lower-case letters, digits, '_' or '-',"
            + " starting with a letter or digit, at most 32 characters, and not 'id')";
    assertUnavailable(Map.of("GITCONF_MASTER_KEY_ID", MASTER), expected);
    assertUnavailable(Map.of("GITCONF_MASTER_KEY_ID", "K2"), expected);
    assertUnavailable(Map.of("GITCONF_MASTER_KEY_ID", "id"), expected);
  }

  @Test
  void badVariableNamesAreRejected() {
    assertUnavailable(
        Map.of("GITCONF_MASTER_KEY_k2", MASTER),
        "GITCONF_MASTER_KEY_k2: not a key variable name (GITCONF_MASTER_KEY_<KID>: the key id in"
            + " upper case, '-' written as '_', e.g. GITCONF_MASTER_KEY_K2)");
    assertUnavailable(
        Map.of("GITCONF_KEY_prod", PROD_KEY),
        "GITCONF_KEY_prod: not a key variable name (GITCONF_KEY_<SCOPE>: the scope in upper case,"
            + " '-' written as '_', e.g. GITCONF_KEY_PROD)");
  }

  @Test
  void everyMalformedVariableIsReportedAtOnce() {
    assertUnavailable(
        Map.of(
            "GITCONF_MASTER_KEY",
            "%%%",
            "GITCONF_KEY_DEV",
            Base64.getEncoder().encodeToString(new byte[8])),
        "GITCONF_KEY_DEV: decodes to 8 bytes, expected 32 ("
            + KEY_FORM
            + "); GITCONF_MASTER_KEY: not valid base64 ("
            + KEY_FORM
            + ")");
  }

  @Test
  void twoDifferentKeysForTheCurrentKeyIdConflict() {
    assertUnavailable(
        Map.of(
            "GITCONF_MASTER_KEY", MASTER,
            "GITCONF_MASTER_KEY_ID", "k2",
            "GITCONF_MASTER_KEY_K2", OTHER_MASTER),
        "GITCONF_MASTER_KEY and GITCONF_MASTER_KEY_K2 both give key id k2 but hold different"
            + " keys; unset one of them");
    EncryptionKeys same =
        EncryptionKeys.from(Map.of("GITCONF_MASTER_KEY", MASTER, "GITCONF_MASTER_KEY_K1", MASTER));
    assertThat(same.deriveScopedKey("prod")).isEqualTo(PROD_KEY);
  }

  @Test
  void scopedKeyMustMatchTheMasterKey() {
    assertUnavailable(
        Map.of("GITCONF_MASTER_KEY", MASTER, "GITCONF_KEY_PROD", DEV_KEY),
        "GITCONF_KEY_PROD is not the key the master key of key id k1 derives for scope prod;"
            + " unset one of them");
    EncryptionKeys both =
        EncryptionKeys.from(Map.of("GITCONF_MASTER_KEY", MASTER, "GITCONF_KEY_PROD", PROD_KEY));
    assertThat(both.hasKeyFor("dev")).isTrue();
  }

  @Test
  void aBadScopeArgumentIsABadRequest() {
    assertThatThrownBy(() -> TestKeys.master().deriveScopedKey("Prod"))
        .isInstanceOf(GitconfException.BadRequest.class)
        .hasMessage(
            "'Prod' is not a scope: use base or an environment name (a lower-case letter, then"
                + " lower-case letters, digits or '-', at most 32 characters)");
  }

  @Test
  void toStringNamesVariablesOnly() {
    EncryptionKeys keys =
        EncryptionKeys.from(
            Map.of(
                "GITCONF_MASTER_KEY", MASTER,
                "GITCONF_MASTER_KEY_K0", OTHER_MASTER,
                "GITCONF_KEY_PROD", PROD_KEY));

    assertThat(keys)
        .hasToString(
            "EncryptionKeys[current key id k1, GITCONF_MASTER_KEY, GITCONF_MASTER_KEY_K0,"
                + " GITCONF_KEY_PROD]");
    assertThat(EncryptionKeys.none()).hasToString("EncryptionKeys[current key id k1, no keys]");
  }

  @Test
  void fromEnvironmentReadsTheProcessEnvironment() {
    assertThat(EncryptionKeys.fromEnvironment().toString())
        .isEqualTo(EncryptionKeys.from(System.getenv()).toString());
  }

  private static void assertUnavailable(Map<String, String> env, String message) {
    assertThatThrownBy(() -> EncryptionKeys.from(env))
        .isInstanceOf(GitconfException.Unavailable.class)
        .hasMessage(message)
        .hasNoCause()
        .message()
        .doesNotContain(MASTER)
        .doesNotContain(OTHER_MASTER)
        .doesNotContain(PROD_KEY)
        .doesNotContain(DEV_KEY)
        .doesNotContain(TestKeys.PLAINTEXT);
  }
}
