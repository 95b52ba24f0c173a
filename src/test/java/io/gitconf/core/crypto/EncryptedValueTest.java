package io.gitconf.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gitconf.core.GitconfException;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class EncryptedValueTest {
  /** 47 bytes (12 nonce, 19 ciphertext, 16 tag): its last base64 group has 2 unused bits. */
  private static final String PAYLOAD =
      "oKGio6SlpqeoqaqreEky7l3K3Zvmd0zmsmCOYnyrVDZzSMeSYqXtFRg7EDctFHc=";

  private static final String VALUE = "ENC[v1,prod,k1," + PAYLOAD + "]";

  @Test
  void parsesTheFourParts() {
    EncryptedValue value = EncryptedValue.parse(VALUE);

    assertThat(value.scope()).isEqualTo("prod");
    assertThat(value.keyId()).isEqualTo("k1");
    assertThat(value.payload()).isEqualTo(PAYLOAD);
    assertThat(value.payloadBytes()).hasSize(47);
  }

  @Test
  void formatGivesBackTheParsedText() {
    assertThat(EncryptedValue.parse(VALUE).format()).isEqualTo(VALUE);
    assertThat(EncryptedValue.parse(VALUE)).hasToString(VALUE);
    assertThat(EncryptedValue.parse("ENC[v1,prod-eu,2026-11," + PAYLOAD + "]").keyId())
        .isEqualTo("2026-11");
  }

  @Test
  void isEncryptedOnlyForWellFormedValues() {
    assertThat(EncryptedValue.isEncrypted(VALUE)).isTrue();
    assertThat(EncryptedValue.isEncrypted("ENC[v1,prod,k1,AAAA]")).isFalse();
    assertThat(EncryptedValue.isEncrypted("plain")).isFalse();
    assertThat(EncryptedValue.isEncrypted(null)).isFalse();
  }

  @Test
  void rejectsTextThatIsNotEnc() {
    assertMalformed(
        "hunter2", "must start with 'ENC[' (the form is ENC[v1,<scope>,<kid>,<base64>])");
    assertMalformed(
        "ENC[v1,prod,k1," + PAYLOAD,
        "must end with ']' (the form is ENC[v1,<scope>,<kid>,<base64>])");
    assertMalformed(
        "enc[v1,prod,k1," + PAYLOAD + "]",
        "must start with 'ENC[' (the form is ENC[v1,<scope>,<kid>,<base64>])");
  }

  @Test
  void rejectsTheWrongNumberOfParts() {
    assertMalformed(
        "ENC[]",
        "expected 4 comma-separated parts inside ENC[...], found 1 (the form is"
            + " ENC[v1,<scope>,<kid>,<base64>])");
    assertMalformed(
        "ENC[v1,prod,k1]",
        "expected 4 comma-separated parts inside ENC[...], found 3 (the form is"
            + " ENC[v1,<scope>,<kid>,<base64>])");
    assertMalformed(
        "ENC[v1,prod,k1," + PAYLOAD + ",x]",
        "expected 4 comma-separated parts inside ENC[...], found 5 (the form is"
            + " ENC[v1,<scope>,<kid>,<base64>])");
  }

  @Test
  void rejectsAnUnknownVersion() {
    assertMalformed(
        "ENC[v2,prod,k1," + PAYLOAD + "]", "unsupported version in part 1 (this gitconf reads v1)");
  }

  @Test
  void rejectsABadScope() {
    String expected =
        "the scope (part 2) must be base or an environment name: a lower-case letter, then"
            + " lower-case letters, digits or '-', at most 32 characters";
    assertMalformed("ENC[v1,Prod,k1," + PAYLOAD + "]", expected);
    assertMalformed("ENC[v1,,k1," + PAYLOAD + "]", expected);
    assertMalformed("ENC[v1,prod|x,k1," + PAYLOAD + "]", expected);
    assertMalformed("ENC[v1," + "p".repeat(33) + ",k1," + PAYLOAD + "]", expected);
  }

  @Test
  void rejectsABadKeyId() {
    String expected =
        "the key id (part 3) must be lower-case letters, digits, '_' or '-', starting with a"
            + " letter or digit, at most 32 characters, and not 'id'";
    assertMalformed("ENC[v1,prod,K1," + PAYLOAD + "]", expected);
    assertMalformed("ENC[v1,prod,-k1," + PAYLOAD + "]", expected);
    assertMalformed("ENC[v1,prod,id," + PAYLOAD + "]", expected);
    assertMalformed("ENC[v1,prod,," + PAYLOAD + "]", expected);
  }

  @Test
  void rejectsAPayloadThatIsNotCanonicalBase64() {
    assertMalformed("ENC[v1,prod,k1,]", "the payload (part 4) is empty");
    assertMalformed(
        "ENC[v1,prod,k1," + PAYLOAD.substring(0, 10) + " " + PAYLOAD.substring(11) + "]",
        "the payload (part 4) is not base64: character 11 is not in the base64 alphabet");
    assertMalformed(
        "ENC[v1,prod,k1," + PAYLOAD.substring(0, 44) + "-" + PAYLOAD.substring(45) + "]",
        "the payload (part 4) is not base64: character 45 is not in the base64 alphabet");
    assertMalformed(
        "ENC[v1,prod,k1,AA=A" + PAYLOAD.substring(4) + "]",
        "the payload (part 4) is not base64: character 3 is not in the base64 alphabet");
    assertMalformed(
        "ENC[v1,prod,k1," + PAYLOAD.substring(0, 63) + "]",
        "the payload (part 4) is not base64: its length (63 characters) is not a multiple of 4");
    assertMalformed(
        "ENC[v1,prod,k1," + PAYLOAD.replace("Hc=", "Hd=") + "]",
        "the payload (part 4) is not canonical base64 (its last character or padding was"
            + " altered)");
  }

  @Test
  void rejectsAPayloadOfTheWrongSize() {
    assertMalformed(
        "ENC[v1,prod,k1,AAAA]",
        "the payload (part 4) is 3 bytes, shorter than a nonce and tag (28 bytes)");
    String huge = Base64.getEncoder().encodeToString(new byte[64 * 1024 + 1]);
    assertMalformed(
        "ENC[v1,prod,k1," + huge + "]",
        "the payload (part 4) is 65537 bytes, more than the limit of 65536");
  }

  @Test
  void errorsNeverRepeatThePayload() {
    for (String text :
        new String[] {
          "ENC[v1,prod,k1,hunter2secretvalue]", "ENC[v1,prod,k1,hunter2 secret]",
          "ENC[v1,prod,k1,aHVudGVyMg==]", "ENC[hunter2secretvalue]"
        }) {
      assertThatThrownBy(() -> EncryptedValue.parse(text))
          .isInstanceOf(GitconfException.WrongType.class)
          .message()
          .doesNotContain("hunter2")
          .doesNotContain("aHVudGVyMg");
    }
  }

  private static void assertMalformed(String text, String reason) {
    assertThatThrownBy(() -> EncryptedValue.parse(text))
        .isInstanceOf(GitconfException.WrongType.class)
        .hasMessage("malformed encrypted value: " + reason)
        .hasNoCause();
    assertThat(EncryptedValue.isEncrypted(text)).isFalse();
  }
}
