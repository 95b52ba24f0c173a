package io.gitconf.core.crypto;

import com.fasterxml.jackson.annotation.JsonValue;
import io.gitconf.core.SecretMask;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;

/**
 * A plaintext secret in memory. It shows itself as {@code ****} everywhere it could be printed:
 * {@link #toString()}, string concatenation, {@code String.valueOf}, and Jackson serialisation. The
 * plaintext comes out only through an explicit {@link #reveal()}.
 *
 * <p>Immutable and thread-safe. {@link #equals} compares in constant time (for equal lengths);
 * {@link #hashCode} depends on the length only, so it says nothing about the content. Not {@code
 * Serializable}, on purpose.
 */
public final class Secret {
  private final byte[] utf8;

  private Secret(byte[] utf8) {
    this.utf8 = utf8;
  }

  /** A secret holding {@code plaintext}. */
  public static Secret of(String plaintext) {
    Objects.requireNonNull(plaintext, "plaintext");
    return new Secret(plaintext.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * A secret holding the characters of {@code plaintext}, e.g. from a password prompt; the caller
   * may wipe its array afterwards.
   */
  public static Secret of(char[] plaintext) {
    Objects.requireNonNull(plaintext, "plaintext");
    ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(plaintext));
    byte[] bytes = new byte[encoded.remaining()];
    encoded.get(bytes);
    if (encoded.hasArray()) {
      Arrays.fill(encoded.array(), (byte) 0);
    }
    return new Secret(bytes);
  }

  /** Takes ownership of {@code utf8} (decrypted bytes). */
  static Secret ofOwnedBytes(byte[] utf8) {
    return new Secret(utf8);
  }

  /** A copy of the UTF-8 bytes, for the cipher; the caller wipes it after use. */
  byte[] bytes() {
    return utf8.clone();
  }

  /** Length of the plaintext in UTF-8 bytes. */
  int byteLength() {
    return utf8.length;
  }

  /** The plaintext. Call it only where the value is really used (e.g. to authenticate). */
  public String reveal() {
    return new String(utf8, StandardCharsets.UTF_8);
  }

  /** What Jackson writes for a secret: always {@code "****"}. */
  @JsonValue
  public String masked() {
    return SecretMask.MASK;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Secret that && MessageDigest.isEqual(utf8, that.utf8);
  }

  @Override
  public int hashCode() {
    return Integer.hashCode(utf8.length);
  }

  /** Always {@code ****}. */
  @Override
  public String toString() {
    return SecretMask.MASK;
  }
}
