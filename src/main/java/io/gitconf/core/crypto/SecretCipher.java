package io.gitconf.core.crypto;

import io.gitconf.core.ConfigPath;
import io.gitconf.core.GitconfException;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts and decrypts secrets with AES-256-GCM (the JDK's), in the {@link EncryptedValue} format.
 * Each encryption draws a fresh 96-bit nonce from {@link SecureRandom}; the 128-bit tag also
 * authenticates {@code v1|<scope>|<kid>|<path>}, so a value copied to another path, scope or key id
 * does not decrypt.
 *
 * <p>Failures never show plaintext or the cipher's own exception: a value that does not
 * authenticate gives {@link GitconfException.Decryption} naming path, scope and key id; a key that
 * is not held gives {@link GitconfException.Unavailable} naming the variable that would provide it.
 *
 * <p>Immutable and thread-safe: a JCE {@link Cipher} is created per call.
 */
public final class SecretCipher {
  private static final String TRANSFORMATION = "AES/GCM/NoPadding";
  private static final int TAG_BITS = EncryptedValue.TAG_BYTES * 8;
  private static final int MAX_PLAINTEXT_BYTES =
      EncryptedValue.MAX_PAYLOAD_BYTES - EncryptedValue.NONCE_BYTES - EncryptedValue.TAG_BYTES;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final EncryptionKeys keys;

  private SecretCipher(EncryptionKeys keys) {
    this.keys = Objects.requireNonNull(keys, "keys");
  }

  /** A cipher using {@code keys}. */
  public static SecretCipher of(EncryptionKeys keys) {
    return new SecretCipher(keys);
  }

  /**
   * Encrypts a secret for the value at {@code path} in a file of {@code scope}, under the current
   * key id; returns {@code ENC[v1,<scope>,<kid>,<base64>]}.
   */
  public String encrypt(String scope, ConfigPath path, Secret plaintext) {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(plaintext, "plaintext");
    EncryptionKeys.requireScope(scope);
    if (plaintext.byteLength() > MAX_PLAINTEXT_BYTES) {
      throw new GitconfException.BadRequest(
          path
              + ": the secret is "
              + plaintext.byteLength()
              + " bytes; at most "
              + MAX_PLAINTEXT_BYTES
              + " can be encrypted");
    }
    String keyId = keys.currentKeyId();
    byte[] key = key(path, scope, keyId);
    byte[] nonce = new byte[EncryptedValue.NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    byte[] plain = plaintext.bytes();
    try {
      Cipher cipher = init(Cipher.ENCRYPT_MODE, key, nonce);
      cipher.updateAAD(EncryptedValue.associatedData(scope, keyId, path));
      byte[] sealed = cipher.doFinal(plain);
      byte[] payload = new byte[nonce.length + sealed.length];
      System.arraycopy(nonce, 0, payload, 0, nonce.length);
      System.arraycopy(sealed, 0, payload, nonce.length, sealed.length);
      return EncryptedValue.of(scope, keyId, payload).format();
    } catch (GeneralSecurityException e) {
      throw unavailableCipher(e);
    } finally {
      Arrays.fill(key, (byte) 0);
      Arrays.fill(plain, (byte) 0);
    }
  }

  /**
   * Decrypts the value at {@code path}, which belongs to {@code scope} (the scope of the file it is
   * written in). {@link GitconfException.Decryption} if it is malformed, encrypted for another
   * scope, or does not authenticate (wrong key, altered, moved from another path).
   */
  public Secret decrypt(ConfigPath path, String scope, String encValue) {
    Objects.requireNonNull(path, "path");
    EncryptionKeys.requireScope(scope);
    EncryptedValue value;
    try {
      value = EncryptedValue.parse(encValue);
    } catch (GitconfException.WrongType e) {
      throw new GitconfException.Decryption(path + ": cannot decrypt: " + e.getMessage());
    }
    String context = path + ": cannot decrypt (scope " + scope + ", key " + value.keyId() + "): ";
    if (!value.scope().equals(scope)) {
      throw new GitconfException.Decryption(
          context
              + "the value is encrypted for scope "
              + value.scope()
              + "; encrypt it for "
              + scope
              + " (gitconf secrets encrypt)");
    }
    byte[] key = key(path, scope, value.keyId());
    byte[] payload = value.payloadBytes();
    try {
      Cipher cipher =
          init(
              Cipher.DECRYPT_MODE, key, Arrays.copyOfRange(payload, 0, EncryptedValue.NONCE_BYTES));
      cipher.updateAAD(EncryptedValue.associatedData(scope, value.keyId(), path));
      return Secret.ofOwnedBytes(
          cipher.doFinal(
              payload, EncryptedValue.NONCE_BYTES, payload.length - EncryptedValue.NONCE_BYTES));
    } catch (AEADBadTagException e) {
      // Deliberately not chained: the cause adds nothing a reader can act on.
      throw new GitconfException.Decryption(
          context + "wrong key, or the value was altered or moved from another path");
    } catch (GeneralSecurityException e) {
      throw unavailableCipher(e);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  private byte[] key(ConfigPath path, String scope, String keyId) {
    try {
      return keys.key(scope, keyId);
    } catch (GitconfException.Unavailable e) {
      throw new GitconfException.Unavailable(path + ": " + e.getMessage());
    }
  }

  private static Cipher init(int mode, byte[] key, byte[] nonce) throws GeneralSecurityException {
    Cipher cipher = Cipher.getInstance(TRANSFORMATION);
    cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
    return cipher;
  }

  /** The JVM's cryptography is something gitconf depends on, like a key. */
  private static GitconfException.Unavailable unavailableCipher(GeneralSecurityException e) {
    return new GitconfException.Unavailable(
        "AES-256-GCM is not usable in this JVM: " + e.getClass().getSimpleName(), e);
  }
}
