package io.gitconf.core.crypto;

import io.gitconf.core.ConfigPath;
import io.gitconf.core.GitconfException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * An encrypted secret as it is written in YAML: {@code ENC[v1,<scope>,<kid>,<base64>]}, where the
 * base64 is of {@code nonce (12 bytes) | ciphertext | GCM tag (16 bytes)}.
 *
 * <p>Parsing is strict: exactly four parts, version {@code v1}, a valid scope and key id, and
 * canonical base64 (standard alphabet, padded, no whitespace), so that every change to the text
 * either is rejected here or changes the bytes the cipher authenticates. Errors say which part is
 * wrong and never repeat the parts themselves: someone may have pasted plaintext there.
 *
 * <p>An immutable value, thread-safe.
 *
 * @param scope {@code base} or an environment name: the key and associated data it was encrypted
 *     with
 * @param keyId the id of the key it was encrypted with, e.g. {@code k1}
 * @param payload canonical base64 of nonce, ciphertext and tag
 */
public record EncryptedValue(String scope, String keyId, String payload) {
  static final String VERSION = "v1";
  static final int NONCE_BYTES = 12;
  static final int TAG_BYTES = 16;
  static final int MAX_PAYLOAD_BYTES = 64 * 1024;

  /** {@code base} or an environment name, as {@code gitconf.yaml} allows them. */
  static final Pattern SCOPE = Pattern.compile("^[a-z][a-z0-9-]{0,31}$");

  /** Key ids; {@code id} is excluded separately (it would clash with GITCONF_MASTER_KEY_ID). */
  static final Pattern KEY_ID = Pattern.compile("^[a-z0-9][a-z0-9_-]{0,31}$");

  private static final String PREFIX = "ENC[";
  private static final String FORM = "(the form is ENC[v1,<scope>,<kid>,<base64>])";
  private static final String MALFORMED = "malformed encrypted value: ";

  /** Checks every part; {@link GitconfException.WrongType} saying which part is wrong. */
  public EncryptedValue {
    if (scope == null || !isScope(scope)) {
      throw malformed(
          "the scope (part 2) must be base or an environment name: a lower-case letter, then"
              + " lower-case letters, digits or '-', at most 32 characters");
    }
    if (keyId == null || !isKeyId(keyId)) {
      throw malformed(
          "the key id (part 3) must be lower-case letters, digits, '_' or '-', starting with a"
              + " letter or digit, at most 32 characters, and not 'id'");
    }
    checkPayload(payload);
  }

  /**
   * Parses {@code ENC[v1,<scope>,<kid>,<base64>]}; {@link GitconfException.WrongType} with a
   * message starting {@code malformed encrypted value:} when the text is anything else.
   */
  public static EncryptedValue parse(String text) {
    if (text == null || !text.startsWith(PREFIX)) {
      throw malformed("must start with 'ENC[' " + FORM);
    }
    if (!text.endsWith("]")) {
      throw malformed("must end with ']' " + FORM);
    }
    String[] parts = text.substring(PREFIX.length(), text.length() - 1).split(",", -1);
    if (parts.length != 4) {
      throw malformed(
          "expected 4 comma-separated parts inside ENC[...], found " + parts.length + " " + FORM);
    }
    if (!VERSION.equals(parts[0])) {
      throw malformed("unsupported version in part 1 (this gitconf reads v1)");
    }
    return new EncryptedValue(parts[1], parts[2], parts[3]);
  }

  /** True when {@code text} is a well-formed encrypted value (what {@link #parse} accepts). */
  public static boolean isEncrypted(String text) {
    try {
      parse(text);
      return true;
    } catch (GitconfException.WrongType e) {
      return false;
    }
  }

  /**
   * True when {@code text} is meant to be an encrypted value (starts with {@code ENC[}),
   * well-formed or not: such text is checked as ciphertext and never reported as plaintext.
   */
  static boolean looksEncrypted(String text) {
    return text != null && text.startsWith(PREFIX);
  }

  static boolean isScope(String scope) {
    return SCOPE.matcher(scope).matches();
  }

  static boolean isKeyId(String keyId) {
    return KEY_ID.matcher(keyId).matches() && !keyId.equals("id");
  }

  static EncryptedValue of(String scope, String keyId, byte[] payload) {
    return new EncryptedValue(scope, keyId, Base64.getEncoder().encodeToString(payload));
  }

  /** The decoded payload: nonce, ciphertext and tag. A fresh copy. */
  byte[] payloadBytes() {
    return Base64.getDecoder().decode(payload);
  }

  /**
   * The associated data the cipher authenticates: {@code v1|<scope>|<kid>|<path>}. Scope and key id
   * cannot contain {@code |}, so two different (scope, kid, path) never give the same bytes.
   */
  static byte[] associatedData(String scope, String keyId, ConfigPath path) {
    return String.join("|", VERSION, scope, keyId, path.toString())
        .getBytes(StandardCharsets.UTF_8);
  }

  /** The YAML string: {@code ENC[v1,<scope>,<kid>,<base64>]}. */
  public String format() {
    return PREFIX + VERSION + "," + scope + "," + keyId + "," + payload + "]";
  }

  /** Same as {@link #format()}: ciphertext is safe to show. */
  @Override
  public String toString() {
    return format();
  }

  private static void checkPayload(String payload) {
    if (payload == null || payload.isEmpty()) {
      throw malformed("the payload (part 4) is empty");
    }
    int length = payload.length();
    for (int i = 0; i < length; i++) {
      char c = payload.charAt(i);
      boolean padding =
          c == '=' && i >= length - 2 && (i == length - 1 || payload.charAt(i + 1) == '=');
      if (!isBase64Letter(c) && !padding) {
        throw malformed(
            "the payload (part 4) is not base64: character "
                + (i + 1)
                + " is not in the base64 alphabet");
      }
    }
    if (length % 4 != 0) {
      throw malformed(
          "the payload (part 4) is not base64: its length ("
              + length
              + " characters) is not a multiple of 4");
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(payload);
    } catch (IllegalArgumentException e) {
      throw malformed("the payload (part 4) is not base64");
    }
    if (!Base64.getEncoder().encodeToString(bytes).equals(payload)) {
      // Java's decoder ignores the unused low bits of the last character; we do not.
      throw malformed(
          "the payload (part 4) is not canonical base64 (its last character or padding was"
              + " altered)");
    }
    if (bytes.length < NONCE_BYTES + TAG_BYTES) {
      throw malformed(
          "the payload (part 4) is "
              + bytes.length
              + " bytes, shorter than a nonce and tag ("
              + (NONCE_BYTES + TAG_BYTES)
              + " bytes)");
    }
    if (bytes.length > MAX_PAYLOAD_BYTES) {
      throw malformed(
          "the payload (part 4) is "
              + bytes.length
              + " bytes, more than the limit of "
              + MAX_PAYLOAD_BYTES);
    }
  }

  private static boolean isBase64Letter(char c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '+'
        || c == '/';
  }

  private static GitconfException.WrongType malformed(String reason) {
    return new GitconfException.WrongType(MALFORMED + reason);
  }
}
